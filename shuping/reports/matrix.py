"""问题对照表 — the problem matrix (REP-4, Art. 5: 把自己摆进去) and 点评稿 drafts by portfolio.

For one assessee it lists the problems the report admits beside those from every other source, and flags
each outside problem the report leaves out. Sources are a registry, because most of them belong to apps
built later:

    from shuping.reports.matrix import register_source, Problem
    @register_source("field", "实地考核")
    def field_problems(assessment) -> list[Problem]: ...

Registered here now: the report itself (`report`) and inspection findings (`inspection`, CMP-5). The
field assessment (`field`), last year's commentary (`commentary`) and ballot opinions (`ballot`) register
from their apps when they exist; the matrix shows a source column only for registered sources.

Commenters and portfolios (分工) are a meetings concept not built yet: `draft_commentaries` takes a
portfolio → keywords mapping as input. The meetings app will call it with the meeting's commenters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

REPORT = "report"
INSPECTION = "inspection"

#: Two problems are "the same" when this share of the shorter one's character bigrams is shared.
MATCH_THRESHOLD = 0.35


@dataclass(frozen=True)
class Problem:
    source: str
    text: str
    detail: str = ""


@dataclass(frozen=True)
class Source:
    name: str
    label: str
    provider: Callable[[Any], list[Problem]]


_SOURCES: dict[str, Source] = {}


def register_source(
    name: str, label: str
) -> Callable[[Callable[[Any], list[Problem]]], Callable[[Any], list[Problem]]]:
    """Register `func(assessment) -> [Problem]` as the source `name` of the matrix."""

    def decorator(func: Callable[[Any], list[Problem]]) -> Callable[[Any], list[Problem]]:
        _SOURCES[name] = Source(name, label, func)
        return func

    return decorator


def unregister_source(name: str) -> None:
    _SOURCES.pop(name, None)


def sources() -> list[Source]:
    return list(_SOURCES.values())


# --- pure matching -------------------------------------------------------------------------------------

_NOISE = re.compile(r"[\s，。、；：！？“”‘’（）《》,.;:!?()]+|[一二三四五六七八九十]是")


def _bigrams(text: str) -> set[str]:
    s = _NOISE.sub("", text or "")
    return {s[i : i + 2] for i in range(len(s) - 1)}


def resemblance(a: str, b: str) -> float:
    """Share of the shorter text's character bigrams found in the other (0 … 1)."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / min(len(x), len(y))


@dataclass
class Row:
    """One outside problem and the report problem that admits it, if any."""

    problem: Problem
    source_label: str
    admitted_by: str = ""
    score: float = 0.0

    @property
    def is_left_out(self) -> bool:
        return not self.admitted_by


@dataclass
class ProblemMatrix:
    report_problems: list[Problem]
    rows: list[Row]
    source_labels: dict[str, str] = field(default_factory=dict)

    @property
    def left_out(self) -> list[Row]:
        return [r for r in self.rows if r.is_left_out]


def compare(
    report_problems: Sequence[Problem], others: Sequence[Problem], labels: Mapping[str, str]
) -> ProblemMatrix:
    """Match every outside problem to the closest report problem; below the threshold it is left out."""
    rows = []
    for problem in others:
        best, score = "", 0.0
        for own in report_problems:
            s = resemblance(problem.text, own.text)
            if s > score:
                best, score = own.text, s
        rows.append(
            Row(
                problem,
                labels.get(problem.source, problem.source),
                best if score >= MATCH_THRESHOLD else "",
                round(score, 2),
            )
        )
    return ProblemMatrix(list(report_problems), rows, dict(labels))


def build(assessment) -> ProblemMatrix:
    """The matrix for one assessment from every registered source."""
    labels = {s.name: s.label for s in _SOURCES.values()}
    own: list[Problem] = []
    others: list[Problem] = []
    for source in _SOURCES.values():
        found = source.provider(assessment)
        (own if source.name == REPORT else others).extend(found)
    return compare(own, others, labels)


@dataclass(frozen=True)
class CommentaryDraft:
    commenter: str
    portfolio: str
    text: str
    problems: tuple[Problem, ...]


def draft_commentaries(
    matrix: ProblemMatrix,
    *,
    person_name: str,
    commenters: Sequence[tuple[str, str, Sequence[str]]],
) -> list[CommentaryDraft]:
    """A 点评稿 per commenter (Art. 5: 班子其他成员可结合工作分工进行点评，重点指出存在的问题和努力方向).

    `commenters` is [(name, portfolio, keywords)]: each commenter gets the problems whose text mentions one
    of their portfolio's keywords; the first commenter (the secretary who chairs, 逐一点评) gets every
    problem. Problems the report leaves out are marked so the commenter can press on them.
    """
    everything = [(p, True) for p in matrix.report_problems] + [
        (r.problem, not r.is_left_out) for r in matrix.rows
    ]
    drafts = []
    for position, (name, portfolio, keywords) in enumerate(commenters):
        picked = [
            (p, admitted)
            for p, admitted in everything
            if position == 0 or any(k and k in p.text for k in keywords)
        ]
        lines = [
            f"{name}同志点评{person_name}同志（{portfolio}）：",
            "一、肯定成绩：（根据述职报告和实地考核情况填写）",
            "二、指出问题：",
        ]
        if not picked:
            lines.append("（分管领域未查摆出问题，请结合平时了解补充。）")
        for number, (p, admitted) in enumerate(picked, start=1):
            label = matrix.source_labels.get(p.source, p.source)
            note = "" if admitted else "，述职报告未涉及，请重点指出"
            lines.append(f"{number}. {p.text}（来源：{label}{note}）")
        lines.append("三、努力方向：针对上述问题，建议……（请结合分管工作提出）")
        drafts.append(CommentaryDraft(name, portfolio, "\n".join(lines), tuple(p for p, _a in picked)))
    return drafts


def parse_portfolios(text: str) -> list[tuple[str, str, list[str]]]:
    """Commenters typed one a line: `姓名｜分工｜关键词，关键词` (the interim input until meetings exist)."""
    out = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in re.split(r"[|｜]", line)]
        if len(parts) < 2 or not parts[0]:
            continue
        keywords = [k for k in re.split(r"[,，、\s]+", parts[2] if len(parts) > 2 else "") if k]
        out.append((parts[0], parts[1], keywords))
    return out


# --- providers available now -------------------------------------------------------------------------


@register_source(REPORT, "述职报告自查")
def report_problems(assessment) -> list[Problem]:
    from .models import Report

    report = Report.objects.filter(assessment=assessment).first()
    if report is None:
        return []
    return [Problem(REPORT, text) for text in report.problem_texts]


@register_source(INSPECTION, "巡视巡察等反馈")
def inspection_problems(assessment) -> list[Problem]:
    return [Problem(INSPECTION, f.description, f.get_source_display()) for f in assessment.findings.all()]

"""Quality checks for the organizer (REP-2, Art. 5) — pure rules, no Django import.

Art. 5 asks the secretary to 把自己摆进去 … 主要查摆突出问题、分析产生根源，提出破解工作瓶颈的措施. A report
fails that when its problems are stock phrases with nothing specific (“学习不够深入”“创新意识不强” with no
number, place or case), when causes or measures are missing, or when it runs past the campaign's length
limit. Near-copies (the fourth check) are found across reports by `similarity.py`; this module turns a
found match into a finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import similarity

#: Stock phrases of 查摆问题 that, without specifics, say nothing (the usual 套话).
STOCK_PHRASES: tuple[str, ...] = (
    "不够深入",
    "不够到位",
    "不够扎实",
    "不够有力",
    "不够严格",
    "不够紧密",
    "不够全面",
    "不够及时",
    "不够系统",
    "不够",
    "意识不强",
    "创新意识",
    "能力不足",
    "能力不强",
    "有待提高",
    "有待加强",
    "有待提升",
    "有差距",
    "存在差距",
    "还有差距",
    "力度不够",
    "抓得不实",
    "不平衡",
    "方法不多",
    "办法不多",
    "重业务轻党建",
    "重发展轻党建",
    "存在薄弱环节",
    "仍有短板",
    "较为薄弱",
)

_MEASURE = "个名次项人件村户家起处条所支篇场批份户元万%％天月年周"
_SPECIFIC = re.compile(
    r"\d"
    r"|[一二三四五六七八九十百千两半]+[" + _MEASURE + r"]"
    r"|[\u4e00-\u9fff]{2,}(?:村|社区|镇|乡|街道|支部|党委|党组|公司|学校|医院|局|办|委)"
    r"|[“「《][^”」》]{2,}[”」》]"
    r"|例如|比如|其中|如某|有的|个别|部分"
)
#: A problem shorter than this, with nothing specific, is generic however it is phrased.
MIN_SPECIFIC_LENGTH = 20
DEFAULT_MAX_CHARS = 6000


@dataclass(frozen=True)
class Finding:
    """One quality finding: a code, a Chinese message and (for problem items) the item's position."""

    code: str
    message: str
    item: int | None = None


@dataclass(frozen=True)
class ReportText:
    """What the checks read: the report's sections as plain text."""

    problems: Sequence[str]
    achievements: str = ""
    causes: str = ""
    measures: str = ""
    carry_over_answers: Sequence[str] = field(default_factory=tuple)

    @property
    def length(self) -> int:
        parts = [self.achievements, self.causes, self.measures, *self.problems, *self.carry_over_answers]
        return sum(len(re.sub(r"\s+", "", p or "")) for p in parts)


def has_specifics(text: str) -> bool:
    """A number with a measure word, a named unit, a quoted case or an example marker."""
    return bool(_SPECIFIC.search(text or ""))


def stock_phrases_in(text: str) -> list[str]:
    found = [p for p in STOCK_PHRASES if p in (text or "")]
    # “不够深入” already implies “不够”: report the longest phrases only.
    return [p for p in found if not any(p != q and p in q for q in found)]


def is_generic_problem(text: str) -> bool:
    """Art. 5 查摆突出问题: a stock phrase, or a short line, with no number, place or case."""
    text = (text or "").strip()
    if not text:
        return True
    if has_specifics(text):
        return False
    return bool(stock_phrases_in(text)) or len(text) < MIN_SPECIFIC_LENGTH


def check(report: ReportText, *, max_chars: int = DEFAULT_MAX_CHARS) -> list[Finding]:
    """Every quality finding for one report, in reading order."""
    out: list[Finding] = []
    problems = [p for p in report.problems if (p or "").strip()]
    if not problems:
        out.append(Finding("no_problems", "未查摆突出问题（《办法》第五条：主要查摆突出问题）。"))
    for number, text in enumerate(report.problems, start=1):
        if not (text or "").strip():
            continue
        if is_generic_problem(text):
            phrases = stock_phrases_in(text)
            why = f"套话“{'”“'.join(phrases)}”" if phrases else "表述过于简略"
            out.append(
                Finding("generic_problem", f"问题{number}：{why}，没有数字、地点或具体事例。", item=number)
            )
    if not (report.causes or "").strip():
        out.append(Finding("no_causes", "缺少原因分析（《办法》第五条：分析产生根源）。"))
    if not (report.measures or "").strip():
        out.append(Finding("no_measures", "缺少破解措施（《办法》第五条：提出破解工作瓶颈的措施）。"))
    for number, answer in enumerate(report.carry_over_answers, start=1):
        if not (answer or "").strip():
            out.append(Finding("unanswered_carry_over", f"第 {number} 项上年度或巡视巡察反馈问题未作回应。"))
    if max_chars and report.length > max_chars:
        out.append(Finding("too_long", f"篇幅 {report.length} 字，超过本次考核规定的 {max_chars} 字。"))
    return out


def near_copy_finding(*, other_label: str, containment: float, is_own_earlier: bool) -> Finding | None:
    """A near-copy found by `similarity.find_near_copies`, as a finding graded by `similarity_label`:
    高度雷同 (copy_of_own / copy_of_peer), 部分相似 (partial_copy_of_own / partial_copy_of_peer), or None for
    ordinary overlap (少量重合: stock phrases every 述职报告 shares are no finding)."""
    label = similarity.similarity_label(containment)
    if label == similarity.LABEL_ORDINARY:
        return None
    percent = round(containment * 100)
    prefix = "" if label == similarity.LABEL_HIGH else "partial_"
    if is_own_earlier:
        return Finding(
            f"{prefix}copy_of_own", f"与本人往年报告“{other_label}”{label}（约 {percent}% 内容重合）。"
        )
    return Finding(f"{prefix}copy_of_peer", f"与“{other_label}”的报告{label}（约 {percent}% 内容重合）。")

"""Scores for two of the composite's sources (EVA-1) — pure rules, no Django import.

Art. 6 names the sources of the 综合评价 (述职评议, 实地考核, 平时调研了解); the SPEC adds report quality (REP-2)
and the problems pointed out in the 点评 (MTG-3). Neither source gives a score of its own, so each is turned
into one (0–100) by a **stated deduction rule**. Both are listed on the page "for reference only" unless the
organizer gives them a weight (`Campaign.settings["weights"]`, EVA-1); the rules are in docs/evaluations.md.

述职报告质量 (`report_score`): 100 minus a deduction per quality finding of `shuping.reports.quality`
(the same findings the organizer's 质量检查 page lists), never below 0:

    与他人 / 本人往年报告高度雷同 (copy_of_peer, copy_of_own) ... 20 each
    与他人 / 本人往年报告部分相似 (partial_copy_of_*) ............ 10 each
    未查摆突出问题 (no_problems) .............................. 15
    缺少原因分析 / 缺少破解措施 (no_causes, no_measures) ...... 10 each
    上年度或巡视巡察反馈问题未回应 (unanswered_carry_over) ..... 10 each item
    查摆问题是套话或过于简略 (generic_problem) .................. 5 each problem
    超过篇幅 (too_long) ......................................... 5
    any other finding ........................................... 5

点评指出问题 (`commentary_score`): 100 minus 5 per distinct problem pointed out in the **finalised**
commentaries (点评 as said at the meeting, entered 代录; drafts do not count), never below 0. A problem
pointed out by several commenters counts once (texts compared without whitespace and punctuation). The
meetings app stores no severity for a problem, so every problem weighs the same; its category (Art. 4
dimension) is named in the explanation only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

FULL_MARKS = 100

#: Report quality finding code → (points deducted per finding, what the line calls it).
REPORT_DEDUCTIONS: dict[str, tuple[int, str]] = {
    "copy_of_peer": (20, "与他人报告高度雷同"),
    "copy_of_own": (20, "与本人往年报告高度雷同"),
    "partial_copy_of_peer": (10, "与他人报告部分相似"),
    "partial_copy_of_own": (10, "与本人往年报告部分相似"),
    "no_problems": (15, "未查摆突出问题"),
    "no_causes": (10, "缺少原因分析"),
    "no_measures": (10, "缺少破解措施"),
    "unanswered_carry_over": (10, "上年度或巡视巡察反馈问题未回应"),
    "generic_problem": (5, "查摆问题是套话或过于简略"),
    "too_long": (5, "超过规定篇幅"),
}
#: A finding code the table does not know (a check added later in reports.quality).
OTHER_FINDING = (5, "其他质量问题")

#: Points deducted per distinct problem pointed out in the 点评.
COMMENTARY_DEDUCTION = 5


@dataclass(frozen=True)
class SourceScore:
    """A score 0–100, the Chinese lines that explain it, and what was counted: (label, count, points)."""

    score: Fraction
    lines: tuple[str, ...]
    counted: tuple[tuple[str, int, int], ...] = ()

    @property
    def deducted(self) -> int:
        return sum(points for _label, _count, points in self.counted)


def _bounded(deducted: int) -> Fraction:
    return Fraction(max(0, FULL_MARKS - deducted))


def report_score(findings: Sequence[tuple[str, str]]) -> SourceScore:
    """The 述职报告质量 score from the report's findings, each `(code, message)` (module docstring)."""
    order: list[str] = []
    counts: dict[str, int] = {}
    for code, _message in findings:
        key = code if code in REPORT_DEDUCTIONS else "__other__"
        if key not in counts:
            order.append(key)
            counts[key] = 0
        counts[key] += 1
    counted = []
    for key in sorted(order, key=lambda k: (-_deduction(k)[0], order.index(k))):
        each, label = _deduction(key)
        counted.append((label, counts[key], each * counts[key]))
    deducted = sum(points for _l, _c, points in counted)
    score = _bounded(deducted)
    if not counted:
        return SourceScore(score, ("述职报告质量检查未发现问题，得 100 分。",), ())
    parts = "；".join(
        f"{label} {count} 处，{'各' if count > 1 else ''}扣 {points // count} 分"
        + (f"，共 {points} 分" if count > 1 else "")
        for label, count, points in counted
    )
    floor = "，扣至 0 分为止" if FULL_MARKS - deducted < 0 else ""
    lines = [f"述职报告质量：{parts}；合计扣 {deducted} 分{floor}，得 {score} 分（满分 100 分）。"]
    lines.append("扣分依据：" + "".join(_sentence(message) for _code, message in findings))
    return SourceScore(score, tuple(lines), tuple(counted))


def _deduction(key: str) -> tuple[int, str]:
    return REPORT_DEDUCTIONS.get(key, OTHER_FINDING)


def _sentence(message: str) -> str:
    message = message.strip()
    return message if message.endswith(("。", "）", ")")) else message + "。"


@dataclass(frozen=True)
class PointedOut:
    """One problem as entered in a finalised 点评: its text, category label and who said it."""

    text: str
    category: str = ""
    commenter: str = ""


_NOISE = re.compile(r"[\s，。、；：,.;:!?！？“”\"'‘’（）()《》【】—-]+")


def problem_key(text: str) -> str:
    """The text a duplicate is recognised by: without whitespace and punctuation."""
    return _NOISE.sub("", text or "")


def distinct_problems(problems: Sequence[PointedOut]) -> list[tuple[PointedOut, list[str]]]:
    """Each distinct problem (first wording kept) with every commenter who pointed it out, in order."""
    out: dict[str, tuple[PointedOut, list[str]]] = {}
    for p in problems:
        key = problem_key(p.text)
        if not key:
            continue
        if key not in out:
            out[key] = (p, [])
        if p.commenter and p.commenter not in out[key][1]:
            out[key][1].append(p.commenter)
    return list(out.values())


def commentary_score(problems: Sequence[PointedOut], *, finalised: int) -> SourceScore | None:
    """The 点评指出问题 score from the problems of `finalised` finalised commentaries (module docstring);
    None when no commentary is finalised (the source is missing, not perfect)."""
    if finalised <= 0:
        return None
    found = distinct_problems(problems)
    n = len(found)
    deducted = COMMENTARY_DEDUCTION * n
    score = _bounded(deducted)
    if not n:
        return SourceScore(score, (f"点评 {finalised} 份已定稿，未指出问题，得 100 分。",), ())
    by_commenter: dict[str, int] = {}
    for _p, names in found:
        for name in names or ["（未署名）"]:
            by_commenter[name] = by_commenter.get(name, 0) + 1
    who = "、".join(f"{name} {count} 条" for name, count in by_commenter.items())
    repeated = sum(1 for _p, names in found if len(names) > 1)
    same = f"；其中 {repeated} 条由多位点评人指出，只计一次" if repeated else ""
    categories: dict[str, int] = {}
    for p, _names in found:
        label = p.category or "未分类"
        categories[label] = categories.get(label, 0) + 1
    kinds = "、".join(f"{label} {count} 条" for label, count in categories.items())
    floor = "，扣至 0 分为止" if FULL_MARKS - deducted < 0 else ""
    lines = (
        f"点评指出问题：{finalised} 份已定稿点评共指出问题 {n} 条（{who}{same}），"
        f"每条扣 {COMMENTARY_DEDUCTION} 分，合计扣 {deducted} 分{floor}，得 {score} 分（满分 100 分）。",
        f"按类别：{kinds}。",
    )
    return SourceScore(score, lines, (("点评指出问题", n, deducted),))

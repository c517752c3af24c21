"""The statutory quota per group and the calibration flags (EVA-2) — pure, no Django import.

Art. 6: 按“好、较好、一般、差”确定等次，评价为“较好”或以下等次的应占一定比例. The share (“一定比例”) is the
province's: per campaign, default 15 %. Some provinces also cap 好 (“好 ≤ y %”); optional here.

Stated rules (documented in docs/evaluations.md and on the calibration screen):
- **Who counts**: graded assessments only; report-only ones (只述职不定等次) are excluded.
- **Groups**: configurable per campaign (e.g. 乡镇 vs 机关); each group has its own count.
- **Rounding**: the minimum number of 较好-or-below is `total × x %` rounded **up** by default (`ceil`, so the
  quota is never under-met); `half_up` and `floor` can be chosen. The maximum number of 好 under a "好 ≤ y %"
  rule is rounded the other way (`floor` when the minimum rounds up), so both rules lean the same way.
- **Small groups pooled**: groups with fewer than `pool_below` graded assessees (default 5) are pooled into one
  group; if that pool is still smaller than `pool_below` and other groups exist, it joins the largest other group.
- **Too few to apply (不适用)**: when even the pool has fewer than `pool_below` graded assessees (nothing left to
  join), a share of it is no measure — 15 % of 1 rounded up would force the only graded secretary below 好. The
  rule is then shown as 不适用 with the reason; nothing must move, approval is not blocked, and the committee
  may still grade below 好 on the merits (Art. 6 asks for 一定比例 of a body of assessees, not of one or two).
- **How many must move**: moving one assessee from 好 to 较好 both adds a lower grade and removes a 好, so
  `must_move = max(lower shortfall, 好 excess)`.
- Assessees without a proposed grade count in the total but not as lower grades; the group says so.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .scoring import GRADES, TOP, fmt, grade_index

ROUNDINGS = ("ceil", "half_up", "floor")
_MIRROR = {"ceil": "floor", "floor": "ceil", "half_up": "half_up"}
POOLED_NAME = "合并组"


def round_count(value: Fraction, rounding: str) -> int:
    """A count from an exact share: ceil (default), half_up or floor."""
    if rounding == "ceil":
        return math.ceil(value)
    if rounding == "floor":
        return math.floor(value)
    if rounding == "half_up":
        return math.floor(value + Fraction(1, 2))
    raise ValueError(f"unknown rounding {rounding!r}")


def _percent(value: Fraction | int) -> str:
    text = fmt(value, 1)
    return (text[:-2] if text.endswith(".0") else text) + "%"


@dataclass(frozen=True)
class QuotaRule:
    """One campaign's quota settings."""

    lower_min_percent: Fraction | int = 15
    top_max_percent: Fraction | int | None = None
    rounding: str = "ceil"
    pool_below: int = 5

    def __post_init__(self) -> None:
        if self.rounding not in ROUNDINGS:
            raise ValueError(f"rounding must be one of {ROUNDINGS}")
        if not 0 <= Fraction(self.lower_min_percent) <= 100:
            raise ValueError("lower_min_percent lies between 0 and 100")
        if self.top_max_percent is not None and not 0 <= Fraction(self.top_max_percent) <= 100:
            raise ValueError("top_max_percent lies between 0 and 100")
        if self.pool_below < 0:
            raise ValueError("pool_below is non-negative")

    def describe(self) -> str:
        text = f"“较好”及以下等次不少于 {_percent(self.lower_min_percent)}"
        if self.top_max_percent is not None:
            text += f"，“好”不超过 {_percent(self.top_max_percent)}"
        names = {"ceil": "向上取整", "half_up": "四舍五入", "floor": "向下取整"}
        text += f"；人数按{names[self.rounding]}计算"
        if self.pool_below:
            text += (
                f"；不足 {self.pool_below} 人的组合并计算，合并后仍不足 {self.pool_below} 人的不适用比例要求"
            )
        return text + "（第六条：评价为“较好”或以下等次的应占一定比例）。"


@dataclass(frozen=True)
class Entry:
    """One assessee as the quota sees it."""

    key: Hashable
    group: str
    grade: str | None
    is_graded: bool = True


@dataclass(frozen=True)
class GroupResult:
    name: str
    members: tuple[Hashable, ...]
    counts: dict[str, int]
    total: int
    ungraded: int
    lower_required: int
    lower_actual: int
    top_allowed: int | None
    top_actual: int
    must_move: int
    is_broken: bool
    pooled_from: tuple[str, ...] = ()
    lines: tuple[str, ...] = field(default_factory=tuple)
    #: False when the group (after pooling) is too small for a share to mean anything (module docstring).
    is_applicable: bool = True
    not_applicable_reason: str = ""

    @property
    def lower_shortfall(self) -> int:
        return max(0, self.lower_required - self.lower_actual)

    @property
    def top_excess(self) -> int:
        return 0 if self.top_allowed is None else max(0, self.top_actual - self.top_allowed)


def _pool(groups: dict[str, list[Entry]], pool_below: int) -> list[tuple[str, list[Entry], tuple[str, ...]]]:
    """Pool the groups smaller than `pool_below` (module docstring)."""
    names = sorted(groups)
    small = [n for n in names if len(groups[n]) < pool_below]
    big = [n for n in names if n not in small]
    out: list[tuple[str, list[Entry], tuple[str, ...]]] = [(n, list(groups[n]), ()) for n in big]
    if not small:
        return out
    pooled = [e for n in small for e in groups[n]]
    if len(pooled) < pool_below and big:
        largest = max(big, key=lambda n: (len(groups[n]), n))
        return [
            (name, members + pooled, tuple(small)) if name == largest else (name, members, origin)
            for name, members, origin in out
        ]
    if len(small) == 1:
        return [*out, (small[0], pooled, ())]
    return [*out, (POOLED_NAME, pooled, tuple(small))]


def check_quota(entries: Sequence[Entry], rule: QuotaRule) -> list[GroupResult]:
    """Each group (after pooling) against the rule: counts, required, how many must move, broken or not."""
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        if not e.is_graded:
            continue  # report-only: 只述职不定等次
        if e.grade is not None:
            grade_index(e.grade)
        groups.setdefault(e.group, []).append(e)
    results = []
    for name, members, pooled_from in _pool(groups, rule.pool_below):
        counts = {g: 0 for g in GRADES}
        ungraded = 0
        for e in members:
            if e.grade is None:
                ungraded += 1
            else:
                counts[e.grade] += 1
        total = len(members)
        lower_required = round_count(total * Fraction(rule.lower_min_percent) / 100, rule.rounding)
        lower_actual = sum(n for g, n in counts.items() if g != TOP)
        top_actual = counts[TOP]
        top_allowed = (
            None
            if rule.top_max_percent is None
            else round_count(total * Fraction(rule.top_max_percent) / 100, _MIRROR[rule.rounding])
        )
        shortfall = max(0, lower_required - lower_actual)
        excess = 0 if top_allowed is None else max(0, top_actual - top_allowed)
        applicable = total >= rule.pool_below
        reason = ""
        if not applicable:
            reason = (
                f"定等仅 {total} 人（含合并计算），不足 {rule.pool_below} 人，按比例计算没有意义"
                f"（{total} 人 × {_percent(rule.lower_min_percent)} 也会要求至少 {lower_required} 人），"
                "比例要求不适用；党委（党组）仍可根据实际评定“较好”或以下等次。"
            )
            shortfall = excess = 0
        must_move = max(shortfall, excess)
        if applicable:
            lines = [
                f"{name}：定等 {total} 人，“较好”及以下应不少于 {lower_required} 人，现 {lower_actual} 人。"
            ]
        else:
            lines = [f"{name}：{reason}"]
        if pooled_from:
            lines.append("人数较少的组合并计算：" + "、".join(pooled_from) + "。")
        if top_allowed is not None and applicable:
            lines.append(f"“好”不超过 {top_allowed} 人，现 {top_actual} 人。")
        if ungraded:
            lines.append(f"{ungraded} 人尚未提出等次。")
        if must_move:
            lines.append(f"须调整 {must_move} 人的等次方符合比例要求。")
        results.append(
            GroupResult(
                name=name,
                members=tuple(e.key for e in members),
                counts=counts,
                total=total,
                ungraded=ungraded,
                lower_required=lower_required,
                lower_actual=lower_actual,
                top_allowed=top_allowed,
                top_actual=top_actual,
                must_move=must_move,
                is_broken=must_move > 0,
                pooled_from=pooled_from,
                lines=tuple(lines),
                is_applicable=applicable,
                not_applicable_reason=reason,
            )
        )
    return results


# --- calibration: where the sources disagree -----------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    key: Hashable
    ranks: dict[str, tuple[int, int]]  # component → (rank, out of)
    spread: Fraction
    line: str


def ranks(scores: Mapping[Hashable, Fraction | int | None]) -> dict[Hashable, int]:
    """Competition ranking (1 = best, ties share the better rank) of the assessees with a score."""
    values = sorted((Fraction(v) for v in scores.values() if v is not None), reverse=True)
    return {k: 1 + values.index(Fraction(v)) for k, v in scores.items() if v is not None}


def disagreements(
    table: Mapping[Hashable, Mapping[str, Fraction | int | None]],
    *,
    components: Sequence[str] = ("ballot", "field", "observations"),
    labels: Mapping[str, str] | None = None,
    min_spread_percent: Fraction | int = 50,
) -> list[Disagreement]:
    """Assessees whose relative standing differs between sources by more than `min_spread_percent` of the
    group's range (e.g. first in the ballot, last in the field): the committee should look before grading."""
    labels = labels or {}
    per_component = {c: ranks({k: row.get(c) for k, row in table.items()}) for c in components}
    sizes = {c: len(r) for c, r in per_component.items()}
    ties = {
        c: {rank: list(r.values()).count(rank) for rank in set(r.values())} for c, r in per_component.items()
    }
    out = []
    for key in table:
        standing: dict[str, tuple[int, int]] = {}
        positions: list[Fraction] = []
        for c in components:
            if key in per_component[c] and sizes[c] > 1:
                rank = per_component[c][key]
                standing[c] = (rank, sizes[c])
                # Ties take the middle of the places they share, so a tie never reads as first place.
                tied = ties[c][per_component[c][key]]
                positions.append(Fraction(2 * rank + tied - 3, 2 * (sizes[c] - 1)))
        if len(positions) < 2:
            continue
        spread = max(positions) - min(positions)
        if spread * 100 > Fraction(min_spread_percent):
            text = "，".join(
                f"{labels.get(c, c)}{'并列' if ties[c][r] > 1 else ''}第 {r}/{n} 名"
                for c, (r, n) in standing.items()
            )
            out.append(Disagreement(key, standing, spread, f"各来源排名差异较大：{text}。"))
    return out

"""The composite evaluation (EVA-1) — a pure aid to judgment, no Django import.

Art. 6: 上级党组织应依据述职评议和实地考核结果，并结合平时调研了解，对下一级党组织书记抓基层党建工作情况形成
综合评价意见 … 并按“好、较好、一般、差”确定等次. The regulation names the sources (评议, 实地考核, 平时了解)
and the four grades; it leaves weights, score bands and vetoes to the provinces' 实施细则, so every number here
is an argument (per campaign, copied from last year), never a constant the caller cannot change.

What the composite does, in order, each step explained in a Chinese line:
1. the weighted components (e.g. 评议 30 / 实地考核 40 / 平时了解 30) that have a score are combined; a component
   without a score has its weight **redistributed pro rata** over the others, and a line says so;
   components with a score but no weight are listed for reference only;
2. 加减分 points are added (optionally capped) and the result is kept within 0–100;
3. the score maps to a suggested grade through the score bands (≥ the band's floor);
4. declared rules may lower the suggestion: ballot thresholds (好票率 below x % rules out 好) and vetoes
   (e.g. a serious incident caps the grade at 一般). Each rule that fired is named.

It **assists**: the organizer proposes the grade (EVA-2) and the committee decides (Art. 6 经党委（党组）研究).
Numbers are exact `Fraction`s; only the explanation lines round (one decimal).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

#: Art. 6: 按“好、较好、一般、差”确定等次 — best first.
GRADES: tuple[str, ...] = ("好", "较好", "一般", "差")
TOP = GRADES[0]

#: The common components (keys of the weights); providers may register others.
COMPONENT_LABELS: dict[str, str] = {
    "report": "述职报告质量",
    "commentary": "点评指出问题",
    "ballot": "民主评议",
    "field": "实地考核",
    "observations": "平时了解",
}

#: Default score bands (a grade's lowest score); per campaign in practice.
DEFAULT_BANDS: tuple[tuple[str, int], ...] = (("好", 90), ("较好", 80), ("一般", 60))


def grade_index(grade: str) -> int:
    """0 for 好 … 3 for 差; raises ValueError for anything else."""
    return GRADES.index(grade)


def worse(a: str, b: str) -> str:
    """The lower of two grades."""
    return a if grade_index(a) >= grade_index(b) else b


def fmt(value: Fraction | int | float | None, digits: int = 1) -> str:
    """A number with `digits` decimals (half away from zero), or a dash."""
    if value is None:
        return "—"
    v = Fraction(value)
    scale = 10**digits
    scaled = abs(v) * scale
    rounded = int(scaled) + (1 if scaled - int(scaled) >= Fraction(1, 2) else 0)
    sign = "-" if v < 0 and rounded else ""
    if digits == 0:
        return f"{sign}{rounded}"
    return f"{sign}{rounded // scale}.{rounded % scale:0{digits}d}"


def signed(value: Fraction | int | float, digits: int = 1) -> str:
    """Points with their sign: +2.0, -1.5, 0.0."""
    v = Fraction(value)
    return ("+" if v > 0 else "") + fmt(v, digits)


def pct(value: Fraction | None) -> str:
    """A share (0–1) as a percentage with one decimal."""
    return "—" if value is None else f"{fmt(Fraction(value) * 100)}%"


@dataclass(frozen=True)
class Component:
    """One input: its key, Chinese label, score 0–100 (None when missing) and the provider's note."""

    name: str
    score: Fraction | int | None
    label: str = ""
    note: str = ""

    @property
    def title(self) -> str:
        return self.label or COMPONENT_LABELS.get(self.name, self.name)


@dataclass(frozen=True)
class Veto:
    """A declared veto: when `flag` is present, the grade is at most `cap` (e.g. 严重问题 → 一般)."""

    flag: str
    cap: str
    label: str


@dataclass(frozen=True)
class BallotThreshold:
    """A ballot threshold: when the rate (`measure`: top_rate 好票率 / top_two_rate 好+较好率) is below
    `min_percent`, grades as good as `rules_out` are ruled out (the suggestion drops below it)."""

    min_percent: Fraction | int
    rules_out: str = TOP
    measure: str = "top_rate"

    @property
    def measure_label(self) -> str:
        return "好票率" if self.measure == "top_rate" else "好和较好票率"


@dataclass(frozen=True)
class Rules:
    """The organizer's declared rules for one campaign (copied from last year)."""

    weights: Mapping[str, Fraction | int]
    bands: tuple[tuple[str, Fraction | int], ...] = DEFAULT_BANDS
    vetoes: tuple[Veto, ...] = ()
    ballot_thresholds: tuple[BallotThreshold, ...] = ()
    #: The most 加减分 may move the score either way (None: no cap).
    adjustment_cap: Fraction | int | None = None

    def __post_init__(self) -> None:
        if any(Fraction(w) < 0 for w in self.weights.values()):
            raise ValueError("weights are non-negative")
        floors = [Fraction(f) for _g, f in self.bands]
        if floors != sorted(floors, reverse=True) or [g for g, _f in self.bands] != list(
            GRADES[: len(self.bands)]
        ):
            raise ValueError("bands go from 好 downwards with falling floors")
        for veto in self.vetoes:
            grade_index(veto.cap)
        for threshold in self.ballot_thresholds:
            grade_index(threshold.rules_out)
            if threshold.rules_out == GRADES[-1]:
                raise ValueError("the lowest grade cannot be ruled out")


@dataclass(frozen=True)
class Facts:
    """What the rules look at besides the scores: flags raised by providers (e.g. "serious_incident"),
    the ballot's rates (0–1), and the 加减分 total in points."""

    flags: frozenset[str] = frozenset()
    top_rate: Fraction | None = None
    top_two_rate: Fraction | None = None
    adjustment_points: Fraction | int = 0


@dataclass(frozen=True)
class Composite:
    """The result: score (None when nothing could be combined), suggested grade, explanation lines,
    the rules that fired (codes), the effective weights used, and the components that were missing."""

    score: Fraction | None
    suggested_grade: str | None
    lines: tuple[str, ...]
    fired: tuple[str, ...] = ()
    effective_weights: dict[str, Fraction] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    band_grade: str | None = None


def band_of(score: Fraction, bands: Sequence[tuple[str, Fraction | int]]) -> str:
    """The grade whose floor the score reaches (≥); below every floor: the grade after the last band."""
    for grade, floor in bands:
        if score >= Fraction(floor):
            return grade
    return GRADES[len(bands)] if len(bands) < len(GRADES) else GRADES[-1]


def compose(components: Sequence[Component], facts: Facts, rules: Rules) -> Composite:
    """Combine the components under the rules (module docstring); every number gets a line."""
    lines: list[str] = []
    fired: list[str] = []
    by_name = {c.name: c for c in components}
    for c in components:
        if c.score is not None and not 0 <= Fraction(c.score) <= 100:
            raise ValueError(f"component {c.name} is outside 0–100")
    weighted = [(name, Fraction(w)) for name, w in rules.weights.items() if Fraction(w) > 0]
    total_weight = sum((w for _n, w in weighted), Fraction(0))
    present = [(n, w) for n, w in weighted if n in by_name and by_name[n].score is not None]
    missing = tuple(n for n, _w in weighted if not (n in by_name and by_name[n].score is not None))
    present_weight = sum((w for _n, w in present), Fraction(0))

    def title(name: str) -> str:
        return by_name[name].title if name in by_name else COMPONENT_LABELS.get(name, name)

    for c in components:
        if c.note:
            lines.append(f"{c.title}：{c.note}")
    for c in components:
        if c.score is not None and Fraction(rules.weights.get(c.name, 0)) <= 0:
            lines.append(f"{c.title} {fmt(c.score)} 分未设权重，单列参考，不计入综合得分。")

    if not present:
        lines.append(
            "各项计分要素均无得分，无法计算综合得分；请组织部门依据述职评议和实地考核情况直接研判（第六条）。"
        )
        return Composite(None, None, tuple(lines), tuple(fired), {}, missing, None)

    effective = {n: w / present_weight for n, w in present}
    if missing:
        fired.append("redistributed")
        moved = "，".join(f"{title(n)} {pct(w / total_weight)}→{pct(effective[n])}" for n, w in present)
        lost = "、".join(f"{title(n)}（权重 {pct(dict(weighted)[n] / total_weight)}）" for n in missing)
        lines.append(f"{lost}缺少得分，其权重按比例分配给其余各项：{moved}。")
    score = Fraction(0)
    for n, _w in present:
        value = Fraction(by_name[n].score)  # type: ignore[arg-type]
        part = value * effective[n]
        score += part
        lines.append(f"{title(n)} {fmt(value)} 分 × 权重 {pct(effective[n])} = {fmt(part, 2)} 分。")
    lines.append(f"加权得分 {fmt(score, 2)} 分。")

    points = Fraction(facts.adjustment_points)
    if points:
        if rules.adjustment_cap is not None and abs(points) > Fraction(rules.adjustment_cap):
            cap = Fraction(rules.adjustment_cap)
            lines.append(
                f"加减分合计 {fmt(points)} 分，超过上限 ±{fmt(cap)} 分，按 {fmt(cap if points > 0 else -cap)} 分计。"
            )
            points = cap if points > 0 else -cap
            fired.append("adjustment_cap")
        score += points
        lines.append(f"加减分 {'+' if points > 0 else ''}{fmt(points)} 分，得 {fmt(score, 2)} 分。")
    if score > 100 or score < 0:
        bounded = min(Fraction(100), max(Fraction(0), score))
        lines.append(f"得分超出 0–100 分，按 {fmt(bounded)} 分计。")
        score = bounded
    lines.append(f"综合得分 {fmt(score, 1)} 分。")

    band = band_of(score, rules.bands)
    band_text = "，".join(f"{g} ≥ {fmt(f, 0)}" for g, f in rules.bands)
    lines.append(f"按分数段（{band_text}），对应“{band}”。")
    grade = band

    for threshold in rules.ballot_thresholds:
        rate = facts.top_rate if threshold.measure == "top_rate" else facts.top_two_rate
        limit = Fraction(threshold.min_percent) / 100
        if rate is None:
            lines.append(
                f"无民主评议结果，{threshold.measure_label}门槛（{fmt(threshold.min_percent, 0)}%）未适用。"
            )
            continue
        if rate < limit and grade_index(grade) <= grade_index(threshold.rules_out):
            below = GRADES[grade_index(threshold.rules_out) + 1]
            lines.append(
                f"{threshold.measure_label} {pct(rate)} 低于 {fmt(threshold.min_percent, 0)}%，"
                f"不得评为“{threshold.rules_out}”，建议等次降为“{below}”。"
            )
            fired.append(f"ballot_threshold:{threshold.measure}:{threshold.rules_out}")
            grade = below
    for veto in rules.vetoes:
        if veto.flag in facts.flags:
            capped = worse(grade, veto.cap)
            change = f"，建议等次由“{grade}”降为“{capped}”" if capped != grade else ""
            lines.append(f"{veto.label}：等次最高为“{veto.cap}”{change}。")
            fired.append(f"veto:{veto.flag}")
            grade = capped
    lines.append(f"建议等次：“{grade}”。本结果仅供参考，等次由组织部门提出、党委（党组）研究确定（第六条）。")
    if grade != TOP:
        # Art. 7: 综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次.
        lines.append("如最终等次未达到“好”，年度考核不得评定为“优秀”（第七条）。")
    return Composite(score, grade, tuple(lines), tuple(fired), effective, missing, band)

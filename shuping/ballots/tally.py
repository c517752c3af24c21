"""Pure ballot tally (BAL-8): counts per grade, 好票率, 好+较好率, weighted score, category weights.

No Django import: the tally is a function of plain data, tested by tables and properties
(`tests/test_tally.py`). Numbers are exact `Fraction`s; rounding is the presentation's job.

Art. 5 of the regulation says only "组织参会人员进行评议"; scales, scores and weights are left to the
provinces' 实施细则, so every number here is an argument with the common default.

Counting rules (invalid-ballot rules):
- A ballot that rates no subject at all is a **blank ballot** (空白票): invalid (废票) as a whole, by default.
- A mark that is not a grade of the box's scale (paper: two boxes ticked, an illegible mark) is an
  **invalid mark** for that subject only; the ballot's other marks still count.
- A subject left unmarked on an otherwise valid ballot is an **abstention** (弃权) for that subject.
- Rates and scores are taken over the *valid* marks of a subject (abstentions and invalid marks excluded).

Category weights: with weights, the score is the weighted mean of each category's mean score over the
categories that cast a valid mark (各类别分别计算平均分后按权重加权). Without weights, it is the plain mean.
Merging boxes (sub-venues, 分会场) adds counts, so tallying each box and merging equals tallying the union.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

#: A mark that is not a grade: used for paper ballots whose mark cannot be read (BAL-4).
INVALID_MARK = "!"


@dataclass(frozen=True)
class Grade:
    """One step of a rating scale: stored key, label shown to voters, score for the weighted score."""

    key: str
    label: str
    score: Fraction | int


@dataclass(frozen=True)
class Scale:
    """A rating scale, best grade first. The first grade is "好", the first two "好+较好"."""

    grades: tuple[Grade, ...]

    def __post_init__(self) -> None:
        keys = [g.key for g in self.grades]
        if len(self.grades) < 2 or len(set(keys)) != len(keys) or INVALID_MARK in keys:
            raise ValueError("A scale needs at least two grades with distinct keys.")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(g.key for g in self.grades)

    def score_of(self, key: str) -> Fraction:
        for grade in self.grades:
            if grade.key == key:
                return Fraction(grade.score)
        raise KeyError(key)


#: 好 / 较好 / 一般 / 差 with the common scores 100 / 80 / 60 / 0.
DEFAULT_SCALE = Scale(
    (
        Grade("good", "好", 100),
        Grade("fairly_good", "较好", 80),
        Grade("average", "一般", 60),
        Grade("poor", "差", 0),
    )
)
#: 优秀 / 称职 / 基本称职 / 不称职, the cadre-assessment scale some provinces use.
COMPETENCE_SCALE = Scale(
    (
        Grade("excellent", "优秀", 100),
        Grade("competent", "称职", 80),
        Grade("basically_competent", "基本称职", 60),
        Grade("incompetent", "不称职", 0),
    )
)


@dataclass(frozen=True)
class BallotData:
    """One ballot as the tally sees it: its voter category and a grade key (or INVALID_MARK) per subject."""

    category: str
    ratings: Mapping[str, str]


@dataclass(frozen=True)
class Rules:
    """Invalid-ballot rules; the defaults are described in the module docstring."""

    blank_ballot_is_invalid: bool = True


@dataclass
class SubjectCounts:
    """Counts for one subject within one voter category (the unit that merges by addition)."""

    grades: dict[str, int] = field(default_factory=dict)
    abstentions: int = 0
    invalid_marks: int = 0

    def add(self, other: SubjectCounts) -> SubjectCounts:
        grades = dict(self.grades)
        for key, n in other.grades.items():
            grades[key] = grades.get(key, 0) + n
        return SubjectCounts(
            grades, self.abstentions + other.abstentions, self.invalid_marks + other.invalid_marks
        )

    @property
    def valid(self) -> int:
        return sum(self.grades.values())


@dataclass(frozen=True)
class SubjectResult:
    """A subject's result over the categories given: counts, the two rates and the weighted score."""

    subject: str
    grade_counts: dict[str, int]
    valid: int
    abstentions: int
    invalid_marks: int
    top_rate: Fraction | None  # 好票率
    top_two_rate: Fraction | None  # 好+较好率
    score: Fraction | None  # 加权得分


@dataclass
class Tally:
    """Counts by subject and voter category, plus ballot totals. Merge with `merge`; read with `results`."""

    scale: Scale
    subjects: tuple[str, ...]
    counts: dict[tuple[str, str], SubjectCounts] = field(default_factory=dict)  # (subject, category) → counts
    ballots_by_category: dict[str, int] = field(default_factory=dict)
    invalid_ballots: int = 0

    @property
    def ballots(self) -> int:
        return sum(self.ballots_by_category.values()) + self.invalid_ballots

    @property
    def valid_ballots(self) -> int:
        return sum(self.ballots_by_category.values())

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({c for _, c in self.counts} | set(self.ballots_by_category)))

    def merge(self, other: Tally) -> Tally:
        """The tally of both boxes together (sub-venues of one session): counts add up."""
        if other.scale != self.scale:
            raise ValueError("Boxes with different scales cannot be merged.")
        subjects = self.subjects + tuple(s for s in other.subjects if s not in self.subjects)
        counts = {k: SubjectCounts().add(v) for k, v in self.counts.items()}
        for key, value in other.counts.items():
            counts[key] = counts.get(key, SubjectCounts()).add(value)
        by_category = dict(self.ballots_by_category)
        for category, n in other.ballots_by_category.items():
            by_category[category] = by_category.get(category, 0) + n
        return Tally(self.scale, subjects, counts, by_category, self.invalid_ballots + other.invalid_ballots)

    def subject_counts(self, subject: str, categories: Iterable[str] | None = None) -> SubjectCounts:
        wanted = set(self.categories if categories is None else categories)
        total = SubjectCounts()
        for (s, c), value in self.counts.items():
            if s == subject and c in wanted:
                total = total.add(value)
        return total

    def result(
        self,
        subject: str,
        *,
        category_weights: Mapping[str, Fraction | int | float] | None = None,
        categories: Iterable[str] | None = None,
    ) -> SubjectResult:
        """One subject over `categories` (default all), scored with optional category weights."""
        chosen = tuple(self.categories if categories is None else categories)
        counts = self.subject_counts(subject, chosen)
        valid = counts.valid
        keys = self.scale.keys
        top = Fraction(counts.grades.get(keys[0], 0), valid) if valid else None
        top_two = (
            Fraction(counts.grades.get(keys[0], 0) + counts.grades.get(keys[1], 0), valid) if valid else None
        )
        return SubjectResult(
            subject=subject,
            grade_counts={k: counts.grades.get(k, 0) for k in keys},
            valid=valid,
            abstentions=counts.abstentions,
            invalid_marks=counts.invalid_marks,
            top_rate=top,
            top_two_rate=top_two,
            score=self._score(subject, chosen, category_weights),
        )

    def results(
        self,
        *,
        category_weights: Mapping[str, Fraction | int | float] | None = None,
        categories: Iterable[str] | None = None,
    ) -> list[SubjectResult]:
        return [
            self.result(subject, category_weights=category_weights, categories=categories)
            for subject in self.subjects
        ]

    def _mean(self, counts: SubjectCounts) -> Fraction | None:
        if not counts.valid:
            return None
        total = sum((self.scale.score_of(k) * n for k, n in counts.grades.items()), Fraction(0))
        return total / counts.valid

    def _score(
        self,
        subject: str,
        categories: Sequence[str],
        weights: Mapping[str, Fraction | int | float] | None,
    ) -> Fraction | None:
        if not weights:
            return self._mean(self.subject_counts(subject, categories))
        numerator = Fraction(0)
        denominator = Fraction(0)
        for category in categories:
            mean = self._mean(self.subject_counts(subject, [category]))
            weight = Fraction(weights.get(category, 0))
            if mean is None or weight <= 0:
                continue
            numerator += weight * mean
            denominator += weight
        return numerator / denominator if denominator else None


def tally(
    ballots: Iterable[BallotData],
    *,
    subjects: Sequence[str],
    scale: Scale = DEFAULT_SCALE,
    rules: Rules = Rules(),
) -> Tally:
    """Count `ballots` for `subjects` on `scale` under `rules`."""
    result = Tally(scale, tuple(subjects))
    valid_keys = set(scale.keys)
    for ballot in ballots:
        marks = {s: ballot.ratings.get(s) for s in subjects}
        if rules.blank_ballot_is_invalid and all(m in (None, "") for m in marks.values()):
            result.invalid_ballots += 1
            continue
        result.ballots_by_category[ballot.category] = result.ballots_by_category.get(ballot.category, 0) + 1
        for subject, mark in marks.items():
            counts = result.counts.setdefault((subject, ballot.category), SubjectCounts())
            if mark in (None, ""):
                counts.abstentions += 1
            elif mark in valid_keys:
                counts.grades[mark] = counts.grades.get(mark, 0) + 1
            else:
                counts.invalid_marks += 1
    return result


def tally_boxes(
    boxes: Iterable[Iterable[BallotData]],
    *,
    subjects: Sequence[str],
    scale: Scale = DEFAULT_SCALE,
    rules: Rules = Rules(),
) -> Tally:
    """Tally several boxes (sub-venues) of one session together."""
    merged: Tally | None = None
    for ballots in boxes:
        one = tally(ballots, subjects=subjects, scale=scale, rules=rules)
        merged = one if merged is None else merged.merge(one)
    if merged is None:
        return tally([], subjects=subjects, scale=scale, rules=rules)
    return merged


# --- per-dimension ratings (BAL-1 optional 分项评价, BAL-8) ------------------------------------------


@dataclass(frozen=True)
class DimensionBallotData:
    """One ballot's per-dimension marks: subject → {dimension → grade key (or INVALID_MARK)}."""

    category: str
    marks: Mapping[str, Mapping[str, str]]


def tally_dimensions(
    ballots: Iterable[DimensionBallotData],
    *,
    subjects: Sequence[str],
    dimensions: Sequence[str],
    scale: Scale = DEFAULT_SCALE,
) -> dict[str, Tally]:
    """One `Tally` per dimension, counted with the same rules as the overall rating.

    A ballot that leaves a dimension blank for every subject abstains on that dimension: it is not an
    invalid ballot (the overall rating decides validity), so each dimension's tally never marks a whole
    ballot invalid. Merge boxes dimension by dimension with `Tally.merge`.
    """
    rows = list(ballots)
    no_blank_rule = Rules(blank_ballot_is_invalid=False)
    return {
        dimension: tally(
            (
                BallotData(
                    b.category,
                    {
                        s: m[dimension]
                        for s, m in b.marks.items()
                        if isinstance(m, Mapping) and dimension in m
                    },
                )
                for b in rows
            ),
            subjects=subjects,
            scale=scale,
            rules=no_blank_rule,
        )
        for dimension in dimensions
    }


# --- reconciliation (BAL-4 清点核对) ----------------------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    """The counts a 计票结果报告单 certifies and whether they balance.

    issued − voided = handed out (发出), which must equal the attendees signed in (签到人数): every
    attendee received exactly one slip, and every slip not handed out was recorded as voided (作废).
    Cast (收回) = phone + paper + spoiled ≤ handed out; the rest were not returned (未投票).
    Stored ballots must equal the credentials consumed (BAL-5).
    """

    attendees: int | None
    issued: int
    voided: int
    phone: int
    paper: int
    spoiled: int
    stored: int
    consumed: int
    unresolved_checks: int = 0

    @property
    def handed_out(self) -> int:
        return self.issued - self.voided

    @property
    def cast(self) -> int:
        return self.phone + self.paper + self.spoiled

    @property
    def valid(self) -> int:
        return self.phone + self.paper

    @property
    def not_returned(self) -> int:
        return self.handed_out - self.cast

    @property
    def problems(self) -> list[str]:
        """Each imbalance explained in Chinese, in the order a scrutineer checks them; empty = balanced."""
        out: list[str] = []
        if self.attendees is None:
            out.append("尚未填写签到人数。")
        elif self.handed_out != self.attendees:
            diff = self.handed_out - self.attendees
            more = "多" if diff > 0 else "少"
            out.append(
                f"发出凭条 {self.handed_out} 张（生成 {self.issued} 张 − 作废 {self.voided} 张）"
                f"与签到人数 {self.attendees} 人不符，{more} {abs(diff)} 张：请把未发出或收回未用的凭条"
                "逐张登记作废，或核对签到人数。"
            )
        if self.cast > self.handed_out:
            out.append(f"收回选票 {self.cast} 张多于发出凭条 {self.handed_out} 张，计票无效，请核查。")
        if self.stored != self.cast or self.consumed != self.cast:
            out.append(
                f"已存选票 {self.stored} 张、已使用凭条 {self.consumed} 张与投票合计 {self.cast} 张不一致，"
                "请联系系统管理员核查。"
            )
        if self.unresolved_checks:
            out.append(f"抽样复核有 {self.unresolved_checks} 张纸质票两次录入不一致，尚未处理。")
        return out

    @property
    def is_balanced(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, int | None]:
        return {
            "attendees": self.attendees,
            "issued": self.issued,
            "voided": self.voided,
            "handed_out": self.handed_out,
            "phone": self.phone,
            "paper": self.paper,
            "spoiled": self.spoiled,
            "cast": self.cast,
            "valid": self.valid,
            "not_returned": self.not_returned,
        }

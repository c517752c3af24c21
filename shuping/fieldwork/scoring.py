"""The field score per assessee (FLD-5). Pure: no Django import; table- and property-tested.

Art. 6: 多到现场看，多见具体事，多听群众说 … 对可以通过现场查看、走访党员群众等作出评价的，一般不以听汇报、
查资料、看台账的方式进行考核. Hence:

- each indicator is scored 0–100 % and weighted by its weight in the campaign's indicator set (CMP-4);
- a score resting only on paper where a visit would do, without a stated reason, does not count (it is
  listed as 待说明, so the team goes and looks rather than reads);
- indicators not scored (yet) are left out and the weights of the others are taken pro rata — the result
  says which ones, so the number is never silently based on less than it seems;
- the mass satisfaction survey (FLD-3, ballot engine) enters with the share the organizer set for it
  (`survey_percent`); without a survey, or without a share, the indicators alone make the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Item:
    """One indicator: its key, weight, and the score (0–100) or None when not scored yet."""

    key: int | str
    weight: Fraction | int
    percent: int | None
    has_open_warning: bool = False


@dataclass(frozen=True)
class Survey:
    """The mass satisfaction survey's weighted score (0–100) and the ballots behind it."""

    score: Fraction | int | None
    ballots: int


@dataclass(frozen=True)
class FieldScore:
    score: Fraction | None
    indicator_score: Fraction | None
    survey_score: Fraction | None
    counted: tuple[int | str, ...]
    not_scored: tuple[int | str, ...]
    awaiting_reason: tuple[int | str, ...]
    weight_counted: Fraction
    weight_total: Fraction
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_complete(self) -> bool:
        return not self.not_scored and not self.awaiting_reason


def field_score(
    items: Sequence[Item], *, survey: Survey | None = None, survey_percent: int | None = None
) -> FieldScore:
    """The field score (0–100) of one assessee, or None when nothing counts yet."""
    if survey_percent is not None and not 0 <= survey_percent <= 100:
        raise ValueError("survey_percent must lie between 0 and 100")
    counted, not_scored, awaiting = [], [], []
    numerator = Fraction(0)
    weight_counted = Fraction(0)
    weight_total = Fraction(0)
    for item in items:
        weight = Fraction(item.weight)
        if weight < 0:
            raise ValueError("weights are non-negative")
        if item.percent is not None and not 0 <= item.percent <= 100:
            raise ValueError("scores lie between 0 and 100")
        weight_total += weight
        if item.percent is None:
            not_scored.append(item.key)
        elif item.has_open_warning:
            # Art. 6: a score read only from files where a visit would do does not count until explained.
            awaiting.append(item.key)
        else:
            counted.append(item.key)
            numerator += weight * item.percent
            weight_counted += weight
    notes: list[str] = []
    indicator_score = numerator / weight_counted if weight_counted else None
    if counted and not_scored:
        notes.append(f"{len(not_scored)} 项指标尚未评分，其权重按比例分配给已评分指标。")
    if awaiting:
        notes.append(f"{len(awaiting)} 项评分只依据查资料、听汇报，待说明理由后计入（第六条）。")
    survey_score = Fraction(survey.score) if survey and survey.score is not None and survey.ballots else None
    score = indicator_score
    if survey_score is not None and survey_percent:
        share = Fraction(survey_percent, 100)
        score = (
            survey_score if indicator_score is None else (1 - share) * indicator_score + share * survey_score
        )
        notes.append(f"群众满意度测评占 {survey_percent}%。")
    elif survey_score is not None:
        notes.append("群众满意度测评未设占比，单列参考，不计入得分。")
    return FieldScore(
        score=score,
        indicator_score=indicator_score,
        survey_score=survey_score,
        counted=tuple(counted),
        not_scored=tuple(not_scored),
        awaiting_reason=tuple(awaiting),
        weight_counted=weight_counted,
        weight_total=weight_total,
        notes=tuple(notes),
    )


def format_score(value: Fraction | None) -> str:
    """A score with one decimal, or a dash."""
    if value is None:
        return "—"
    tenths = round(value * 10)
    return f"{tenths // 10}.{tenths % 10}"

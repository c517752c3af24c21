"""The components this app registers on behalf of the sources (EVA-1), reading each app's selectors.

- ballot (评议): the tally of the ballot subjects linked to the assessee (`BoxSubject.assessment`, else
  `BallotLink`; several boxes —
  sub-venues — add up), counted only once a box is closed (sealed). Score = the weighted score (BAL-8);
  好票率 and 好+较好率 feed the declared ballot thresholds.
- field (实地考核): `fieldwork.selectors.field_score_for` (FLD-5).
- observations (平时了解): the mean of the scored observations attached to the assessment (FLD-4); every
  observation's text is offered to the opinion draft.
- report quality (REP-2) and commentary problems (MTG-3): registered here when those apps land.

Each reads only confidential-stage data the caller (a service run by organizer staff) may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from .providers import Problem, Value, batch_provider
from .scoring import fmt, pct


@batch_provider("ballot", label="民主评议")
def ballot_component(assessments: Sequence[Any]) -> dict[int, Value]:
    from shuping.ballots import selectors as ballot_selectors
    from shuping.ballots.choices import BoxStatus
    from shuping.ballots.models import BoxSubject
    from shuping.ballots.tally import Tally

    from .models import BallotLink

    ids = [a.pk for a in assessments]
    # The ballot subject's own assessment link (set when the box was made for the campaign) comes first;
    # a BallotLink confirmed by the organizer counts only for an assessment no subject is linked to.
    by_assessment: dict[int, list] = {}
    for subject in (
        BoxSubject.objects.filter(assessment__in=ids).select_related("box").order_by("box_id", "id")
    ):
        by_assessment.setdefault(subject.assessment_id, []).append(subject)
    linked = set(by_assessment)
    for link in (
        BallotLink.objects.filter(assessment__in=ids)
        .select_related("subject__box")
        .order_by("subject__box_id")
    ):
        if link.assessment_id not in linked:
            by_assessment.setdefault(link.assessment_id, []).append(link.subject)
    tallies: dict[int, Tally] = {}
    out: dict[int, Value] = {}
    for pk, rows in by_assessment.items():
        merged: Tally | None = None
        subjects: list[str] = []
        boxes: list[str] = []
        open_boxes: list[str] = []
        for subject in rows:
            box = subject.box
            if box.status != BoxStatus.CLOSED:
                open_boxes.append(box.title)
                continue
            if box.pk not in tallies:
                tallies[box.pk] = ballot_selectors.box_tally(box)
            t = tallies[box.pk]
            # Key the subject as the assessment so several boxes' counts add up for one person.
            renamed = Tally(
                t.scale,
                (str(pk),),
                {(str(pk), c): v for (s, c), v in t.counts.items() if s == str(subject.pk)},
                dict(t.ballots_by_category),
                t.invalid_ballots,
            )
            merged = renamed if merged is None else merged.merge(renamed)
            subjects.append(str(subject.pk))
            boxes.append(box.title)
        lines: list[str] = []
        if open_boxes:
            lines.append("票箱尚未封箱，暂不计入：" + "、".join(open_boxes) + "。")
        if merged is None:
            out[pk] = Value(score=None, lines=tuple(lines))
            continue
        r = merged.result(str(pk))
        if r.valid == 0:
            out[pk] = Value(score=None, lines=(*lines, "测评票中无对其的有效评价。"))
            continue
        counts = "，".join(f"{g.label} {r.grade_counts.get(g.key, 0)} 票" for g in merged.scale.grades)
        lines.append(
            f"{'、'.join(boxes)}：有效评价 {r.valid} 票（{counts}），好票率 {pct(r.top_rate)}，"
            f"好和较好票率 {pct(r.top_two_rate)}，测评得分 {fmt(r.score, 2)} 分。"
        )
        out[pk] = Value(
            score=r.score,
            lines=tuple(lines),
            top_rate=r.top_rate,
            top_two_rate=r.top_two_rate,
            facts={"valid": r.valid, "grade_counts": r.grade_counts},
        )
    return out


@batch_provider("field", label="实地考核")
def field_component(assessments: Sequence[Any]) -> dict[int, Value]:
    from shuping.fieldwork import selectors as field_selectors
    from shuping.fieldwork.models import FieldAssessment

    out: dict[int, Value] = {}
    rows = FieldAssessment.objects.filter(assessment__in=[a.pk for a in assessments]).select_related(
        "survey_box", "indicator_set", "assessment__campaign"
    )
    for fa in rows:
        result = field_selectors.field_score_for(fa)
        lines = [f"实地考核得分 {fmt(result.score)} 分（计入 {len(result.counted)} 项指标）。"]
        lines += list(result.notes)
        out[fa.assessment_id] = Value(score=result.score, lines=tuple(lines))
    return out


@batch_provider("observations", label="平时了解")
def observations_component(assessments: Sequence[Any]) -> dict[int, Value]:
    from shuping.fieldwork.models import Observation

    rows = Observation.objects.filter(assessment__in=[a.pk for a in assessments]).order_by(
        "observed_on", "pk"
    )
    by_assessment: dict[int, list] = {}
    for o in rows:
        by_assessment.setdefault(o.assessment_id, []).append(o)
    out: dict[int, Value] = {}
    for pk, items in by_assessment.items():
        scored = [o.score for o in items if o.score is not None]
        score = Fraction(sum(scored), len(scored)) if scored else None
        line = (
            f"平时了解 {len(items)} 条，其中评分 {len(scored)} 条，平均 {fmt(score)} 分。"
            if scored
            else f"平时了解 {len(items)} 条，均未评分。"
        )
        problems = tuple(
            Problem(text=o.text, source="observations") for o in items if o.score is not None and o.score < 80
        )
        out[pk] = Value(score=score, lines=(line,), problems=problems)
    return out

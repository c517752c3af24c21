"""The components this app registers on behalf of the sources (EVA-1), reading each app's selectors.

- ballot (评议): the tally of the ballot subjects linked to the assessee (`BoxSubject.assessment`, else
  `BallotLink`; several boxes —
  sub-venues — add up), counted only once a box is closed (sealed). Score = the weighted score (BAL-8);
  好票率 and 好+较好率 feed the declared ballot thresholds.
- field (实地考核): `fieldwork.selectors.field_score_for` (FLD-5).
- observations (平时了解): the mean of the scored observations attached to the assessment (FLD-4); every
  observation's text is offered to the opinion draft.
- report (述职报告质量, REP-2): the report's quality findings as the reports app computes them
  (`reports.selectors.quality_for` and `near_copies`, the organizer's 质量检查 page), scored by
  `source_scores.report_score` (100 minus a stated deduction per finding, near-copies heavier). Draft reports
  have no score. The report's own 查摆问题 and 工作成效 are offered to the opinion draft (source "report").
- commentary (点评指出问题, MTG-3): the problems of the finalised commentaries (`meetings` Commentary /
  CommentaryProblem, read here), scored by `source_scores.commentary_score` (100 minus 5 per distinct
  problem); each problem is offered to the opinion draft (source "commentary").

- adjustments (加减分, CMP-4): the `AdjustmentEntry` rows organizer staff recorded for the assessee — a
  points-only component (no score, never weighted): the signed sum goes to the composite's 加减分 step
  (capped by the campaign's `adjustment_cap`), one explanation line per entry.

Report quality and commentary problems are weighted 0 unless the organizer sets a weight: then they are listed for reference only.

Each reads only confidential-stage data the caller (a service run by organizer staff) may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from django.db.models import F

from . import source_scores
from .providers import Problem, Value, batch_provider
from .scoring import fmt, pct, signed


@batch_provider("ballot", label="民主评议")
def ballot_component(assessments: Sequence[Any]) -> dict[int, Value]:
    """The assessee's ballot line over their whole counting unit, through the disclosure door (DSC-1,
    ADR 0007): every box that rates them (`BoxSubject.assessment`, the meeting's boxes, else a confirmed
    `BallotLink`) added up; nothing until every box is closed and every offline venue imported (so the
    figure never changes after it first appeared), nothing under k ballots. Unweighted by category, as
    before (the meeting's boxes carry no category weights)."""
    from shuping.ballots import selectors_release

    releases = selectors_release.unit_releases([a.pk for a in assessments], use_weights=False)
    out: dict[int, Value] = {}
    for pk, (release, unit) in releases.items():
        titles = "、".join(dict.fromkeys(p.box.title for p in unit.parts))
        r = release.overall.result
        if r is None:
            line = f"{titles}：{release.overall.withheld}，暂不计分。"
            if release.code == "pending":
                open_boxes = "、".join(p.box.title for p in unit.parts if not p.is_final)
                line = f"票箱尚未全部封箱（或离线会场结果未导入），暂不计入：{open_boxes}。"
            out[pk] = Value(score=None, lines=(line,))
            continue
        if r.valid == 0:
            out[pk] = Value(score=None, lines=("测评票中无对其的有效评价。",))
            continue
        scale = unit.parts[0].box.tally_scale
        counts = "，".join(f"{g.label} {r.grade_counts.get(g.key, 0)} 票" for g in scale.grades)
        out[pk] = Value(
            score=r.score,
            lines=(
                f"{titles}：有效评价 {r.valid} 票（{counts}），好票率 {pct(r.top_rate)}，"
                f"好和较好票率 {pct(r.top_two_rate)}，测评得分 {fmt(r.score, 2)} 分。",
            ),
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
        if o.assessment_id is not None:  # the filter above names assessments
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


@batch_provider("report", label="述职报告质量")
def report_component(assessments: Sequence[Any]) -> dict[int, Value]:
    """REP-2 findings → a score. Queries: the reports, the campaigns, and per campaign the near-copy corpus
    (one query) — constant for a whole campaign (PERF-5)."""
    from shuping.campaigns.models import Campaign
    from shuping.reports import quality
    from shuping.reports import selectors as report_selectors
    from shuping.reports.choices import ReportStatus
    from shuping.reports.models import Report

    reports = list(Report.objects.filter(assessment__in=[a.pk for a in assessments]).order_by("pk"))
    if not reports:
        return {}
    campaign_of = {a.pk: a.campaign_id for a in assessments}
    submitted = [r for r in reports if r.status != ReportStatus.DRAFT]
    campaigns = Campaign.objects.in_bulk({campaign_of[r.assessment_id] for r in submitted})
    copies: dict[int, list] = {}
    for campaign in campaigns.values():
        for c in report_selectors.near_copies(campaign):
            copies.setdefault(c.report.pk, []).append(c)
    out: dict[int, Value] = {}
    for r in reports:
        if r.status == ReportStatus.DRAFT:
            out[r.assessment_id] = Value(score=None, lines=("述职报告尚未提交，暂不计分。",))
            continue
        campaign = campaigns[campaign_of[r.assessment_id]]
        findings = report_selectors.quality_for(r, campaign)
        findings += [
            f
            for c in copies.get(r.pk, [])
            if (
                f := quality.near_copy_finding(
                    other_label=report_selectors.report_label(c.other),
                    containment=c.containment,
                    is_own_earlier=c.is_own_earlier,
                )
            )
        ]
        result = source_scores.report_score([(f.code, f.message) for f in findings])
        achievements = tuple(p.strip() for p in (r.achievements or "").splitlines() if p.strip())
        out[r.assessment_id] = Value(
            score=result.score,
            lines=result.lines,
            problems=tuple(Problem(text=t, source="report") for t in r.problem_texts),
            achievements=achievements,
            facts={"findings": [f.code for f in findings]},
        )
    return out


@batch_provider("commentary", label="点评指出问题")
def commentary_component(assessments: Sequence[Any]) -> dict[int, Value]:
    """MTG-3 problems → a score. Two queries (commentaries, their problems) for a whole campaign (PERF-5)."""
    from shuping.meetings.choices import CommentaryStatus
    from shuping.meetings.models import Commentary

    rows = (
        Commentary.objects.filter(assessment__in=[a.pk for a in assessments])
        .select_related("commenter")
        .prefetch_related("problems")
        .order_by("assessment_id", "commenter__position", "pk")
    )
    by_assessment: dict[int, list] = {}
    for c in rows:
        by_assessment.setdefault(c.assessment_id, []).append(c)
    out: dict[int, Value] = {}
    for pk, items in by_assessment.items():
        final = [c for c in items if c.status == CommentaryStatus.FINAL]
        pointed = [
            source_scores.PointedOut(p.text, str(p.get_category_display()), c.commenter.name)
            for c in final
            for p in c.problems.all()
        ]
        result = source_scores.commentary_score(pointed, finalised=len(final))
        if result is None:
            out[pk] = Value(score=None, lines=(f"点评 {len(items)} 份均未定稿（会后代录），暂不计分。",))
            continue
        distinct = source_scores.distinct_problems(pointed)
        out[pk] = Value(
            score=result.score,
            lines=result.lines,
            problems=tuple(Problem(text=p.text, source="commentary") for p, _names in distinct),
            facts={"problems": len(distinct), "finalised": len(final)},
        )
    return out


@batch_provider("adjustments", label="加减分", points_only=True)
def adjustments_component(assessments: Sequence[Any]) -> dict[int, Value]:
    """加减分 recorded per assessee (EVA-1, CMP-4). One query for a whole campaign (PERF-5)."""
    from shuping.campaigns.choices import AdjustmentKind

    from .models import AdjustmentEntry

    rows = (
        AdjustmentEntry.objects.filter(evaluation__assessment__in=[a.pk for a in assessments])
        .annotate(assessment_pk=F("evaluation__assessment_id"))
        .order_by("evaluation_id", "pk")
    )
    by_assessment: dict[int, list] = {}
    for entry in rows:
        by_assessment.setdefault(entry.assessment_pk, []).append(entry)
    out: dict[int, Value] = {}
    for pk, entries in by_assessment.items():
        lines = []
        total = Fraction(0)
        for entry in entries:
            points = Fraction(entry.signed_points)
            total += points
            kind = "加分" if entry.kind == AdjustmentKind.BONUS else "减分"
            basis = f"（依据：{entry.basis}）" if entry.basis else ""
            reason = " ".join(entry.reason.split()).rstrip("。.；;")
            lines.append(f"加减分：{kind}“{entry.item_text}”{signed(points)} 分，事由：{reason}{basis}。")
        out[pk] = Value(
            score=None, adjustment_points=total, lines=tuple(lines), facts={"entries": len(entries)}
        )
    return out

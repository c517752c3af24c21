"""Placeholders for the evaluations rows of docs/permissions.md (EVA-9, SEC-2, REL-3).

- campaign_in_scope / assessment_in_scope / assessment_confidential: the campaigns targets (the 2023
  campaign's 甲市委 assessee is at 综合评价, before 研究); its evaluations are opened here.
- eva_confidential_evaluation: that assessee's evaluation, before 研究.
- eva_decided_assessment / eva_decided_evaluation: 甲市委's secretary in 示范省委's 2022 campaign, decided
  through the full chain (科室拟定 → 部务会 → 常委会) and at 反馈: the assessee and the liaison read it.
- eva_adjustment_entry: a 加分 recorded on eva_confidential_evaluation (the campaign gets the 市、县
  indicator set from the template for it), for the DELETE row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any


def _built(world):
    cache = world.__dict__.setdefault("_evaluation_targets", {})
    if cache:
        return cache
    from shuping.campaigns import services as campaign_services
    from shuping.campaigns.models import Assessment
    from shuping.evaluations import services
    from shuping.evaluations.choices import StepKind
    from shuping.evaluations.tests.builders import advance
    from tests.access.targets_campaigns import _built as campaign_targets

    base = campaign_targets(world)
    staff = world.organizer_staff
    confidential = Assessment.objects.select_related("campaign").get(pk=base["assessment_confidential"])
    services.start_evaluations(actor=staff, campaign=confidential.campaign)
    cache["eva_confidential_evaluation"] = confidential.evaluation.pk

    campaign = campaign_services.create_campaign(actor=staff, organizer=world.province, year=2022)
    campaign_services.apply_scope_proposal(actor=staff, campaign=campaign)
    campaign = campaign_services.confirm_scope(actor=staff, campaign=campaign)
    decided = advance(campaign.assessments.get(organization=world.prefecture), "evaluation", staff)
    [evaluation] = services.start_evaluations(actor=staff, campaign=campaign)
    services.propose_grade(actor=staff, evaluation=evaluation, grade="较好")
    for kind, ref in (
        (StepKind.SECTION_DRAFT, "拟定稿"),
        (StepKind.DEPARTMENT_MEETING, "部务会纪要〔2023〕2号"),
        (StepKind.COMMITTEE, "常委会纪要〔2023〕4号"),
    ):
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=kind,
            evaluations=[evaluation],
            held_on=date(2023, 1, 20),
            minutes_reference=ref,
        )
    cache["eva_decided_assessment"] = decided.pk
    cache["eva_decided_evaluation"] = evaluation.pk
    return cache


def _adjustment_entry(world):
    from shuping.campaigns import indicators
    from shuping.campaigns.choices import AdjustmentKind
    from shuping.evaluations import services
    from shuping.evaluations.models import Evaluation
    from shuping.orgs.choices import AdminLevel, OrgKind

    evaluation = Evaluation.objects.select_related("campaign").get(
        pk=_built(world)["eva_confidential_evaluation"]
    )
    staff = world.organizer_staff
    indicator_set = indicators.create_set_from_template(
        actor=staff, campaign=evaluation.campaign, kind=OrgKind.LOCAL_COMMITTEE, level=AdminLevel.PREFECTURE
    )
    entry = services.add_adjustment(
        actor=staff,
        evaluation=evaluation,
        item=indicator_set.adjustments.get(kind=AdjustmentKind.BONUS),
        points=1,
        reason="经验被省委推广",
    )
    return entry.pk


def _built_target(name: str) -> Callable[[Any], Any]:
    return lambda world: _built(world)[name]


TARGETS: dict[str, Callable[[Any], Any]] = {
    name: _built_target(name)
    for name in ("eva_confidential_evaluation", "eva_decided_assessment", "eva_decided_evaluation")
}
TARGETS["eva_adjustment_entry"] = _adjustment_entry

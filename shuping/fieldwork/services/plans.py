"""Field plans (FLD-1): teams, each assessee's field assessment with its sample of grassroots organizations."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import CampaignRole
from shuping.campaigns.models import Assessment, Campaign
from shuping.core.errors import DomainError
from shuping.orgs.models import Organization

from .. import permissions, rules, selectors
from ..choices import SampleMethod
from ..models import FieldAssessment, FieldTeam, SampledUnit
from .base import MAX_SAMPLE, FieldworkConflict, FieldworkError, audit, check_open_campaign, require

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- plans (FLD-1) ---------------------------------------------------------------------------------------


@transaction.atomic
def create_team(
    *,
    actor: User,
    campaign: Campaign,
    name: str,
    leader: User,
    members: Sequence[User] = (),
    starts_on: date,
    ends_on: date,
    source: str = "web",
) -> FieldTeam:
    """A 实地考核组: leader and members each get FIELD_ASSESSOR on the campaign (campaigns services)."""
    require(
        permissions.can_plan_fieldwork(actor, campaign), "只有本次考核的组织部门工作人员可以安排实地考核。"
    )
    check_open_campaign(campaign)
    name = (name or "").strip()
    if not name:
        raise FieldworkError("请填写考核组名称。", field="name")
    if starts_on > ends_on:
        raise FieldworkError("结束日期不能早于开始日期。", field="ends_on")
    if campaign.field_teams.filter(name=name).exists():
        raise FieldworkError("已有同名考核组。", field="name")
    people = [leader, *[m for m in members if m.pk != leader.pk]]
    if any(getattr(u, "admin_role", "") for u in people):
        raise FieldworkError("系统、安全、审计管理员不能担任考核组成员（三员分立）。", field="members")
    team = FieldTeam.objects.create(
        campaign=campaign,
        name=name[:100],
        leader=leader,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    team.members.set(people)
    for user in people:
        campaign_services.grant_campaign_role(
            actor=actor, campaign=campaign, user=user, role=CampaignRole.FIELD_ASSESSOR, source=source
        )
    audit(actor, "fieldwork.team.create", team, source, campaign=campaign.pk, members=[u.pk for u in people])
    return team


def sample_population(assessment: Assessment) -> list[Organization]:
    """The sub-units the sample is drawn from: the assessed organization's children valid in the year."""
    return list(
        Organization.objects.filter(parent_id=assessment.organization_id)
        .valid_on(date(assessment.campaign.year, 12, 31))
        .order_by("path")
    )


@transaction.atomic
def plan_field_assessment(
    *,
    actor: User,
    team: FieldTeam,
    assessment: Assessment,
    visit_starts_on: date,
    visit_ends_on: date,
    sample_size: int = 0,
    chosen_unit_ids: Sequence[int] | None = None,
    seed: int | None = None,
    source: str = "web",
) -> FieldAssessment:
    """Let `team` cover `assessment` between two dates, with sampled sub-units (FLD-1).

    Random: `sample_size` units drawn with `seed` (a fresh one when None); the seed and the population are
    stored so the sample can be re-derived. Chosen: `chosen_unit_ids` among the population. The form is
    the campaign's indicator set for the assessee's kind and level (township forms are the shortest).
    """
    campaign = team.campaign
    require(
        permissions.can_plan_fieldwork(actor, campaign), "只有本次考核的组织部门工作人员可以安排实地考核。"
    )
    check_open_campaign(campaign)
    if assessment.campaign_id != campaign.pk or assessment.is_excluded:
        raise FieldworkError("考核对象不属于本次考核。", field="assessment")
    if FieldAssessment.objects.filter(assessment=assessment).exists():
        raise FieldworkConflict("该考核对象已安排实地考核。", code="planned")
    if visit_starts_on > visit_ends_on:
        raise FieldworkError("结束日期不能早于开始日期。", field="visit_ends_on")
    if visit_starts_on < team.starts_on or visit_ends_on > team.ends_on:
        raise FieldworkError("实地考核日期应在考核组工作期间内。", field="visit_starts_on")
    population = sample_population(assessment)
    by_id = {o.pk: o for o in population}
    if chosen_unit_ids:
        method = SampleMethod.CHOSEN
        chosen = list(dict.fromkeys(int(x) for x in chosen_unit_ids))
        if any(pk not in by_id for pk in chosen):
            raise FieldworkError("抽查单位应为考核对象的下属组织。", field="units")
        seed = None
    else:
        method = SampleMethod.RANDOM
        if not 0 <= sample_size <= MAX_SAMPLE:
            raise FieldworkError(f"抽取数量应在 0 到 {MAX_SAMPLE} 之间。", field="sample_size")
        seed = seed if seed is not None else secrets.randbelow(2**62)
        chosen = rules.draw_sample(list(by_id), sample_size, seed)
    fa = FieldAssessment.objects.create(
        team=team,
        assessment=assessment,
        indicator_set=selectors.indicator_set_for(assessment),
        visit_starts_on=visit_starts_on,
        visit_ends_on=visit_ends_on,
        sample_method=method,
        sample_seed=seed,
        sample_population=sorted(by_id),
        sample_size=len(chosen) if method == SampleMethod.CHOSEN else sample_size,
        created_by=actor,
    )
    SampledUnit.objects.bulk_create(
        SampledUnit(field_assessment=fa, organization=by_id[pk], organization_name=by_id[pk].name, position=i)
        for i, pk in enumerate(chosen)
    )
    audit(
        actor,
        "fieldwork.plan.create",
        fa,
        source,
        team=team.pk,
        assessment=assessment.pk,
        method=method,
        seed=seed,
        units=chosen,
    )
    return fa


@transaction.atomic
def plan_field_assessments(
    *,
    actor: User,
    team: FieldTeam,
    assessments: Sequence[Assessment],
    visit_starts_on: date,
    visit_ends_on: date,
    sample_size: int = 0,
    seed: int | None = None,
    source: str = "web",
) -> list[FieldAssessment]:
    """Let `team` cover several assessees at once, with the same dates and sample size (FLOW-4).

    One submit instead of one per assessee; all or nothing: if any assessee is refused (already planned,
    not in the campaign) none is planned and the message names it. Each gets its own random draw (a fresh
    seed each unless one is given, which is then stored for each so every sample can be re-derived).
    """
    if not assessments:
        raise FieldworkError("请至少勾选一个考核对象。", field="assessments")
    planned = []
    for assessment in assessments:
        try:
            planned.append(
                plan_field_assessment(
                    actor=actor,
                    team=team,
                    assessment=assessment,
                    visit_starts_on=visit_starts_on,
                    visit_ends_on=visit_ends_on,
                    sample_size=sample_size,
                    seed=seed,
                    source=source,
                )
            )
        except DomainError as exc:
            exc.message = f"{assessment.organization_name}：{exc.message}（本次均未安排）"
            raise
    return planned


def rederive_sample(fa: FieldAssessment) -> list[int]:
    """The random sample recomputed from the stored population, size and seed (equals the stored one)."""
    if fa.sample_method != SampleMethod.RANDOM or fa.sample_seed is None:
        return list(fa.sampled_units.values_list("organization_id", flat=True))
    return rules.draw_sample(fa.sample_population, fa.sample_size, fa.sample_seed)

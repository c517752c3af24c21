"""Test data for evaluations, built through services (CONVENTIONS): a campaign at 综合评价."""

from __future__ import annotations

from datetime import date

from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import Stage
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization, create_person, create_secretaryship


def advance(assessment, stage: str, actor=None):
    order: list[str] = [Stage.FIELD, Stage.MEETING, Stage.EVALUATION, Stage.DECISION, Stage.FEEDBACK]
    for s in order[: order.index(stage) + 1]:
        if list(Stage.values).index(assessment.stage) < list(Stage.values).index(s):
            assessment = campaign_services.transition_assessment(
                actor=actor, assessment=assessment, to_stage=s
            )
    return assessment


def secretary(org, name, user=None):
    person = create_person(actor=None, name=name, user=user)
    create_secretaryship(actor=None, person=person, organization=org, started_on=date(2019, 1, 1))
    return person


def campaign_at_evaluation(world, *, organizer=None, year: int = 2023, extra: int = 5, assessee_org=None):
    """`organizer`'s campaign with `assessee_org`'s secretary (linked to the assessee persona) and `extra`
    more local committees beneath it, every assessee at 综合评价."""
    organizer = organizer or world.province
    assessee_org = assessee_org or world.prefecture
    staff = world.organizer_staff
    if not assessee_org.secretaryships.exists():
        secretary(assessee_org, "陈书记", user=world.assessee)
    level = assessee_org.admin_level
    for i in range(extra):
        org = create_organization(
            name=f"中共测试{year}{i}{'市' if level == AdminLevel.PREFECTURE else '县'}委员会",
            short_name=f"测试{year}{i}委",
            code=f"T-EV{organizer.pk}-{year}-{i}",
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=level,
            parent=organizer,
        )
        secretary(org, f"测试书记{i}")
    campaign = campaign_services.create_campaign(actor=staff, organizer=organizer, year=year)
    campaign_services.apply_scope_proposal(actor=staff, campaign=campaign)
    campaign = campaign_services.confirm_scope(actor=staff, campaign=campaign)
    for a in campaign.assessments.filter(is_excluded=False):
        advance(a, Stage.EVALUATION, staff)
    return campaign

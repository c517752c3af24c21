"""Field assessment fixtures, built through the campaigns, orgs and fieldwork services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from shuping.accounts.models import User
from shuping.campaigns import indicators
from shuping.campaigns import services as campaign_services
from shuping.campaigns.models import Assessment, Campaign
from shuping.fieldwork import services
from shuping.fieldwork.models import FieldAssessment, FieldTeam
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization, create_person, create_secretaryship
from tests.personas import PASSWORD


@dataclass
class Field:
    campaign: Campaign
    assessment: Assessment
    team: FieldTeam
    fa: FieldAssessment
    member: User
    leader: User


def make_user(username: str, full_name: str) -> User:
    user = User(username=username, full_name=full_name)
    user.set_password(PASSWORD)
    user.save()
    return user


def build_field(world) -> Field:
    staff = world.organizer_staff
    person = create_person(actor=None, name="陈书记", user=world.assessee)
    create_secretaryship(
        actor=None, person=person, organization=world.prefecture, started_on=date(2019, 3, 1)
    )
    for i in range(1, 5):
        create_organization(
            name=f"中共甲市第{i}区委员会",
            short_name=f"甲市{i}区委",
            code=f"T-PREF-D{i}",
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=AdminLevel.COUNTY,
            parent=world.prefecture,
        )
    campaign = campaign_services.create_campaign(actor=staff, organizer=world.province, year=2024)
    indicators.create_set_from_template(
        actor=staff, campaign=campaign, kind=OrgKind.LOCAL_COMMITTEE, level=AdminLevel.PREFECTURE
    )
    indicators.create_set_from_template(
        actor=staff, campaign=campaign, kind=OrgKind.TOWNSHIP_COMMITTEE, level=AdminLevel.TOWNSHIP
    )
    campaign_services.apply_scope_proposal(actor=staff, campaign=campaign)
    campaign = campaign_services.confirm_scope(actor=staff, campaign=campaign)
    assessment = campaign.assessments.get(organization=world.prefecture)
    leader = make_user("fieldleader", "考核组 刘组长")
    member = make_user("fieldmember", "考核组 张干事")
    team = services.create_team(
        actor=staff,
        campaign=campaign,
        name="第一考核组",
        leader=leader,
        members=[member],
        starts_on=campaign.field_starts_on,
        ends_on=campaign.field_ends_on,
    )
    fa = services.plan_field_assessment(
        actor=staff,
        team=team,
        assessment=assessment,
        visit_starts_on=campaign.field_starts_on,
        visit_ends_on=campaign.field_ends_on,
        sample_size=2,
        seed=20241215,
    )
    return Field(campaign, assessment, team, fa, member, leader)


@pytest.fixture
def field(world):
    return build_field(world)


def plan_counties(world, field: Field, count: int) -> list[FieldAssessment]:
    """甲市委's own campaign, with `count` of its counties covered by one team (for query-count tests)."""
    from shuping.campaigns.choices import CampaignRole

    campaign = Campaign.objects.filter(organizer=world.prefecture, year=2024).first()
    if campaign is None:
        campaign = campaign_services.create_campaign(actor=None, organizer=world.prefecture, year=2024)
        indicators.create_set_from_template(
            actor=None, campaign=campaign, kind=OrgKind.LOCAL_COMMITTEE, level=AdminLevel.COUNTY
        )
        campaign_services.apply_scope_proposal(actor=None, campaign=campaign)
        campaign_services.grant_campaign_role(
            actor=None, campaign=campaign, user=world.organizer_staff, role=CampaignRole.ORGANIZER_STAFF
        )
        services.create_team(
            actor=world.organizer_staff,
            campaign=campaign,
            name="县级考核组",
            leader=field.leader,
            members=[field.member],
            starts_on=campaign.field_starts_on,
            ends_on=campaign.field_ends_on,
        )
    team = campaign.field_teams.get()
    out = []
    for assessment in campaign.assessments.filter(field_assessment__isnull=True).order_by("pk")[:count]:
        out.append(
            services.plan_field_assessment(
                actor=world.organizer_staff,
                team=team,
                assessment=assessment,
                visit_starts_on=team.starts_on,
                visit_ends_on=team.ends_on,
                sample_size=1,
                seed=7,
            )
        )
    return out

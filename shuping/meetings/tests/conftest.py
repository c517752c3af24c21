"""The meetings scene: 甲市委's 2024 campaign, started from 示范省委's notice, assessing two county
secretaries (on-site) and the 市直机关工委 secretary (written); the `assessee` persona is 乙县委's secretary
and the `liaison` persona its liaison. The organizer staff persona is the campaign's staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from shuping.campaigns import cascade
from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import CampaignRole
from shuping.campaigns.models import Assessment, Campaign
from shuping.meetings import services
from shuping.meetings.models import Meeting
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.models import Person
from shuping.orgs.services import create_organization, create_person, create_secretaryship


@dataclass
class Scene:
    campaign: Campaign
    upper: Campaign
    county: Assessment
    county2: Assessment
    organs: Assessment
    presiding: Person
    meeting: Meeting


def build_scene(world) -> Scene:
    staff = world.organizer_staff
    county2 = create_organization(
        name="中共丁县委员会",
        short_name="丁县委",
        code="T-CNTY2",
        kind=OrgKind.LOCAL_COMMITTEE,
        admin_level=AdminLevel.COUNTY,
        parent=world.prefecture,
    )
    organs = create_organization(
        name="中共甲市直属机关工作委员会",
        short_name="甲市直机关工委",
        code="T-ORGANS",
        kind=OrgKind.ORGANS_WORK_COMMITTEE,
        admin_level=AdminLevel.PREFECTURE,
        parent=world.prefecture,
    )
    presiding = create_person(actor=None, name="马建国")
    create_secretaryship(
        actor=None, person=presiding, organization=world.prefecture, started_on=date(2020, 1, 1)
    )
    for name, org, user in (
        ("陈志远", world.county, world.assessee),
        ("林海", county2, None),
        ("周文", organs, None),
    ):
        person = create_person(actor=None, name=name, user=user)
        create_secretaryship(actor=None, person=person, organization=org, started_on=date(2019, 5, 1))
    upper = campaign_services.create_campaign(actor=staff, organizer=world.province, year=2024)
    notice = cascade.publish_notice(actor=staff, campaign=upper, title="关于开展2024年度述职评议考核的通知")
    campaign = campaign_services.create_campaign(
        actor=None, organizer=world.prefecture, year=2024, notice=notice
    )
    campaign_services.grant_campaign_role(
        actor=None, campaign=campaign, user=staff, role=CampaignRole.ORGANIZER_STAFF
    )
    campaign_services.grant_campaign_role(
        actor=None, campaign=campaign, user=world.department_leader, role=CampaignRole.DEPARTMENT_LEADER
    )
    campaign_services.apply_scope_proposal(actor=staff, campaign=campaign)
    campaign_services.confirm_scope(actor=staff, campaign=campaign)
    county = campaign.assessments.get(organization=world.county)
    county.liaisons.add(world.liaison)
    meeting = services.create_meeting(
        actor=staff, campaign=campaign, held_on=campaign.meetings_start_on, venue="市委第一会议室"
    )
    return Scene(
        campaign=campaign,
        upper=upper,
        county=county,
        county2=campaign.assessments.get(organization=county2),
        organs=campaign.assessments.get(organization=organs),
        presiding=presiding,
        meeting=meeting,
    )


@pytest.fixture
def scene(world) -> Scene:
    return build_scene(world)

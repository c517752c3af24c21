"""FLOW-3: the menu by role — each persona sees only the modules where it can act or read something, decided
by predicates written beside the permission predicates those pages use (no second list of roles)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuping.accounts.models import User
from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import CampaignRole
from shuping.campaigns.models import Campaign
from shuping.core.navigation import items_for
from tests.access.targets_campaigns import _built
from tests.personas import PASSWORD

#: persona → the menu, in order. A module is listed only where the persona has work or something to read.
MENUS = {
    "organizer_staff": [
        "campaigns:list",
        "reports:list",
        "fieldwork:home",
        "meetings:list",
        "ballots:list",
        "feedback:inbox",
        "rectification:index",
        "oversight:index",
        "orgs:tree",
        "jobs:list",
    ],
    "department_leader": [
        "campaigns:list",
        "reports:list",
        "fieldwork:home",
        "meetings:list",
        "ballots:list",
        "feedback:inbox",
        "rectification:index",
        "oversight:index",
        "orgs:tree",
        "jobs:list",
    ],
    # The assessed secretary: the campaign, the report, the meeting where they report, rectification —
    # never 后台任务 or 监督指导 (nothing of theirs there).
    "assessee": ["campaigns:list", "reports:list", "meetings:list", "rectification:index"],
    "liaison": ["campaigns:list", "reports:list", "meetings:list", "rectification:index", "orgs:tree"],
    "guidance_staff": ["campaigns:list", "meetings:list", "rectification:index", "orgs:tree"],
    # The field team's member: the campaign and the field work, not reports, meetings or rectification.
    "field_member": ["campaigns:list", "fieldwork:home"],
    "outsider": [
        "campaigns:list",
        "reports:list",
        "fieldwork:home",
        "meetings:list",
        "ballots:list",
        "feedback:inbox",
        "rectification:index",
        "oversight:index",
        "orgs:tree",
        "jobs:list",
    ],
    "system_admin": ["admin:index"],
    "security_admin": ["accounts:security_accounts"],
    "audit_admin": ["audit:list"],
}


def _year_under_way(world) -> User:
    """A campaign with the assessee's assessment, and a field team member holding FIELD_ASSESSOR on it."""
    targets = _built(world)
    member = User(username="field_member", full_name="考核组 组员 冯")
    member.set_password(PASSWORD)
    member.save()
    campaign_services.grant_campaign_role(
        actor=world.organizer_staff,
        campaign=Campaign.objects.get(pk=targets["campaign_in_scope"]),
        user=member,
        role=CampaignRole.FIELD_ASSESSOR,
    )
    return member


@pytest.mark.req("FLOW-3")
@pytest.mark.django_db
def test_each_persona_sees_only_the_modules_where_it_can_act_or_read(world):
    users = {**world.users, "field_member": _year_under_way(world)}
    for persona, expected in MENUS.items():
        names = [item["name"] for item in items_for(users[persona])]
        assert names == expected, persona


@pytest.mark.req("FLOW-3")
@pytest.mark.django_db
def test_the_menu_follows_the_user_into_a_campaign_and_out_of_it(world):
    """Nothing to do, nothing shown: the liaison without an assessment has only the tree of its grant; once
    the campaign lists their organization, the campaign, report, meeting and rectification modules appear."""
    assert [i["name"] for i in items_for(world.liaison)] == ["orgs:tree"]
    assert [i["name"] for i in items_for(world.assessee)] == []
    _built(world)
    assert [i["name"] for i in items_for(world.liaison)] == MENUS["liaison"]
    assert [i["name"] for i in items_for(world.assessee)] == MENUS["assessee"]


@pytest.mark.req("FLOW-3")
@pytest.mark.django_db
def test_the_page_shows_the_menu_of_its_persona_at_a_bounded_cost(world, client):
    _year_under_way(world)
    client.force_login(world.assessee)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/").content.decode()
    assert 'href="/reports/"' in page and 'href="/jobs/"' not in page and 'href="/oversight/"' not in page
    assert len(captured) < 40
    client.force_login(User.objects.get(username="field_member"))
    page = client.get("/").content.decode()
    assert 'href="/field/"' in page
    for hidden in ('href="/reports/"', 'href="/meetings/"', 'href="/rectification/"'):
        assert hidden not in page

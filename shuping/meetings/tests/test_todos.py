"""The home page's 待办 for meetings ahead (FLOW-2): the organizer staff prepare them, the guidance staff sent
to the campaign attend them and guide the campaign; a constant number of queries however many there are."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import CampaignRole
from shuping.campaigns.models import Campaign
from shuping.campaigns.todos import campaigns_to_guide
from shuping.core.todos import todos_for
from shuping.meetings import services
from shuping.meetings.todos import meetings_ahead
from tests.access.targets_campaigns import _built


def _texts(user, prefix):
    return [t for t in todos_for(user) if t.text.startswith(prefix)]


def _queries(func, user) -> int:
    with CaptureQueriesContext(connection) as captured:
        func(user)
    return len(captured)


@pytest.mark.req("FLOW-2")
def test_staff_prepare_the_meetings_ahead_and_guidance_staff_attend_them(world):
    campaign = Campaign.objects.get(pk=_built(world)["campaign_in_scope"])
    held_on = campaign.meetings_start_on
    meeting = services.create_meeting(
        actor=world.organizer_staff,
        campaign=campaign,
        held_on=held_on,
        venue="省委常委会议室",
        presiding_name="示范省委书记",
    )
    [todo] = _texts(world.organizer_staff, "筹备述职评议会：")
    days = (held_on - timezone.localdate()).days
    assert todo.url == f"/meetings/{meeting.pk}/" and todo.urgent == (days <= 7)
    assert (f"还有 {days} 天" if days > 0 else "今天召开" if days == 0 else "已过") in todo.note
    assert _texts(world.guidance_staff, "列席指导述职评议会：") == []  # not sent to this campaign
    assert _texts(world.guidance_staff, "指导") == []
    campaign_services.grant_campaign_role(
        actor=world.organizer_staff,
        campaign=campaign,
        user=world.guidance_staff,
        role=CampaignRole.GUIDANCE_STAFF,
    )
    [attend] = _texts(world.guidance_staff, "列席指导述职评议会：")
    assert attend.url == todo.url
    [guide] = _texts(world.guidance_staff, "指导示范省委")
    assert guide.url == f"/campaigns/{campaign.pk}/" and "述职评议会 1 场" in guide.note
    for user in (world.assessee, world.liaison, world.outsider, world.department_leader):
        assert _texts(user, "筹备述职评议会：") == [] and _texts(user, "列席指导述职评议会：") == []

    # More meetings and more guided campaigns cost no more queries.
    small = {f: _queries(f, world.guidance_staff) for f in (meetings_ahead, campaigns_to_guide)}
    staff_small = _queries(meetings_ahead, world.organizer_staff)
    for days in (1, 2, 3):
        services.create_meeting(
            actor=world.organizer_staff,
            campaign=campaign,
            held_on=held_on + timedelta(days=days),
            venue="会议室",
            presiding_name="示范省委书记",
        )
    other = campaign_services.create_campaign(
        actor=world.organizer_staff, organizer=world.province, year=campaign.year - 3
    )
    campaign_services.apply_scope_proposal(actor=world.organizer_staff, campaign=other)
    other = campaign_services.confirm_scope(actor=world.organizer_staff, campaign=other)
    campaign_services.grant_campaign_role(
        actor=world.organizer_staff,
        campaign=other,
        user=world.guidance_staff,
        role=CampaignRole.GUIDANCE_STAFF,
    )
    assert len(_texts(world.organizer_staff, "筹备述职评议会：")) == 4
    assert len(_texts(world.guidance_staff, "指导示范省委")) == 2
    assert {f: _queries(f, world.guidance_staff) for f in small} == small
    assert _queries(meetings_ahead, world.organizer_staff) == staff_small

"""PERF-5 for the meeting page: its query count does not grow with reporters, attendee groups, named
attendees or boxes (回避 adds 单列 boxes, MTG-2) — before the boxes are set up and after."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuping.meetings import services, voting
from shuping.meetings.choices import AttendeeCategory
from shuping.meetings.models import Meeting


def _count(client, meeting) -> int:
    url = reverse("meetings:detail", args=[meeting.pk])
    client.get(url)  # warm per-process caches (roles, settings) once
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _small(meeting, staff, reporters) -> None:
    services.set_agenda(actor=staff, meeting=meeting, assessments=reporters)
    services.set_attendance(
        actor=staff,
        meeting=meeting,
        venue=meeting.venues.get(is_main=True),
        category=AttendeeCategory.COMMITTEE_MEMBER,
        headcount=7,
    )


def _large(meeting, staff, reporters) -> None:
    """More reporters, a 分会场, more categories, named attendees — one of them a reporter (回避)."""
    services.set_agenda(actor=staff, meeting=meeting, assessments=reporters)
    main = meeting.venues.get(is_main=True)
    sub = services.add_venue(actor=staff, meeting=meeting, name="分会场")
    names = [services.AttendeeInput(f"委员{i}", "委员") for i in range(4)]
    recused = reporters[0].person
    services.set_attendance(
        actor=staff,
        meeting=meeting,
        venue=main,
        category=AttendeeCategory.COMMITTEE_MEMBER,
        headcount=9,
        attendees=[*names, services.AttendeeInput(recused.name, "书记", person_id=recused.pk)],
    )
    for venue, category in (
        (main, AttendeeCategory.GRASSROOTS),
        (main, AttendeeCategory.GUIDANCE),
        (sub, AttendeeCategory.PARTY_CONGRESS),
        (sub, AttendeeCategory.GRASSROOTS),
    ):
        services.set_attendance(
            actor=staff,
            meeting=meeting,
            venue=venue,
            category=category,
            headcount=6,
            attendees=[services.AttendeeInput(f"{category}{i}", "") for i in range(3)],
        )


@pytest.mark.req("PERF-5", "MTG-2")
def test_the_meeting_page_costs_the_same_queries_with_more_reporters_attendees_and_boxes(
    scene, world, client
):
    staff = world.organizer_staff
    client.force_login(staff)
    small = scene.meeting
    large = Meeting.objects.get(
        pk=services.create_meeting(
            actor=staff, campaign=scene.campaign, held_on=scene.campaign.meetings_start_on, venue="二号会议室"
        ).pk
    )
    _small(small, staff, [scene.county])
    _large(large, staff, [scene.county2, scene.organs])
    # Before the boxes: the page shows the planned boxes and the 回避 warnings.
    assert "单列票箱" in client.get(reverse("meetings:detail", args=[large.pk])).content.decode()
    before = (_count(client, small), _count(client, large))
    assert before[0] == before[1], before
    # After: one box vs. three (main room's main and 单列 box, the 分会场's main box).
    voting.set_up_ballots(actor=staff, meeting=small)
    voting.set_up_ballots(actor=staff, meeting=large)
    assert (small.boxes.count(), large.boxes.count()) == (1, 3)
    after = (_count(client, small), _count(client, large))
    assert after[0] == after[1], after

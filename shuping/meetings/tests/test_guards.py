"""FLOW-5 at the meeting: voting opened before the meeting day only after an explicit confirmation that
states the date (day screen and the box page alike), and one displayed phase from the meeting's state and
its boxes' together — never "会议尚未开始" beside "投票已结束"."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shuping.audit.models import AuditEvent
from shuping.ballots.choices import BoxStatus
from shuping.core.errors import DomainError
from shuping.meetings import rules, voting
from shuping.meetings.models import Meeting

from .test_meeting import prepare


def _three_weeks_ahead(scene, world):
    meeting, *_ = prepare(scene, world)
    ahead = timezone.localdate() + timedelta(days=21)
    Meeting.objects.filter(pk=meeting.pk).update(held_on=ahead)
    meeting.refresh_from_db()
    return meeting, ahead


def _statuses(meeting):
    return set(meeting.boxes.values_list("box__status", flat=True))


@pytest.mark.req("FLOW-5", "MTG-4")
def test_voting_three_weeks_ahead_opens_only_after_a_confirmation_stating_the_date(scene, world, client):
    meeting, ahead = _three_weeks_ahead(scene, world)
    client.force_login(world.organizer_staff)
    url = reverse("meetings:day", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert 'name="confirm_early"' in page and f"{ahead.year}年{ahead.month}月{ahead.day}日" in page
    refused = client.post(url + "open-voting/").content.decode()
    assert "尚未到会议日" in refused and ahead.isoformat() in refused
    assert _statuses(meeting) == {BoxStatus.DRAFT}
    client.post(url + "open-voting/", {"confirm_early": "1"})
    assert _statuses(meeting) == {BoxStatus.OPEN}
    event = AuditEvent.objects.filter(action="meetings.voting_open").latest("pk")
    assert event.detail["before_meeting_day"] is True


@pytest.mark.req("FLOW-5", "BAL-1")
def test_the_box_page_asks_the_same_confirmation_for_a_meeting_box(scene, world, client):
    meeting, ahead = _three_weeks_ahead(scene, world)
    box = meeting.boxes.select_related("box").first().box
    client.force_login(world.organizer_staff)
    page = client.get(reverse("ballots:detail", args=[box.pk])).content.decode()
    assert 'name="confirm_early"' in page and f"{ahead.year}年{ahead.month}月{ahead.day}日" in page
    url = reverse("ballots:transition", args=[box.pk])
    refused = client.post(url, {"action": "open"}, follow=True).content.decode()
    assert "尚未到会议日" in refused
    box.refresh_from_db()
    assert box.status == BoxStatus.DRAFT
    client.post(url, {"action": "open", "confirm_early": "1"})
    box.refresh_from_db()
    assert box.status == BoxStatus.OPEN


@pytest.mark.req("FLOW-5", "MTG-4")
def test_on_the_meeting_day_no_confirmation_is_asked(scene, world, client):
    meeting, *_ = prepare(scene, world)
    Meeting.objects.filter(pk=meeting.pk).update(held_on=timezone.localdate())
    meeting.refresh_from_db()
    client.force_login(world.organizer_staff)
    assert (
        'name="confirm_early"' not in client.get(reverse("meetings:day", args=[meeting.pk])).content.decode()
    )
    assert voting.open_voting(actor=world.organizer_staff, meeting=meeting) >= 1
    later, _ = _three_weeks_ahead_other(scene, world)
    with pytest.raises(DomainError, match="尚未到会议日"):  # the service refuses on its own, too
        voting.open_voting(actor=world.organizer_staff, meeting=later)


def _three_weeks_ahead_other(scene, world):
    from shuping.meetings import services

    other = services.create_meeting(
        actor=world.organizer_staff,
        campaign=scene.campaign,
        held_on=scene.campaign.meetings_start_on,
        venue="市委第二会议室",
    )
    Meeting.objects.filter(pk=other.pk).update(held_on=timezone.localdate() + timedelta(days=21))
    other.refresh_from_db()
    return other, other.held_on


@pytest.mark.req("FLOW-5", "MTG-4")
def test_a_planned_meeting_voted_ahead_never_says_not_started_beside_voting_closed(scene, world, client):
    meeting, _ahead = _three_weeks_ahead(scene, world)
    voting.open_voting(actor=world.organizer_staff, meeting=meeting, confirm_early=True)
    voting.close_voting(actor=world.organizer_staff, meeting=meeting)
    client.force_login(world.organizer_staff)
    for name in ("meetings:day", "meetings:day_live", "meetings:detail"):
        page = client.get(reverse(name, args=[meeting.pk])).content.decode()
        assert "会议尚未开始" not in page
        assert "筹备中" not in page
    day = client.get(reverse("meetings:day", args=[meeting.pk])).content.decode()
    assert "会前投票已结束" in day and "投票已结束" in day
    listing = client.get(reverse("meetings:list")).content.decode()  # the list says the same
    assert "会前投票已结束" in listing and "筹备中" not in listing


@pytest.mark.req("FLOW-5")
def test_the_phase_rule_never_pairs_not_started_with_closed_voting():
    states = ("not_set_up", "draft", "rehearsal", "open", "counting", "closed")
    for status, state in itertools.product(("planned", "in_progress", "held"), states):
        phase = rules.meeting_phase(status, state)
        text = phase.label + phase.idle_text
        if state in ("open", "counting", "closed"):
            assert "尚未开始" not in text and "筹备中" not in text
        if status == "planned" and state not in ("open", "counting", "closed"):
            assert phase.label == "筹备中"

"""The meeting page's writes (MTG-1, MTG-2, MTG-3): one small view per operation through the shared form
handler — success flashes and returns to the page; a refusal draws the page again with the message, 400;
the department leader, who reads the page, writes nothing (403)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuping.meetings.choices import AttendeeCategory
from shuping.meetings.models import AgendaItem, AttendeeGroup, Venue


def _messages(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


@pytest.mark.req("MTG-1", "MTG-2")
def test_the_agenda_venues_and_attendance_are_each_their_own_post(scene, world, client):
    meeting = scene.meeting
    client.force_login(world.organizer_staff)
    base = reverse("meetings:detail", args=[meeting.pk])
    page = client.get(base).content.decode()
    for route in ("agenda/", "attendance/", "venues/", "commenters/", "send-plan/"):
        assert f'action="{base}{route}"' in page, route
    assert client.post(base).status_code == 405  # the page itself only reads
    order = [scene.county2.pk, "x", scene.county.pk]
    saved = client.post(base + "agenda/", {"assessment": order})
    assert saved.status_code == 302 and "已保存述职人名单。" in _messages(saved)
    agenda = AgendaItem.objects.filter(meeting=meeting).order_by("position")
    assert list(agenda.values_list("assessment_id", flat=True)) == [scene.county2.pk, scene.county.pk]
    added = client.post(base + "venues/", {"name": "丁县分会场"})
    assert added.status_code == 302 and "已增设分会场。" in _messages(added)
    venue = Venue.objects.get(meeting=meeting, name="丁县分会场")
    refused = client.post(base + "attendance/", {"venue": venue.pk, "category": "nonsense", "headcount": -1})
    body = refused.content.decode()
    assert refused.status_code == 400 and "请检查参会人员类别和人数。" in body
    assert not AttendeeGroup.objects.filter(venue=venue).exists()
    category = AttendeeCategory.values[0]
    entered = client.post(
        base + "attendance/",
        {"venue": venue.pk, "category": category, "headcount": 3, "is_voting": "on", "names": "张三｜丁县委"},
    )
    assert entered.status_code == 302 and "已保存参会人员。" in _messages(entered)
    assert AttendeeGroup.objects.get(venue=venue).headcount == 3
    other = Venue.objects.exclude(meeting=meeting).first()
    if other is not None:
        assert (
            client.post(
                base + "attendance/", {"venue": other.pk, "category": category, "headcount": 1}
            ).status_code
            == 404
        )


@pytest.mark.req("MTG-1")
def test_the_leader_reads_the_meeting_but_writes_nothing(scene, world, client):
    meeting = scene.meeting
    client.force_login(world.department_leader)
    base = reverse("meetings:detail", args=[meeting.pk])
    assert client.get(base).status_code == 200
    for route in (
        "agenda/",
        "attendance/",
        "venues/",
        "commenters/",
        "send-plan/",
        "ballots/",
        "commentary/draft/",
    ):
        assert client.post(base + route).status_code == 403, route
    for name in ("day_start", "day_next", "day_open_voting", "day_stop_phone", "day_close_voting", "day_end"):
        assert client.post(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 403, name

"""/api/v1/meetings: scoped list and detail, queries independent of the number of meetings (PERF-5)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuping.meetings import services


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


@pytest.mark.req("MTG-1", "PERF-5", "SEC-2")
def test_the_list_is_scoped_and_its_query_count_is_constant(scene, world, client):
    staff = world.organizer_staff
    services.set_agenda(actor=staff, meeting=scene.meeting, assessments=[scene.county, scene.organs])
    client.force_login(staff)
    few, body = _count(client, "/api/v1/meetings")
    assert [m["title"] for m in body] == [scene.meeting.title]
    assert body[0]["on_site"][0]["person_name"] == "陈志远" and body[0]["written"][0]["mode"] == "written"
    second = services.create_meeting(
        actor=staff, campaign=scene.campaign, held_on=scene.campaign.meetings_end_on, venue="二号"
    )
    services.set_agenda(actor=staff, meeting=second, assessments=[scene.county2])
    for n in range(3):
        services.create_meeting(
            actor=staff, campaign=scene.campaign, held_on=scene.campaign.meetings_end_on, venue=f"会场{n}"
        )
    many, body = _count(client, "/api/v1/meetings")
    assert len(body) == 5 and many == few
    client.force_login(world.outsider)
    assert client.get("/api/v1/meetings").json() == []
    assert client.get(f"/api/v1/meetings/{scene.meeting.pk}").status_code == 404
    client.force_login(world.assessee)
    assert [m["id"] for m in client.get("/api/v1/meetings").json()] == [scene.meeting.pk]

"""/api/v1/ballot-boxes: scoped lists, detail, and the confidential tally (BAL-8, EVA-9, SEC-2, PERF-5)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shuping.ballots import services
from shuping.ballots.tests.factories import make_box, vote


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.req("SEC-2")
def test_the_list_is_scoped_and_its_query_count_does_not_grow(world):
    mine, _ = make_box(world)
    theirs, _ = make_box(world, organization=world.other_province, actor=world.outsider)
    client = _client(world.organizer_staff)
    with CaptureQueriesContext(connection) as one:
        body = client.get("/api/v1/ballot-boxes").json()
    assert [b["id"] for b in body] == [mine.pk]
    assert body[0]["subject_count"] == 3 and body[0]["credential_count"] == 8
    for _ in range(3):
        make_box(world, open_box=False)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/ballot-boxes").json()) == 4
    assert len(many) == len(one)
    assert [b["id"] for b in _client(world.outsider).get("/api/v1/ballot-boxes").json()] == [theirs.pk]
    assert _client(world.liaison).get("/api/v1/ballot-boxes").json() == []
    assert _client().get("/api/v1/ballot-boxes").status_code == 401


@pytest.mark.req("SEC-2", "BAL-1")
def test_detail_shows_turnout_but_no_ballot_content(world):
    box, slips = make_box(world)
    vote(box, slips[0])
    body = _client(world.department_leader).get(f"/api/v1/ballot-boxes/{box.pk}").json()
    assert body["turnout"] == {"issued": 8, "used": 1}
    # On-site reporters first, then the written section (对象1 reports in writing).
    assert [s["name"] for s in body["subjects"]] == ["对象2", "对象3", "对象1"]
    assert "ratings" not in str(body) and "receipt" not in str(body)
    assert _client(world.assessee).get(f"/api/v1/ballot-boxes/{box.pk}").status_code == 404


@pytest.mark.req("BAL-8", "EVA-9")
def test_the_tally_exists_only_after_closing_and_only_for_organizer_staff_and_leaders(world, settings):
    settings.SHUPING_BALLOT_MIN_CATEGORY = 5
    box, slips = make_box(
        world, categories={"市级领导": 3, "部门负责人": 6}, weights={"市级领导": 1, "部门负责人": 1}
    )
    before = _client(world.organizer_staff).get(f"/api/v1/ballot-boxes/{box.pk}/tally")
    assert before.status_code == 409 and "尚未封箱" in before.json()["detail"]
    for slip in slips:
        vote(box, slip, grade="good" if slip.category == "市级领导" else "average")
    services.close_box(actor=world.organizer_staff, box=box)
    for user in (world.organizer_staff, world.department_leader):
        body = _client(user).get(f"/api/v1/ballot-boxes/{box.pk}/tally").json()
        first = body["subjects"][0]
        assert body["valid_ballots"] == 9
        assert first["grade_counts"] == {"good": 3, "fairly_good": 0, "average": 6, "poor": 0}
        assert first["top_rate"] == pytest.approx(1 / 3)
        # DSC-1: 市级领导 (3) is under k, so it merges — and with the smallest published category, since a
        # hidden line would be the total minus 部门负责人. The weights are then not applied: a weighted mean
        # (80 = mean of 100 and 60) beside the counts would say that all three 市级领导 voted 好.
        assert first["score"] == pytest.approx(660 / 9) and first["is_weighted"] is False
        assert body["categories"] == [
            {
                "label": "其他类别（合并）",
                "categories": ["市级领导", "部门负责人"],
                "ballots": 9,
                "is_hidden": False,
            },
        ]
    for user in (world.liaison, world.assessee, world.guidance_staff, world.outsider, world.audit_admin):
        assert _client(user).get(f"/api/v1/ballot-boxes/{box.pk}/tally").status_code == 404

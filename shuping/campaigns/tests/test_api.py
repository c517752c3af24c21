"""/api/v1/campaigns and /api/v1/assessments: scoped, Chinese errors, constant query counts (PERF-5)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuping.campaigns import services
from shuping.campaigns.models import Campaign
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization, create_person, create_secretaryship


@pytest.mark.req("CMP-1", "SEC-2")
def test_create_list_and_move_through_the_api(world, secretaries, login):
    client = login(world.organizer_staff)
    r = client.post(
        "/api/v1/campaigns",
        {"organizer_id": world.province.pk, "year": 2024},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    r = client.post(
        "/api/v1/campaigns",
        {"organizer_id": world.province.pk, "year": 2024},
        content_type="application/json",
    )
    assert r.status_code == 409 and "已经创建" in r.json()["detail"]
    r = login(world.outsider).post(
        "/api/v1/campaigns",
        {"organizer_id": world.province.pk, "year": 2025},
        content_type="application/json",
    )
    assert r.status_code == 403
    campaign = services.apply_scope_proposal(
        actor=world.organizer_staff, campaign=Campaign.objects.get(pk=cid)
    )
    aid = campaign[0].pk
    client = login(world.organizer_staff)
    body = client.get(f"/api/v1/assessments/{aid}").json()
    assert body["stage_label"] == "报告" and any("名单尚未确认" in b for b in body["blockers"])
    r = client.post(
        f"/api/v1/assessments/{aid}/stage", {"to_stage": "meeting"}, content_type="application/json"
    )
    assert r.status_code == 409 and "不能跳过" in r.json()["detail"]
    r = login(world.liaison).post(
        f"/api/v1/assessments/{aid}/stage", {"to_stage": "field"}, content_type="application/json"
    )
    assert r.status_code == 403
    assert [a["organization_name"] for a in login(world.assessee).get("/api/v1/assessments").json()] == [
        "中共甲市委员会"
    ]


@pytest.mark.req("PERF-5")
def test_api_lists_use_a_constant_number_of_queries(world, secretaries, login):
    staff = world.organizer_staff
    campaign = services.create_campaign(actor=staff, organizer=world.province, year=2024)
    services.apply_scope_proposal(actor=staff, campaign=campaign)
    client = login(staff)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = [count("/api/v1/campaigns"), count("/api/v1/assessments")]
    for i in range(5):
        org = create_organization(
            name=f"中共第{i}市委员会",
            code=f"T-A{i}",
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=AdminLevel.PREFECTURE,
            parent=world.province,
        )
        create_secretaryship(
            actor=None,
            person=create_person(actor=None, name=f"书记{i}"),
            organization=org,
            started_on=date(2018, 1, 1),
        )
    services.apply_scope_proposal(actor=staff, campaign=campaign)
    services.create_campaign(actor=staff, organizer=world.province, year=2023)
    assert [count("/api/v1/campaigns"), count("/api/v1/assessments")] == before

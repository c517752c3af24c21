"""/api/v1/orgs and /api/v1/people: scoped, filtered, paginated, Chinese errors, constant queries (PERF-5)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuping.orgs.choices import OrgKind

from .factories import OrganizationFactory, SecretaryshipFactory

pytestmark = pytest.mark.django_db


def test_anonymous_callers_get_401_in_chinese(client, world):
    response = client.get("/api/v1/orgs")
    assert response.status_code == 401 and response.json()["detail"].startswith("请先登录")


@pytest.mark.req("ORG-1", "SEC-2")
def test_the_organization_list_is_scoped_and_filterable(world, login):
    SecretaryshipFactory(person__name="陈书记", organization=world.county, started_on=date(2021, 5, 1))
    client = login(world.guidance_staff)
    body = client.get("/api/v1/orgs").json()
    assert body["count"] == 3 and [o["code"] for o in body["items"]] == ["T-PREF", "T-CNTY", "T-TOWN"]
    county = body["items"][1]
    assert county["kind_label"] == "地方党委" and county["admin_level"] == "county" and county["has_children"]
    assert county["current_secretary"]["name"] == "陈书记"
    assert [
        o["code"] for o in client.get("/api/v1/orgs", {"kind": "township_committee"}).json()["items"]
    ] == ["T-TOWN"]
    assert [o["code"] for o in client.get("/api/v1/orgs", {"level": "prefecture"}).json()["items"]] == [
        "T-PREF"
    ]
    assert [
        o["code"] for o in client.get("/api/v1/orgs", {"parent": world.prefecture.pk}).json()["items"]
    ] == ["T-CNTY"]
    assert [o["code"] for o in client.get("/api/v1/orgs", {"q": "乙县"}).json()["items"]] == ["T-CNTY"]
    page = client.get("/api/v1/orgs", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3 and [o["code"] for o in page["items"]] == ["T-CNTY"]
    assert login(world.system_admin).get("/api/v1/orgs").json() == {
        "count": 0,
        "limit": 50,
        "offset": 0,
        "items": [],
    }


@pytest.mark.req("SEC-6")
def test_bad_filters_get_field_level_chinese_errors(world, login):
    client = login(world.organizer_staff)
    body = client.get("/api/v1/orgs", {"kind": "castle", "limit": 0}).json()
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert body["detail"] == "输入有误，请检查后重试。"
    assert fields["kind"] == "不是允许的取值" and fields["limit"] == "数值过小"
    assert client.get("/api/v1/orgs/abc").status_code == 422


@pytest.mark.req("ORG-1", "SEC-2")
def test_an_organization_with_its_visible_ancestors_and_children(world, login):
    client = login(world.guidance_staff)
    body = client.get(f"/api/v1/orgs/{world.township.pk}").json()
    assert [a["code"] for a in body["ancestors"]] == ["T-PREF", "T-CNTY"]
    children = client.get(f"/api/v1/orgs/{world.county.pk}/children").json()
    assert [o["code"] for o in children["items"]] == ["T-TOWN"]
    missing = client.get(f"/api/v1/orgs/{world.other_prefecture.pk}")
    assert missing.status_code == 404 and missing.json()["detail"] == "未找到，或不在您的权限范围内。"


@pytest.mark.req("ORG-3", "SEC-2", "SEC-7")
def test_people_are_scoped_and_the_phone_is_masked_for_staff_only(world, login):
    post = SecretaryshipFactory(
        person__name="林书记",
        person__phone="13600001111",
        person__birth_month=date(1970, 4, 1),
        organization=world.county,
    )
    SecretaryshipFactory(person__name="邻省书记", organization=world.other_prefecture)
    staff = login(world.organizer_staff).get("/api/v1/people").json()
    assert [p["name"] for p in staff["items"]] == ["林书记"]
    assert (
        staff["items"][0]["phone_masked"] == "136****1111" and staff["items"][0]["birth_month"] == "1970-04"
    )
    guidance = login(world.guidance_staff).get(f"/api/v1/people/{post.person_id}").json()
    assert guidance["phone_masked"] is None
    assert guidance["secretaryships"][0]["organization"]["code"] == "T-CNTY"
    assert login(world.outsider).get(f"/api/v1/people/{post.person_id}").status_code == 404
    by_org = login(world.organizer_staff).get("/api/v1/people", {"organization": world.township.pk}).json()
    assert by_org["count"] == 0


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def _grow(world, n: int, start: int) -> None:
    for i in range(start, start + n):
        township = OrganizationFactory(
            parent=world.county, code=f"A-{i:04d}", kind=OrgKind.TOWNSHIP_COMMITTEE
        )
        SecretaryshipFactory(organization=township, started_on=date(2022, 1, 1), person__phone="13500000000")
        OrganizationFactory(parent=township, code=f"A-{i:04d}-V", kind=OrgKind.VILLAGE_COMMITTEE)


@pytest.mark.req("PERF-5")
def test_api_lists_issue_the_same_queries_for_5_or_50_rows(world, login):
    client = login(world.organizer_staff)
    urls = [
        "/api/v1/orgs?limit=200",
        f"/api/v1/orgs/{world.county.pk}/children?limit=200",
        "/api/v1/people?limit=200",
        f"/api/v1/orgs/{world.county.pk}",
    ]
    _grow(world, 5, 0)
    small = [_count(client, url) for url in urls]
    _grow(world, 45, 5)
    large = [_count(client, url) for url in urls]
    assert small == large
    assert client.get("/api/v1/people?limit=200").json()["count"] == 50

"""Organization tree, organization and person pages (ORG-1, ORG-3, SEC-2) and their query counts (PERF-5)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuping.orgs import services
from shuping.orgs.choices import AdminLevel, GuidanceKind, OrgKind

from .factories import OrganizationFactory, SecretaryshipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.req("ORG-1", "SEC-2")
def test_the_tree_starts_at_the_users_grant_and_the_nav_shows_党组织(world, login):
    client = login(world.guidance_staff)
    page = client.get(reverse("orgs:tree")).content.decode()
    assert "甲市委" in page and "示范省委" not in page.split("<main", 1)[1]
    assert 'href="/orgs/"' in page and "党组织" in page
    assert f'hx-get="/orgs/{world.prefecture.pk}/children/"' in page


def test_the_three_administrators_get_no_tree_and_no_nav_item(world, login):
    page = login(world.audit_admin).get(reverse("orgs:tree")).content.decode()
    assert "没有任何党组织的查阅权限" in page
    assert 'href="/orgs/"' not in page.split("<main", 1)[0]


@pytest.mark.req("ORG-1", "ORG-3")
def test_expanding_a_node_loads_its_children_with_their_secretaries(world, login):
    SecretaryshipFactory(person__name="周明", organization=world.county, started_on=date(2020, 1, 1))
    response = login(world.organizer_staff).get(
        reverse("orgs:children", args=[world.prefecture.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html  # a fragment for htmx
    assert "乙县委" in html and "书记：周明" in html
    assert "县（市、区、旗）" in html  # the level badge


@pytest.mark.req("ORG-1", "SEC-2")
def test_search_by_name_or_code_stays_in_scope(world, login):
    client = login(world.outsider)
    by_name = client.get(
        reverse("orgs:search"), {"q": "市委"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "邻市委" in by_name and "甲市委" not in by_name
    by_code = login(world.organizer_staff).get(reverse("orgs:search"), {"q": "t-cn"}).content.decode()
    assert "乙县委" in by_code and "<html" in by_code  # without htmx: a whole page
    assert "示范省委 · 甲市委" in by_code  # where it sits


@pytest.mark.req("ORG-1", "ORG-3", "ORG-5")
def test_the_organization_page_shows_breadcrumb_secretaries_flags_and_guidance(world, login):
    old = SecretaryshipFactory(person__name="钱书记", organization=world.county, started_on=date(2018, 1, 1))
    year = timezone.localdate().year - 1  # a completed year, shown among the last three
    services.end_secretaryship(actor=None, secretaryship=old, ended_on=date(year, 1, 15))
    SecretaryshipFactory(person__name="孙书记", organization=world.county, started_on=date(year, 1, 16))
    organs = OrganizationFactory(
        name="中共甲市直属机关工作委员会",
        code="T-ORG",
        kind=OrgKind.ORGANS_WORK_COMMITTEE,
        admin_level=AdminLevel.NONE,
        parent=world.prefecture,
    )
    services.create_guidance_relation(
        actor=None, guiding=organs, guided=world.county, kind=GuidanceKind.ORGANS_WORK_COMMITTEE
    )
    html = login(world.guidance_staff).get(reverse("orgs:detail", args=[world.county.pk])).content.decode()
    assert f'<a href="/orgs/{world.prefecture.pk}/">甲市委</a>' in html
    assert "示范省委" not in html.split("<main", 1)[1]  # above the guidance staff's grant
    assert "孙书记" in html and "钱书记" in html and "已离任" in html
    assert "年中调整" in html
    assert "中共甲市直属机关工作委员会" in html and "机关工委指导" in html
    assert "丙镇党委" in html  # children


@pytest.mark.req("ORG-3", "SEC-7")
def test_the_person_page_masks_the_phone_and_hides_it_from_others(world, login):
    person = SecretaryshipFactory(organization=world.county, person__phone="13912345678").person
    url = reverse("orgs:person", args=[person.pk])
    staff = login(world.organizer_staff).get(url).content.decode()
    assert "139****5678" in staff and "13912345678" not in staff
    assert "乙县委" in staff or "中共乙县委员会" in staff
    guidance = login(world.guidance_staff).get(url).content.decode()
    assert "联系电话" not in guidance and "5678" not in guidance


def _count(client, url: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(parent, n: int, start: int) -> None:
    for i in range(start, start + n):
        township = OrganizationFactory(parent=parent, code=f"G-{i:04d}")
        SecretaryshipFactory(organization=township, started_on=date(2023, 1, 1))
        OrganizationFactory(parent=township, code=f"G-{i:04d}-V", kind=OrgKind.VILLAGE_COMMITTEE)


@pytest.mark.req("PERF-5")
def test_tree_search_and_organization_pages_issue_the_same_queries_for_5_or_50_children(world, login):
    client = login(world.organizer_staff)
    urls = [
        (reverse("orgs:tree"), {}),
        (reverse("orgs:children", args=[world.county.pk]), {"headers": {"HX-Request": "true"}}),
        (reverse("orgs:detail", args=[world.county.pk]), {}),
        (reverse("orgs:search") + "?q=G-", {"headers": {"HX-Request": "true"}}),
    ]
    _grow(world.county, 5, 0)
    small = [_count(client, url, **kw) for url, kw in urls]
    _grow(world.county, 45, 5)
    large = [_count(client, url, **kw) for url, kw in urls]
    assert small == large


@pytest.mark.req("PERF-5")
def test_the_person_page_issues_the_same_queries_for_1_or_12_posts(world, login):
    client = login(world.organizer_staff)
    person = SecretaryshipFactory(
        organization=world.county, started_on=date(1990, 1, 1), ended_on=date(1990, 12, 31)
    ).person
    url = reverse("orgs:person", args=[person.pk])
    small = _count(client, url)
    for year in range(1991, 2002):
        org = OrganizationFactory(parent=world.county)
        SecretaryshipFactory(
            person=person, organization=org, started_on=date(year, 1, 1), ended_on=date(year, 12, 31)
        )
    assert _count(client, url) == small

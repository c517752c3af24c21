"""Dashboards over a subtree (OVS-2, ORG-2, EVA-9, PERF-5): the aggregates agree with a plain count over
the rows, the subtree comes from the organizer's path, confidentiality holds, query counts stay constant."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant
from shuping.campaigns.choices import STAGE_ORDER
from shuping.campaigns.models import Assessment
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization
from shuping.oversight import rules, selectors
from shuping.oversight.tests.builders import advance, decided, opened
from tests.personas import _user

pytestmark = pytest.mark.django_db

TODAY = date(2025, 1, 20)


def _township(county, name, code):
    return create_organization(
        name=name, code=code, kind=OrgKind.TOWNSHIP_COMMITTEE, admin_level=AdminLevel.TOWNSHIP, parent=county
    )


def _county(prefecture, name, code):
    return create_organization(
        name=name, code=code, kind=OrgKind.LOCAL_COMMITTEE, admin_level=AdminLevel.COUNTY, parent=prefecture
    )


@pytest.fixture
def tree(world):
    """示范省委 2024 and 2023, 甲市委 2024, 乙县委 2024 (two townships), 丁县委 2024, 邻省委 2024."""
    _township(world.county, "中共丁镇委员会", "T-TOWN2")
    second = _county(world.prefecture, "中共丁县委员会", "T-CNTY2")
    _township(second, "中共戊镇委员会", "T-TOWN3")
    campaigns = {
        "province": opened(world.province, 2024),
        "province_2023": decided(opened(world.province, 2023)),
        "prefecture": opened(world.prefecture, 2024),
        "county": opened(world.county, 2024),
        "county2": opened(second, 2024),
        "other": opened(world.other_province, 2024),
    }
    county_rows = list(campaigns["county"].assessments.order_by("pk"))
    advance(county_rows[0], "meeting")
    advance(campaigns["prefecture"].assessments.order_by("pk").first(), "field")
    return campaigns


def _expected(org, year, today):
    """The same figures by brute force: every assessment row, filtered in Python by the organizer's path."""
    by_child: dict[str, dict[str, int]] = {}
    width = len(org.path) + 7
    for a in Assessment.objects.select_related("campaign__organizer").filter(
        campaign__year=year, is_excluded=False
    ):
        organizer = a.campaign.organizer
        if not organizer.path.startswith(org.path):
            continue
        child = organizer.path[:width]
        row = by_child.setdefault(child, {"assessments": 0, "late": 0, **dict.fromkeys(STAGE_ORDER, 0)})
        row["assessments"] += 1
        row[a.stage] += 1
        c = a.campaign
        row["late"] += rules.is_late(
            a.stage,
            today,
            field_starts_on=c.field_starts_on,
            field_ends_on=c.field_ends_on,
            meetings_end_on=c.meetings_end_on,
            ends_on=c.ends_on,
        )
    return by_child


@pytest.mark.req("OVS-2", "ORG-2")
@pytest.mark.parametrize("today", [TODAY, date(2024, 12, 10), date(2025, 6, 30), date(2024, 3, 1)])
@pytest.mark.parametrize(
    "small_subtree", [selectors.SMALL_SUBTREE, 0], ids=["by-org-ids", "by-organizer-path"]
)
def test_dashboard_aggregates_match_the_rows_grouped_by_child(world, tree, today, small_subtree, monkeypatch):
    # Both ways of selecting the subtree's campaigns (small subtrees by their organizations' ids, large
    # ones by each campaign's organizer path) give the brute-force figures.
    monkeypatch.setattr(selectors, "SMALL_SUBTREE", small_subtree)
    for org in (world.province, world.prefecture, world.county):
        assert selectors.is_small_subtree(org) is (small_subtree > 0)
        board = selectors.dashboard_for(org, year=2024, today=today)
        expected = _expected(org, 2024, today)
        got = {r.path: r for r in board.rows if r.assessments}
        assert set(got) == set(expected), org.name
        for path, row in got.items():
            assert row.assessments == expected[path]["assessments"]
            assert row.late == expected[path]["late"]
            assert row.stages == {s: expected[path][s] for s in STAGE_ORDER}
        assert board.totals.assessments == sum(e["assessments"] for e in expected.values())


@pytest.mark.req("OVS-2", "ORG-2")
def test_province_rows_are_its_own_level_then_its_children_with_their_whole_subtree(world, tree):
    board = selectors.dashboard_for(world.province, year=2024, today=TODAY)
    names = [r.name for r in board.rows]
    assert names == ["本级", "甲市委"]
    own, prefecture = board.rows
    assert own.campaigns == 1 and own.open + own.draft + own.closed == 1
    # 甲市委's row holds its own campaign and both counties' below it (the path prefix, no walk).
    assert prefecture.campaigns == 3
    assert prefecture.organization_id == world.prefecture.pk
    # 邻省委 is another subtree: never counted.
    assert board.totals.campaigns == 4
    assert tree["other"].pk not in {c["campaign_id"] for c in board.late_campaigns}
    # Year over year: 2023 (every assessee past 研究) and 2024.
    trend = {t["year"]: t for t in board.trend}
    assert set(trend) == {2023, 2024}
    assert trend[2023]["decided"] == trend[2023]["assessees"] > 0
    assert board.years == [2023, 2024]


@pytest.mark.req("OVS-2")
def test_late_q_in_sql_agrees_with_the_pure_rule_on_every_day_of_the_schedule(world, tree):
    campaign = tree["county"]
    start = campaign.starts_on - timedelta(days=3)
    day = start
    while day <= campaign.ends_on + timedelta(days=3):
        late_ids = set(
            Assessment.objects.filter(campaign=campaign)
            .filter(selectors.late_q(day))
            .values_list("pk", flat=True)
        )
        for a in campaign.assessments.all():
            expected = rules.is_late(
                a.stage,
                day,
                field_starts_on=campaign.field_starts_on,
                field_ends_on=campaign.field_ends_on,
                meetings_end_on=campaign.meetings_end_on,
                ends_on=campaign.ends_on,
            )
            assert (a.pk in late_ids) == expected, (day, a.stage)
        day += timedelta(days=5)


@pytest.mark.req("ORG-2")
def test_the_subtree_filter_is_the_organizers_path_prefix(world, tree):
    sql = str(selectors.subtree_assessments(world.province, 2024).query)
    assert "LIKE" in sql or ">=" in sql  # the indexed prefix (PostgreSQL LIKE 'x%', SQLite a range)
    assert (
        "organization_path" not in sql.split("WHERE", 1)[1].split("ORDER BY")[0]
    )  # never the assessee's own path


@pytest.mark.req("EVA-9", "OVS-2")
def test_county_department_cannot_see_its_own_secretarys_results_in_the_prefecture_campaign(
    world, tree, client, monkeypatch
):
    county_staff = _user("county-staff", "乙县委组织部 干事")
    RoleGrant.objects.create(
        user=county_staff, role=Role.ORGANIZER_STAFF, organization=world.county, include_subtree=True
    )
    prefecture_campaign = tree["prefecture"]
    secretary = prefecture_campaign.assessments.get(organization=world.county)
    advance(secretary, "evaluation")  # before 研究: confidential
    seen: list = []
    # A spy in place of the registered providers (restored by monkeypatch, not cleared).
    monkeypatch.setattr(selectors, "_GRADE_PROVIDERS", [])
    selectors.register_grade_provider(lambda qs, child: seen.extend(qs.values_list("pk", flat=True)) or [])
    board = selectors.dashboard_for(world.county, year=2024, today=TODAY)
    # The prefecture's campaign is not organized in the county's subtree: not counted at all,
    # although the assessee (乙县委) is inside it.
    assert board.totals.assessments == tree["county"].assessments.count()
    assert secretary.pk not in seen
    # Even the province's board, which counts the prefecture's campaign, hands grade providers only
    # assessments past 研究.
    seen.clear()
    selectors.dashboard_for(world.province, year=2024, today=TODAY)
    assert secretary.pk not in seen
    advance(secretary, "feedback")
    seen.clear()
    selectors.dashboard_for(world.province, year=2024, today=TODAY)
    assert secretary.pk in seen
    client.force_login(county_staff)
    assert client.get(reverse("oversight:campaign", args=[prefecture_campaign.pk])).status_code == 404
    assert client.get(reverse("oversight:dashboard", args=[world.prefecture.pk])).status_code == 404
    assert client.get(f"/api/v1/dashboards/{world.prefecture.pk}").status_code == 404
    assert client.get(reverse("oversight:campaign", args=[tree["county"].pk])).status_code == 200


@pytest.mark.req("OVS-2", "OVS-3", "EVA-9")
def test_province_organizer_sees_every_county_campaign_state_read_only(world, tree, client):
    client.force_login(world.organizer_staff)
    page = client.get(reverse("oversight:dashboard", args=[world.prefecture.pk]), {"year": 2024})
    assert page.status_code == 200
    body = page.content.decode()
    for campaign in (tree["county"], tree["county2"]):
        response = client.get(reverse("oversight:campaign", args=[campaign.pk]))
        assert response.status_code == 200
        text = response.content.decode()
        assert campaign.title in text and "只读" in text
        assert "<form" not in text.split('id="main"', 1)[1].split("</main>")[0]  # no write controls
        assessment = campaign.assessments.first()
        assert assessment.organization_name in text
        # The campaigns app's write routes stay closed to the overseer.
        stage = client.post(
            reverse("campaigns:assessment_stage", args=[assessment.pk]), {"to_stage": "field"}
        )
        assert stage.status_code == 404
        assessment.refresh_from_db()
    assert "乙县委" in body and "丁县委" in body  # drill-down rows for each county
    # No result wording before 研究 on a confidential-stage page (EVA-9).
    assert "测评结果" not in body and "综合评价意见" not in body


def _world_grows(world, n):
    """Add n counties, each with a township and a campaign, under 甲市委."""
    for i in range(n):
        county = _county(world.prefecture, f"中共扩{i}县委员会", f"T-X{i}")
        _township(county, f"中共扩{i}镇委员会", f"T-XT{i}")
        opened(county, 2024)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.req("PERF-5", "OVS-2")
def test_query_counts_do_not_grow_with_the_data(world, tree, client):
    client.force_login(world.organizer_staff)
    urls = [
        reverse("oversight:dashboard", args=[world.province.pk]) + "?year=2024",
        reverse("oversight:dashboard", args=[world.prefecture.pk]) + "?year=2024",
        reverse("oversight:dashboard_export", args=[world.province.pk]) + "?year=2024",
        reverse("oversight:campaign", args=[tree["prefecture"].pk]),
        reverse("oversight:index"),
        f"/api/v1/dashboards/{world.province.pk}?year=2024",
        "/api/v1/dashboards",
    ]
    before = [_queries(client, u) for u in urls]
    _world_grows(world, 4)
    after = [_queries(client, u) for u in urls]
    assert before == after


@pytest.mark.req("OVS-2")
def test_every_table_exports_to_excel_with_formulas_neutralised(world, tree, client):
    from openpyxl import load_workbook

    _county(world.prefecture, '=HYPERLINK("http://evil","点我")', "T-EVIL")
    client.force_login(world.department_leader)
    response = client.get(reverse("oversight:dashboard_export", args=[world.prefecture.pk]), {"year": 2024})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["下级概况", "各阶段人数", "进度滞后", "年度趋势"]
    names = [row[0].value for row in book["下级概况"].iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://evil","点我")' in names
    assert all(not str(v).startswith("=") for v in names)
    assert names[-1] == "合计"
    header = [c.value for c in book["各阶段人数"][1]]
    assert header[1:8] == ["报告", "实地考核", "述职评议", "综合评价", "研究", "反馈", "整改"]


@pytest.mark.req("OVS-2", "SEC-2")
def test_dashboards_api_is_scoped_and_matches_the_page_figures(world, tree, client):
    client.force_login(world.organizer_staff)
    roots = client.get("/api/v1/dashboards").json()
    assert roots == [{"organization_id": world.province.pk, "name": "示范省委"}]
    data = client.get(f"/api/v1/dashboards/{world.province.pk}", {"year": 2024}).json()
    board = selectors.dashboard_for(world.province, year=2024)
    assert data["year"] == 2024
    assert [c["assessments"] for c in data["children"]] == [r.assessments for r in board.rows]
    # No evaluation has been decided in this data: no distribution, no rectification (test_results has them).
    assert data["grades"] is None and data["rectification"] is None
    # 2023's assessments were moved past 研究 without a decided evaluation: still nothing counted (EVA-9).
    assert client.get(f"/api/v1/dashboards/{world.province.pk}", {"year": 2023}).json()["grades"] is None
    assert client.get(f"/api/v1/dashboards/{world.other_province.pk}").status_code == 404
    client.force_login(world.guidance_staff)
    assert client.get("/api/v1/dashboards").json() == []


@pytest.mark.req("PERF-5", "OVS-2")
def test_the_children_tables_are_paged_with_totals_over_every_child(world, tree, client, monkeypatch):
    from shuping.oversight import views

    monkeypatch.setattr(views, "CHILDREN_PER_PAGE", 1)
    client.force_login(world.organizer_staff)
    url = reverse("oversight:dashboard", args=[world.prefecture.pk])
    first = client.get(url, {"year": 2024}).content.decode()
    second = client.get(url, {"year": 2024, "page": 2}).content.decode()
    board = selectors.dashboard_for(world.prefecture, year=2024)
    assert [r.name for r in board.rows] == ["本级", "乙县委", "中共丁县委员会"]
    assert "第 1/3 页" in first and "乙县委</a>" not in first
    assert "第 2/3 页" in second and "乙县委</a>" in second and "中共丁县委员会</a>" not in second
    total = f'<td class="num">{board.totals.assessments}</td>'
    assert total in first and total in second  # 合计 over all children on every page
    assert client.get(url, {"year": 2024, "page": "x"}).status_code == 200  # a bad page number: the first


@pytest.mark.req("OVS-2")
def test_every_dashboard_query_is_routed_to_the_replica_when_one_is_configured(world, tree):
    """docs/deployment.md: dashboards read from the streaming replica (shuping/core/replica.py). Every query the
    dashboard issues must run inside replica_reads(), where the router sends reads to "replica" (outside a
    transaction; the test itself runs in one, so the flag the router reads is checked, then the router)."""
    from shuping.core import replica as db_router

    flags: list[bool] = []

    def spy(execute, sql, params, many, context):
        flags.append(db_router._use_replica.get())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        selectors.dashboard_for(world.province, year=2024, today=TODAY)
    assert flags, "the dashboard ran no query"
    assert all(flags), f"{flags.count(False)} of {len(flags)} dashboard queries ran outside replica_reads()"
    assert db_router._use_replica.get() is False  # reset afterwards: other reads stay on the primary

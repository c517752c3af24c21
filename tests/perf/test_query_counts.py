"""PERF-5 across apps: every list page and API list the organizer's staff open costs the same number of
queries with more data.

The routes come from the executed access matrix (docs/permissions.md, read by tests/access/harness.py):
every `api:list_*` row the organizer staff may GET, and the list pages named below (each must still be
in the matrix, so a renamed route fails here instead of silently dropping out). Placeholders resolve
through the same targets as the access tests. "Larger data" is one builder for all routes: three more
prefectures under 示范省委, each with a secretary, a county and a township; each is added to the campaign
the placeholders point at (so that campaign's board, its assessments and calibration grow) and to a new
2021 campaign of the province with its evaluations opened (campaign lists, assessments, evaluations,
dashboards, organization tree and search grow). Routes whose own rows this builder does not multiply
(ballot boxes, reports, field assessments, meetings, jobs, rectification items) are still walked: their
counts must not change when the data around them grows.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shuping.campaigns import services as campaign_services
from shuping.campaigns.models import Campaign
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization, create_person, create_secretaryship
from tests.access import harness

pytestmark = pytest.mark.django_db

#: The list pages of the brief (case names in docs/permissions.md), besides every api:list_* row.
LIST_PAGES = (
    "orgs:tree",
    "orgs:search",
    "campaigns:list",
    "campaigns:detail",  # the campaign's stage board
    "reports:list",
    "ballots:list",
    "fieldwork:home",
    "evaluations:calibration",  # the campaign's evaluations list
    "oversight:index",
    "oversight:dashboard",
    "oversight:dashboard@county",
    "jobs:list",
    "meetings:list",
    "rectification:index",
)


#: Found by this test on its first run (2026-11-27, SQLite and PostgreSQL alike) and reported to the
#: owning apps: extra queries with the larger data. The test fails if an entry's growth changes or
#: disappears, so a fix must remove its entry here; every other route must not grow at all.
KNOWN_GROWTH: dict[str, int] = {}


def _rows() -> list[harness.MatrixRow]:
    rows = [
        r for r in harness.load_matrix() if r.method == "GET" and r.expected.get("organizer_staff") == 200
    ]
    pages = [r for r in rows if r.case in LIST_PAGES]
    missing = set(LIST_PAGES) - {r.case for r in pages}
    assert not missing, f"list pages no longer in docs/permissions.md: {sorted(missing)}"
    api_lists = [r for r in rows if r.route_name.startswith("api:list_")]
    assert api_lists, "no API list rows found in docs/permissions.md"
    return pages + api_lists


def _grow(world, campaign_pk: int, n: int = 3) -> None:
    staff = world.organizer_staff
    campaign = Campaign.objects.get(pk=campaign_pk)
    for i in range(n):
        prefecture = create_organization(
            name=f"中共扩容{i}市委员会",
            short_name=f"扩容{i}市委",
            code=f"T-PERF-P{i}",
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=AdminLevel.PREFECTURE,
            parent=world.province,
        )
        county = create_organization(
            name=f"中共扩容{i}县委员会",
            code=f"T-PERF-C{i}",
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=AdminLevel.COUNTY,
            parent=prefecture,
        )
        create_organization(
            name=f"中共扩容{i}镇委员会",
            code=f"T-PERF-T{i}",
            kind=OrgKind.TOWNSHIP_COMMITTEE,
            admin_level=AdminLevel.TOWNSHIP,
            parent=county,
        )
        person = create_person(actor=None, name=f"扩容书记{i}")
        create_secretaryship(actor=None, person=person, organization=prefecture, started_on=date(2019, 1, 1))
        campaign_services.add_assessment(
            actor=staff, campaign=campaign, organization=prefecture, reason="扩容测试"
        )
    earlier = campaign_services.create_campaign(actor=staff, organizer=world.province, year=2021)
    campaign_services.apply_scope_proposal(actor=staff, campaign=earlier)
    campaign_services.confirm_scope(actor=staff, campaign=earlier)
    from shuping.evaluations import services as evaluation_services
    from shuping.evaluations.tests.builders import advance

    for a in earlier.assessments.filter(is_excluded=False):
        advance(a, "evaluation", staff)
    evaluation_services.start_evaluations(actor=staff, campaign=earlier)


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.req("PERF-5")
def test_every_list_page_and_api_list_costs_the_same_queries_with_more_data(world):
    rows = _rows()
    registry = harness.target_registry()
    paths = {row.case: harness.resolve_path(row.path, world, registry) for row in rows}
    client = Client()
    client.force_login(world.organizer_staff)
    for path in paths.values():
        client.get(path)  # warm per-process caches (grant scope, navigation) out of the comparison
    small = {case: _count(client, path) for case, path in paths.items()}
    campaign_pk = int(registry["campaign_in_scope"](world))
    before = Campaign.objects.get(pk=campaign_pk).assessments.count()
    _grow(world, campaign_pk)
    assert Campaign.objects.get(pk=campaign_pk).assessments.count() == before + 3  # the data did grow
    large = {case: _count(client, path) for case, path in paths.items()}
    grown = {case: large[case] - small[case] for case in paths if large[case] != small[case]}
    assert grown == KNOWN_GROWTH, f"query counts changed with the data (extra queries): {grown}"

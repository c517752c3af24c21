"""ORG-2: subtree queries are served by the path index on the database in use (asserted from the plan).

PostgreSQL: `LIKE 'prefix%'` through the `_like` (varchar_pattern_ops) index. SQLite: the range
`path >= prefix AND path < prefix || '~'` through the plain b-tree ("SEARCH … USING INDEX").
`SET LOCAL enable_seqscan = off` makes the PostgreSQL planner's choice deterministic on a small test
table: the assertion is that the index *can* serve the query, which is what breaks when someone writes
the condition in a form no index serves.
"""

from __future__ import annotations

import pytest
from django.db import connection

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant
from shuping.orgs import selectors
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.models import Organization, Secretaryship, subtree_q

from .factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def path_index_names() -> set[str]:
    """The indexes on orgs_organization.path that a prefix query may use, read from the catalogue."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'orgs_organization' "
                "AND indexdef LIKE '%%(path varchar_pattern_ops)%%'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orgs_organization' "
                "AND sql LIKE '%%(\"path\")%%'"
            )
        names = {row[0] for row in cursor.fetchall()}
    assert names, "no prefix-capable index on orgs_organization.path"
    return names


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # inside the test's transaction only
    return queryset.explain()


def assert_uses_path_index(text: str) -> None:
    names = path_index_names()
    assert any(name in text for name in names), f"plan does not use {names}:\n{text}"
    if connection.vendor == "sqlite":
        assert "USING INDEX" in text or "USING COVERING INDEX" in text, text
        assert "SCAN orgs_organization" not in text, text


@pytest.fixture
def bigger_tree(world):
    """A few hundred organizations so the plan is not about an empty table."""
    for county_index in range(6):
        county = OrganizationFactory(
            parent=world.prefecture,
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=AdminLevel.COUNTY,
            code=f"P-C{county_index}",
        )
        for township_index in range(30):
            OrganizationFactory(parent=county, code=f"P-C{county_index}-T{township_index}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE orgs_organization")
    return world


@pytest.mark.req("ORG-2")
def test_subtree_query_uses_the_path_index(bigger_tree):
    world = bigger_tree
    queryset = Organization.objects.subtree_of(world.county)
    assert_uses_path_index(plan(queryset))
    assert set(queryset.values_list("pk", flat=True)) == {world.county.pk, world.township.pk}


@pytest.mark.req("ORG-2", "SEC-2")
def test_scope_query_with_several_grants_uses_the_path_index(bigger_tree):
    world = bigger_tree
    user = world.guidance_staff  # subtree of 甲市委
    RoleGrant.objects.create(
        user=user, role=Role.VIEWER, organization=world.other_prefecture, include_subtree=True
    )
    RoleGrant.objects.create(user=user, role=Role.VIEWER, organization=world.other_province)  # itself only
    queryset = selectors.organizations_visible_to(user)
    assert_uses_path_index(plan(queryset))
    visible = set(queryset.values_list("code", flat=True))
    assert {"T-PREF", "T-CNTY", "T-TOWN", "T-OPREF", "T-OPROV", "P-C3-T29"} <= visible
    assert "T-PROV" not in visible
    assert len(visible) == 3 + 6 * 31 + 2


@pytest.mark.req("ORG-2")
def test_subtree_of_a_related_organization_uses_the_path_index(bigger_tree):
    world = bigger_tree
    queryset = Secretaryship.objects.filter(subtree_q(world.county.path, field="organization__path"))
    text = plan(queryset)
    if connection.vendor == "postgresql":
        assert_uses_path_index(text)
    else:
        # SQLite may drive the join from the (empty) secretaryship table; the subtree range must still be
        # applied through the path index whenever it reads organizations by path.
        assert "SCAN orgs_organization" not in text, text


@pytest.mark.req("ORG-2")
def test_ancestors_come_from_the_path_in_one_primary_key_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [o.short_name for o in Organization.objects.ancestors_of(world.township)]
    assert names == ["示范省委", "甲市委", "乙县委"]
    text = Organization.objects.ancestors_of(world.township).explain()
    if connection.vendor == "sqlite":
        assert "SCAN orgs_organization" not in text, text


@pytest.mark.req("ORG-2")
def test_the_subtree_range_is_exact_at_the_edges_of_the_alphabet(db):
    def org(path: str) -> Organization:
        return Organization(
            name=path, code=path, kind=OrgKind.GRASSROOTS, path=path, depth=len(path) // 7 - 1
        )

    Organization.objects.bulk_create(
        [
            org(p)
            for p in ("000000Z", "000000Z0000001", "000000Z000000Z", "0000010", "0000010000000Z", "000000Y")
        ]
    )

    def codes(prefix: str) -> set[str]:
        return set(Organization.objects.filter(subtree_q(prefix)).values_list("code", flat=True))

    assert codes("000000Z") == {"000000Z", "000000Z0000001", "000000Z000000Z"}
    assert codes("000000Z000000Z") == {"000000Z000000Z"}
    assert codes("0000010") == {"0000010", "0000010000000Z"}
    assert codes("000000Y") == {"000000Y"}


def test_a_subtree_lookup_refuses_anything_but_a_path():
    with pytest.raises(ValueError):
        Organization.objects.filter(path__subtree="00%")


def test_django_startswith_would_scan_on_sqlite(world):
    """Why the range exists: Django's `startswith` (LIKE … ESCAPE) is not index-served on SQLite."""
    text = Organization.objects.filter(path__startswith=world.county.path).explain()
    if connection.vendor == "sqlite":
        assert "SCAN orgs_organization" in text

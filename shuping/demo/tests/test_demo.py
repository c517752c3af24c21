"""The demo province: deterministic, realistic shape, idempotent, fast enough for CI (ORG-1, ORG-3)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from shuping.accounts.models import RoleGrant, User
from shuping.demo.generator import (
    K_EDU,
    K_NONPUBLIC,
    K_ORGANS,
    K_SASAC,
    L_COUNTY,
    L_PREFECTURE,
    L_TOWNSHIP,
    generate,
)
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.models import Organization, Person, Secretaryship
from shuping.orgs.selectors import secretaries_for_year

WORK_COMMITTEE_KINDS = {
    OrgKind.ORGANS_WORK_COMMITTEE,
    OrgKind.SASAC_COMMITTEE,
    OrgKind.EDUCATION_WORK_COMMITTEE,
    OrgKind.NON_PUBLIC_WORK_COMMITTEE,
}


@pytest.mark.req("ORG-1")
def test_the_generator_is_deterministic():
    first, second = generate(scale="full", year=2025), generate(scale="full", year=2025)
    assert len(first.orgs) == len(second.orgs) and len(first.people) == len(second.people)
    assert [p.name for p in first.people[:50]] == [p.name for p in second.people[:50]]
    assert [o.name for o in first.orgs] == [o.name for o in second.orgs]


@pytest.mark.req("ORG-1", "ORG-3")
def test_the_full_province_has_the_expected_shape():
    demo = generate(scale="full", year=2025)
    assert demo.count(L_PREFECTURE) == 8
    assert 55 <= demo.count(L_COUNTY) <= 65
    assert 650 <= demo.count(L_TOWNSHIP) <= 800
    local = [o for o in demo.orgs if o.level in ("省（自治区、直辖市）", L_PREFECTURE, L_COUNTY)]
    for org in local:  # the four work committees at every local committee
        kinds = {o.kind for o in demo.orgs if o.parent == org.code}
        assert {K_ORGANS, K_SASAC, K_EDU, K_NONPUBLIC} <= kinds, org.name
    assert len({p.name for p in demo.people}) > 500
    assert sum(p.ethnicity != "汉族" for p in demo.people) > 20
    assert len({o.code for o in demo.orgs}) == len(demo.orgs)


@pytest.mark.req("ORG-1")
def test_universities_have_college_committees_and_organs_affiliated_units():
    """ORG-1: a university's colleges (院系党委) and a department's affiliated units (直属单位党组织) are
    kinds of their own in the demo, not folded into 内设机构."""
    from shuping.demo.generator import K_AFFILIATED, K_COLLEGE, K_DEPT, K_INTERNAL, K_UNIV
    from shuping.orgs.imports.base import kind_lookup

    demo = generate(scale="small", year=2025)
    by_code = {o.code: o for o in demo.orgs}
    colleges = [o for o in demo.orgs if o.kind == K_COLLEGE]
    affiliated = [o for o in demo.orgs if o.kind == K_AFFILIATED]
    assert colleges and all(by_code[o.parent].kind == K_UNIV for o in colleges)
    assert affiliated and all(by_code[o.parent].kind == K_DEPT for o in affiliated)
    assert any(o.kind == K_INTERNAL for o in demo.orgs)
    kinds = kind_lookup()  # the labels the importer (and so the demo's load) reads
    assert kinds[K_COLLEGE] == OrgKind.COLLEGE_COMMITTEE and kinds[K_AFFILIATED] == OrgKind.AFFILIATED_UNIT
    assert kinds[K_INTERNAL] == OrgKind.INTERNAL_UNIT


@pytest.mark.req("ORG-1", "ORG-3")
@pytest.mark.django_db(transaction=True)  # --reset flushes the database, outside any transaction
def test_demo_no_serve_builds_a_small_province_and_is_idempotent():
    out = io.StringIO()
    call_command("demo", "--no-serve", "--scale", "small", "--year", "2025", stdout=out)
    text = out.getvalue()
    assert "已生成示范省" in text and "用户名" in text and "sheng_zuzhi" in text
    province = Organization.objects.get(code="SF")
    assert province.admin_level == AdminLevel.PROVINCE
    assert Organization.objects.filter(admin_level=AdminLevel.PREFECTURE).count() == 2
    assert Organization.objects.filter(admin_level=AdminLevel.COUNTY).count() == 4
    assert Organization.objects.filter(admin_level=AdminLevel.TOWNSHIP).count() == 12
    for org in Organization.objects.filter(kind=OrgKind.LOCAL_COMMITTEE):
        assert set(org.children.filter(kind__in=WORK_COMMITTEE_KINDS).values_list("kind", flat=True)) == (
            WORK_COMMITTEE_KINDS
        )
    assert Organization.objects.subtree_of(province).count() == Organization.objects.count()
    # Every organization has a secretary; the assessed year has mid-year changes and short tenures.
    assert Secretaryship.objects.values("organization").distinct().count() == Organization.objects.count()
    reviews = secretaries_for_year(list(Organization.objects.all()), 2025)
    assert any(r.review.has_mid_year_change for r in reviews.values())
    assert any(r.review.is_under_six_months for r in reviews.values())
    # Accounts only for the personas, with their grants; the assessee is linked to a Person.
    assert User.objects.count() == 13  # the eleven personas and the field team's two members
    assert RoleGrant.objects.filter(
        user__username="sheng_zuzhi", organization=province, include_subtree=True
    ).exists()
    assert (
        Person.objects.get(user__username="shuji").secretaryships.filter(organization__code="SF01").exists()
    )
    counts = (Organization.objects.count(), Person.objects.count(), User.objects.count())

    out = io.StringIO()
    call_command("demo", "--no-serve", "--scale", "small", "--year", "2025", stdout=out)
    assert "演示数据已存在" in out.getvalue()
    assert (Organization.objects.count(), Person.objects.count(), User.objects.count()) == counts

    call_command("demo", "--no-serve", "--scale", "small", "--year", "2025", "--reset", stdout=io.StringIO())
    assert (Organization.objects.count(), Person.objects.count(), User.objects.count()) == counts


@pytest.mark.slow
@pytest.mark.req("ORG-1", "ORG-3")
@pytest.mark.django_db
def test_the_full_demo_builds():
    call_command("demo", "--no-serve", "--year", "2025", stdout=io.StringIO())
    assert Organization.objects.filter(admin_level=AdminLevel.PREFECTURE).count() == 8
    assert Organization.objects.filter(admin_level=AdminLevel.TOWNSHIP).count() >= 650
    assert Secretaryship.objects.filter(ended_on__year=2025).count() >= 10  # mid-year changes

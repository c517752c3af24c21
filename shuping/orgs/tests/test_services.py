"""Services for organizations, guidance relations, people and secretaryships (ORG-1, ORG-3, ORG-5)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from shuping.audit.models import AuditEvent
from shuping.core import crypto
from shuping.orgs import selectors, services
from shuping.orgs.choices import AdminLevel, GuidanceKind, OrgKind, SecretaryTitle
from shuping.orgs.models import GuidanceRelation, Organization, Person, Secretaryship, path_segment
from shuping.orgs.services import OrganizationConflict, OrganizationError

from .factories import OrganizationFactory, PersonFactory, SecretaryshipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.req("ORG-1", "ORG-2")
def test_a_new_organization_gets_its_path_and_depth_from_its_parent(world):
    village = services.create_organization(
        name="中共丁村委员会",
        code="T-VIL",
        kind=OrgKind.VILLAGE_COMMITTEE,
        admin_level=AdminLevel.VILLAGE,
        parent=world.township,
        valid_from_on=date(2020, 1, 1),
    )
    assert village.path == world.township.path + path_segment(village.pk)
    assert village.depth == 4 and len(village.path) == 5 * 7
    assert [o.pk for o in Organization.objects.ancestors_of(village)] == [
        world.province.pk,
        world.prefecture.pk,
        world.county.pk,
        world.township.pk,
    ]


@pytest.mark.req("ORG-1")
def test_a_duplicate_code_is_refused_and_nothing_is_written(world):
    before = Organization.objects.count()
    with pytest.raises(OrganizationError, match="已被使用"):
        services.create_organization(
            name="重复",
            code="T-PREF",
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=AdminLevel.PREFECTURE,
            parent=None,
        )
    assert Organization.objects.count() == before


@pytest.mark.req("ORG-1")
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "nonsense"}, "类型"),
        ({"admin_level": "galaxy"}, "行政层级"),
        ({"is_central_soe": True}, "国有企业党委"),
        ({"valid_from_on": date(2024, 1, 1), "valid_to_on": date(2023, 1, 1)}, "失效日期"),
    ],
)
def test_invalid_organization_attributes_are_refused_in_chinese(world, changes, message):
    with pytest.raises(OrganizationError, match=message):
        services.update_organization(actor=world.organizer_staff, organization=world.county, **changes)
    world.county.refresh_from_db()
    assert world.county.kind == OrgKind.LOCAL_COMMITTEE


@pytest.mark.req("ORG-1")
def test_soe_committees_carry_central_flags(world):
    soe = services.create_organization(
        name="中国测试集团党组",
        code="T-SOE",
        kind=OrgKind.SOE_COMMITTEE,
        admin_level=AdminLevel.NONE,
        parent=None,
        is_central_soe=True,
        is_central_financial=False,
    )
    assert soe.is_central_soe


@pytest.mark.req("ORG-1")
def test_an_ended_organization_stays_but_drops_out_of_the_valid_set(world):
    services.end_organization(
        actor=world.organizer_staff, organization=world.township, ended_on=date(2024, 6, 30)
    )
    assert Organization.objects.filter(pk=world.township.pk).exists()
    assert world.township.pk in set(
        Organization.objects.valid_on(date(2024, 6, 30)).values_list("pk", flat=True)
    )
    assert world.township.pk not in set(
        Organization.objects.valid_on(date(2024, 7, 1)).values_list("pk", flat=True)
    )


@pytest.mark.req("ORG-1", "ORG-2")
def test_moving_an_organization_rewrites_its_whole_subtree_in_one_update(
    world, django_assert_max_num_queries
):
    # lock + one UPDATE for the whole subtree + parent + reload + the audit event: never per descendant
    with django_assert_max_num_queries(10):
        services.move_organization(
            actor=world.organizer_staff, organization=world.county, new_parent=world.other_prefecture
        )
    world.county.refresh_from_db()
    world.township.refresh_from_db()
    world.other_prefecture.refresh_from_db()
    assert world.county.parent_id == world.other_prefecture.pk
    assert world.county.path == world.other_prefecture.path + path_segment(world.county.pk)
    assert world.township.path == world.county.path + path_segment(world.township.pk)
    assert (world.county.depth, world.township.depth) == (2, 3)
    assert set(Organization.objects.subtree_of(world.other_province).values_list("code", flat=True)) == {
        "T-OPROV",
        "T-OPREF",
        "T-CNTY",
        "T-TOWN",
    }


def test_an_organization_cannot_move_below_itself(world):
    with pytest.raises(OrganizationError, match="下级"):
        services.move_organization(
            actor=world.organizer_staff, organization=world.prefecture, new_parent=world.township
        )


@pytest.mark.req("ORG-5")
def test_guidance_relation_besides_affiliation(world):
    organs = OrganizationFactory(
        name="中共示范省直属机关工作委员会",
        code="T-ORGANS",
        kind=OrgKind.ORGANS_WORK_COMMITTEE,
        parent=world.province,
    )
    department = OrganizationFactory(
        name="中共示范省教育厅党组",
        code="T-EDU",
        kind=OrgKind.DEPARTMENT_ORGAN_COMMITTEE,
        parent=world.province,
    )
    relation = services.create_guidance_relation(
        actor=world.organizer_staff,
        guiding=organs,
        guided=department,
        kind=GuidanceKind.ORGANS_WORK_COMMITTEE,
    )
    assert department.parent_id == world.province.pk  # affiliation unchanged
    given, received = selectors.guidance_for(organs)
    assert given == [relation] and received == []
    assert selectors.guidance_for(department)[1] == [relation]
    with pytest.raises(OrganizationError, match="已经存在"):
        services.create_guidance_relation(
            actor=None, guiding=organs, guided=department, kind=GuidanceKind.ORGANS_WORK_COMMITTEE
        )
    with pytest.raises(OrganizationError, match="它自己"):
        services.create_guidance_relation(actor=None, guiding=organs, guided=organs, kind=GuidanceKind.OTHER)
    services.end_guidance_relation(actor=None, relation=relation, ended_on=date(2025, 1, 1))
    assert GuidanceRelation.objects.get().valid_to_on == date(2025, 1, 1)


@pytest.mark.req("ORG-3")
def test_a_person_keeps_only_year_and_month_of_birth_and_the_phone_is_encrypted_at_rest(world):
    person = services.create_person(
        actor=world.organizer_staff, name=" 张伟 ", birth_month=date(1972, 8, 17), phone="138 0000 1234"
    )
    person.refresh_from_db()
    assert person.name == "张伟" and person.birth_month == date(1972, 8, 1)
    assert person.phone == "138 0000 1234"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM orgs_person WHERE id = %s", [person.pk])
        (stored,) = cursor.fetchone()
    assert "1234" not in stored and "138" not in stored
    assert Person.objects.get(phone_index=crypto.blind_index("phone", "+86 138-0000-1234")) == person


@pytest.mark.req("ORG-3")
def test_updating_the_phone_updates_its_blind_index(world):
    person = PersonFactory(phone="13800000000")
    services.update_person(
        actor=world.organizer_staff, person=person, phone="13911112222", position="县委书记"
    )
    assert (
        Person.objects.filter(phone_index=crypto.blind_index("phone", "139-1111-2222")).get().position
        == "县委书记"
    )
    assert not Person.objects.filter(phone_index=crypto.blind_index("phone", "13800000000")).exists()


def test_an_account_links_to_one_person_only(world):
    PersonFactory(user=world.assessee)
    with pytest.raises(OrganizationError, match="已关联"):
        PersonFactory(user=world.assessee)


@pytest.mark.req("ORG-3")
def test_secretaryships_of_one_post_cannot_overlap_but_may_share_the_handover_day(world):
    first = SecretaryshipFactory(organization=world.county, started_on=date(2019, 5, 1))
    with pytest.raises(OrganizationConflict, match="重叠"):
        SecretaryshipFactory(organization=world.county, started_on=date(2024, 3, 1))
    services.end_secretaryship(actor=world.organizer_staff, secretaryship=first, ended_on=date(2024, 3, 1))
    second = SecretaryshipFactory(organization=world.county, started_on=date(2024, 3, 1))
    assert Secretaryship.objects.filter(organization=world.county).count() == 2
    # another title at the same organization is another post
    SecretaryshipFactory(
        organization=world.county, title=SecretaryTitle.PARTY_GROUP_SECRETARY, started_on=date(2024, 1, 1)
    )
    with pytest.raises(OrganizationConflict, match="已经结束"):
        services.end_secretaryship(actor=None, secretaryship=first, ended_on=date(2024, 4, 1))
    with pytest.raises(OrganizationError, match="不能早于"):
        services.end_secretaryship(actor=None, secretaryship=second, ended_on=date(2020, 1, 1))
    with pytest.raises(OrganizationConflict):
        services.update_secretaryship(actor=None, secretaryship=second, started_on=date(2023, 1, 1))


@pytest.mark.req("ORG-3")
def test_the_secretary_for_an_assessed_year_and_the_flags(world):
    old = SecretaryshipFactory(organization=world.county, started_on=date(2018, 1, 1))
    services.end_secretaryship(actor=None, secretaryship=old, ended_on=date(2024, 8, 10))
    new = SecretaryshipFactory(organization=world.county, started_on=date(2024, 8, 11))
    SecretaryshipFactory(organization=world.township, started_on=date(2015, 1, 1))

    county_2024 = selectors.secretary_for_year(world.county, 2024)
    assert county_2024.secretaryship == new
    assert county_2024.review.has_mid_year_change and county_2024.review.is_under_six_months
    county_2023 = selectors.secretary_for_year(world.county, 2023)
    assert county_2023.secretaryship == old and not county_2023.review.flags
    quiet = selectors.secretaries_for_year([world.township, world.prefecture], 2024)
    assert not quiet[world.township.pk].review.flags
    assert quiet[world.prefecture.pk].secretaryship is None
    current = selectors.current_secretaryships([world.county, world.township], on=date(2024, 8, 10))
    assert current[world.county.pk] == old


@pytest.mark.req("ORG-3", "SEC-4")
def test_every_write_leaves_an_audit_event_without_personal_values(world):
    person = services.create_person(actor=world.organizer_staff, name="李明", phone="13700000000")
    post = services.create_secretaryship(
        actor=world.organizer_staff, person=person, organization=world.county, started_on=date(2022, 1, 1)
    )
    services.update_person(actor=world.organizer_staff, person=person, phone="13711112222")
    services.end_secretaryship(
        actor=world.organizer_staff, secretaryship=post, ended_on=date(2024, 1, 31), source="api"
    )
    events = list(AuditEvent.objects.filter(action__startswith="orgs.").order_by("sequence"))
    assert [e.action for e in events][-4:] == [
        "orgs.person.create",
        "orgs.secretaryship.create",
        "orgs.person.update",
        "orgs.secretaryship.end",
    ]
    assert events[-1].source == "api" and events[-1].target_id == str(post.pk)
    assert events[-2].detail == {"fields": ["phone"]}
    assert all("1371111" not in str(e.detail) + e.target_label for e in events)

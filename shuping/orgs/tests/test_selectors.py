"""Scoping of organizations and people (SEC-2) and the permission predicates."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant, User
from shuping.orgs import permissions, selectors

from .factories import SecretaryshipFactory

pytestmark = pytest.mark.django_db

VISIBLE = {
    "organizer_staff": {"T-PROV", "T-PREF", "T-CNTY", "T-TOWN"},
    "department_leader": {"T-PROV", "T-PREF", "T-CNTY", "T-TOWN"},
    "liaison": {"T-PREF"},
    "assessee": set(),
    "guidance_staff": {"T-PREF", "T-CNTY", "T-TOWN"},
    "outsider": {"T-OPROV", "T-OPREF"},
    "system_admin": set(),
    "security_admin": set(),
    "audit_admin": set(),
}


def fresh(user: User) -> User:
    """The user as a new request would load it (no cached grants)."""
    return User.objects.get(pk=user.pk)


@pytest.mark.req("SEC-2", "ORG-2")
@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_each_persona_sees_the_organizations_its_grants_reach(world, persona, django_assert_max_num_queries):
    user = fresh(world.users[persona])
    with django_assert_max_num_queries(2):  # the grants, then one indexed query
        codes = set(selectors.organizations_visible_to(user).values_list("code", flat=True))
    assert codes == VISIBLE[persona]


@pytest.mark.req("SEC-2")
def test_out_of_scope_organizations_are_not_found(world):
    with pytest.raises(Http404):
        selectors.get_organization_for(fresh(world.liaison), world.county.pk)
    with pytest.raises(Http404):
        selectors.get_organization_for(fresh(world.system_admin), world.province.pk)
    assert selectors.get_organization_for(fresh(world.guidance_staff), world.township.pk) == world.township


@pytest.mark.req("SEC-2")
def test_the_tree_starts_at_the_outermost_grants(world):
    user = fresh(world.organizer_staff)
    RoleGrant.objects.create(user=user, role=Role.VIEWER, organization=world.county, include_subtree=True)
    RoleGrant.objects.create(user=user, role=Role.VIEWER, organization=world.other_prefecture)
    roots = selectors.root_organizations_for(fresh(user))
    assert [o.code for o in roots] == ["T-PROV", "T-OPREF"] or [o.code for o in roots] == [
        "T-OPREF",
        "T-PROV",
    ]
    assert selectors.root_organizations_for(fresh(world.security_admin)) == []


@pytest.mark.req("SEC-2", "ORG-3")
def test_people_are_visible_through_their_secretaryships(world):
    county_secretary = SecretaryshipFactory(organization=world.county).person
    neighbour = SecretaryshipFactory(organization=world.other_prefecture).person
    # a secretary who moved from the neighbour province into 乙县's township is visible to both sides
    mover = SecretaryshipFactory(organization=world.other_province, started_on=date(2015, 1, 1)).person
    SecretaryshipFactory(person=mover, organization=world.township, started_on=date(2022, 1, 1))

    def names(persona: str) -> set[str]:
        return set(selectors.people_visible_to(fresh(world.users[persona])).values_list("name", flat=True))

    assert names("organizer_staff") == {county_secretary.name, mover.name}
    assert names("guidance_staff") == {county_secretary.name, mover.name}
    assert names("liaison") == set()
    assert names("outsider") == {neighbour.name, mover.name}
    assert names("audit_admin") == set()
    with pytest.raises(Http404):
        selectors.get_person_for(fresh(world.outsider), county_secretary.pk)


@pytest.mark.req("SEC-1", "SEC-2")
def test_only_organizer_staff_covering_an_organization_may_edit_it(world):
    assert permissions.can_edit_organization(fresh(world.organizer_staff), world.township)
    assert not permissions.can_edit_organization(fresh(world.department_leader), world.township)
    assert not permissions.can_edit_organization(fresh(world.outsider), world.township)
    assert not permissions.can_edit_organization(fresh(world.system_admin), world.township)
    assert permissions.can_edit_organization(fresh(world.outsider), world.other_prefecture)


@pytest.mark.req("ORG-3", "SEC-7")
def test_the_phone_is_for_the_organization_department_and_the_person_only(world):
    person = SecretaryshipFactory(organization=world.county, person__phone="13800001234").person
    person = selectors.get_person_for(fresh(world.organizer_staff), person.pk)
    assert permissions.can_view_person_phone(fresh(world.organizer_staff), person)
    assert permissions.can_view_person_phone(fresh(world.department_leader), person)
    assert not permissions.can_view_person_phone(fresh(world.guidance_staff), person)
    assert permissions.masked_phone(person.phone) == "138****1234"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13800001234", "138****1234"), ("010-12345678", "010****5678"), ("12345", "***45"), ("", "")],
)
def test_masked_phone(phone, masked):
    assert permissions.masked_phone(phone) == masked


@pytest.mark.req("ORG-2")
def test_ancestor_trails_for_many_organizations_take_one_query(world, django_assert_num_queries):
    user = fresh(world.guidance_staff)
    selectors.grant_scope(user)
    with django_assert_num_queries(1):
        trails = selectors.ancestor_trails(user, [world.township, world.county, world.prefecture])
    # the guidance staff's grant starts at 甲市委: 示范省委 is not shown
    assert [o.code for o in trails[world.township.pk]] == ["T-PREF", "T-CNTY"]
    assert trails[world.prefecture.pk] == []


@pytest.mark.req("ORG-3")
def test_a_year_in_progress_is_reviewed_up_to_today(world):
    post = SecretaryshipFactory(organization=world.county, started_on=date(2024, 3, 1))
    in_progress, done = selectors.reviews_from([post], [2024, 2023], today=date(2024, 7, 15))
    assert in_progress.is_in_progress and in_progress.review.months_in_post == 4
    assert in_progress.review.is_under_six_months
    assert not done.is_in_progress and done.secretaryship is None
    (whole,) = selectors.reviews_from([post], [2024], today=date(2025, 2, 1))
    assert not whole.is_in_progress and whole.review.months_in_post == 10

"""The rectification permission predicates as pure rules (RCT-1, RCT-2, FLOW-4; INT-4).

No database: the role lookups the predicates make (campaign roles, liaison grants, named liaisons) are
replaced by small fakes, so every branch — and every mutant of shuping/rectification/permissions.py — is
decided by an assertion here. `make mutation` runs these against that module.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from shuping.campaigns.choices import CampaignRole
from shuping.rectification import permissions

pytestmark = pytest.mark.req("INT-4", "RCT-2")


class _Rows:
    """Stands in for a queryset: `.filter(**kw).exists()` over a list of dicts."""

    def __init__(self, rows):
        self.rows = rows
        self.calls = []

    def filter(self, **kw):
        self.calls.append(kw)
        return _Rows([r for r in self.rows if all(r.get(k) == v for k, v in kw.items())])

    def exists(self):
        return bool(self.rows)


class _Grants:
    def __init__(self, rows):
        self.objects = _Rows(rows)


def _user(pk, *, admin_role="", authenticated=True):
    return SimpleNamespace(pk=pk, admin_role=admin_role, is_authenticated=authenticated)


def _assessment(*, person_user=None, liaisons=(), org=50, campaign=None):
    person = None if person_user is None else SimpleNamespace(user_id=person_user)
    return SimpleNamespace(
        person=person,
        liaisons=_Rows([{"pk": pk} for pk in liaisons]),
        organization_id=org,
        campaign=campaign or SimpleNamespace(pk=9),
    )


@pytest.fixture
def roles(monkeypatch):
    """campaign roles per user pk; role summaries per user pk; liaison RoleGrants as dicts."""
    state = SimpleNamespace(by_user={}, summaries={}, grants=[])

    def campaign_roles(user, campaign):
        # Roles are per campaign: a role in campaign 9 (the default) says nothing about another.
        return set(state.by_user.get(user.pk, set())) if campaign.pk == 9 else set()

    def role_summary(user):
        return state.summaries.get(user.pk, SimpleNamespace(has_own_assessment=False, roles=frozenset()))

    monkeypatch.setattr(
        permissions,
        "campaign_selectors",
        SimpleNamespace(campaign_roles=campaign_roles, role_summary=role_summary),
    )
    grants = _Grants(state.grants)
    monkeypatch.setattr(permissions, "RoleGrant", grants)
    state.grant_rows = grants.objects
    return state


def test_signed_in_means_authenticated_and_not_an_administrator():
    assert permissions._signed_in(_user(1)) is True
    assert permissions._signed_in(_user(1, authenticated=False)) is False
    assert permissions._signed_in(_user(1, admin_role="system")) is False
    assert permissions._signed_in(SimpleNamespace(pk=1)) is False  # no is_authenticated at all
    assert permissions._signed_in(SimpleNamespace(pk=1, is_authenticated=True)) is True  # no admin_role


def test_own_is_the_assessee_a_named_liaison_or_a_liaison_of_the_organization(roles):
    from shuping.accounts.choices import Role

    assessee, named, org_liaison, other = _user(1), _user(2), _user(3), _user(4)
    roles.grants.append({"user": org_liaison, "role": Role.LIAISON, "organization_id": 50})
    roles.grants.append({"user": other, "role": Role.LIAISON, "organization_id": 51})  # elsewhere
    roles.grants.append({"user": other, "role": Role.VIEWER, "organization_id": 50})  # not a liaison
    assessment = _assessment(person_user=1, liaisons=[2])
    assert permissions.is_own(assessee, assessment) is True
    assert permissions.is_own(named, assessment) is True
    assert permissions.is_own(org_liaison, assessment) is True
    assert permissions.is_own(other, assessment) is False
    assert permissions.is_own(_user(1, authenticated=False), _assessment(person_user=1)) is False
    # Cached per user on the assessment: a second question asks nothing more.
    assert assessment.__dict__["_rct_own"] == {1: True, 2: True, 3: True, 4: False}
    asked = len(roles.grant_rows.calls)
    assert permissions.is_own(other, assessment) is False
    assert len(roles.grant_rows.calls) == asked


def test_an_assessment_without_a_person_attribute(roles):
    bare = SimpleNamespace(liaisons=_Rows([{"pk": 2}]), organization_id=50)
    assert permissions.is_assessee(_user(1), bare) is False
    assert permissions.is_own(_user(2), bare) is True
    assert permissions.is_own(_user(1), SimpleNamespace(liaisons=_Rows([]), organization_id=50)) is False


def test_own_without_a_person_falls_back_to_liaisons(roles):
    assert permissions.is_own(_user(1), _assessment(person_user=None)) is False
    assert permissions.is_own(_user(2), _assessment(person_user=None, liaisons=[2])) is True


def test_assessee_is_only_the_person_themself():
    assert permissions.is_assessee(_user(1), _assessment(person_user=1)) is True
    assert permissions.is_assessee(_user(2), _assessment(person_user=1, liaisons=[2])) is False
    assert permissions.is_assessee(_user(1), _assessment(person_user=None)) is False
    assert permissions.is_assessee(_user(1, authenticated=False), _assessment(person_user=1)) is False


def test_managing_and_reading_follow_the_campaign_roles(roles):
    campaign = SimpleNamespace(pk=9)
    roles.by_user = {
        1: {CampaignRole.ORGANIZER_STAFF},
        2: {CampaignRole.DEPARTMENT_LEADER},
        3: {CampaignRole.GUIDANCE_STAFF},
        4: {CampaignRole.VIEWER},
        5: set(),
    }
    assert [permissions.can_manage_rectification(_user(pk), campaign) for pk in range(1, 6)] == [
        True,
        False,
        False,
        False,
        False,
    ]
    assert [permissions.can_read_campaign(_user(pk), campaign) for pk in range(1, 6)] == [
        True,
        True,
        True,
        True,
        False,
    ]
    assert permissions.can_manage_rectification(_user(1, admin_role="system"), campaign) is False
    other = SimpleNamespace(pk=10)
    assert permissions.can_manage_rectification(_user(1), other) is False
    assert permissions.can_read_campaign(_user(2), other) is False
    assert permissions.can_read_campaign(_user(1, authenticated=False), campaign) is False


def test_the_menu_shows_for_an_own_list_or_a_reader_role(roles):
    roles.summaries = {
        1: SimpleNamespace(has_own_assessment=True, roles=frozenset()),
        2: SimpleNamespace(has_own_assessment=False, roles=frozenset({CampaignRole.VIEWER})),
        3: SimpleNamespace(has_own_assessment=False, roles=frozenset({"fieldwork_member"})),
    }
    assert permissions.can_use_rectification(_user(1)) is True
    assert permissions.can_use_rectification(_user(2)) is True
    assert permissions.can_use_rectification(_user(3)) is False
    assert permissions.can_use_rectification(_user(4)) is False


def test_drafting_is_for_the_assessee_and_liaison(roles):
    assessment = _assessment(person_user=1, liaisons=[2])
    assert permissions.can_draft_list(_user(1), assessment) is True
    assert permissions.can_draft_list(_user(2), assessment) is True
    assert permissions.can_draft_list(_user(3), assessment) is False


def test_never_close_your_own_item_even_holding_staff_rights(roles):
    """RCT-2: staff close; the assessee or their liaison never, whatever other role they hold."""
    campaign = SimpleNamespace(pk=9)
    assessment = _assessment(person_user=1, liaisons=[2], campaign=campaign)
    item = SimpleNamespace(rectification_list=SimpleNamespace(assessment=assessment))
    roles.by_user = {pk: {CampaignRole.ORGANIZER_STAFF} for pk in (1, 2, 3)}
    roles.by_user[4] = {CampaignRole.VIEWER}
    assert permissions.can_close_item(_user(3), item) is True
    assert permissions.can_close_item(_user(1), item) is False  # the assessee with staff rights
    assert permissions.can_close_item(_user(2), item) is False  # their liaison with staff rights
    assert permissions.can_close_item(_user(4), item) is False  # a reader only
    elsewhere = _assessment(person_user=1, campaign=SimpleNamespace(pk=10))
    assert (
        permissions.can_close_item(
            _user(3), SimpleNamespace(rectification_list=SimpleNamespace(assessment=elsewhere))
        )
        is False
    )  # staff of another campaign


def test_has_liaison_named_or_by_grant_and_cached(roles):
    from shuping.accounts.choices import Role

    assert permissions.has_liaison(_assessment(liaisons=[7])) is True
    assert permissions.has_liaison(_assessment()) is False
    roles.grants.append({"role": Role.LIAISON, "organization_id": 50})
    assert permissions.has_liaison(_assessment(org=50)) is True
    assert permissions.has_liaison(_assessment(org=51)) is False
    roles.grants.append({"role": Role.VIEWER, "organization_id": 52})
    assert permissions.has_liaison(_assessment(org=52)) is False  # another role is no liaison
    cached = _assessment(org=50)
    assert permissions.has_liaison(cached) is True
    roles.grants.clear()
    assert permissions.has_liaison(cached) is True  # answered from the cache
    assert cached.__dict__["_rct_has_liaison"] == [True]


def test_recording_for_someone_is_for_staff_when_there_is_no_liaison(roles):
    from shuping.accounts.choices import Role

    campaign = SimpleNamespace(pk=9)
    roles.by_user = {3: {CampaignRole.ORGANIZER_STAFF}, 1: {CampaignRole.ORGANIZER_STAFF}}
    alone = _assessment(person_user=1, campaign=campaign)
    assert permissions.can_record_for(_user(3), alone) is True
    assert (
        permissions.can_record_for(_user(3), _assessment(person_user=1, campaign=SimpleNamespace(pk=10)))
        is False
    )
    assert permissions.can_record_for(_user(1), alone) is False  # own
    assert permissions.can_record_for(_user(5), alone) is False  # not staff
    assert (
        permissions.can_record_for(_user(3), _assessment(person_user=1, liaisons=[2], campaign=campaign))
        is False
    )
    roles.grants.append({"role": Role.LIAISON, "organization_id": 60, "user": _user(8)})
    assert (
        permissions.can_record_for(_user(3), _assessment(person_user=1, org=60, campaign=campaign)) is False
    )

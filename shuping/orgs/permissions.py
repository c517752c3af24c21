"""Permission predicates for organizations and people (SEC-1, SEC-2). No queries beyond the cached grants.

The objects passed in have already been resolved through a scoped selector (out of scope → 404);
these predicates decide what the user may *do* with them (forbidden → 403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shuping.accounts.choices import Role

from .selectors import grant_scope

if TYPE_CHECKING:
    from shuping.accounts.models import User

    from .models import Organization, Person

#: The organization department does the work (SPEC intro): its staff maintain the tree and the cadres.
EDITOR_ROLES = (Role.ORGANIZER_STAFF,)
#: Personal data (the phone number, SEC-7) is for the organization department: its staff and leaders.
PERSONAL_DATA_ROLES = (Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER)


def can_view_organization(user: User, org: Organization) -> bool:
    """Any grant reaching the organization."""
    return grant_scope(user).covers(org)


def can_edit_organization(user: User, org: Organization) -> bool:
    """Organizer staff with a grant covering the organization (itself, or an ancestor with its subtree)."""
    return grant_scope(user).covers(org, roles=EDITOR_ROLES)


def can_edit_person(user: User, person: Person) -> bool:
    """Organizer staff covering any organization the person served (prefetch `secretaryships__organization`)."""
    scope = grant_scope(user)
    return any(scope.covers(s.organization, roles=EDITOR_ROLES) for s in person.secretaryships.all())


def can_view_person_phone(user: User, person: Person) -> bool:
    """Staff and leaders of an organization department covering an organization the person served, or
    the person themselves. Everyone else sees the phone masked or not at all."""
    if person.user_id is not None and person.user_id == user.pk:
        return True
    scope = grant_scope(user)
    return any(scope.covers(s.organization, roles=PERSONAL_DATA_ROLES) for s in person.secretaryships.all())


def masked_phone(phone: str) -> str:
    """138****0000: enough to recognise a number, not to dial it. Short numbers keep only the last two."""
    value = phone.strip()
    if not value:
        return ""
    if len(value) >= 8:
        return value[:3] + "****" + value[-4:]
    return "*" * (len(value) - 2) + value[-2:]

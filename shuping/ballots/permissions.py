"""Who may do what with ballot boxes (SEC-2, EVA-9).

Boxes are seen by the organizer's organization-department staff and department leaders whose grant
covers the box's organization; tallies are confidential (EVA-9) and go to exactly those people — never to
an assessee, a liaison, guidance staff or a lower organization department. Only organizer staff manage.
Voters are credentials, not accounts: they never appear here.
"""

from __future__ import annotations

from django.db.models import Q

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant

#: Roles that see boxes and their tallies.
VIEW_ROLES = (Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER)
#: Roles that create, set up, open and close boxes and print slips.
MANAGE_ROLES = (Role.ORGANIZER_STAFF,)


def _grants(user, roles) -> list[RoleGrant]:
    if not getattr(user, "is_authenticated", False):
        return []
    cache = user.__dict__.setdefault("_ballot_grants", {})
    key = tuple(roles)
    if key not in cache:
        cache[key] = list(
            RoleGrant.objects.filter(user=user, role__in=roles)
            .select_related("organization")
            .only("include_subtree", "organization__path", "organization__id", "organization__name")
        )
    return cache[key]


def organization_q(user, roles=VIEW_ROLES, field: str = "organization") -> Q | None:
    """A filter on `field` (an Organization FK) covering the user's grants of `roles`; None = nothing."""
    q: Q | None = None
    for grant in _grants(user, roles):
        org = grant.organization
        part = (
            Q(**{f"{field}__path__startswith": org.path})
            if grant.include_subtree
            else Q(**{f"{field}_id": org.pk})
        )
        q = part if q is None else q | part
    return q


def _covers(user, roles, organization) -> bool:
    for grant in _grants(user, roles):
        org = grant.organization
        if org.pk == organization.pk or (grant.include_subtree and organization.path.startswith(org.path)):
            return True
    return False


def can_use_ballots(user) -> bool:
    """Shows the 民主测评 menu: the user holds a role that sees boxes somewhere."""
    return bool(_grants(user, VIEW_ROLES))


def can_create_box(user) -> bool:
    return bool(_grants(user, MANAGE_ROLES))


def can_create_box_for(user, organization) -> bool:
    return _covers(user, MANAGE_ROLES, organization)


def can_manage_box(user, box) -> bool:
    """Set up, print slips, rehearse, open, close: organizer staff covering the box's organization."""
    return _covers(user, MANAGE_ROLES, box.organization)


def can_view_tally(user, box) -> bool:
    """EVA-9: tallies go only to organizer staff and department leaders covering the organization."""
    return _covers(user, VIEW_ROLES, box.organization)


def can_read_opinions(user, box) -> bool:
    """Raw free-text opinions (BAL-6): organizer staff only; the assessee gets a de-identified summary."""
    return _covers(user, MANAGE_ROLES, box.organization)

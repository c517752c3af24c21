"""Reads of the organization tree and of people, always scoped to the user (SEC-2, ORG-1 … ORG-3).

Scope rule (docs/permissions.md, "党组织与干部"):

- An organization is visible to a user who holds a role grant on it, or on an ancestor with
  `include_subtree`. The grants are read once per request (cached on the user object) and turned into
  OR'd prefix conditions on the indexed path, so every list is one indexed query whatever the tree's size.
- A person is visible when any of their secretaryships (current or past) is at a visible organization.
- The three administrators (三员分立) see no organization or person data: their grants are ignored.
- Out of scope → Http404 from the `get_…_for` selectors; the object's existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from . import rules
from .models import GuidanceRelation, Organization, Person, Secretaryship, segment_ids, subtree_q, subtrees_q

if TYPE_CHECKING:
    from shuping.accounts.models import User

_CACHE_ATTRIBUTE = "_orgs_grant_scope"


@dataclass(frozen=True)
class GrantScope:
    """The user's grants as data: subtree roots (paths) and single organizations (ids), by role."""

    subtree_paths: tuple[str, ...]
    single_ids: tuple[int, ...]
    grants: tuple[tuple[str, str, bool, int], ...]  # (role, path, include_subtree, organization id)

    @property
    def is_empty(self) -> bool:
        return not self.subtree_paths and not self.single_ids

    def covers(self, org: Organization, *, roles: tuple[str, ...] | None = None) -> bool:
        """Whether a grant (optionally of one of `roles`) reaches `org` — no query."""
        for role, path, include_subtree, org_id in self.grants:
            if roles is not None and role not in roles:
                continue
            if org_id == org.pk or (include_subtree and org.path.startswith(path)):
                return True
        return False


def grant_scope(user: User) -> GrantScope:
    """The user's organization grants, one query per request; administrators and anonymous get none."""
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    grants: tuple[tuple[str, str, bool, int], ...] = ()
    if user.is_authenticated and not getattr(user, "admin_role", ""):
        from shuping.accounts.models import RoleGrant

        grants = tuple(
            RoleGrant.objects.filter(user=user).values_list(
                "role", "organization__path", "include_subtree", "organization_id"
            )
        )
    scope = GrantScope(
        subtree_paths=tuple(sorted({path for _, path, sub, _ in grants if sub})),
        single_ids=tuple(sorted({org_id for _, _, sub, org_id in grants if not sub})),
        grants=grants,
    )
    if user.is_authenticated:
        setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


def scope_q(user: User, *, prefix: str = "") -> Q:
    """Q selecting the organizations visible to `user`; `prefix` (e.g. "organization__") for related rows."""
    scope = grant_scope(user)
    if scope.is_empty:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if scope.subtree_paths:
        q |= subtrees_q(scope.subtree_paths, field=f"{prefix}path")
    if scope.single_ids:
        q |= Q(**{f"{prefix}pk__in": scope.single_ids})
    return q


# --- organizations ---------------------------------------------------------------------------------


def organizations_visible_to(user: User) -> QuerySet[Organization]:
    """Every organization the user may see: one indexed query over the path prefixes of their grants."""
    return Organization.objects.filter(scope_q(user))


def get_organization_for(user: User, pk: int) -> Organization:
    """The organization if it is in the user's scope, else Http404."""
    org = organizations_visible_to(user).filter(pk=pk).select_related("parent").first()
    if org is None:
        raise Http404
    return org


def root_organizations_for(user: User) -> list[Organization]:
    """Where the user's tree starts: the granted organizations not already inside another granted subtree."""
    scope = grant_scope(user)
    ids = {org_id for _, _, _, org_id in scope.grants}
    orgs = Organization.objects.filter(pk__in=ids).order_by("path")
    return [
        org
        for org in orgs
        if not any(org.path != root and org.path.startswith(root) for root in scope.subtree_paths)
    ]


def children_for(user: User, org: Organization) -> QuerySet[Organization]:
    """The visible direct children of `org`, by code."""
    return organizations_visible_to(user).filter(parent=org).order_by("code")


def has_children(orgs: list[Organization]) -> set[int]:
    """Which of `orgs` have any child (one query), to draw the tree's expand buttons."""
    return set(
        Organization.objects.filter(parent__in=orgs).values_list("parent_id", flat=True).distinct().order_by()
    )


def ancestors_for(user: User, org: Organization) -> list[Organization]:
    """The breadcrumb: ancestors of `org` the user may see, root first, from the path (one query)."""
    return list(Organization.objects.ancestors_of(org).filter(scope_q(user)))


def search_organizations(user: User, query: str, *, limit: int = 50) -> QuerySet[Organization]:
    """Visible organizations whose name or short name contains `query`, or whose code starts with it."""
    query = query.strip()
    if not query:
        return Organization.objects.none()
    return (
        organizations_visible_to(user)
        .filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code__istartswith=query))
        .order_by("depth", "code")[:limit]
    )


def ancestor_trails(user: User, orgs: list[Organization]) -> dict[int, list[Organization]]:
    """For each of `orgs`, its visible ancestors root first — one query for all, from the paths."""
    wanted = {pk for org in orgs for pk in segment_ids(org.path)[:-1]}
    found = (
        {o.pk: o for o in Organization.objects.filter(pk__in=wanted).filter(scope_q(user))} if wanted else {}
    )
    return {org.pk: [found[pk] for pk in segment_ids(org.path)[:-1] if pk in found] for org in orgs}


def filter_organizations(
    user: User,
    *,
    parent_id: int | None = None,
    kind: str | None = None,
    admin_level: str | None = None,
    query: str | None = None,
) -> QuerySet[Organization]:
    """The API's organization list: scoped, filtered, in tree order."""
    qs = organizations_visible_to(user)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if kind:
        qs = qs.filter(kind=kind)
    if admin_level:
        qs = qs.filter(admin_level=admin_level)
    if query and query.strip():
        q = query.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__istartswith=q))
    return qs.order_by("path")


def guidance_for(org: Organization) -> tuple[list[GuidanceRelation], list[GuidanceRelation]]:
    """(relations where `org` guides, relations where it is guided), with both ends loaded: two queries.

    The caller has already resolved `org` through a scoped selector; the other end's name is shown as
    plain text and only linked when it is visible too (see `visible_ids`).
    """
    given = list(
        GuidanceRelation.objects.filter(guiding=org).select_related("guided").order_by("kind", "guided__code")
    )
    received = list(
        GuidanceRelation.objects.filter(guided=org)
        .select_related("guiding")
        .order_by("kind", "guiding__code")
    )
    return given, received


def visible_ids(user: User, orgs: list[Organization]) -> set[int]:
    """Which of `orgs` the user may open — decided from the cached grants, no query."""
    scope = grant_scope(user)
    return {org.pk for org in orgs if scope.covers(org)}


# --- secretaries -----------------------------------------------------------------------------------


def current_secretaryships(orgs: list[Organization], *, on: date | None = None) -> dict[int, Secretaryship]:
    """The secretary in post on `on` (default today) for each of `orgs`: one query for any number."""
    day = on or timezone.localdate()
    rows = (
        Secretaryship.objects.filter(organization__in=orgs, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .select_related("person")
        .order_by("organization_id", "started_on")
    )
    out: dict[int, Secretaryship] = {}
    for row in rows:
        out[row.organization_id] = row  # the latest start wins on a handover day
    return out


@dataclass(frozen=True)
class SecretaryYear:
    """The secretary who reports for an organization in an assessed year, with the ORG-3 flags."""

    organization_id: int
    year: int
    secretaryship: Secretaryship | None
    review: rules.YearReview
    is_in_progress: bool = False


def secretaries_for_year(
    orgs: list[Organization], year: int, *, as_of: date | None = None
) -> dict[int, SecretaryYear]:
    """For each of `orgs`, the secretary in post for assessed year `year` and the flags (one query)."""
    rows = list(
        Secretaryship.objects.filter(organization__in=orgs)
        .filter(Q(started_on__lte=max(date(year, 12, 31), as_of or date(year, 12, 31))))
        .select_related("person")
        .order_by("started_on")
    )
    by_org: dict[int, list[Secretaryship]] = {org.pk: [] for org in orgs}
    for row in rows:
        by_org.setdefault(row.organization_id, []).append(row)
    out: dict[int, SecretaryYear] = {}
    for org_id, posts in by_org.items():
        by_key: dict[Hashable, Secretaryship] = {s.pk: s for s in posts}  # rules.Tenure keys are Hashable
        review = rules.review_year(
            [rules.Tenure(s.started_on, s.ended_on, person=s.person_id, key=s.pk) for s in posts],
            year,
            as_of=as_of,
        )
        secretary = by_key.get(review.secretary.key) if review.secretary else None
        out[org_id] = SecretaryYear(org_id, year, secretary, review)
    return out


def reviews_from(
    posts: list[Secretaryship], years: Iterable[int], *, today: date | None = None
) -> list[SecretaryYear]:
    """Year-by-year reviews of one post from its already-loaded secretaryships (no query).

    A year still in progress is reviewed as of `today` (default: the local date), not its 31 December,
    so months in post are never counted into the future.
    """
    today = today or timezone.localdate()
    tenures = [rules.Tenure(s.started_on, s.ended_on, person=s.person_id, key=s.pk) for s in posts]
    by_key: dict[Hashable, Secretaryship] = {s.pk: s for s in posts}  # rules.Tenure keys are Hashable
    org_id = posts[0].organization_id if posts else 0
    out = []
    for year in years:
        in_progress = date(year, 1, 1) <= today < date(year, 12, 31)
        review = rules.review_year(tenures, year, as_of=today if in_progress else None)
        secretary = by_key.get(review.secretary.key) if review.secretary else None
        out.append(SecretaryYear(org_id, year, secretary, review, is_in_progress=in_progress))
    return out


def secretary_for_year(org: Organization, year: int, *, as_of: date | None = None) -> SecretaryYear:
    """The secretary in post for `org` in assessed year `year` (ORG-3), with flags."""
    return secretaries_for_year([org], year, as_of=as_of)[org.pk]


def secretaryships_of_organization(org: Organization) -> list[Secretaryship]:
    """Every secretaryship of `org`, newest first, with the person."""
    return list(org.secretaryships.select_related("person").order_by("-started_on", "-pk"))


# --- people ----------------------------------------------------------------------------------------


def people_visible_to(user: User) -> QuerySet[Person]:
    """People with a secretaryship at an organization visible to the user (one query, no N+1)."""
    scope = grant_scope(user)
    if scope.is_empty:
        return Person.objects.none()
    posts = Secretaryship.objects.filter(person=OuterRef("pk")).filter(scope_q(user, prefix="organization__"))
    return Person.objects.filter(Exists(posts))


def get_person_for(user: User, pk: int) -> Person:
    """The person if visible to the user (their secretaryships loaded, newest first), else Http404."""
    person = (
        people_visible_to(user)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "secretaryships",
                queryset=Secretaryship.objects.select_related("organization").order_by("-started_on", "-pk"),
            )
        )
        .first()
    )
    if person is None:
        raise Http404
    return person


def filter_people(
    user: User, *, query: str | None = None, organization_id: int | None = None
) -> QuerySet[Person]:
    """The API's people list: scoped, optionally by name or by an organization they served."""
    qs = people_visible_to(user)
    if query and query.strip():
        qs = qs.filter(name__icontains=query.strip())
    if organization_id is not None:
        qs = qs.filter(
            Exists(Secretaryship.objects.filter(person=OuterRef("pk"), organization_id=organization_id))
        )
    return qs.order_by("name", "pk")


def subtree_of(org: Organization) -> QuerySet[Organization]:
    """Unscoped subtree (for services and exports that have already checked scope on `org`)."""
    return Organization.objects.filter(subtree_q(org.path))

"""Reads for campaign pages, the API and exports — always scoped to the user (SEC-1, SEC-2, EVA-9).

Scope is decided by the campaign's organizer and the user's role in that campaign, never by the
assessee's subtree: a county's organization department holds grants on its county, yet does not see its
county secretary's assessment in the prefecture's campaign.

Campaign-wide roles come from
  - a RoleGrant on the organizer itself (organizer staff, department leader, field assessor, viewer): the
    organizer's own organization department;
  - a RoleGrant of guidance staff on the organizer or, with include_subtree, on an ancestor of it;
  - a CampaignGrant on the campaign (CMP-7 guidance staff assigned by the level above, viewers …).
Per-assessment access: the assessee (Person.user), the assessment's liaisons, and liaison RoleGrants on
the assessed organization itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Aggregate, Count, Prefetch, Q, QuerySet
from django.http import Http404

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant
from shuping.orgs import rules as tenure_rules
from shuping.orgs.models import Organization, Secretaryship, subtree_q

from . import rules
from .choices import CampaignRole
from .models import Assessment, Campaign, CampaignGrant, CampaignNotice, IndicatorSet, MeetingPlan

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from shuping.accounts.models import User

#: RoleGrant roles that, held on the organizer itself, give the same role on its campaigns.
ORGANIZER_ROLES = (Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER, Role.FIELD_ASSESSOR, Role.VIEWER)


def _signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not getattr(user, "admin_role", "")


def user_grants(user: User) -> QuerySet[RoleGrant]:
    if not _signed_in(user):
        return RoleGrant.objects.none()
    return RoleGrant.objects.filter(user=user)


def campaign_wide_q(user: User, prefix: str = "") -> Q:
    """Q on Campaign (or, with prefix "campaign__", on a related model) for campaign-wide roles."""
    grants = list(
        user_grants(user).values_list("role", "organization_id", "organization__path", "include_subtree")
    )
    q = Q(**{f"{prefix}grants__user": user})
    organizer_ids = [org for role, org, _p, _s in grants if role in ORGANIZER_ROLES]
    if organizer_ids:
        q |= Q(**{f"{prefix}organizer_id__in": organizer_ids})
    for role, org, path, include_subtree in grants:
        if role != Role.GUIDANCE_STAFF:
            continue
        q |= (
            subtree_q(path, field=f"{prefix}organizer__path")
            if include_subtree
            else Q(**{f"{prefix}organizer_id": org})
        )
    return q


def own_assessment_q(user: User, prefix: str = "", liaison_orgs: list[int] | None = None) -> Q:
    """Q on Assessment (or with prefix "assessments__" on Campaign) for the assessee and liaisons;
    `liaison_orgs` (the organizations of the user's liaison grants) when the caller has them already."""
    if liaison_orgs is None:
        liaison_orgs = list(
            user_grants(user).filter(role=Role.LIAISON).values_list("organization_id", flat=True)
        )
    q = Q(**{f"{prefix}person__user": user}) | Q(**{f"{prefix}liaisons": user})
    if liaison_orgs:
        q |= Q(**{f"{prefix}organization_id__in": liaison_orgs})
    return q & Q(**{f"{prefix}is_excluded": False})


class Waiting(TypedDict):
    waiting: int


def campaigns_with_waiting(
    user: User, waiting: Aggregate, may: Callable[[User, Campaign], bool], **filters: Any
) -> list[WithAnnotations[Campaign, Waiting]]:
    """Campaigns where the user holds a campaign-wide role, `may(user, campaign)` holds and the aggregate
    `waiting` (e.g. a filtered Count of submitted reports) is above zero, each with `.waiting` set — the
    organizer's 待办 (core.todos); a constant number of queries, none beyond `role_summary` for a user
    without any campaign-wide role (the assessee, a liaison)."""
    if not role_summary(user).roles:
        return []
    # The role filter joins the campaign's grants; the aggregate runs over campaigns picked by id, so that
    # other users' grants on the same campaign (a field team's members) do not multiply the count.
    ids = Campaign.objects.filter(campaign_wide_q(user), **filters).values("pk")
    campaigns = list(
        Campaign.objects.filter(pk__in=ids)
        .annotate(waiting=waiting)
        .filter(waiting__gt=0)
        .select_related("organizer")
        .order_by("-year", "organizer__path")
        .distinct()
    )
    prime_campaign_roles(user, campaigns)
    return [c for c in campaigns if may(user, c)]


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    """Campaigns the user holds a role in, or contains an assessment of theirs (as assessee or liaison)."""
    if not _signed_in(user):
        return Campaign.objects.none()
    q = campaign_wide_q(user) | own_assessment_q(user, prefix="assessments__")
    ids = Campaign.objects.filter(q).values("pk")
    return Campaign.objects.filter(pk__in=ids)


def get_campaign_for(user: User, pk: int) -> Campaign:
    campaign = (
        campaigns_visible_to(user)
        .select_related("organizer", "source_notice__campaign__organizer")
        .filter(pk=pk)
        .first()
    )
    if campaign is None:
        raise Http404
    return campaign


def assessments_visible_to(user: User) -> QuerySet[Assessment]:
    """Every assessment of a campaign the user has a campaign-wide role in, plus their own / liaised ones."""
    if not _signed_in(user):
        return Assessment.objects.none()
    q = campaign_wide_q(user, prefix="campaign__") | own_assessment_q(user)
    ids = Assessment.objects.filter(q).values("pk")
    return Assessment.objects.filter(pk__in=ids)


def get_assessment_for(user: User, pk: int) -> Assessment:
    assessment = (
        assessments_visible_to(user)
        .select_related("campaign__organizer", "organization", "person", "secretaryship")
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


def _wide_roles(
    grants: Iterable[tuple[str, int, str, bool]], organizer_id: int, organizer_path: str
) -> set[str]:
    """Campaign-wide roles a user's RoleGrants (role, organization_id, path, include_subtree) give on a
    campaign of the organizer `organizer_id` at `organizer_path`."""
    roles: set[str] = set()
    for role, org_id, path, include_subtree in grants:
        if role in ORGANIZER_ROLES and org_id == organizer_id:
            roles.add(role)
        if role == Role.GUIDANCE_STAFF and (
            org_id == organizer_id or (include_subtree and organizer_path.startswith(path))
        ):
            roles.add(CampaignRole.GUIDANCE_STAFF)
    return roles


def _grant_tuples(user: User) -> list[tuple]:
    return list(
        user_grants(user).values_list("role", "organization_id", "organization__path", "include_subtree")
    )


def campaign_roles(user: User, campaign: Campaign) -> set[str]:
    """The user's campaign-wide roles in `campaign` (CampaignRole values); cached on the campaign object."""
    if not _signed_in(user):
        return set()
    cache = campaign.__dict__.setdefault("_roles_cache", {})
    if user.pk in cache:
        return cache[user.pk]
    roles: set[str] = set(campaign.grants.filter(user=user).values_list("role", flat=True))
    organizer = campaign.organizer
    roles |= _wide_roles(_grant_tuples(user), organizer.pk, organizer.path)
    cache[user.pk] = roles
    return roles


def prime_campaign_roles(user: User, campaigns: Iterable[Campaign]) -> None:
    """Fill `campaign_roles`' cache on every given campaign object (several objects may share a pk) in at
    most three queries, however many campaigns: list pages ask each row's campaign for the user's roles
    (PERF-5). The organizers' paths are read from loaded `organizer` objects, else in one query."""
    if not _signed_in(user):
        return
    pending = [c for c in campaigns if user.pk not in c.__dict__.get("_roles_cache", {})]
    if not pending:
        return
    ids = {c.pk for c in pending}
    by_campaign: dict[int, set[str]] = {pk: set() for pk in ids}
    for campaign_id, role in CampaignGrant.objects.filter(user=user, campaign_id__in=ids).values_list(
        "campaign_id", "role"
    ):
        by_campaign[campaign_id].add(role)
    grants = _grant_tuples(user)
    paths = {c.organizer_id: c.organizer.path for c in pending if Campaign.organizer.is_cached(c)}
    missing = {c.organizer_id for c in pending} - paths.keys()
    if missing and any(role == Role.GUIDANCE_STAFF for role, *_rest in grants):
        paths.update(Organization.objects.filter(pk__in=missing).values_list("pk", "path"))
    for campaign in pending:
        roles = by_campaign[campaign.pk] | _wide_roles(
            grants, campaign.organizer_id, paths.get(campaign.organizer_id, "")
        )
        campaign.__dict__.setdefault("_roles_cache", {})[user.pk] = roles


@dataclass(frozen=True)
class RoleSummary:
    """What the user is, across all campaigns: the menu (FLOW-3) and the home page ask this once."""

    roles: frozenset[str]  # CampaignRole values held in some campaign (grants on an organizer included)
    has_own_assessment: bool  # the assessed secretary or a liaison of some assessment


def role_summary(user: User) -> RoleSummary:
    """The campaign roles the user holds anywhere — the same sources as `campaign_roles` (CampaignGrants,
    RoleGrants on an organizer, guidance grants) — and whether any assessment is their own
    (`own_assessment_q`). Two queries besides the request's grant scope (`orgs.selectors.grant_scope`),
    cached on the user object while the menu or the 待办 are built."""
    from shuping.orgs.selectors import grant_scope

    if not _signed_in(user):
        return RoleSummary(frozenset(), False)
    cached = user.__dict__.get("_role_summary")
    if cached is not None:
        return cached
    roles = set(CampaignGrant.objects.filter(user=user).values_list("role", flat=True).distinct())
    liaison_orgs = []
    for role, _path, _subtree, org_id in grant_scope(user).grants:
        if role in ORGANIZER_ROLES:
            roles.add(role)
        elif role == Role.GUIDANCE_STAFF:
            roles.add(CampaignRole.GUIDANCE_STAFF)
        elif role == Role.LIAISON:
            liaison_orgs.append(org_id)
    own = Assessment.objects.filter(own_assessment_q(user, liaison_orgs=liaison_orgs)).exists()
    summary = RoleSummary(frozenset(roles), own)
    user.__dict__["_role_summary"] = summary
    return summary


def campaigns_for_list(user: User) -> QuerySet[Campaign]:
    return (
        campaigns_visible_to(user)
        .select_related("organizer")
        .annotate(assessment_count=Count("assessments", filter=Q(assessments__is_excluded=False)))
        .order_by("-year", "organizer__path")
    )


def assessments_for_board(user: User, campaign: Campaign) -> list[Assessment]:
    """The campaign page's stage board: the listed (not excluded) assessments this user may see, in tree
    order. No joins: read through `campaign.assessments`, every row's `.campaign` is the page's own object
    (the blockers read one campaign, not 400 copies of it), and the board shows the copied person_name.
    A campaign-wide role sees every assessment of the campaign, so its visibility subquery is skipped;
    others (assessee, liaison) keep it (PERF-5)."""
    rows = campaign.assessments.filter(is_excluded=False)
    if not campaign_roles(user, campaign):
        rows = rows.filter(pk__in=assessments_visible_to(user).values("pk"))
    return list(rows.order_by("organization_path"))


def organizers_for(user: User) -> QuerySet[Organization]:
    """Organizations whose campaigns the user may open (organizer staff of that organization)."""
    ids = user_grants(user).filter(role=Role.ORGANIZER_STAFF).values("organization_id")
    return Organization.objects.filter(pk__in=ids).order_by("path")


# --- scope proposal (CMP-2) ---------------------------------------------------------------------------


def org_facts(org: Organization) -> rules.Org[int]:
    return rules.Org(
        key=org.pk,
        name=org.name,
        kind=org.kind,
        level=org.admin_level,
        parent=org.parent_id,
        is_central_soe=org.is_central_soe,
        is_central_financial=org.is_central_financial,
    )


def scope_candidates(campaign: Campaign) -> list[Organization]:
    """Children and grandchildren of the organizer valid during the assessed year (one indexed range)."""
    organizer = campaign.organizer
    from datetime import date

    return list(
        Organization.objects.subtree_of(organizer, include_self=False)
        .filter(depth__lte=organizer.depth + 2)
        .valid_on(date(campaign.year, 12, 31))
        .order_by("path")
    )


def scope_proposals(campaign: Campaign) -> list[rules.Proposal]:
    """What Art. 3 proposes for the campaign (CMP-2): the wizard's scope step and the API read the same."""
    candidates = scope_candidates(campaign)
    return rules.propose_scope(org_facts(campaign.organizer), [org_facts(o) for o in candidates])


def secretaries_for_year(
    org_ids: list[int], year: int
) -> dict[int, tuple[Secretaryship | None, frozenset[str]]]:
    """{organization id: (the secretary in post for the year, ORG-3 tenure flags)} in one query."""
    by_org: dict[int, list[Secretaryship]] = {pk: [] for pk in org_ids}
    for s in Secretaryship.objects.filter(organization_id__in=org_ids).select_related("person"):
        by_org[s.organization_id].append(s)
    out = {}
    for org_id, rows in by_org.items():
        review = tenure_rules.review_year(
            [tenure_rules.Tenure(s.started_on, s.ended_on, person=s.person_id, key=s.pk) for s in rows], year
        )
        chosen = next((s for s in rows if review.secretary and s.pk == review.secretary.key), None)
        out[org_id] = (chosen, review.flags)
    return out


def graded_twice_person_ids(campaign: Campaign) -> set[int]:
    """Persons of this campaign also graded in another campaign of the same year (CMP-2)."""
    person_ids = campaign.assessments.filter(is_graded=True, is_excluded=False).values("person_id")
    rows = Assessment.objects.filter(
        person_id__in=person_ids, campaign__year=campaign.year, is_graded=True, is_excluded=False
    ).values_list("person_id", "campaign_id", "campaign__year", "is_graded")
    return rules.graded_twice(rows)


def indicator_sets_of(campaign: Campaign) -> QuerySet[IndicatorSet]:
    return campaign.indicator_sets.prefetch_related("indicators", "adjustments").order_by("pk")


# --- cascade (CMP-7) ----------------------------------------------------------------------------------


def notices_for_organizer(organizer: Organization, year: int) -> QuerySet[CampaignNotice]:
    """Notices published by campaigns of the organizer's ancestors for the year (the levels above)."""
    from shuping.orgs.models import segment_ids

    ancestor_ids = segment_ids(organizer.path)[:-1]
    return (
        CampaignNotice.objects.filter(campaign__organizer_id__in=ancestor_ids, campaign__year=year)
        .select_related("campaign__organizer")
        .order_by("-published_at")
    )


def notices_for_organizers(organizers: QuerySet[Organization]) -> QuerySet[CampaignNotice]:
    """Notices from the levels above any of these organizers (the wizard's 依据上级通知 choice)."""
    from shuping.orgs.models import segment_ids

    ancestor_ids: set[int] = set()
    for org in organizers:
        ancestor_ids.update(segment_ids(org.path)[:-1])
    return CampaignNotice.objects.filter(campaign__organizer_id__in=ancestor_ids).select_related(
        "campaign__organizer"
    )


def lower_meeting_calendar(campaign: Campaign) -> QuerySet[MeetingPlan]:
    """Meeting plans sent up by campaigns started from this campaign's notices (CMP-7)."""
    return (
        MeetingPlan.objects.filter(campaign__source_notice__campaign=campaign)
        .select_related("campaign__organizer")
        .prefetch_related(Prefetch("campaign__grants"))
        .order_by("planned_on", "pk")
    )


def assignable_guidance_staff(campaign: Campaign) -> QuerySet[User]:
    """Users the upper level may send as guidance staff: its organizer staff and department leaders."""
    from shuping.accounts.models import User

    ids = RoleGrant.objects.filter(
        organization=campaign.organizer, role__in=(Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER)
    ).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("username")


# --- people (SEC-1) -----------------------------------------------------------------------------------


def campaign_grants(campaign: Campaign) -> QuerySet[CampaignGrant]:
    """The campaign's own grants (CampaignGrant), for the 人员与权限 panel."""
    from .models import CampaignGrant

    return (
        CampaignGrant.objects.filter(campaign=campaign)
        .select_related("user", "granted_by")
        .order_by("role", "user__username")
    )


def organizer_role_holders(campaign: Campaign) -> QuerySet[RoleGrant]:
    """Who holds a role on the whole campaign through a grant on the organizer itself (read-only here:
    those grants are managed with the organization, not per campaign)."""
    return (
        RoleGrant.objects.filter(organization=campaign.organizer_id, role__in=ORGANIZER_ROLES)
        .select_related("user")
        .order_by("role", "user__username")
    )


def grantable_users(campaign: Campaign, query: str, *, limit: int = 20) -> QuerySet[User]:
    """Users the organizer staff may grant a campaign role to: active, not an administrator (三员分立),
    holding some role on the organizer or an organization below it — never the whole user table.
    Matched by name or username."""
    from shuping.accounts.models import User

    query = query.strip()
    if not query:
        return User.objects.none()
    in_subtree = RoleGrant.objects.filter(
        subtree_q(campaign.organizer.path, field="organization__path")
    ).values("user_id")
    return (
        User.objects.filter(pk__in=in_subtree, is_active=True, admin_role="")
        .filter(Q(username__icontains=query) | Q(full_name__icontains=query))
        .order_by("username")[:limit]
    )


def grantable_user(campaign: Campaign, user_id: str | int | None) -> User | None:
    """One user by id, only if `grantable_users` could have offered them (else None)."""
    from shuping.accounts.models import User

    if user_id is None:
        return None
    try:
        pk = int(user_id)
    except ValueError:
        return None
    in_subtree = RoleGrant.objects.filter(
        subtree_q(campaign.organizer.path, field="organization__path")
    ).values("user_id")
    return User.objects.filter(pk=pk, pk__in=in_subtree, is_active=True, admin_role="").first()


def liaison_candidates(assessment: Assessment) -> QuerySet[User]:
    """Whom to offer as liaison: its own staff (users granted a role on the assessee's organization other
    than guidance from above), and whoever was
    liaison for that organization in earlier campaigns (nothing typed twice) — minus the current ones."""
    from shuping.accounts.models import User

    # Guidance staff hold grants on the organizations they guide but work for the level above.
    on_org = (
        RoleGrant.objects.filter(organization_id=assessment.organization_id)
        .exclude(role=Role.GUIDANCE_STAFF)
        .values("user_id")
    )
    earlier = Assessment.liaisons.through.objects.filter(
        assessment__organization_id=assessment.organization_id
    ).values("user_id")
    current = assessment.liaisons.through.objects.filter(assessment=assessment).values("user_id")
    return (
        User.objects.filter(Q(pk__in=on_org) | Q(pk__in=earlier), is_active=True, admin_role="")
        .exclude(pk__in=current)
        .order_by("username")
    )


def predecessor_offers(
    campaign: Campaign, assessments: Iterable[Assessment]
) -> dict[int, list[Secretaryship]]:
    """{assessment pk: predecessors to offer as a second reporter} for posts that changed hands in the
    assessed year (ORG-3, CMP-2): other persons' secretaryships of the same organization overlapping the
    year, not already in this campaign for that organization. One query for the whole scope table."""
    from datetime import date

    from shuping.orgs.rules import MID_YEAR_CHANGE

    changed = [a for a in assessments if MID_YEAR_CHANGE in (a.tenure_flags or []) and not a.is_predecessor]
    if not changed:
        return {}
    first, last = date(campaign.year, 1, 1), date(campaign.year, 12, 31)
    present = {(a.organization_id, a.person_id) for a in assessments if not a.is_excluded}
    rows = (
        Secretaryship.objects.filter(organization_id__in=[a.organization_id for a in changed])
        .filter(started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .select_related("person")
        .order_by("started_on")
    )
    by_org: dict[int, list[Secretaryship]] = {}
    for s in rows:
        by_org.setdefault(s.organization_id, []).append(s)
    out: dict[int, list[Secretaryship]] = {}
    for a in changed:
        offers = [
            s
            for s in by_org.get(a.organization_id, [])
            if s.person_id != a.person_id and (a.organization_id, s.person_id) not in present
        ]
        # One offer per person (consecutive rows of one person are one run).
        seen: set[int] = set()
        unique = []
        for s in offers:
            if s.person_id not in seen:
                seen.add(s.person_id)
                unique.append(s)
        out[a.pk] = unique
    return out


def organizers_by_campaign_role(user: User, roles: tuple[str, ...]) -> Iterable[int]:
    """Organizers of campaigns where `user` holds one of `roles` (a reader source of the 发文 register,
    registered into `documents.selectors` by this app's ready())."""
    return CampaignGrant.objects.filter(user=user, role__in=roles).values_list(
        "campaign__organizer_id", flat=True
    )

"""Reads for field assessment pages, the API and the team report — always scoped to the user (SEC-2, EVA-9).

A field assessment is visible to the campaign's organizer staff and department leaders (a RoleGrant on
the organizer itself, or a CampaignGrant) and to its own team (leader and members). Nobody else — not the
assessee, the liaison, guidance staff, or holders of other campaign roles — so it is 404 for them.
Observations are visible to organizer staff and department leaders of their organizer.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from shuping.accounts.choices import Role
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignRole
from shuping.campaigns.models import Assessment, Campaign, Indicator, IndicatorSet

from . import scoring
from .models import FieldAssessment, FieldRecord, FieldTeam, IndicatorScore, Observation, SiteVisit, Talk

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from shuping.accounts.models import User


class FieldCounts(TypedDict):
    """What `field_assessments_for_list` annotates on each field assessment."""

    visit_count: int
    talk_count: int
    score_count: int
    unit_count: int


RESULT_ROLES = (Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER)
RESULT_CAMPAIGN_ROLES = (CampaignRole.ORGANIZER_STAFF, CampaignRole.DEPARTMENT_LEADER)


def _signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not getattr(user, "admin_role", "")


def _result_campaigns_q(user: User, prefix: str) -> Q:
    """Q on a model reaching Campaign through `prefix` for campaigns where the user is staff or leader."""
    organizer_ids = list(
        campaign_selectors.user_grants(user)
        .filter(role__in=RESULT_ROLES)
        .values_list("organization_id", flat=True)
    )
    q = Q(**{f"{prefix}grants__user": user, f"{prefix}grants__role__in": RESULT_CAMPAIGN_ROLES})
    if organizer_ids:
        q |= Q(**{f"{prefix}organizer_id__in": organizer_ids})
    return q


def field_assessments_visible_to(user: User) -> QuerySet[FieldAssessment]:
    if not _signed_in(user):
        return FieldAssessment.objects.none()
    q = _result_campaigns_q(user, "team__campaign__") | Q(team__leader=user) | Q(team__members=user)
    ids = FieldAssessment.objects.filter(q).values("pk")
    return FieldAssessment.objects.filter(pk__in=ids)


def campaigns_for_planning(user: User) -> list[Campaign]:
    """The home page's 实地考核安排: the user's draft and open campaigns with their roles primed, so the
    view's `can_view_plan` per campaign costs no query (PERF-5)."""
    campaigns = list(campaign_selectors.campaigns_for_list(user).filter(status__in=("draft", "open")))
    campaign_selectors.prime_campaign_roles(user, campaigns)
    return campaigns


def field_assessments_for_list(user: User) -> QuerySet[WithAnnotations[FieldAssessment, FieldCounts]]:
    """The phone home page and the API list: constant query count (PERF-5)."""
    return (
        field_assessments_visible_to(user)
        .select_related("team__campaign", "assessment", "indicator_set")
        .annotate(
            visit_count=Count("visits", distinct=True),
            talk_count=Count("talks", distinct=True),
            score_count=Count("scores", distinct=True),
            unit_count=Count("sampled_units", distinct=True),
        )
        .order_by("visit_starts_on", "assessment__organization_path", "pk")
    )


def get_field_assessment_for(user: User, pk: int) -> FieldAssessment:
    fa = (
        field_assessments_visible_to(user)
        .select_related(
            "team__campaign__organizer", "team__leader", "assessment__campaign", "indicator_set", "survey_box"
        )
        .filter(pk=pk)
        .first()
    )
    if fa is None:
        raise Http404
    return fa


def teams_of(campaign: Campaign) -> QuerySet[FieldTeam]:
    return (
        campaign.field_teams.select_related("leader")
        .prefetch_related(
            "members",
            Prefetch(
                "field_assessments",
                queryset=FieldAssessment.objects.select_related("assessment", "indicator_set").annotate(
                    unit_count=Count("sampled_units", distinct=True)
                ),
            ),
        )
        .order_by("pk")
    )


def uncovered_assessments(campaign: Campaign) -> QuerySet[Assessment]:
    return campaign.assessments.filter(is_excluded=False, field_assessment__isnull=True).order_by(
        "organization_path"
    )


def indicator_set_for(assessment: Assessment) -> IndicatorSet | None:
    """The campaign's set for the assessee's kind and level (分类指导); township sets are the shortest
    (Art. 6 越往下越简化). Falls back to the level, then a general set, then the shortest set."""
    sets = list(assessment.campaign.indicator_sets.annotate(n=Count("indicators")).order_by("pk"))
    kind, level = assessment.organization_kind, assessment.organization_level
    for match in (
        lambda s: s.organization_kind == kind and s.admin_level == level,
        lambda s: s.admin_level == level,
        lambda s: s.organization_kind == kind and not s.admin_level,
        lambda s: not s.organization_kind and not s.admin_level,
    ):
        found = [s for s in sets if match(s)]
        if found:
            return found[0]
    return min(sets, key=lambda s: s.n) if sets else None


def form_indicators(fa: FieldAssessment) -> list[Indicator]:
    if fa.indicator_set is None:
        return []
    return list(fa.indicator_set.indicators.order_by("position", "pk"))


def records_of(fa: FieldAssessment) -> dict:
    """Visits (with photos), talks and scores (with their evidence) of one field assessment: 5 queries."""
    visits = list(
        SiteVisit.objects.filter(field_assessment=fa)
        .select_related("unit", "record__submitted_by")
        .prefetch_related("photos")
        .order_by("pk")
    )
    talks = list(
        Talk.objects.filter(field_assessment=fa).select_related("record__submitted_by").order_by("pk")
    )
    scores = list(
        IndicatorScore.objects.filter(field_assessment=fa)
        .select_related("indicator", "scored_by")
        .prefetch_related(
            Prefetch("visits", queryset=SiteVisit.objects.only("pk", "place")),
            Prefetch("talks", queryset=Talk.objects.only("pk", "summary")),
        )
    )
    return {"visits": visits, "talks": talks, "scores": {s.indicator_id: s for s in scores}}


def survey_result(fa: FieldAssessment) -> scoring.Survey | None:
    """The mass satisfaction survey's weighted score, once its box is closed (sealed); else None."""
    box = fa.survey_box
    if box is None or box.status != "closed":
        return None
    from shuping.ballots import selectors as ballot_selectors

    # DSC-1: through the disclosure door — nothing under k ballots, weights only over published categories.
    rows = ballot_selectors.tally_report(box)["rows"]
    if not rows or rows[0]["overall"] is None:
        return None
    first = rows[0]["overall"]
    return scoring.Survey(score=first.score, ballots=first.valid)


def score_of(fa: FieldAssessment, indicators: Iterable[Indicator], scores: dict) -> scoring.FieldScore:
    items = [
        scoring.Item(
            key=i.pk,
            weight=Fraction(i.weight),
            percent=scores[i.pk].percent if i.pk in scores else None,
            has_open_warning=scores[i.pk].has_open_warning if i.pk in scores else False,
        )
        for i in indicators
    ]
    return scoring.field_score(items, survey=survey_result(fa), survey_percent=fa.survey_weight_percent)


def field_score_for(fa: FieldAssessment) -> scoring.FieldScore:
    """The field score of one field assessment (for the evaluations app: EVA-1's field component)."""
    indicators = form_indicators(fa)
    scores = {s.indicator_id: s for s in IndicatorScore.objects.filter(field_assessment=fa)}
    return score_of(fa, indicators, scores)


def record_by_uuid(client_uuid: str) -> FieldRecord | None:
    return FieldRecord.objects.filter(client_uuid=client_uuid).first()


# --- observations (FLD-4) -----------------------------------------------------------------------------


def observations_visible_to(user: User) -> QuerySet[Observation]:
    """Observations of organizers where the user is organizer staff or department leader (RoleGrant on the
    organizer itself), plus those attached to assessments of campaigns where a CampaignGrant says so."""
    if not _signed_in(user):
        return Observation.objects.none()
    organizer_ids = list(
        campaign_selectors.user_grants(user)
        .filter(role__in=RESULT_ROLES)
        .values_list("organization_id", flat=True)
    )
    q = Q(
        assessment__campaign__grants__user=user, assessment__campaign__grants__role__in=RESULT_CAMPAIGN_ROLES
    )
    if organizer_ids:
        q |= Q(organizer_id__in=organizer_ids)
    ids = Observation.objects.filter(q).values("pk")
    return Observation.objects.filter(pk__in=ids)


def observations_for_list(user: User) -> QuerySet[Observation]:
    return (
        observations_visible_to(user)
        .select_related("organizer", "assessment", "person", "created_by")
        .order_by("-observed_on", "-pk")
    )


def observation_subjects_for(user: User) -> QuerySet[Assessment]:
    """Assessments the user may write observations about: open campaigns of organizers they staff."""
    organizer_ids = (
        campaign_selectors.user_grants(user).filter(role=Role.ORGANIZER_STAFF).values("organization_id")
    )
    return (
        Assessment.objects.filter(campaign__organizer_id__in=organizer_ids, is_excluded=False)
        .select_related("campaign")
        .order_by("-campaign__year", "organization_path")
    )

"""Reads for meeting pages, the API and the document pack — always scoped to the user (SEC-2, EVA-9).

Campaign-wide roles (organizer staff, leaders, guidance staff, viewers) see every meeting of the campaign;
an assessee or liaison sees only the meeting their own assessment reports at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.models import Campaign

from .models import AgendaItem, AttendeeGroup, Commentary, Meeting, MeetingBox

if TYPE_CHECKING:
    from shuping.accounts.models import User


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    if not campaign_selectors._signed_in(user):
        return Meeting.objects.none()
    wide = Campaign.objects.filter(campaign_selectors.campaign_wide_q(user)).values("pk")
    own = campaign_selectors.assessments_visible_to(user).values("pk")
    ids = Meeting.objects.filter(Q(campaign_id__in=wide) | Q(agenda__assessment_id__in=own)).values("pk")
    return Meeting.objects.filter(pk__in=ids)


def meetings_for_list(user: User) -> QuerySet[Meeting]:
    return (
        meetings_visible_to(user)
        .select_related("campaign__organizer")
        .annotate(
            on_site_count=Count("agenda", filter=Q(agenda__mode="on_site"), distinct=True),
            written_count=Count("agenda", filter=Q(agenda__mode="written"), distinct=True),
        )
        .order_by("-held_on", "pk")
    )


def campaigns_for_new_meetings(user: User) -> list[Campaign]:
    """The list page's campaigns to create a meeting in: the user's campaigns with their roles primed, so
    the view's `can_create_meeting` per campaign costs no query (PERF-5)."""
    campaigns = list(campaign_selectors.campaigns_for_list(user))
    campaign_selectors.prime_campaign_roles(user, campaigns)
    return campaigns


def get_meeting_for(user: User, pk: int) -> Meeting:
    meeting = (
        meetings_visible_to(user)
        .select_related("campaign__organizer", "presiding", "plan")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def meetings_of_campaign(user: User, campaign: Campaign) -> QuerySet[Meeting]:
    return meetings_for_list(user).filter(campaign=campaign)


def agenda_of(meeting: Meeting) -> list[AgendaItem]:
    """Reporters: on-site in speaking order, then written ones."""
    return list(
        meeting.agenda.select_related("assessment__person", "assessment__campaign").order_by(
            "mode", "position", "pk"
        )
    )


def attendance_of(meeting: Meeting) -> list[AttendeeGroup]:
    return list(
        meeting.attendee_groups.select_related("venue")
        .prefetch_related("attendees")
        .order_by("venue__position", "venue__pk", "category")
    )


def boxes_of(meeting: Meeting) -> list[MeetingBox]:
    """Main box first, then the 单列 boxes, venue by venue (主会场 first)."""
    return list(
        meeting.boxes.select_related("box", "venue", "recused_assessment").order_by(
            "-venue__is_main", "venue__position", "venue_id", "pk"
        )
    )


def commentaries_of(meeting: Meeting, *, assessment_ids: list[int] | None = None) -> list[Commentary]:
    qs = meeting.commentaries.select_related("commenter", "assessment", "entered_by").prefetch_related(
        Prefetch("problems")
    )
    if assessment_ids is not None:
        qs = qs.filter(assessment_id__in=assessment_ids)
    return list(qs.order_by("assessment__organization_path", "commenter__position", "pk"))


def own_assessment_ids(user: User, meeting: Meeting) -> list[int]:
    """The agenda's assessments this user is the assessee or a liaison of (EVA-9 hides drafts from them)."""
    return list(
        campaign_selectors.assessments_visible_to(user)
        .filter(agenda_item__meeting=meeting)
        .filter(campaign_selectors.own_assessment_q(user))
        .values_list("pk", flat=True)
    )

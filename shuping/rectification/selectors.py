"""Reads for rectification pages, the API and exports — always scoped to the user (SEC-2, PERF-5).

Overdue is COMPUTED here (an annotation comparing the deadline to today), never stored (RCT-2).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.models import Assessment, Campaign

from . import rules
from .choices import ItemStatus

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from shuping.accounts.models import User

from .models import (
    AccountabilityReferral,
    Admonition,
    AnnualAssessmentGrade,
    AnnualGradeRestriction,
    ItemSource,
    Notification,
    ProgressUpdate,
    RectificationItem,
    RectificationList,
    UnitEvaluation,
)

# --- the campaign's rectification settings (copied from last year) ------------------------------------


def list_days(campaign: Campaign) -> int:
    """RCT-1: days after feedback the list is due — a campaign setting, copied from last year (default 30)."""
    value = (campaign.settings or {}).get("rectification_days")
    return rules.DEFAULT_LIST_DAYS if value in (None, "") else int(value)


def admonition_days(campaign: Campaign) -> int:
    """RCT-5 限期整改 for 一般 / 差: days from the list's start — a campaign setting
    (`admonition_deadline_days`, copied from last year), default 90."""
    value = (campaign.settings or {}).get("admonition_deadline_days")
    return rules.DEFAULT_RECTIFY_DAYS if value in (None, "") else int(value)


def reminder_days(campaign: Campaign) -> int:
    value = (campaign.settings or {}).get("rectification_reminder_days")
    return rules.DEFAULT_REMINDER_DAYS if value in (None, "") else int(value)


def today() -> date:
    """The date overdue is computed against (tests patch this)."""
    return timezone.localdate()


def overdue_q(on: date | None = None, prefix: str = "") -> Q:
    """RCT-2: not closed and past the deadline — the one definition, used in annotations and filters."""
    on = on or today()
    return ~Q(**{f"{prefix}status": ItemStatus.CLOSED}) & Q(**{f"{prefix}deadline__lt": on})


class Overdue(TypedDict):
    is_overdue: bool


def with_overdue(
    qs: QuerySet[RectificationItem], on: date | None = None
) -> QuerySet[WithAnnotations[RectificationItem, Overdue]]:
    return qs.annotate(
        is_overdue=Case(
            When(overdue_q(on), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def lists_visible_to(user: User) -> QuerySet[RectificationList]:
    return RectificationList.objects.filter(
        assessment__in=campaign_selectors.assessments_visible_to(user).values("pk")
    )


def items_visible_to(user: User) -> QuerySet[WithAnnotations[RectificationItem, Overdue]]:
    return with_overdue(
        RectificationItem.objects.filter(rectification_list__in=lists_visible_to(user).values("pk"))
    )


class ListCounts(TypedDict):
    """What `_counted` annotates on each list: its items, closed, reported done, overdue."""

    total: int
    closed: int
    done_reported: int
    overdue: int


if TYPE_CHECKING:
    CountedLists = QuerySet[WithAnnotations[RectificationList, ListCounts]]


def _counted(qs: QuerySet[RectificationList], on: date | None = None) -> CountedLists:
    on = on or today()
    return qs.annotate(
        total=Count("items", distinct=True),
        closed=Count("items", filter=Q(items__status=ItemStatus.CLOSED), distinct=True),
        done_reported=Count("items", filter=Q(items__status=ItemStatus.DONE_REPORTED), distinct=True),
        overdue=Count("items", filter=overdue_q(on, "items__"), distinct=True),
    )


def my_lists(user: User) -> CountedLists:
    """The index page: every list the user may see, newest campaigns first, with counts (constant queries)."""
    return (
        _counted(lists_visible_to(user))
        .select_related("assessment", "campaign__organizer")
        .order_by("-campaign__year", "assessment__organization_path")
    )


def own_lists(user: User) -> CountedLists:
    """The lists of the user's OWN assessments (as the assessed secretary or a liaison), with counts — the
    home page's 待办 (constant queries)."""
    own = Assessment.objects.filter(campaign_selectors.own_assessment_q(user)).values("pk")
    return (
        _counted(RectificationList.objects.filter(assessment__in=own))
        .select_related("assessment", "campaign")
        .order_by("-campaign__year", "assessment__organization_path")
    )


def list_detail(
    rectification_list: RectificationList,
) -> QuerySet[WithAnnotations[RectificationItem, Overdue]]:
    """The list's items with overdue, sources, milestones, updates — a fixed number of queries."""
    return (
        with_overdue(rectification_list.items.all())
        .prefetch_related(
            "sources",
            "milestones",
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("author").order_by("created_at", "pk"),
            ),
        )
        .order_by("position", "pk")
    )


def list_of(assessment: Assessment) -> RectificationList | None:
    return (
        RectificationList.objects.select_related("filed_with", "assessment", "campaign")
        .filter(assessment=assessment)
        .first()
    )


def carried_into(assessment: Assessment) -> list:
    """RCT-6: earlier years' unfinished items at this assessee's organization (same organizer), which
    `start_list` will carry in — shown on the list page before the list is started (two queries)."""
    from .carryover import unfinished_for

    return unfinished_for([assessment]).get(assessment.pk, [])


def get_item_for(user: User, pk: int) -> RectificationItem:
    item = (
        items_visible_to(user)
        .select_related(
            "rectification_list__assessment__campaign__organizer",
            "rectification_list__assessment__person",
            "closure",
            "closed_by",
        )
        .prefetch_related("sources", "milestones")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    return item


def get_update_for(user: User, pk: int) -> ProgressUpdate:
    update = (
        ProgressUpdate.objects.filter(item__in=items_visible_to(user).values("pk"), pk=pk)
        .exclude(evidence="")
        .select_related("item")
        .first()
    )
    if update is None:
        raise Http404
    return update


def campaign_lists(campaign: Campaign, on: date | None = None) -> CountedLists:
    """Every list of a campaign, with counts (RCT-3 circular, the organizer's board)."""
    return (
        _counted(RectificationList.objects.filter(campaign=campaign), on)
        .select_related("assessment")
        .annotate(has_admonition=Exists(Admonition.objects.filter(assessment=OuterRef("assessment"))))
        .order_by("assessment__organization_path")
    )


def circular_rows(campaign: Campaign, on: date | None = None) -> list[dict]:
    """RCT-3 进度通报 by organization: items, closed, reported done, overdue, completion."""
    rows = []
    for lst in campaign_lists(campaign, on):
        rows.append(
            {
                "organization": lst.assessment.organization_name,
                "person": lst.assessment.person_name,
                "status": lst.get_status_display(),
                "total": lst.total,
                "closed": lst.closed,
                "done_reported": lst.done_reported,
                "overdue": lst.overdue,
                "completion": rules.completion(lst.total, lst.closed),
                "list": lst,
            }
        )
    return rows


def closable_items(campaign: Campaign) -> QuerySet[RectificationItem]:
    return with_overdue(
        RectificationItem.objects.filter(
            rectification_list__campaign=campaign, status=ItemStatus.DONE_REPORTED
        )
        .select_related("rectification_list__assessment")
        .order_by("rectification_list__assessment__organization_path", "position")
    )


def restrictions(campaign: Campaign) -> QuerySet[AnnualGradeRestriction]:
    return AnnualGradeRestriction.objects.filter(assessment__campaign=campaign).select_related("assessment")


def restrictions_visible_to(
    user: User, year: int | None = None, person: int | None = None
) -> QuerySet[AnnualGradeRestriction]:
    qs = AnnualGradeRestriction.objects.filter(
        assessment__in=campaign_selectors.assessments_visible_to(user).values("pk")
    ).select_related("assessment__campaign")
    if year is not None:
        qs = qs.filter(year=year)
    if person is not None:
        qs = qs.filter(person_id=person)
    return qs.order_by("year", "person_name")


def campaign_people(campaign: Campaign) -> dict:
    """{person pk: Person} of the campaign's graded assessees, in tree order (RCT-4 entry form; one query)."""
    rows = (
        campaign.assessments.filter(is_excluded=False, is_graded=True, person__isnull=False)
        .select_related("person")
        .order_by("organization_path")
    )
    return {a.person_id: a.person for a in rows}


def annual_grades(campaign: Campaign, people: dict) -> QuerySet[AnnualAssessmentGrade]:
    """The 年度考核 grades recorded for the campaign's people and year (RCT-4)."""
    return (
        AnnualAssessmentGrade.objects.filter(year=campaign.year, person_id__in=list(people))
        .select_related("person")
        .order_by("person__name", "pk")
    )


def person_visible(user: User, person_id: int) -> bool:
    return campaign_selectors.assessments_visible_to(user).filter(person_id=person_id).exists()


def unit_evaluations(campaign: Campaign) -> QuerySet[UnitEvaluation]:
    return UnitEvaluation.objects.filter(assessment__campaign=campaign).order_by("organization_name")


def consequences_of(assessment: Assessment) -> dict:
    return {
        "admonitions": list(Admonition.objects.filter(assessment=assessment)),
        "referrals": list(
            AccountabilityReferral.objects.filter(assessment=assessment).select_related("recorded_by")
        ),
    }


def notices_for(user: User, limit: int = 20) -> list[Notification]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[:limit])


def sources_of(
    items: Iterable[RectificationItem] | QuerySet[RectificationItem],
) -> dict[int, list[ItemSource]]:
    out: dict[int, list[ItemSource]] = {}
    for s in ItemSource.objects.filter(item__in=items):
        out.setdefault(s.item_id, []).append(s)
    return out

"""Pages of 整改 (RCT-1 … RCT-7): my lists, one assessee's list (phone-first), one item, the organizer's board
with 销号 and circular. Thin: parse, call a service or selector, render. Out of scope → 404 (selectors);
not allowed → 403 (permissions). The pages are drawn here; each write is its own small view in
`views_writes.py` (docs/architecture.md, Writes from pages), which draws the page again through the
`*_page` functions below when a write is refused."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.models import Assessment, Campaign
from shuping.core.access import scoped, signed_in
from shuping.core.forms import error_context

from . import permissions, rules, selectors, services, sources
from .choices import AnnualGrade, ItemStatus, ListStatus
from .models import RectificationItem, RectificationList


@require_GET
@signed_in(
    "只列出本人可见的整改清单（rectification.selectors.lists_visible_to，按考核的组织单位和本人角色限定）"
)
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "rectification/index.html",
        {"lists": selectors.my_lists(request.user), "notices": selectors.notices_for(request.user)},
    )


# --- one assessee's list ---------------------------------------------------------------------------------

LIST_NOTE = (
    "经 campaigns.selectors.get_assessment_for 取考核对象（404）；研究确定前不显示；"
    "起草、报备限本人和联络员，确认、退回、约谈、问责限组织部门工作人员（403）"
)


@dataclass(frozen=True)
class ListAccess:
    """The assessment of a list page, its list (None before 建立), and what the user may do there."""

    assessment: Assessment
    rectification_list: RectificationList | None
    can_manage: bool
    can_draft: bool


def list_access(request: AuthenticatedHttpRequest, pk: int) -> ListAccess:
    """The list page's object, scoped (404); a list not yet started is shown only to those who act on it or
    read the campaign (404 for others)."""
    assessment = campaign_selectors.get_assessment_for(request.user, pk)
    access = ListAccess(
        assessment=assessment,
        rectification_list=selectors.list_of(assessment),
        can_manage=permissions.can_manage_rectification(request.user, assessment.campaign),
        can_draft=permissions.can_draft_list(request.user, assessment),
    )
    if access.rectification_list is None and not (
        access.can_manage
        or access.can_draft
        or permissions.can_read_campaign(request.user, assessment.campaign)
    ):
        raise Http404
    return access


def list_page(
    request: AuthenticatedHttpRequest, access: ListAccess, failed: forms.Form | None = None
) -> HttpResponse:
    assessment, rectification_list = access.assessment, access.rectification_list
    items = list(selectors.list_detail(rectification_list)) if rectification_list else []
    grade = sources.approved_grade(assessment)
    context = {
        "assessment": assessment,
        "campaign": assessment.campaign,
        "rlist": rectification_list,
        "items": items,
        "can_manage": access.can_manage,
        "can_draft": access.can_draft,
        "is_editable": rectification_list is not None
        and rectification_list.status in (ListStatus.DRAFT, ListStatus.RETURNED),
        "grade": grade,
        "needs_admonition": rules.needs_admonition(grade),
        "overdue_count": sum(1 for i in items if i.is_overdue),
        "closed_count": sum(1 for i in items if i.status == ItemStatus.CLOSED),
        "today": selectors.today(),
        # RCT-6: last year's unfinished items, shown before the list is started (they are carried into it).
        "carried": [] if rectification_list else selectors.carried_into(assessment),
        **selectors.consequences_of(assessment),
        **error_context(failed),
    }
    return render(request, "rectification/list.html", context)


@require_GET
@scoped(LIST_NOTE)
def assessment_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return list_page(request, list_access(request, pk))


# --- one item ------------------------------------------------------------------------------------------

ITEM_NOTE = (
    "经 rectification.selectors.get_item_for 取事项（404）；报告进展、报完成限本人和联络员（无联络员的由组织部门"
    "工作人员代录），销号、退回限上级组织部门工作人员且不得为本人（403，RCT-2）"
)


@dataclass(frozen=True)
class ItemAccess:
    """An item, scoped, and what the user may do with it."""

    item: RectificationItem
    can_draft: bool
    can_close: bool
    can_record_for: bool

    @property
    def assessment(self) -> Assessment:
        return self.item.rectification_list.assessment


def item_access(request: AuthenticatedHttpRequest, pk: int) -> ItemAccess:
    obj = selectors.get_item_for(request.user, pk)
    assessment = obj.rectification_list.assessment
    can_draft = permissions.can_draft_list(request.user, assessment)
    return ItemAccess(
        item=obj,
        can_draft=can_draft,
        can_close=permissions.can_close_item(request.user, obj),
        can_record_for=not can_draft and permissions.can_record_for(request.user, assessment),
    )


def item_page(
    request: AuthenticatedHttpRequest, access: ItemAccess, failed: forms.Form | None = None
) -> HttpResponse:
    obj = access.item
    return render(
        request,
        "rectification/item.html",
        {
            "item": obj,
            "assessment": access.assessment,
            "rlist": obj.rectification_list,
            "updates": obj.updates.select_related("author").order_by("created_at", "pk"),
            "can_draft": access.can_draft,
            "can_record_for": access.can_record_for,
            "closure": obj.closure,
            "can_close": access.can_close,
            "is_editable": obj.rectification_list.status in (ListStatus.DRAFT, ListStatus.RETURNED),
            "can_report": obj.rectification_list.status == ListStatus.CONFIRMED
            and obj.status != ItemStatus.CLOSED,
            **error_context(failed),
        },
    )


@require_GET
@scoped(ITEM_NOTE)
def item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return item_page(request, item_access(request, pk))


@require_GET
@scoped("经 rectification.selectors.get_update_for 取佐证材料（只限可见该事项的用户，否则 404）")
def evidence(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    update = selectors.get_update_for(request.user, pk)
    return FileResponse(
        update.evidence.open("rb"), as_attachment=True, filename=update.evidence_name or "evidence"
    )


# --- the campaign board and the 年度考核 grades -----------------------------------------------------------

BOARD_NOTE = (
    "经 campaigns.selectors.get_campaign_for 取考核（404）；整改进度只对在该考核中有角色的人员显示（组织部门、"
    "领导、指导人员，否则 403）；销号、设置限组织部门工作人员（403）"
)
GRADES_NOTE = (
    "经 campaigns.selectors.get_campaign_for 取考核（404）；不得评优名单和年度考核等次只对在该考核中有角色的人员"
    "显示（否则 403）；录入等次限组织部门工作人员（403，RCT-4）"
)


def readable_campaign(request: AuthenticatedHttpRequest, pk: int) -> Campaign:
    """The campaign, scoped (404), for someone with a role in it (403)."""
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not permissions.can_read_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign


def board_page(
    request: AuthenticatedHttpRequest, campaign: Campaign, failed: forms.Form | None = None
) -> HttpResponse:
    return render(
        request,
        "rectification/campaign.html",
        {
            "campaign": campaign,
            "rows": selectors.circular_rows(campaign),
            "closable": selectors.closable_items(campaign),
            "restrictions": selectors.restrictions(campaign),
            "units": selectors.unit_evaluations(campaign),
            "can_manage": permissions.can_manage_rectification(request.user, campaign),
            "days": services.list_days(campaign),
            "admonition_days": services.admonition_days(campaign),
            **error_context(failed),
        },
    )


@require_GET
@scoped(BOARD_NOTE)
def campaign_board(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return board_page(request, readable_campaign(request, pk))


def annual_grades_page(
    request: AuthenticatedHttpRequest, campaign: Campaign, failed: forms.Form | None = None
) -> HttpResponse:
    people = selectors.campaign_people(campaign)
    return render(
        request,
        "rectification/annual_grades.html",
        {
            "campaign": campaign,
            "restrictions": selectors.restrictions(campaign),
            "grades": selectors.annual_grades(campaign, people),
            "people": people.values(),
            "grade_choices": AnnualGrade.choices,
            "can_manage": permissions.can_manage_rectification(request.user, campaign),
            "art7": rules.ART7_EXCELLENT,
            **error_context(failed),
        },
    )


@require_GET
@scoped(GRADES_NOTE)
def annual_grades(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """RCT-4: the 不得评优名单 for the cadre-assessment section, and the 年度考核 grades entered against it —
    优秀 for a person whose grade is not 好 is refused, citing Art. 7; before the decision it waits as 待定."""
    return annual_grades_page(request, readable_campaign(request, pk))

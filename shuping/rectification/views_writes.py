"""Writes of the 整改 pages (RCT-1 … RCT-4), one small view per operation (docs/architecture.md, Writes
from pages): scoped object (404) and permission (403) first, then a form and `core.forms.handle_form`, which
calls the service and redirects with its success message, or draws the page again with the refusal and the
input kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core import uploads
from shuping.core.access import scoped
from shuping.core.forms import handle_form

from . import consequences, permissions, selectors, services
from . import forms as rct_forms
from .models import RectificationList
from .views import (
    BOARD_NOTE,
    GRADES_NOTE,
    ITEM_NOTE,
    LIST_NOTE,
    ItemAccess,
    ListAccess,
    annual_grades_page,
    board_page,
    item_access,
    item_page,
    list_access,
    list_page,
    readable_campaign,
)

# --- one assessee's list: 建立、添加、修改、合并、报备 (drafter or organizer), 确认、退回、约谈、问责 (organizer) ---


def _drafter(request: AuthenticatedHttpRequest, pk: int) -> ListAccess:
    access = list_access(request, pk)
    if not (access.can_manage or access.can_draft):
        raise PermissionDenied
    return access


def _manager(request: AuthenticatedHttpRequest, pk: int) -> ListAccess:
    access = list_access(request, pk)
    if not access.can_manage:
        raise PermissionDenied
    return access


def _started(access: ListAccess) -> RectificationList:
    if access.rectification_list is None:
        raise Http404
    return access.rectification_list


def _on_list(
    request: AuthenticatedHttpRequest,
    access: ListAccess,
    form: django_forms.Form,
    operation: Callable[[dict[str, Any]], Any],
    success: str | Callable[[Any], str],
    anchor: str = "",
) -> HttpResponse:
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("rectification:list", args=[access.assessment.pk]) + anchor,
        render_page=lambda failed: list_page(request, access, failed),
    )


@require_POST
@scoped(LIST_NOTE)
def list_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = _drafter(request, pk)
    return _on_list(
        request,
        access,
        rct_forms.EmptyForm(request.POST),
        lambda data: services.start_list(actor=request.user, assessment=access.assessment),
        "已建立整改清单，已从指出的问题中列出整改事项。",
    )


@require_POST
@scoped(LIST_NOTE)
def list_add_item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = _drafter(request, pk)
    rectification_list = _started(access)
    form = rct_forms.AddItemForm(request.POST)
    return _on_list(
        request,
        access,
        form,
        lambda data: services.add_item(
            actor=request.user,
            rectification_list=rectification_list,
            problem=data["problem"],
            measures=data["measures"],
            responsible=data["responsible"],
            deadline=data["deadline"],
            milestones=form.milestones(),
        ),
        "已添加整改事项。",
    )


def _update(
    request: AuthenticatedHttpRequest, form: rct_forms.ItemForm, item
) -> Callable[[dict[str, Any]], Any]:
    """Measures, responsible person, deadline and new milestones; the problem stays as pointed out (RCT-1)."""

    def run(data: dict[str, Any]) -> Any:
        return services.update_item(
            actor=request.user,
            item=item,
            problem=item.problem,
            measures=data["measures"],
            responsible=data["responsible"],
            deadline=data["deadline"],
            milestones=form.milestones(),
        )

    return run


@require_POST
@scoped(LIST_NOTE)
def list_update_item(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    access = _drafter(request, pk)
    item = _started(access).items.filter(pk=item_pk).first()
    if item is None:
        raise Http404
    form = rct_forms.ItemForm(request.POST, target_item=item)
    return _on_list(
        request,
        access,
        form,
        _update(request, form, item),
        f"已保存第 {item.position} 项的整改措施。",
        anchor=f"#rct-item-{item.pk}",  # back to the card just saved
    )


@require_POST
@scoped(LIST_NOTE)
def list_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = _drafter(request, pk)
    form = rct_forms.MergeForm(request.POST, rectification_list=_started(access))

    def merge(data: dict[str, Any]) -> int:
        chosen = form.chosen()
        services.merge_items(actor=request.user, keep=chosen[0], others=chosen[1:])
        return len(chosen)

    return _on_list(
        request, access, form, merge, lambda count: f"已合并为一项，保留全部 {count} 项的问题来源。"
    )


@require_POST
@scoped(LIST_NOTE)
def list_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = _drafter(request, pk)
    rectification_list = _started(access)
    return _on_list(
        request,
        access,
        rct_forms.EmptyForm(request.POST),
        lambda data: services.submit_list(actor=request.user, rectification_list=rectification_list),
        "已报备上级组织部门。",
    )


@require_POST
@scoped(LIST_NOTE)
def list_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = _manager(request, pk)
    rectification_list = _started(access)
    return _on_list(
        request,
        access,
        rct_forms.EmptyForm(request.POST),
        lambda data: services.confirm_list(actor=request.user, rectification_list=rectification_list),
        "已确认整改清单。",
    )


@require_POST
@scoped(LIST_NOTE)
def list_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = _manager(request, pk)
    rectification_list = _started(access)
    return _on_list(
        request,
        access,
        rct_forms.ReturnListForm(request.POST),
        lambda data: services.return_list(
            actor=request.user, rectification_list=rectification_list, remarks=data["remarks"]
        ),
        "已退回修改。",
    )


@require_POST
@scoped(LIST_NOTE)
def list_admonition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = _manager(request, pk)
    _started(access)
    return _on_list(
        request,
        access,
        rct_forms.AdmonitionForm(request.POST),
        lambda data: consequences.record_admonition(
            actor=request.user,
            assessment=access.assessment,
            conducted_by=data["conducted_by"],
            held_on=data["held_on"],
            record_text=data["record"],
        ),
        "已录入约谈提醒。",
    )


@require_POST
@scoped(LIST_NOTE)
def list_referral(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = _manager(request, pk)
    _started(access)
    return _on_list(
        request,
        access,
        rct_forms.ReferralForm(request.POST),
        lambda data: consequences.refer_for_accountability(
            actor=request.user,
            assessment=access.assessment,
            referred_to=data["referred_to"],
            reason=data["reason"],
            referred_on=data["referred_on"],
        ),
        "已录入追责问责移交；整改事项不因问责而关闭（第七条）。",
    )


# --- one item: 进展、报完成 (drafter; 代录 by staff), 修改、阶段目标 (drafter), 销号、退回 (upper level) ----------


def _on_item(
    request: AuthenticatedHttpRequest,
    access: ItemAccess,
    form: django_forms.Form,
    operation: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("rectification:item", args=[access.item.pk]),
        render_page=lambda failed: item_page(request, access, failed),
    )


def _progress(request: AuthenticatedHttpRequest, pk: int, *, marks_done: bool, success: str) -> HttpResponse:
    access = item_access(request, pk)
    if not (access.can_draft or access.can_record_for):
        raise PermissionDenied

    def report(data: dict[str, Any]) -> Any:
        upload = uploads.receive(request, "evidence", uploads.EVIDENCE)  # the upload gate (INT-1)
        return services.add_progress(
            actor=request.user,
            item=access.item,
            text=data["text"],
            evidence=upload.open() if upload is not None else None,
            marks_done=marks_done,
            on_behalf_of=data["on_behalf_of"],
        )

    return _on_item(request, access, rct_forms.ProgressForm(request.POST), report, success)


@require_POST
@scoped(ITEM_NOTE)
def item_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _progress(request, pk, marks_done=False, success="已记录进展。")


@require_POST
@scoped(ITEM_NOTE)
def item_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _progress(request, pk, marks_done=True, success="已报告完成，等待上级销号。")


@require_POST
@scoped(ITEM_NOTE)
def item_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = item_access(request, pk)
    if not access.can_draft:
        raise PermissionDenied
    form = rct_forms.ItemForm(request.POST, target_item=access.item)
    return _on_item(
        request,
        access,
        form,
        _update(request, form, access.item),
        f"已保存第 {access.item.position} 项的整改措施。",
    )


@require_POST
@scoped(ITEM_NOTE)
def item_milestone(request: AuthenticatedHttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    access = item_access(request, pk)
    if not access.can_draft:
        raise PermissionDenied
    milestone = access.item.milestones.filter(pk=milestone_pk).first()
    if milestone is None:
        raise Http404
    return _on_item(
        request,
        access,
        rct_forms.EmptyForm(request.POST),
        lambda data: services.set_milestone_done(actor=request.user, milestone=milestone),
        "已标记阶段目标完成。",
    )


@require_POST
@scoped(ITEM_NOTE)
def item_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = item_access(request, pk)
    if not access.can_close:
        raise PermissionDenied
    return _on_item(
        request,
        access,
        rct_forms.CloseItemForm(request.POST),
        lambda data: services.close_items(actor=request.user, items=[access.item], note=data["note"]),
        "已销号，并已向各问题来源通报。",
    )


@require_POST
@scoped(ITEM_NOTE)
def item_send_back(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = item_access(request, pk)
    if not access.can_close:
        raise PermissionDenied
    return _on_item(
        request,
        access,
        rct_forms.SendBackForm(request.POST),
        lambda data: services.send_back_item(actor=request.user, item=access.item, reason=data["reason"]),
        "已退回。",
    )


# --- the campaign board (批量销号、抽查销号、期限设置) and the 年度考核 grades: organizer staff ----------------------


def _managed_campaign(request: AuthenticatedHttpRequest, pk: int):
    campaign = readable_campaign(request, pk)
    if not permissions.can_manage_rectification(request.user, campaign):
        raise PermissionDenied
    return campaign


def _on_board(request, campaign, form, operation, success) -> HttpResponse:
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("rectification:campaign", args=[campaign.pk]),
        render_page=lambda failed: board_page(request, campaign, failed),
    )


@require_POST
@scoped(BOARD_NOTE)
def campaign_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    return _on_board(
        request,
        campaign,
        rct_forms.BoardClosureForm(request.POST, campaign=campaign),
        lambda data: services.close_items(actor=request.user, items=list(data["items"]), note=data["note"]),
        lambda batch: f"已销号 {len(batch.population)} 项，并已向各问题来源通报。",
    )


@require_POST
@scoped(BOARD_NOTE)
def campaign_sample(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    return _on_board(
        request,
        campaign,
        rct_forms.BoardClosureForm(request.POST, campaign=campaign),
        lambda data: services.close_by_sampling(
            actor=request.user, items=list(data["items"]), size=data["size"] or 0, note=data["note"]
        ),
        lambda batch: (
            f"抽查 {len(batch.sampled)} 项（随机种子 {batch.seed}），已销号 {len(batch.population)} 项。"
        ),
    )


@require_POST
@scoped(BOARD_NOTE)
def campaign_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    return _on_board(
        request,
        campaign,
        rct_forms.SettingsForm(request.POST),
        lambda data: services.set_rectification_settings(
            actor=request.user,
            campaign=campaign,
            days=data["days"] or 0,
            admonition_deadline_days=data["admonition_deadline_days"],
        ),
        "已保存整改期限设置。",
    )


@require_POST
@scoped(GRADES_NOTE)
def annual_grades_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """RCT-4: a person's 年度考核 grade; 优秀 for one whose grade is not 好 is refused, citing Art. 7."""
    campaign = _managed_campaign(request, pk)
    form = rct_forms.AnnualGradeForm(request.POST, people=selectors.campaign_people(campaign))

    def record(data: dict[str, Any]):
        person = form.people[data["person"]]
        row = consequences.record_annual_grade(
            person=person,
            year=campaign.year,
            grade=data["grade"],
            actor=request.user,
            note=data["note"],
        )
        return person, row

    return handle_form(
        request,
        form,
        record,
        success=lambda result: (
            f"已录入 {result[0].name} 的年度考核等次：{result[1].grade}（{result[1].get_status_display()}）。"
        ),
        redirect_to=reverse("rectification:annual_grades", args=[campaign.pk]),
        render_page=lambda failed: annual_grades_page(request, campaign, failed),
    )

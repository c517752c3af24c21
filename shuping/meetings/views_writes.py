"""The writes of a meeting's page and of its meeting-day screen (MTG-1 … MTG-4): one small view per
operation, each with a form through `core.forms.handle_form` — a refusal draws the page again with the
message and what was typed; success flashes and returns to the page. Out of scope → 404 (selectors); not the
meeting's organizer staff → 403 (permissions.can_manage_meeting)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import scoped
from shuping.core.forms import OperationForm, error_context, handle_form

from . import commentary as commentary_services
from . import forms, services, voting
from .pages import day_context, detail_context, managed_meeting

_MANAGED = "经 selectors.get_meeting_for 取会议（范围外 404）；须为组织部门工作人员（permissions.can_manage_meeting，否则 403）；"


def _detail_write(
    request: AuthenticatedHttpRequest,
    meeting,
    form,
    operation: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """A write from the meeting's page: back to it; refused → the page again with the form's error."""

    def page(failed) -> HttpResponse:
        context = {**detail_context(request, meeting), **error_context(failed)}
        if getattr(failed, "operation", "") == "commenter":
            context["commenter_form"] = failed
        return render(request, "meetings/detail.html", context)

    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("meetings:detail", args=[meeting.pk]),
        render_page=page,
    )


@require_POST
@scoped(_MANAGED + "向上级报送会议方案")
def send_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    return _detail_write(
        request,
        meeting,
        OperationForm(request.POST),
        lambda _d: services.send_plan_up(actor=request.user, meeting=meeting),
        "会议方案已报送上级。",
    )


@require_POST
@scoped(_MANAGED + "按述职人和参会人员建立测评票箱")
def set_up_ballots(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    return _detail_write(
        request,
        meeting,
        OperationForm(request.POST),
        lambda _d: voting.set_up_ballots(actor=request.user, meeting=meeting),
        "已建立测评票箱。",
    )


@require_POST
@scoped(_MANAGED + "按问题对照表起草点评稿")
def draft_commentaries(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    return _detail_write(
        request,
        meeting,
        OperationForm(request.POST),
        lambda _d: commentary_services.draft_commentaries(actor=request.user, meeting=meeting),
        "已起草点评稿。",
    )


@require_POST
@scoped(_MANAGED + "保存述职人名单（须为本次考核的考核对象，按勾选顺序）")
def agenda(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    form = forms.AgendaForm(request.POST, campaign=meeting.campaign)
    return _detail_write(
        request,
        meeting,
        form,
        lambda _d: services.set_agenda(actor=request.user, meeting=meeting, assessments=form.chosen()),
        "已保存述职人名单。",
    )


@require_POST
@scoped(_MANAGED + "登记一个会场一类参会人员（会场须属于本会议）")
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    form = forms.AttendanceEntryForm(request.POST, meeting=meeting)
    return _detail_write(
        request,
        meeting,
        form,
        lambda d: services.set_attendance(
            actor=request.user,
            meeting=meeting,
            venue=d["venue"],
            category=d["category"],
            headcount=d["headcount"],
            is_voting=d["is_voting"],
            attendees=form.attendees(),
        ),
        "已保存参会人员。",
    )


@require_POST
@scoped(_MANAGED + "增设分会场")
def venue_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    return _detail_write(
        request,
        meeting,
        forms.VenueForm(request.POST),
        lambda d: services.add_venue(actor=request.user, meeting=meeting, name=d["name"]),
        "已增设分会场。",
    )


@require_POST
@scoped(_MANAGED + "添加点评人（姓名、职务和身份）")
def commenter_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    return _detail_write(
        request,
        meeting,
        forms.CommenterEntryForm(request.POST),
        lambda d: services.add_commenter(
            actor=request.user,
            meeting=meeting,
            role=d["role"],
            name=d["name"],
            post=d["post"],
            portfolio=d["portfolio"],
            keywords=d["keywords"].replace("，", ",").split(","),
        ),
        "已添加点评人。",
    )


# --- the meeting-day screen ------------------------------------------------------------------------------

_DAY = "同会议当天操作屏：经 selectors.get_meeting_for（404）与 can_manage_meeting（403）；"


def _day_write(request: AuthenticatedHttpRequest, meeting, form, operation, success: str) -> HttpResponse:
    """A button on the meeting-day screen: back to the screen; refused → the screen with the message."""
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("meetings:day", args=[meeting.pk]),
        render_page=lambda failed: render(
            request, "meetings/day.html", {**day_context(meeting), **error_context(failed)}
        ),
    )


def _day_button(service: Callable[..., Any], success: str, what: str):
    """The view of one button of the screen that needs no input (开始会议, 下一位述职 …)."""

    @require_POST
    @scoped(_DAY + what)
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        meeting = managed_meeting(request, pk)
        return _day_write(
            request,
            meeting,
            OperationForm(request.POST),
            lambda _d: service(actor=request.user, meeting=meeting),
            success,
        )

    return view


day_start = _day_button(services.start_meeting, "会议开始。", "开始会议")
day_next = _day_button(services.advance_agenda, "已请下一位同志述职。", "请下一位述职")
day_stop_phone = _day_button(voting.stop_phone_voting, "手机投票已停止，可继续录入纸质票。", "停止手机投票")
day_close_voting = _day_button(voting.close_voting, "投票结束，票箱已封存。", "结束投票并封箱")
day_end = _day_button(services.end_meeting, "会议结束。", "会议结束")


@require_POST
@scoped(_DAY + "开始投票（会议日前须勾选确认提前开始）")
def day_open_voting(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    return _day_write(
        request,
        meeting,
        forms.OpenVotingForm(request.POST),
        lambda d: voting.open_voting(actor=request.user, meeting=meeting, confirm_early=d["confirm_early"]),
        "已开始投票。",
    )

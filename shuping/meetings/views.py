"""Meeting pages (MTG-1 … MTG-5): list, plan, one meeting, commentary, the meeting-day screen, slips, the
document pack; the writes of the meeting page and the meeting-day screen are in views_writes. Thin: a form,
the service, `core.forms.handle_form`. Out of scope → 404 (selectors); not
allowed → 403 (permissions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.ballots.slips import qr_svg
from shuping.campaigns import selectors as campaign_selectors
from shuping.core.access import scoped, signed_in
from shuping.core.errors import DomainError
from shuping.core.forms import error_context, handle_form

from . import commentary as commentary_services
from . import forms, permissions, rules, selectors, services, voting
from .choices import CommenterRole
from .forms import FinaliseForm, MeetingFormFields
from .models import Commentary, Meeting
from .pages import day_context, detail_context, managed_meeting, reporter_name


@dataclass(frozen=True)
class _MeetingRow:
    """A meeting on the list page, with its phase (FLOW-5)."""

    meeting: Meeting
    phase: rules.Phase


@signed_in(
    "列出本人可见的述职评议会：本人担任角色的考核的全部会议，或本人作为述职人、联络员参加的会议（selectors.meetings_visible_to）"
)
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    listed = list(selectors.meetings_for_list(request.user))
    phases = voting.phases_of(listed)  # FLOW-5: the same phase as the meeting's own pages
    meetings = [_MeetingRow(meeting=m, phase=phases[m.pk]) for m in listed]
    campaigns = [
        c
        for c in selectors.campaigns_for_new_meetings(request.user)
        if permissions.can_create_meeting(request.user, c)
    ]
    return render(request, "meetings/list.html", {"meetings": meetings, "campaigns": campaigns})


@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（范围外 404）；须为本次考核的组织部门工作人员（否则 403）"
)
def meeting_create(request: AuthenticatedHttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = campaign_selectors.get_campaign_for(request.user, campaign_pk)
    if not permissions.can_create_meeting(request.user, campaign):
        raise PermissionDenied
    form = MeetingFormFields(request.POST or None, initial={"held_on": campaign.meetings_start_on})

    def page(form) -> HttpResponse:
        return render(request, "meetings/create.html", {"campaign": campaign, "form": form})

    if request.method != "POST":
        return page(form)
    return handle_form(
        request,
        form,
        lambda d: services.create_meeting(actor=request.user, campaign=campaign, **d),
        success="已建立述职评议会，请安排述职人和参会人员。",
        redirect_to=lambda meeting: reverse("meetings:detail", args=[meeting.pk]),
        render_page=page,
    )


# What each button on the meeting-day screen calls (every one takes actor and meeting), and its message.
DAY_ACTIONS: dict[str, tuple[Callable[..., object], str]] = {
    "start": (services.start_meeting, "会议开始。"),
    "next": (services.advance_agenda, "已请下一位同志述职。"),
    "open_voting": (voting.open_voting, "已开始投票。"),
    "stop_phone": (voting.stop_phone_voting, "手机投票已停止，可继续录入纸质票。"),
    "close_voting": (voting.close_voting, "投票结束，票箱已封存。"),
    "end": (services.end_meeting, "会议结束。"),
}


@require_safe
@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；点评稿仅组织部门工作人员和部门领导可见（EVA-9）；修改在各自的 POST 路由，须为组织部门工作人员（403）"
)
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, pk)
    return render(request, "meetings/detail.html", detail_context(request, meeting))


def _commentary(request: AuthenticatedHttpRequest, pk: int, commentary_pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    if not permissions.can_see_drafts(request.user, meeting):
        raise PermissionDenied
    item = get_object_or_404(
        Commentary.objects.select_related("commenter", "assessment"), meeting=meeting, pk=commentary_pk
    )
    return meeting, item


def _commentary_page(request: AuthenticatedHttpRequest, meeting, item, form, *, failed=None) -> HttpResponse:
    context = {
        "meeting": meeting,
        "item": item,
        "form": form,
        "can_edit": permissions.can_edit_commentary(request.user, meeting),
        **error_context(failed),
    }
    return render(request, "meetings/commentary.html", context)


def _finalise_form(item, data=None) -> FinaliseForm:
    problems = "\n".join(f"{p.get_category_display()}｜{p.text}" for p in item.problems.all())
    initial = {"remarks": item.remarks or item.draft_text, "direction": item.direction, "problems": problems}
    return FinaliseForm(data, initial=initial)


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；点评稿仅组织部门工作人员和部门领导可见（EVA-9，否则 403），录入定稿须为组织部门工作人员（403）"
)
def commentary_edit(request: AuthenticatedHttpRequest, pk: int, commentary_pk: int) -> HttpResponse:
    meeting, item = _commentary(request, pk, commentary_pk)
    if request.method != "POST":
        return _commentary_page(request, meeting, item, _finalise_form(item))
    if not permissions.can_edit_commentary(request.user, meeting):
        raise PermissionDenied
    form = _finalise_form(item, request.POST)
    return handle_form(
        request,
        form,
        lambda d: commentary_services.finalise_commentary(
            actor=request.user,
            commentary=item,
            remarks=d["remarks"],
            direction=d["direction"],
            problems=form.problem_inputs(),
        ),
        success=f"已代{item.commenter.name_and_post}录入点评定稿。",
        redirect_to=reverse("meetings:detail", args=[pk]),
        render_page=lambda failed: _commentary_page(request, meeting, item, failed),
    )


@require_POST
@scoped("同点评页面：经 get_meeting_for（404）与 EVA-9（403）；保存会前点评稿须为组织部门工作人员（403）")
def commentary_draft(request: AuthenticatedHttpRequest, pk: int, commentary_pk: int) -> HttpResponse:
    meeting, item = _commentary(request, pk, commentary_pk)
    if not permissions.can_edit_commentary(request.user, meeting):
        raise PermissionDenied
    return handle_form(
        request,
        forms.CommentaryDraftForm(request.POST),
        lambda d: commentary_services.save_draft(
            actor=request.user, commentary=item, draft_text=d["draft_text"]
        ),
        success="已保存点评稿。",
        redirect_to=reverse("meetings:commentary", args=[pk, commentary_pk]),
        render_page=lambda failed: _commentary_page(
            request, meeting, item, _finalise_form(item), failed=failed
        ),
    )


@require_safe
@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；会议当天的操作屏仅组织部门工作人员（否则 403）；测评结果只在选择当场公布且封箱后显示；各按钮在各自的 POST 路由"
)
def meeting_day(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    return render(request, "meetings/day.html", day_context(meeting))


@scoped(
    "同会议当天操作屏（selectors.get_meeting_for + can_manage_meeting）；只返回当前述职人和投票进度片段供轮询，不含选票内容"
)
def meeting_day_live(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    return render(request, "meetings/_day_live.html", day_context(meeting))


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；仅组织部门工作人员可生成凭条（否则 403）；凭证码只出现在本次响应中"
)
@require_POST
def meeting_slips(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    # The codes exist only in this response (hashes are stored): issue and render in one transaction, so
    # a page that fails to render leaves no slips behind whose codes nobody ever saw.
    try:
        with transaction.atomic():
            issued = voting.issue_slips(actor=request.user, meeting=meeting)
            response = _slips_page(request, meeting, issued)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("meetings:detail", pk=pk)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _slip_sheet(b, issued, recused_names: dict, vote_url: str) -> dict:
    """One box's sheet of slips: whom it rates, who is left out of it (a 单列 box's reporter), per category."""
    mb = b.meeting_box
    per_category: dict[str, int] = {}
    for s in sorted(b.slips, key=lambda s: s.category):
        per_category[s.category] = per_category.get(s.category, 0) + 1
    left_out = [
        recused_names[o.meeting_box.recused_assessment_id]
        for o in issued
        if o.meeting_box.recused_assessment_id and o.meeting_box.venue_id == mb.venue_id
    ]
    return {
        "meeting_box": mb,
        "label": voting.box_label(mb),
        "venue": mb.venue.name,
        "recused": recused_names.get(mb.recused_assessment_id) if mb.recused_assessment_id else None,
        "left_out": [] if mb.recused_assessment_id else left_out,
        "by_category": "、".join(f"{c} {n} 张" for c, n in per_category.items()),
        "slips": [{"slip": s, "qr": qr_svg(f"{vote_url}#{s.code}")} for s in b.slips],
    }


def _slips_page(request: AuthenticatedHttpRequest, meeting, issued) -> HttpResponse:
    vote_url = request.build_absolute_uri(reverse("vote:page"))
    recused_names = {
        b.meeting_box.recused_assessment_id: reporter_name(b.meeting_box.recused_assessment)
        for b in issued
        if b.meeting_box.recused_assessment_id
    }
    sheets = [_slip_sheet(b, issued, recused_names, vote_url) for b in issued]
    return render(
        request,
        "meetings/slips.html",
        {
            "meeting": meeting,
            "sheets": sheets,
            "vote_url": vote_url,
            "has_recusal_boxes": bool(recused_names),
        },
    )


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；仅组织部门工作人员可生成会议材料（否则 403），以后台任务生成"
)
@require_POST
def meeting_pack(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = managed_meeting(request, pk)
    from .pack import start_pack_job

    job = start_pack_job(actor=request.user, meeting=meeting)
    messages.success(request, "正在生成会议材料，完成后可下载压缩包。")
    return redirect("jobs:detail", job_id=job.pk)


_ = CommenterRole  # re-exported for templates' choices

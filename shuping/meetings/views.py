"""Meeting pages (MTG-1 … MTG-5): list, plan, one meeting, commentary, the meeting-day screen, slips, the
document pack. Thin: parse, call a service or a selector, render. Out of scope → 404 (selectors); not
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
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.ballots.models import BallotBox
from shuping.ballots.selectors import visible_boxes
from shuping.ballots.slips import qr_svg
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.models import Assessment
from shuping.core.access import scoped, signed_in
from shuping.core.errors import DomainError

from . import commentary as commentary_services
from . import offline, permissions, rules, selectors, services, voting
from .choices import AttendeeCategory, CommenterRole
from .forms import AttendanceForm, CommenterForm, FinaliseForm, MeetingFormFields
from .models import Commentary, Meeting, Venue


def _managed(request: AuthenticatedHttpRequest, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    if not permissions.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    return meeting


@dataclass(frozen=True)
class _MeetingRow:
    """A meeting on the list page, with its phase (FLOW-5)."""

    meeting: Meeting
    phase: rules.Phase


@dataclass(frozen=True)
class _BoxRow:
    """A meeting box on the meeting page: its ballot box, venue, whom it rates, where it votes."""

    box: BallotBox
    venue: Venue
    recused_assessment: Assessment | None
    is_legacy_recusal: bool
    label: str
    offline: str  # "", "waiting" (exported to an offline venue) or "imported"
    subject_names: list[str]


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
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(actor=request.user, campaign=campaign, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已建立述职评议会，请安排述职人和参会人员。")
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/create.html", {"campaign": campaign, "form": form})


def _detail_context(request: AuthenticatedHttpRequest, meeting) -> dict:
    user = request.user
    agenda = selectors.agenda_of(meeting)
    internals = permissions.can_see_meeting_internals(user, meeting)
    drafts = permissions.can_see_drafts(user, meeting)
    if drafts:
        commentaries = selectors.commentaries_of(meeting)
    else:
        commentaries = [
            c
            for c in selectors.commentaries_of(meeting)
            if c.is_final and permissions.can_see_commentary(user, meeting, c.assessment)
        ]
    on_agenda = {i.assessment_id for i in agenda}
    reporter_names = {i.assessment_id: _reporter_name(i.assessment) for i in agenda}
    meeting_boxes = selectors.boxes_of(meeting) if internals else []
    # A box exported to an offline venue stays 草拟 on the server (ADR 0005): say where it votes instead.
    offline_state = (
        {
            box_id: ("imported" if imported else "waiting")
            for box_id, imported in offline.active_exports(meeting).values_list(
                "meeting_box_id", "imported_at"
            )
        }
        if meeting_boxes
        else {}
    )
    # The box list names what each box rates, and a 单列 box whom (MTG-2).
    boxes = [
        _BoxRow(
            box=mb.box,
            venue=mb.venue,
            recused_assessment=mb.recused_assessment,
            is_legacy_recusal=mb.is_legacy_recusal,
            label=voting.box_label(mb),
            offline=offline_state.get(mb.pk, ""),
            subject_names=[reporter_names.get(a, "") for a in mb.subject_assessments.values()],
        )
        for mb in meeting_boxes
    ]
    # DSC-1: the per-reporter results over every box, through the disclosure door; EVA-9: staff and leaders.
    results = (
        voting.meeting_results(meeting)
        if drafts and boxes and any(mb.box.status == "closed" or mb.offline == "imported" for mb in boxes)
        else None
    )
    candidates = []
    if permissions.can_manage_meeting(user, meeting):
        candidates = list(
            Assessment.objects.filter(campaign=meeting.campaign, is_excluded=False)
            .exclude(agenda_item__meeting__in=meeting.campaign.meetings.exclude(pk=meeting.pk))
            .order_by("-reporting_mode", "organization_path")
        )
    state = voting.voting_state(meeting)
    return {
        "meeting": meeting,
        "agenda": agenda,
        "candidates": candidates,
        "on_agenda": on_agenda,
        "groups": selectors.attendance_of(meeting) if internals else [],
        "venues": list(meeting.venues.all()) if internals else [],
        "commenters": list(meeting.commenters.all()),
        "commentaries": commentaries,
        "boxes": boxes,
        # FLOW-1: a box name links to the box page only for those who may open it (guidance staff see the
        # meeting and the boxes' state, but the box page is the organizer's: a link there would be a 404).
        "openable_boxes": set(
            visible_boxes(user).filter(pk__in=[mb.box.pk for mb in boxes]).values_list("pk", flat=True)
        )
        if boxes
        else set(),
        "reporter_persons": {i.assessment.person_id for i in agenda if i.assessment.person_id},
        "plan": voting.plan_summary(meeting) if internals else None,
        "can_manage": permissions.can_manage_meeting(user, meeting),
        "can_see_drafts": drafts,
        "can_see_internals": internals,
        "attendance_form": AttendanceForm(),
        "commenter_form": CommenterForm(),
        "categories": AttendeeCategory.choices,
        "voting_state": state,
        "phase": rules.meeting_phase(str(meeting.status), state),
        "results": results,
    }


ACTIONS = {
    "send_plan": (lambda r, m: services.send_plan_up(actor=r.user, meeting=m), "会议方案已报送上级。"),
    "set_up_ballots": (lambda r, m: voting.set_up_ballots(actor=r.user, meeting=m), "已建立测评票箱。"),
    "draft": (lambda r, m: commentary_services.draft_commentaries(actor=r.user, meeting=m), "已起草点评稿。"),
}


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；点评稿仅组织部门工作人员和部门领导可见（EVA-9），修改须为组织部门工作人员（否则 403）"
)
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, pk)
    if request.method == "POST":
        meeting = _managed(request, pk)
        try:
            _detail_action(request, meeting)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("meetings:detail", pk=pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


def _detail_action(request: AuthenticatedHttpRequest, meeting) -> None:
    action = request.POST.get("action", "")
    if action in ACTIONS:
        run, done = ACTIONS[action]
        run(request, meeting)
        messages.success(request, done)
    elif action == "agenda":
        ids = [int(x) for x in request.POST.getlist("assessment") if x.isdigit()]
        chosen = list(Assessment.objects.filter(campaign=meeting.campaign, pk__in=ids))
        chosen.sort(key=lambda a: ids.index(a.pk))
        services.set_agenda(actor=request.user, meeting=meeting, assessments=chosen)
        messages.success(request, "已保存述职人名单。")
    elif action == "attendance":
        form = AttendanceForm(request.POST)
        if not form.is_valid():
            raise DomainError("请检查参会人员类别和人数。")
        venue = get_object_or_404(Venue, meeting=meeting, pk=form.cleaned_data["venue"])
        names = []
        for line in form.cleaned_data["names"].splitlines():
            parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
            if parts and parts[0]:
                names.append(services.AttendeeInput(parts[0], parts[1] if len(parts) > 1 else ""))
        services.set_attendance(
            actor=request.user,
            meeting=meeting,
            venue=venue,
            category=form.cleaned_data["category"],
            headcount=form.cleaned_data["headcount"],
            is_voting=form.cleaned_data["is_voting"],
            attendees=names,
        )
        messages.success(request, "已保存参会人员。")
    elif action == "venue":
        services.add_venue(actor=request.user, meeting=meeting, name=request.POST.get("name", ""))
        messages.success(request, "已增设分会场。")
    elif action == "commenter":
        commenter_form = CommenterForm(request.POST)
        if not commenter_form.is_valid():
            raise DomainError("请填写点评人的姓名、职务和身份。")
        data = commenter_form.cleaned_data
        services.add_commenter(
            actor=request.user,
            meeting=meeting,
            role=data["role"],
            name=data["name"],
            post=data["post"],
            portfolio=data["portfolio"],
            keywords=[k for k in data["keywords"].replace("，", ",").split(",")],
        )
        messages.success(request, "已添加点评人。")
    else:
        raise DomainError("未知操作。")


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；点评稿仅组织部门工作人员和部门领导可见（EVA-9，否则 403），录入须为组织部门工作人员"
)
def commentary_edit(request: AuthenticatedHttpRequest, pk: int, commentary_pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, pk)
    if not permissions.can_see_drafts(request.user, meeting):
        raise PermissionDenied
    item = get_object_or_404(
        Commentary.objects.select_related("commenter", "assessment"), meeting=meeting, pk=commentary_pk
    )
    problems_text = "\n".join(f"{p.get_category_display()}｜{p.text}" for p in item.problems.all())
    form = FinaliseForm(
        request.POST or None,
        initial={
            "remarks": item.remarks or item.draft_text,
            "direction": item.direction,
            "problems": problems_text,
        },
    )
    if request.method == "POST":
        if not permissions.can_edit_commentary(request.user, meeting):
            raise PermissionDenied
        if request.POST.get("action") == "draft":
            try:
                commentary_services.save_draft(
                    actor=request.user, commentary=item, draft_text=request.POST.get("draft_text", "")
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已保存点评稿。")
            return redirect("meetings:commentary", pk=pk, commentary_pk=commentary_pk)
        if form.is_valid():
            try:
                commentary_services.finalise_commentary(
                    actor=request.user,
                    commentary=item,
                    remarks=form.cleaned_data["remarks"],
                    direction=form.cleaned_data["direction"],
                    problems=form.problem_inputs(),
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"已代{item.commenter.name_and_post}录入点评定稿。")
                return redirect("meetings:detail", pk=pk)
    return render(
        request,
        "meetings/commentary.html",
        {
            "meeting": meeting,
            "item": item,
            "form": form,
            "can_edit": permissions.can_edit_commentary(request.user, meeting),
        },
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


def _day_context(request: AuthenticatedHttpRequest, meeting) -> dict:
    agenda = selectors.agenda_of(meeting)
    current = next((i for i in agenda if i.is_on_site and i.position == meeting.current_position), None)
    state = voting.voting_state(meeting)
    show_tally = meeting.announces_on_spot and state == "closed"
    results: dict = {}
    if show_tally:  # DSC-1: the same per-reporter lines as the meeting page, through the disclosure door
        results = voting.meeting_results(meeting)
    return {
        "meeting": meeting,
        "agenda": agenda,
        "current": current,
        "turnout": voting.turnout(meeting),
        "voting_state": state,
        "phase": rules.meeting_phase(str(meeting.status), state),
        "is_before_day": timezone.localdate() < meeting.held_on,
        "show_tally": show_tally,
        "results": results.get("rows", []),
        "grade_labels": results.get("grade_labels", []),
    }


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；会议当天的操作屏仅组织部门工作人员（否则 403）；测评结果只在选择当场公布且封箱后显示"
)
def meeting_day(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    if request.method == "POST":
        action = DAY_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, "未知操作。")
        else:
            service, done = action
            extra = (
                {"confirm_early": bool(request.POST.get("confirm_early"))}
                if service is voting.open_voting
                else {}
            )
            try:
                service(actor=request.user, meeting=meeting, **extra)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, done)
        return redirect("meetings:day", pk=pk)
    return render(request, "meetings/day.html", _day_context(request, meeting))


@scoped(
    "同会议当天操作屏（selectors.get_meeting_for + can_manage_meeting）；只返回当前述职人和投票进度片段供轮询，不含选票内容"
)
def meeting_day_live(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    return render(request, "meetings/_day_live.html", _day_context(request, meeting))


def _reporter_name(assessment) -> str:
    return assessment.person_name or assessment.organization_name


@scoped(
    "经 selectors.get_meeting_for 取会议（范围外 404）；仅组织部门工作人员可生成凭条（否则 403）；凭证码只出现在本次响应中"
)
@require_POST
def meeting_slips(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
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


def _slips_page(request: AuthenticatedHttpRequest, meeting, issued) -> HttpResponse:
    vote_url = request.build_absolute_uri(reverse("vote:page"))
    recused_names = {
        b.meeting_box.recused_assessment_id: _reporter_name(b.meeting_box.recused_assessment)
        for b in issued
        if b.meeting_box.recused_assessment_id
    }
    sheets = []
    for b in issued:
        mb = b.meeting_box
        per_category: dict[str, int] = {}
        for s in sorted(b.slips, key=lambda s: s.category):
            per_category[s.category] = per_category.get(s.category, 0) + 1
        sheets.append(
            {
                "meeting_box": mb,
                "label": voting.box_label(mb),
                "venue": mb.venue.name,
                "recused": recused_names.get(mb.recused_assessment_id) if mb.recused_assessment_id else None,
                "left_out": [
                    recused_names[o.meeting_box.recused_assessment_id]
                    for o in issued
                    if o.meeting_box.recused_assessment_id and o.meeting_box.venue_id == mb.venue_id
                ]
                if not mb.recused_assessment_id
                else [],
                "by_category": "、".join(f"{c} {n} 张" for c, n in per_category.items()),
                "slips": [{"slip": s, "qr": qr_svg(f"{vote_url}#{s.code}")} for s in b.slips],
            }
        )
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
    meeting = _managed(request, pk)
    from .pack import start_pack_job

    job = start_pack_job(actor=request.user, meeting=meeting)
    messages.success(request, "正在生成会议材料，完成后可下载压缩包。")
    return redirect("jobs:detail", job_id=job.pk)


_ = CommenterRole  # re-exported for templates' choices

"""Campaign pages (CMP-1 … CMP-7): the wizard's first and last steps (year, schedule), the campaign page
with its stage board and its writes (工作通知, 会议方案, 巡视巡察 findings), one assessment and its stage, and
the upper level's calendar of lower meetings. The scope and indicator steps are in views_scope and
views_indicators. Thin: a form, the service, `core.forms.handle_form`. Out of scope → 404 (selectors); not
allowed → 403 (permissions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core import uploads
from shuping.core.access import scoped, signed_in
from shuping.core.errors import DomainError
from shuping.core.forms import OperationForm, error_context, handle_form

from . import cascade, findings, forms, permissions, rules, selectors, services, stages
from .board import board_cards
from .choices import CampaignRole, CampaignStatus, CompositeComponent, Stage
from .pages import WIZARD_STEPS, assessment_context, managed_campaign, people_context


@signed_in(
    "列出本人担任角色的述职评议考核，以及本人作为考核对象或联络员所在的考核（selectors.campaigns_visible_to）"
)
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaigns = selectors.campaigns_for_list(request.user)
    can_start = selectors.organizers_for(request.user).exists()
    return render(request, "campaigns/list.html", {"campaigns": campaigns, "can_start": can_start})


@signed_in(
    "第一步：选择年度；只能为本人担任组织部门工作人员的党组织创建（permissions.can_create_campaign，否则 403）"
)
def wizard_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    organizers = selectors.organizers_for(request.user)
    form = forms.StartForm(
        request.POST or None,
        organizers=organizers,
        notices=selectors.notices_for_organizers(organizers),
        initial={"year": rules.default_assessed_year(timezone.localdate())},
    )

    def page(form) -> HttpResponse:
        context = {"form": form, "steps": WIZARD_STEPS, "step": "year", "has_organizers": organizers.exists()}
        return render(request, "campaigns/wizard_start.html", context)

    if request.method != "POST":
        return page(form)

    def run(data):
        if not permissions.can_create_campaign(request.user, data["organizer"]):
            raise PermissionDenied
        return services.create_campaign(
            actor=request.user, organizer=data["organizer"], year=data["year"], notice=data["notice"]
        )

    return handle_form(
        request,
        form,
        run,
        success=lambda campaign: f"已创建“{campaign.title}”。请审核考核对象名单。",
        redirect_to=lambda campaign: reverse("campaigns:wizard_scope", args=[campaign.pk]),
        render_page=page,
    )


# --- 时间安排 (the wizard's last step) ------------------------------------------------------------------


def _schedule_initial(campaign) -> tuple[dict[str, Any], bool]:
    """The form's initial values and whether documented defaults fill a gap (FLOW-5: prefilled — this
    year's or last year's rules, copied at creation, else the documented defaults)."""
    initial: dict[str, Any] = {name: getattr(campaign, name) for name in rules.Schedule.__dataclass_fields__}
    stored_percent = campaign.settings.get("lower_grades_min_percent")
    initial["lower_grades_min_percent"] = (
        rules.DEFAULT_LOWER_GRADES_MIN_PERCENT if stored_percent is None else stored_percent
    )
    weights = campaign.settings.get("weights") or {}
    for key in CompositeComponent.values:
        initial[f"weight_{key}"] = (weights or rules.DEFAULT_WEIGHTS).get(key)
    return initial, stored_percent is None or not weights


def _typed_weights(campaign, given: dict[str, Any]) -> dict[str, int] | None:
    """The weights as typed over the stored ones (blank = 0), None when none was typed (EVA-1)."""
    if all(v is None for v in given.values()):
        return None
    return {**(campaign.settings.get("weights") or {}), **{k: v or 0 for k, v in given.items()}}


def _save_schedule(request: AuthenticatedHttpRequest, campaign, form) -> None:
    data = dict(form.cleaned_data)
    percent = data.pop("lower_grades_min_percent")
    new_weights = _typed_weights(
        campaign, {key: data.pop(f"weight_{key}") for key in CompositeComponent.values}
    )
    services.update_schedule(actor=request.user, campaign=campaign, **data)
    if percent is not None or new_weights is not None:
        services.update_settings(
            actor=request.user, campaign=campaign, lower_grades_min_percent=percent, weights=new_weights
        )
    messages.success(request, "时间安排已保存。")
    past = rules.past_dates(data, timezone.localdate())
    if past:  # FLOW-5: warned, not refused — a schedule may be recorded after the fact
        labels = "、".join(f"{form.fields[n].label} {data[n]:%Y-%m-%d}" for n in past)
        messages.warning(request, f"请注意，以下日期早于今天：{labels}。如属补录可不修改。")


@scoped(
    "经 selectors.get_campaign_for 取考核（范围外 404）；须为组织部门工作人员（permissions.can_manage_campaign，否则 403）"
)
def wizard_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    initial, defaults_used = _schedule_initial(campaign)
    form = forms.ScheduleForm(request.POST or None, initial=initial)
    schedule = {n: initial[n] for n in rules.Schedule.__dataclass_fields__}

    def page(form) -> HttpResponse:
        past = rules.past_dates(schedule, timezone.localdate())
        context = {
            "campaign": campaign,
            "form": form,
            "steps": WIZARD_STEPS,
            "step": "schedule",
            "defaults_used": defaults_used,
            "copied_from": campaign.copied_from,
            "past_labels": [form.fields[n].label for n in past],
        }
        return render(request, "campaigns/wizard_schedule.html", context)

    if request.method != "POST":
        return page(form)
    return handle_form(
        request,
        form,
        lambda _data: _save_schedule(request, campaign, form),
        success=None,
        redirect_to=reverse("campaigns:detail", args=[pk]),
        render_page=page,
    )


# --- the campaign page ----------------------------------------------------------------------------------


def _board_columns(request: AuthenticatedHttpRequest, campaign) -> dict[str, Any]:
    board = board_cards(selectors.assessments_for_board(request.user, campaign))
    # FLOW-1: the 各环节 panel and each column's heading lead to where the stage is worked — only the pages
    # the viewer may open (each app's provider asks the predicate its view asks).
    stage_pages = stages.pages_for_campaign(request.user, campaign)
    first_page: dict[str, str] = {}
    for page in stage_pages:
        first_page.setdefault(page.stage, page.url)
    columns = [
        (value, label, [c for c in board if c["stage"] == value], first_page.get(value, ""))
        for value, label in Stage.choices
    ]
    return {"board": board, "columns": columns, "stage_pages": stage_pages}


def _detail_page(request: AuthenticatedHttpRequest, campaign, *, failed=None) -> HttpResponse:
    can_manage = permissions.can_manage_campaign(request.user, campaign)
    roles = selectors.campaign_roles(request.user, campaign)
    operation = getattr(failed, "operation", "")
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            **_board_columns(request, campaign),
            "can_manage": can_manage,
            "can_see_calendar": permissions.can_see_meeting_calendar(request.user, campaign),
            "notices": list(campaign.notices.all()) if roles else [],
            "plans": list(campaign.meeting_plans.all()) if roles else [],
            "notice_form": failed if operation == "notice" else forms.NoticeForm(),
            "plan_form": failed if operation == "meeting_plan" else forms.MeetingPlanForm(),
            "role_labels": [CampaignRole(r).label for r in roles],
            "can_edit": can_manage and campaign.status != CampaignStatus.CLOSED,
            "close_refusals": services.close_refusals(campaign) if can_manage else [],
            **(people_context(campaign) if can_manage else {}),
            **error_context(failed),
        },
    )


@require_safe
@scoped(
    "经 selectors.get_campaign_for 取考核（范围外 404）；看板只列本人可见的考核对象（selectors.assessments_for_board）"
)
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.get_campaign_for(request.user, pk))


def _detail_write(
    request: AuthenticatedHttpRequest,
    campaign,
    form,
    operation: Callable[[dict[str, Any]], Any],
    success: str | Callable[[Any], str],
) -> HttpResponse:
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("campaigns:detail", args=[campaign.pk]),
        render_page=lambda failed: _detail_page(request, campaign, failed=failed),
    )


_MANAGED = "经 selectors.get_campaign_for 取考核（范围外 404）；须为组织部门工作人员（permissions.can_manage_campaign，否则 403）"


@require_POST
@scoped(_MANAGED + "；发布工作通知，下级可依据通知开展考核（CMP-7）")
def notice_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _detail_write(
        request,
        campaign,
        forms.NoticePublishForm(request.POST),
        lambda d: cascade.publish_notice(
            actor=request.user,
            campaign=campaign,
            title=d["title"],
            key_content=d["key_content"],
            forms=d["forms_list"].splitlines(),
            statistics_tables=d["statistics"].splitlines(),
        ),
        "工作通知已发布，下级可依据通知开展考核。",
    )


@require_POST
@scoped(_MANAGED + "；向上级报送会议方案（CMP-7）")
def meeting_plan_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return _detail_write(
        request,
        campaign,
        forms.MeetingPlanSubmitForm(request.POST),
        lambda d: cascade.submit_meeting_plan(actor=request.user, campaign=campaign, **d),
        "会议方案已报送上级。",
    )


@require_POST
@scoped(_MANAGED + "；导入巡视巡察等反馈问题（Excel 经上传关口检查，CMP-5）")
def finding_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)

    def run(_data):
        upload = uploads.receive(request, "file", uploads.FINDINGS_XLSX)
        if upload is None:
            raise DomainError("请选择要导入的 Excel 文件。", field="file")
        return findings.import_findings(actor=request.user, campaign=campaign, file=upload.open())

    return _detail_write(
        request,
        campaign,
        forms.FindingImportForm(request.POST),
        run,
        lambda created: f"已导入巡视巡察等反馈问题 {len(created)} 条。",
    )


# --- 结束本次考核 -------------------------------------------------------------------------------------


@require_POST
@scoped(
    "经 selectors.get_campaign_for 取考核（范围外 404）；结束本次考核须为组织部门工作人员（permissions.can_manage_campaign，否则 403），且全部考核对象已进入整改阶段"
)
def campaign_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    return handle_form(
        request,
        OperationForm(request.POST),
        lambda _d: services.close_campaign(actor=request.user, campaign=campaign),
        success="本年度述职评议考核已结束，各项内容转为只读。",
        redirect_to=reverse("campaigns:detail", args=[pk]),
        render_page=lambda failed: _detail_page(request, campaign, failed=failed),
    )


# --- the calendar of lower meetings -------------------------------------------------------------------


def _attach_guidance(plans) -> None:
    for plan in plans:
        plan.guidance = [g for g in plan.campaign.grants.all() if g.role == CampaignRole.GUIDANCE_STAFF]


def _month_context(request: AuthenticatedHttpRequest, campaign, plans_qs) -> dict[str, Any]:
    month = rules.parse_month(request.GET.get("month", "")) or rules.month_of(
        max(campaign.meetings_start_on, min(timezone.localdate(), campaign.meetings_end_on))
    )
    weeks = rules.month_weeks(*month)
    plans = list(plans_qs.filter(planned_on__range=(weeks[0][0], weeks[-1][-1])))
    _attach_guidance(plans)
    by_day: dict = {}
    for plan in plans:
        by_day.setdefault(plan.planned_on, []).append(plan)
    return {
        "month": month,
        "previous_month": rules.shift_month(month, -1),
        "next_month": rules.shift_month(month, 1),
        "weeks": [[(day, day.month == month[1], by_day.get(day, [])) for day in week] for week in weeks],
        "weekdays": ("一", "二", "三", "四", "五", "六", "日"),
        "today": timezone.localdate(),
        "has_plans": plans_qs.exists(),
    }


def _calendar_page(request: AuthenticatedHttpRequest, campaign, view: str, *, failed=None) -> HttpResponse:
    plans_qs = selectors.lower_meeting_calendar(campaign)
    context: dict = {
        "campaign": campaign,
        "view": view,
        "can_manage": permissions.can_manage_campaign(request.user, campaign),
        **error_context(failed),
    }
    if view == "month":
        context.update(_month_context(request, campaign, plans_qs))
        if request.htmx:
            return render(request, "campaigns/calendar.html#month", context)
    else:
        plans = list(plans_qs)
        _attach_guidance(plans)
        context.update(plans=plans, staff=selectors.assignable_guidance_staff(campaign))
    return render(request, "campaigns/calendar.html", context)


def _calendar_campaign(request: AuthenticatedHttpRequest, pk: int):
    campaign = selectors.get_campaign_for(request.user, pk)
    if not permissions.can_see_meeting_calendar(request.user, campaign):
        raise PermissionDenied
    return campaign


@require_safe
@scoped(
    "经 selectors.get_campaign_for 取本级考核（404）；须为组织部门工作人员或部门领导（permissions.can_see_meeting_calendar，否则 403）"
)
def meeting_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _calendar_campaign(request, pk)
    view = "list" if request.GET.get("view") == "list" else "month"
    return _calendar_page(request, campaign, view)


@require_POST
@scoped(
    "同下级会议日历：经 get_campaign_for（404）与 can_see_meeting_calendar（403）；派出指导人员须 can_manage_campaign（403），下级考核须依据本级通知"
)
def calendar_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _calendar_campaign(request, pk)
    if not permissions.can_manage_campaign(request.user, campaign):
        raise PermissionDenied

    def run(data):
        cascade.assign_guidance_staff(
            actor=request.user, upper_campaign=campaign, lower_campaign=data["lower"], user=data["user"]
        )
        return data

    return handle_form(
        request,
        forms.GuidanceAssignForm(request.POST, campaign=campaign),
        run,
        success=lambda d: (
            f"已派 {d['user'].display_name} 参加{d['lower'].organizer.display_name}述职评议会。"
        ),
        redirect_to=reverse("campaigns:calendar", args=[pk]) + "?view=list",
        render_page=lambda failed: _calendar_page(request, campaign, "list", failed=failed),
    )


# --- one assessment -----------------------------------------------------------------------------------


@scoped(
    "经 selectors.get_assessment_for 取考核对象：考核的组织单位及本次考核的角色、本人（考核对象）或其联络员，否则 404；研究前的结果只对组织部门工作人员和部门领导显示（EVA-9）"
)
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for(request.user, pk)
    return render(request, "campaigns/assessment.html", assessment_context(request, assessment))


@require_POST
@scoped(
    "经 selectors.get_assessment_for 取考核对象（404）；推进阶段须为组织部门工作人员（permissions.can_transition_assessment，否则 403）"
)
def assessment_stage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for(request.user, pk)
    if not permissions.can_transition_assessment(request.user, assessment):
        raise PermissionDenied
    form = forms.StageForm(request.POST)
    on_assessment = form.is_valid() and form.cleaned_data["next"] == "assessment"  # optional texts: valid

    def page(failed) -> HttpResponse:
        if on_assessment:
            context = {**assessment_context(request, assessment), **error_context(failed)}
            return render(request, "campaigns/assessment.html", context)
        return _detail_page(request, assessment.campaign, failed=failed)

    return handle_form(
        request,
        form,
        lambda d: services.transition_assessment(
            actor=request.user, assessment=assessment, to_stage=d["to_stage"]
        ),
        success=lambda moved: f"{moved.organization_name}已进入“{Stage(moved.stage).label}”阶段。",
        redirect_to=reverse("campaigns:assessment", args=[pk])
        if on_assessment
        else reverse("campaigns:detail", args=[assessment.campaign_id]),
        render_page=page,
    )

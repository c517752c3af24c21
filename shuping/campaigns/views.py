"""Campaign pages (CMP-1 … CMP-7): the wizard (year → scope → indicators → schedule), the campaign page
with its stage board, one assessment, and the upper level's calendar of lower meetings. Thin: parse, call
a service or a selector, render. Out of scope → 404 (selectors); not allowed → 403 (permissions)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core import uploads
from shuping.core.access import scoped, signed_in
from shuping.core.errors import DomainError
from shuping.orgs.models import Organization

from . import cascade, findings, indicators, permissions, rules, selectors, services, stages
from .blockers import blockers_for_many
from .board import board_cards
from .choices import (
    ALLOWED_TRANSITIONS,
    STAGE_ORDER,
    AdjustmentKind,
    AssessmentMethod,
    CampaignRole,
    CampaignStatus,
    CompositeComponent,
    ReportingMode,
    Stage,
)
from .forms import (
    AdjustmentForm,
    FindingForm,
    IndicatorEditForm,
    IndicatorForm,
    MeetingPlanForm,
    NoticeForm,
    ScheduleForm,
    StartForm,
    TemplateForm,
)
from .models import Adjustment, Assessment, Indicator, IndicatorSet
from .views_manage import liaison_context, people_context

WIZARD_STEPS = (("year", "年度"), ("scope", "考核对象"), ("indicators", "考核指标"), ("schedule", "时间安排"))


def _managed_campaign(request: AuthenticatedHttpRequest, pk: int):
    campaign = selectors.get_campaign_for(request.user, pk)
    if not permissions.can_manage_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign


def _fail(request: AuthenticatedHttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


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
    first = organizers.first()
    notices = selectors.notices_for_organizers(organizers)
    form = StartForm(
        request.POST or None,
        organizers=organizers,
        notices=notices,
        initial={"year": rules.default_assessed_year(timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        organizer = form.cleaned_data["organizer"]
        if not permissions.can_create_campaign(request.user, organizer):
            raise PermissionDenied
        try:
            campaign = services.create_campaign(
                actor=request.user,
                organizer=organizer,
                year=form.cleaned_data["year"],
                notice=form.cleaned_data["notice"],
            )
        except DomainError as exc:
            form.add_error("year" if exc.field == "year" else None, exc.message)
        else:
            messages.success(request, f"已创建“{campaign.title}”。请审核考核对象名单。")
            return redirect("campaigns:wizard_scope", pk=campaign.pk)
    return render(
        request,
        "campaigns/wizard_start.html",
        {"form": form, "steps": WIZARD_STEPS, "step": "year", "has_organizers": first is not None},
    )


def _scope_context(request: AuthenticatedHttpRequest, campaign) -> dict:
    assessments = list(
        campaign.assessments.select_related("person").order_by("is_excluded", "organization_path")
    )
    optional = []
    if not campaign.is_scope_confirmed:
        included = {a.organization_id for a in assessments}
        proposals = selectors.scope_proposals(campaign)
        optional = [p for p in proposals if p.is_optional and p.org.key not in included]
    # Villages and communities a county may assess itself (参照执行): one tick for all of them.
    villages = [p for p in optional if p.rule == rules.RULE_VILLAGES_BY_REFERENCE]
    optional = [p for p in optional if p.rule != rules.RULE_VILLAGES_BY_REFERENCE]
    twice = selectors.graded_twice_person_ids(campaign)
    offers = selectors.predecessor_offers(campaign, assessments)
    for a in assessments:
        a.predecessor_offers = offers.get(a.pk, [])
    return {
        "campaign": campaign,
        "assessments": assessments,
        "optional": optional,
        "optional_villages": villages,
        "is_reference": campaign.organizer.kind == rules.TOWNSHIP_COMMITTEE,
        "graded_twice": twice,
        "modes": ReportingMode.choices,
        "steps": WIZARD_STEPS,
        "step": "scope",
    }


@scoped(
    "经 selectors.get_campaign_for 取考核（范围外 404）；须为本次考核的组织部门工作人员（permissions.can_manage_campaign，否则 403）"
)
def wizard_scope(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            _scope_action(request, campaign, action)
        except DomainError as exc:
            _fail(request, exc)
        campaign = selectors.get_campaign_for(request.user, pk)
        if not request.htmx:
            return redirect("campaigns:wizard_scope", pk=pk)
    template = "campaigns/wizard_scope.html#scope-table" if request.htmx else "campaigns/wizard_scope.html"
    return render(request, template, _scope_context(request, campaign))


def _assessment_of(campaign, raw: str) -> Assessment:
    try:
        return campaign.assessments.get(pk=int(raw))
    except (ValueError, Assessment.DoesNotExist):
        raise DomainError("未找到该考核对象。") from None


def _scope_action(request: AuthenticatedHttpRequest, campaign, action: str) -> None:
    post, user = request.POST, request.user
    if action == "propose":
        optional = [int(v) for v in post.getlist("optional") if v.isdigit()]
        created = services.apply_scope_proposal(
            actor=user,
            campaign=campaign,
            include_optional=optional,
            include_villages=post.get("villages") == "1",
        )
        basis = "参照《办法》" if campaign.organizer.kind == rules.TOWNSHIP_COMMITTEE else "按《办法》第三条"
        messages.success(request, f"已{basis}生成建议名单 {len(created)} 人。")
    elif action == "exclude":
        services.exclude_assessment(
            actor=user,
            assessment=_assessment_of(campaign, post.get("assessment", "")),
            reason=post.get("reason", ""),
        )
    elif action == "restore":
        services.restore_assessment(
            actor=user,
            assessment=_assessment_of(campaign, post.get("assessment", "")),
            reason=post.get("reason", ""),
        )
    elif action == "grading":
        services.set_grading(
            actor=user,
            assessment=_assessment_of(campaign, post.get("assessment", "")),
            is_graded=post.get("is_graded") == "1",
            reason=post.get("reason", ""),
        )
    elif action == "mode":
        services.set_reporting_mode(
            actor=user,
            assessment=_assessment_of(campaign, post.get("assessment", "")),
            mode=post.get("mode", ""),
        )
    elif action == "add":
        org = Organization.objects.filter(code=post.get("code", "").strip()).first()
        if org is None:
            raise DomainError("未找到该组织代码。", field="code")
        services.add_assessment(
            actor=user, campaign=campaign, organization=org, reason=post.get("reason", "")
        )
    elif action == "predecessor":
        from shuping.orgs.models import Secretaryship

        assessment = _assessment_of(campaign, post.get("assessment", ""))
        secretaryship = Secretaryship.objects.filter(
            pk=post.get("secretaryship") or 0, organization_id=assessment.organization_id
        ).first()
        if secretaryship is None:
            raise DomainError("未找到该前任书记的任职记录。", field="secretaryship")
        services.add_predecessor(
            actor=user, assessment=assessment, secretaryship=secretaryship, reason=post.get("reason", "")
        )
        messages.success(request, f"已增列前任书记{secretaryship.person.name}为述职人（只述职不定等次）。")
    elif action == "confirm":
        services.confirm_scope(actor=user, campaign=campaign)
        messages.success(request, "考核对象名单已确认。")
    else:
        raise DomainError("未知操作。")


@dataclass(frozen=True)
class _SetRow:
    """An indicator set on the indicators step, with what it lacks (Art. 4) and its points (FLOW-5)."""

    indicator_set: IndicatorSet
    missing: list[str]
    points_total: Decimal
    points_problem: str | None


@scoped(
    "经 selectors.get_campaign_for 取考核（范围外 404）；须为组织部门工作人员（permissions.can_manage_campaign，否则 403）"
)
def wizard_indicators(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "lint":
            post = request.POST
            result = indicators.lint_for(
                post.get("text", ""), post.get("scoring_guidance", ""), post.get("method", "")
            )
            return render(
                request,
                "campaigns/wizard_indicators.html#lint",
                {"warnings": result, "checked": bool(request.POST.get("text"))},
            )
        try:
            _indicator_action(request, campaign, action)
        except DomainError as exc:
            _fail(request, exc)
        return redirect("campaigns:wizard_indicators", pk=pk)
    sets = []
    for s in selectors.indicator_sets_of(campaign):
        points_total, points_problem = indicators.points_of(s)  # FLOW-5
        sets.append(
            _SetRow(
                indicator_set=s,
                missing=list(indicators.missing_dimensions(s)),
                points_total=points_total,
                points_problem=points_problem,
            )
        )
    return render(
        request,
        "campaigns/wizard_indicators.html",
        {
            "campaign": campaign,
            "sets": sets,
            "form": IndicatorForm(),
            "template_form": TemplateForm(),
            "adjustment_kinds": AdjustmentKind.choices,
            "methods": AssessmentMethod.choices,
            "can_edit": campaign.status != CampaignStatus.CLOSED,
            "steps": WIZARD_STEPS,
            "step": "indicators",
        },
    )


def _flag_points(request: AuthenticatedHttpRequest, indicator_set) -> None:
    """FLOW-5: after an indicator is saved, say at once if the set's points no longer total 100."""
    problem = indicators.points_of(indicator_set)[1]
    if problem:
        messages.warning(request, f"{indicator_set.name}：{problem}")


def _indicator_action(request: AuthenticatedHttpRequest, campaign, action: str) -> None:
    post, user = request.POST, request.user
    form: forms.Form  # one form per action below
    indicator: Indicator | None
    if action == "template":
        form = TemplateForm(post)
        if not form.is_valid():
            raise DomainError("请选择适用的党组织类型和层级。")
        indicators.create_set_from_template(
            actor=user, campaign=campaign, kind=form.cleaned_data["kind"], level=form.cleaned_data["level"]
        )
    elif action == "add":
        form = IndicatorForm(post)
        if not form.is_valid():
            raise DomainError("请完整填写指标内容、考核内容和分值。")
        indicator_set = campaign.indicator_sets.filter(pk=form.cleaned_data["indicator_set"]).first()
        if indicator_set is None:
            raise DomainError("未找到该指标体系。")
        indicator = indicators.add_indicator(
            actor=user,
            indicator_set=indicator_set,
            dimension=form.cleaned_data["dimension"],
            text=form.cleaned_data["text"],
            weight=form.cleaned_data["weight"],
            method=form.cleaned_data["method"],
        )
        if indicator.lint_warnings:
            messages.warning(request, "新指标有形式主义提示（《办法》第六条），请修改或说明保留理由。")
        _flag_points(request, indicator_set)
    elif action == "edit":
        indicator = Indicator.objects.filter(
            indicator_set__campaign=campaign, pk=post.get("indicator") or 0
        ).first()
        if indicator is None:
            raise DomainError("未找到该指标。")
        form = IndicatorEditForm(post)
        if not form.is_valid():
            raise DomainError("请填写指标内容和分值（0 到 1000）。")
        d = form.cleaned_data
        indicator = indicators.update_indicator(
            actor=user,
            indicator=indicator,
            text=d["text"],
            weight=d["weight"],
            scoring_guidance=d["scoring_guidance"],
            method=d["method"],
            override_reason=d["override_reason"],
        )
        if indicator.has_open_warning:
            messages.warning(request, "修改后的指标有形式主义提示（《办法》第六条），请修改或说明保留理由。")
        else:
            messages.success(request, "指标已保存。")
        _flag_points(request, indicator.indicator_set)
    elif action == "adjustment_add":
        form = AdjustmentForm(post)
        if not form.is_valid():
            raise DomainError("请填写加减分事项和最高分值。")
        indicator_set = campaign.indicator_sets.filter(pk=form.cleaned_data["indicator_set"]).first()
        if indicator_set is None:
            raise DomainError("未找到该指标体系。")
        indicators.add_adjustment(
            actor=user,
            indicator_set=indicator_set,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            max_points=form.cleaned_data["max_points"],
        )
    elif action == "adjustment_remove":
        adjustment = Adjustment.objects.filter(
            indicator_set__campaign=campaign, pk=post.get("adjustment") or 0
        ).first()
        if adjustment is None:
            raise DomainError("未找到该加减分项。")
        indicators.remove_adjustment(actor=user, adjustment=adjustment)
    elif action in ("override", "remove"):
        indicator = Indicator.objects.filter(
            indicator_set__campaign=campaign, pk=post.get("indicator") or 0
        ).first()
        if indicator is None:
            raise DomainError("未找到该指标。")
        if action == "override":
            indicators.override_lint(actor=user, indicator=indicator, reason=post.get("reason", ""))
        else:
            indicators.remove_indicator(actor=user, indicator=indicator)
    else:
        raise DomainError("未知操作。")


@scoped(
    "经 selectors.get_campaign_for 取考核（范围外 404）；须为组织部门工作人员（permissions.can_manage_campaign，否则 403）"
)
def wizard_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    initial = {name: getattr(campaign, name) for name in rules.Schedule.__dataclass_fields__}
    # FLOW-5: prefilled — this year's or last year's rules (copied at creation), else the documented defaults.
    stored_percent = campaign.settings.get("lower_grades_min_percent")
    initial["lower_grades_min_percent"] = (
        rules.DEFAULT_LOWER_GRADES_MIN_PERCENT if stored_percent is None else stored_percent
    )
    weights = campaign.settings.get("weights") or {}
    for key in CompositeComponent.values:
        initial[f"weight_{key}"] = (weights or rules.DEFAULT_WEIGHTS).get(key)
    defaults_used = stored_percent is None or not weights
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        percent = data.pop("lower_grades_min_percent")
        given = {key: data.pop(f"weight_{key}") for key in CompositeComponent.values}
        new_weights = (
            {**weights, **{k: v or 0 for k, v in given.items()}}
            if any(v is not None for v in given.values())
            else None
        )
        try:
            services.update_schedule(actor=request.user, campaign=campaign, **data)
            if percent is not None or new_weights is not None:
                services.update_settings(
                    actor=request.user,
                    campaign=campaign,
                    lower_grades_min_percent=percent,
                    weights=new_weights,
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "时间安排已保存。")
            past = rules.past_dates(data, timezone.localdate())
            if past:  # FLOW-5: warned, not refused — a schedule may be recorded after the fact
                labels = "、".join(f"{form.fields[n].label} {data[n]:%Y-%m-%d}" for n in past)
                messages.warning(request, f"请注意，以下日期早于今天：{labels}。如属补录可不修改。")
            return redirect("campaigns:detail", pk=pk)
    return render(
        request,
        "campaigns/wizard_schedule.html",
        {
            "campaign": campaign,
            "form": form,
            "steps": WIZARD_STEPS,
            "step": "schedule",
            "defaults_used": defaults_used,
            "copied_from": campaign.copied_from,
            "past_labels": [
                form.fields[n].label
                for n in rules.past_dates(
                    {n: initial[n] for n in rules.Schedule.__dataclass_fields__}, timezone.localdate()
                )
            ],
        },
    )


@scoped(
    "经 selectors.get_campaign_for 取考核（范围外 404）；看板只列本人可见的考核对象（selectors.assessments_for_board）；发布通知、报送会议方案须 can_manage_campaign（403）"
)
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk)
    can_manage = permissions.can_manage_campaign(request.user, campaign)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        _detail_action(request, campaign)
        return redirect("campaigns:detail", pk=pk)
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
    roles = selectors.campaign_roles(request.user, campaign)
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "board": board,
            "columns": columns,
            "stage_pages": stage_pages,
            "can_manage": can_manage,
            "can_see_calendar": permissions.can_see_meeting_calendar(request.user, campaign),
            "notices": list(campaign.notices.all()) if roles else [],
            "plans": list(campaign.meeting_plans.all()) if roles else [],
            "notice_form": NoticeForm(),
            "plan_form": MeetingPlanForm(),
            "role_labels": [CampaignRole(r).label for r in roles],
            "can_edit": can_manage and campaign.status != CampaignStatus.CLOSED,
            "close_refusals": services.close_refusals(campaign) if can_manage else [],
            **(people_context(request, campaign) if can_manage else {}),
        },
    )


def _detail_action(request: AuthenticatedHttpRequest, campaign) -> None:
    action = request.POST.get("action", "")
    form: forms.Form  # one form per action below
    try:
        if action == "notice":
            form = NoticeForm(request.POST)
            if not form.is_valid():
                raise DomainError("请填写通知标题。")
            d = form.cleaned_data
            cascade.publish_notice(
                actor=request.user,
                campaign=campaign,
                title=d["title"],
                key_content=d["key_content"],
                forms=d["forms_list"].splitlines(),
                statistics_tables=d["statistics"].splitlines(),
            )
            messages.success(request, "工作通知已发布，下级可依据通知开展考核。")
        elif action == "meeting_plan":
            form = MeetingPlanForm(request.POST)
            if not form.is_valid():
                raise DomainError("请填写会议日期和地点。")
            cascade.submit_meeting_plan(actor=request.user, campaign=campaign, **form.cleaned_data)
            messages.success(request, "会议方案已报送上级。")
        elif action == "finding_import" and (
            upload := uploads.receive(request, "file", uploads.FINDINGS_XLSX)
        ):
            created = findings.import_findings(actor=request.user, campaign=campaign, file=upload.open())
            messages.success(request, f"已导入巡视巡察等反馈问题 {len(created)} 条。")
        else:
            raise DomainError("未知操作。")
    except DomainError as exc:
        _fail(request, exc)


@scoped(
    "经 selectors.get_campaign_for 取本级考核（404）；须为组织部门工作人员或部门领导（permissions.can_see_meeting_calendar，否则 403）；派出指导人员须 can_manage_campaign"
)
def meeting_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk)
    if not permissions.can_see_meeting_calendar(request.user, campaign):
        raise PermissionDenied
    if request.method == "POST":
        if not permissions.can_manage_campaign(request.user, campaign):
            raise PermissionDenied
        from shuping.accounts.models import User

        from .models import Campaign

        lower = Campaign.objects.filter(
            source_notice__campaign=campaign, pk=request.POST.get("lower") or 0
        ).first()
        user = User.objects.filter(pk=request.POST.get("user") or 0).first()
        try:
            if lower is None or user is None:
                raise DomainError("请选择下级考核和指导人员。")
            cascade.assign_guidance_staff(
                actor=request.user, upper_campaign=campaign, lower_campaign=lower, user=user
            )
            messages.success(
                request, f"已派 {user.display_name} 参加{lower.organizer.display_name}述职评议会。"
            )
        except DomainError as exc:
            _fail(request, exc)
        return redirect(reverse("campaigns:calendar", args=[pk]) + "?view=list")
    view = "list" if request.GET.get("view") == "list" else "month"
    plans_qs = selectors.lower_meeting_calendar(campaign)
    context: dict = {
        "campaign": campaign,
        "view": view,
        "can_manage": permissions.can_manage_campaign(request.user, campaign),
    }
    if view == "month":
        month = rules.parse_month(request.GET.get("month", "")) or rules.month_of(
            max(campaign.meetings_start_on, min(timezone.localdate(), campaign.meetings_end_on))
        )
        weeks = rules.month_weeks(*month)
        plans = list(plans_qs.filter(planned_on__range=(weeks[0][0], weeks[-1][-1])))
        _attach_guidance(plans)
        by_day: dict = {}
        for plan in plans:
            by_day.setdefault(plan.planned_on, []).append(plan)
        context.update(
            month=month,
            previous_month=rules.shift_month(month, -1),
            next_month=rules.shift_month(month, 1),
            weeks=[[(day, day.month == month[1], by_day.get(day, [])) for day in week] for week in weeks],
            weekdays=("一", "二", "三", "四", "五", "六", "日"),
            today=timezone.localdate(),
            has_plans=plans_qs.exists(),
        )
        if request.htmx:
            return render(request, "campaigns/calendar.html#month", context)
    else:
        plans = list(plans_qs)
        _attach_guidance(plans)
        context.update(plans=plans, staff=selectors.assignable_guidance_staff(campaign))
    return render(request, "campaigns/calendar.html", context)


def _attach_guidance(plans) -> None:
    for plan in plans:
        plan.guidance = [g for g in plan.campaign.grants.all() if g.role == CampaignRole.GUIDANCE_STAFF]


def assessment_context(request: HttpRequest, assessment) -> dict:
    """What the assessment page shows; the liaison views reuse it to render the page in place."""
    campaign = assessment.campaign
    reasons = blockers_for_many([assessment])[assessment.pk]
    nxt = sorted(ALLOWED_TRANSITIONS[assessment.stage])
    can_manage = permissions.can_manage_campaign(request.user, campaign)
    stage_urls = stages.stage_urls_for_assessment(request.user, assessment)  # FLOW-1: the chips are links
    return {
        **liaison_context(assessment, can_manage=can_manage),
        "campaign": campaign,
        "blockers": reasons,
        "next_stage": Stage(nxt[0]) if nxt else None,
        "previous_stage": Stage(STAGE_ORDER[STAGE_ORDER.index(assessment.stage) - 1])
        if assessment.stage != STAGE_ORDER[0]
        else None,
        "can_manage": can_manage,
        "can_edit": can_manage and campaign.status != CampaignStatus.CLOSED,
        "can_see_results": permissions.can_see_results(request.user, assessment),
        "findings": list(assessment.findings.all()),
        "finding_form": FindingForm(),
        "carry_over": findings.carry_over_for([assessment])[assessment.pk],
        "stages": [(value, label, stage_urls.get(value, "")) for value, label in Stage.choices],
        "stage_index": list(Stage.values).index(assessment.stage),
    }


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
    try:
        services.transition_assessment(
            actor=request.user, assessment=assessment, to_stage=request.POST.get("to_stage", "")
        )
        messages.success(
            request, f"{assessment.organization_name}已进入“{Stage(request.POST['to_stage']).label}”阶段。"
        )
    except DomainError as exc:
        _fail(request, exc)
    target = request.POST.get("next") or ""
    if target == "assessment":
        return redirect("campaigns:assessment", pk=pk)
    return redirect("campaigns:detail", pk=assessment.campaign_id)

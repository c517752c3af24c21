"""Pages of 综合评价与研究 (EVA-1 … EVA-4, EVA-9): the calibration screen, the decision chain, one
assessee's evaluation, and its 综合评价意见表. Thin: parse, call a service or a selector, render.
Out of scope → 404 (selectors); not allowed → 403 (permissions, EVA-9)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.campaigns import selectors as campaign_selectors
from shuping.core.access import scoped
from shuping.core.errors import DomainError
from shuping.core.forms import OperationForm, error_context, handle_form

from . import documents, forms, permissions, selectors, services
from .choices import EvaluationStatus, Grade, StepKind
from .models import AdjustmentEntry, Evaluation


def _campaign(request: AuthenticatedHttpRequest, pk: int):
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not permissions.can_view_calibration(request.user, campaign):
        raise PermissionDenied
    return campaign


def _managed_campaign(request: AuthenticatedHttpRequest, pk: int):
    campaign = _campaign(request, pk)
    if not permissions.can_manage_evaluations(request.user, campaign):
        raise PermissionDenied
    return campaign


def _calibration_page(request: AuthenticatedHttpRequest, campaign, *, failed=None) -> HttpResponse:
    context = selectors.calibration(campaign)
    context.update(
        {
            "campaign": campaign,
            "can_manage": permissions.can_manage_evaluations(request.user, campaign),
            "grades": Grade.values,
            "unopened": selectors.assessments_without_evaluation(campaign).count(),
            **error_context(failed),
        }
    )
    return render(request, "evaluations/calibration.html", context)


@require_safe
@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（404）；研究前的综合得分和拟定等次只对组织部门工作人员和部门领导显示（permissions.can_view_calibration，否则 403，EVA-9）"
)
def calibration(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _calibration_page(request, _campaign(request, pk))


def _calibration_write(request: AuthenticatedHttpRequest, campaign, form, operation, success) -> HttpResponse:
    """A write from the calibration screen: the shared handler, back to the screen."""
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("evaluations:calibration", args=[campaign.pk]),
        render_page=lambda failed: _calibration_page(request, campaign, failed=failed),
    )


_CALIBRATION_WRITE = "同等次校准页面：经 get_campaign_for（404）与 EVA-9（403）；须为组织部门工作人员（permissions.can_manage_evaluations，否则 403）；"


@require_POST
@scoped(_CALIBRATION_WRITE + "重新计算综合得分")
def compute(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    return _calibration_write(
        request,
        campaign,
        OperationForm(request.POST),
        lambda _data: services.compute_composites(actor=request.user, campaign=campaign),
        lambda done: f"已重新计算 {len(done)} 名考核对象的综合得分。",
    )


@require_POST
@scoped(_CALIBRATION_WRITE + "按姓名关联测评对象")
def link_by_name(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    return _calibration_write(
        request,
        campaign,
        OperationForm(request.POST),
        lambda _data: services.link_ballot_subjects_by_name(actor=request.user, campaign=campaign),
        lambda made: f"已按姓名关联 {made} 个测评对象，请核对。",
    )


@require_POST
@scoped(_CALIBRATION_WRITE + "提出一名考核对象的拟定等次（须属于本次考核，EVA-3）")
def propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)

    def run(data):
        services.propose_grade(
            actor=request.user, evaluation=data["evaluation"], grade=data["grade"], reason=data["reason"]
        )
        return data["evaluation"]

    return _calibration_write(
        request,
        campaign,
        forms.ProposeForm(request.POST, campaign=campaign),
        run,
        lambda evaluation: f"已提出{evaluation.assessment.organization_name}的拟定等次。",
    )


def _accept_suggested(user, campaign) -> int:
    """Propose the suggested grade for every graded evaluation without a proposal (EVA-3)."""
    count = 0
    for e in selectors.campaign_evaluations(campaign):
        if e.assessment.is_graded and e.suggested_grade and not e.proposed_grade and not e.is_locked:
            services.propose_grade(actor=user, evaluation=e, grade=e.suggested_grade)
            count += 1
    return count


@require_POST
@scoped(_CALIBRATION_WRITE + "未提出的按建议等次提出")
def accept_all(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    return _calibration_write(
        request,
        campaign,
        OperationForm(request.POST),
        lambda _data: _accept_suggested(request.user, campaign),
        lambda count: f"已按建议等次提出 {count} 人的拟定等次。",
    )


@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（404）；同等次校准页面：组织部门工作人员和部门领导可查看（否则 403，EVA-9）；保存须为组织部门工作人员（403）；党委（党组）研究确定后锁定（EVA-4）"
)
def config(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The campaign's rules (EVA-1, EVA-2): weights, score bands, vetoes, ballot thresholds, quota, rounding,
    groups and pooling — prefilled from last year's, saved through services.save_config."""
    campaign = _campaign(request, pk)
    can_manage = permissions.can_manage_evaluations(request.user, campaign)
    locked = services.is_config_locked(campaign)
    current = selectors.config_for(campaign)
    weights, own_weights = selectors.weights_of(campaign)
    lower, own_lower = selectors.lower_percent_of(campaign)
    form = forms.ConfigForm(
        request.POST if request.method == "POST" else None,
        config=current,
        weights=weights,
        lower=lower,
        kinds=selectors.group_kinds(campaign, current),
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if locked:
            messages.error(
                request, "本年度已有考核对象经党委（党组）研究确定，综合评价规则已锁定，不能修改。"
            )
            return redirect("evaluations:config", pk=campaign.pk)
        if form.is_valid():
            try:
                services.save_config(actor=request.user, campaign=campaign, **form.to_fields())
            except DomainError as exc:
                form.add_section_error(exc.field, exc.message)
            else:
                messages.success(request, "综合评价规则已保存。请在等次校准页面重新计算综合得分。")
                return redirect("evaluations:config", pk=campaign.pk)
    return render(
        request,
        "evaluations/config.html",
        {
            "campaign": campaign,
            "form": form,
            "config": current,
            "carried": selectors.config_origin(
                campaign, current, own_weights=own_weights, own_lower=own_lower
            ),
            "can_edit": can_manage and not locked,
            "can_manage": can_manage,
            "locked": locked,
        },
    )


def _decisions_page(request: AuthenticatedHttpRequest, campaign, *, form=None) -> HttpResponse:
    context = selectors.calibration(campaign)
    context.update(
        {
            "campaign": campaign,
            "can_manage": permissions.can_manage_evaluations(request.user, campaign),
            "steps": selectors.decision_steps(campaign),
            "kinds": [
                (k, StepKind(k).label)
                for k in (StepKind.SECTION_DRAFT, StepKind.DEPARTMENT_MEETING, StepKind.COMMITTEE)
            ],
            "statuses": EvaluationStatus,
            "step_form": form,
            # a reason per quota group that is broken, as typed when the entry failed
            "broken_groups": [
                (g, form.data.get(f"reason:{g.name}", "") if form else "")
                for g in context["groups"]
                if g.is_broken
            ],
            **error_context(form),
        }
    )
    return render(request, "evaluations/decisions.html", context)


@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（404）；研究环节只对组织部门工作人员和部门领导显示（403，EVA-9）；录入须为组织部门工作人员（403），本人等次在内的不能录入（EVA-4）"
)
def decisions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if request.method != "POST":
        return _decisions_page(request, campaign)
    if not permissions.can_manage_evaluations(request.user, campaign):
        raise PermissionDenied
    groups = [g.name for g in selectors.calibration(campaign)["groups"]]
    form = forms.DecisionStepForm(request.POST, campaign=campaign, groups=groups)

    def run(data):
        return services.record_step(
            actor=request.user,
            campaign=campaign,
            kind=data["kind"],
            evaluations=list(data["evaluations"]),
            held_on=data["held_on"],
            minutes_reference=data["minutes_reference"],
            body=data["body"],
            on_behalf_of=data["body"],
            recusals=form.recusal_rows(),
            quota_reasons=form.quota_reasons(),
            note=data["note"],
        )

    return handle_form(
        request,
        form,
        run,
        success=lambda step: f"已录入“{step.get_kind_display()}”（{step.minutes_reference}）。",
        redirect_to=reverse("evaluations:decisions", args=[campaign.pk]),
        render_page=lambda failed: _decisions_page(request, campaign, form=failed),
    )


def _assessment_evaluation(request: AuthenticatedHttpRequest, pk: int):
    assessment = campaign_selectors.get_assessment_for(request.user, pk)
    if not permissions.can_see_evaluation(request.user, assessment):
        raise PermissionDenied
    return assessment, selectors.evaluation_of(assessment)


def _reader_panels(assessment, evaluation, *, is_reader: bool, can_manage: bool) -> dict:
    """What only the inner circle reads (EVA-9): the versions, the 加减分 and, for staff, the items."""
    if evaluation is None or not is_reader:
        return {"versions": [], "adjustments": [], "adjustment_items": []}
    return {
        "versions": list(evaluation.versions.select_related("created_by", "step")),
        "adjustments": selectors.adjustment_entries(evaluation),
        "adjustment_items": selectors.adjustment_items_for(assessment) if can_manage else [],
    }


def _assessment_page(request: AuthenticatedHttpRequest, assessment, *, failed=None) -> HttpResponse:
    campaign = assessment.campaign
    evaluation = selectors.evaluation_of(assessment)
    is_reader = selectors.is_result_reader(request.user, campaign)
    can_manage = permissions.can_manage_evaluations(request.user, campaign)
    config = selectors.config_for(campaign)
    panels = _reader_panels(assessment, evaluation, is_reader=is_reader, can_manage=can_manage)
    return render(
        request,
        "evaluations/assessment.html",
        {
            "assessment": assessment,
            "campaign": campaign,
            "evaluation": evaluation,
            "is_reader": is_reader,
            "can_manage": can_manage,
            "grades": Grade.values,
            "vetoes": config.vetoes if can_manage else [],
            "adjustment_total": sum((e.signed_points for e in panels["adjustments"]), Decimal(0)),
            "adjustment_cap": config.adjustment_cap if is_reader else None,
            **panels,
            **error_context(failed),
        },
    )


@require_safe
@scoped(
    "经 campaigns.selectors.get_assessment_for 取考核对象（404）；研究前只对组织部门工作人员和部门领导显示，考核对象、联络员 403；研究后本人可见（EVA-9）"
)
def assessment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment, _evaluation = _assessment_evaluation(request, pk)
    return _assessment_page(request, assessment)


def _managed_evaluation(request: AuthenticatedHttpRequest, pk: int):
    """The assessment page's writes: scoped (404), readable (403, EVA-9) and the staff's (403)."""
    assessment, evaluation = _assessment_evaluation(request, pk)
    if not permissions.can_manage_evaluations(request.user, assessment.campaign):
        raise PermissionDenied
    return assessment, evaluation


def _started(evaluation: Evaluation | None) -> Evaluation:
    if evaluation is None:
        raise DomainError("尚未开始综合评价：请先在等次校准页面计算综合得分。")
    return evaluation


def _assessment_write(
    request: AuthenticatedHttpRequest, assessment, form, operation, success
) -> HttpResponse:
    """A write from the assessment page: the shared handler, back to the page (input kept on error)."""
    return handle_form(
        request,
        form,
        operation,
        success=success,
        redirect_to=reverse("evaluations:assessment", args=[assessment.pk]),
        render_page=lambda failed: _assessment_page(request, assessment, failed=failed),
    )


_ASSESSMENT_WRITE = "同综合评价页面：经 get_assessment_for（404）与 EVA-9（403）；须为组织部门工作人员（permissions.can_manage_evaluations，否则 403）；"


@require_POST
@scoped(_ASSESSMENT_WRITE + "录入加减分（EVA-1），研究确定后锁定（EVA-4）")
def adjustment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment, evaluation = _managed_evaluation(request, pk)

    def run(data):
        return services.add_adjustment(actor=request.user, evaluation=_started(evaluation), **data)

    return _assessment_write(
        request,
        assessment,
        forms.AdjustmentEntryForm(request.POST),
        run,
        lambda entry: (
            f"已记录{entry.get_kind_display()} {entry.points.normalize():f} 分，综合得分已重新计算。"
        ),
    )


@require_POST
@scoped(_ASSESSMENT_WRITE + "删除一项加减分（须属于该考核对象的综合评价，否则 404），研究确定后锁定（EVA-4）")
def adjustment_remove(request: AuthenticatedHttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    assessment, evaluation = _managed_evaluation(request, pk)
    entry = get_object_or_404(AdjustmentEntry, evaluation=_started(evaluation), pk=entry_pk)
    return _assessment_write(
        request,
        assessment,
        OperationForm(request.POST),
        lambda _data: services.remove_adjustment(actor=request.user, entry=entry),
        "已删除该加减分，综合得分已重新计算。",
    )


@require_POST
@scoped(_ASSESSMENT_WRITE + "保存综合评价意见")
def opinion(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment, evaluation = _managed_evaluation(request, pk)
    form = forms.OpinionForm(request.POST)

    def run(data):
        started = _started(evaluation)
        return services.update_opinion(
            actor=request.user,
            evaluation=started,
            achievements=data["achievements"],
            problems=form.problem_rows(started),
        )

    return _assessment_write(request, assessment, form, run, "综合评价意见已保存。")


@require_POST
@scoped(_ASSESSMENT_WRITE + "从报告、点评、实地考核等汇集问题")
def draft_opinion(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment, evaluation = _managed_evaluation(request, pk)
    return _assessment_write(
        request,
        assessment,
        OperationForm(request.POST),
        lambda _data: services.draft_opinion(actor=request.user, evaluation=_started(evaluation)),
        "已从各来源汇集问题，请修改完善。",
    )


@require_POST
@scoped(_ASSESSMENT_WRITE + "记录或撤销否决情形（EVA-2）")
def flag(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment, evaluation = _managed_evaluation(request, pk)
    form = forms.FlagForm(request.POST)

    def run(data):
        return services.set_flag(
            actor=request.user,
            evaluation=_started(evaluation),
            flag=data["flag"],
            note=data["note"],
            is_set=form.is_setting(),
        )

    return _assessment_write(request, assessment, form, run, "已记录，请重新计算综合得分。")


@require_POST
@scoped(_ASSESSMENT_WRITE + "录入重新研究（EVA-4：已研究确定的等次只能经重新研究改变）")
def redecide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment, evaluation = _managed_evaluation(request, pk)

    def run(data):
        return services.redecide(
            actor=request.user,
            evaluation=_started(evaluation),
            grade=data["grade"],
            held_on=data["held_on"],
            minutes_reference=data["minutes_reference"],
            reason=data["reason"],
            body=data["body"],
            quota_reasons={"__all__": data["quota_reason"]},
        )

    return _assessment_write(
        request, assessment, forms.RedecideForm(request.POST), run, "已录入重新研究结果。"
    )


@scoped("同综合评价页面：经 get_assessment_for（404）与 EVA-9 保密规则（403）；导出综合评价意见表")
def form_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment, evaluation = _assessment_evaluation(request, pk)
    return documents.pdf_response(assessment, evaluation)


@scoped("同综合评价页面：经 get_assessment_for（404）与 EVA-9 保密规则（403）；导出可编辑的 .docx")
def form_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment, evaluation = _assessment_evaluation(request, pk)
    return documents.docx_response(assessment, evaluation)


@require_POST
@scoped("经 get_campaign_for（404）；批量生成综合评价意见表须为组织部门工作人员（403），后台任务带进度")
def batch_forms(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if not permissions.can_manage_evaluations(request.user, campaign):
        raise PermissionDenied
    job = documents.start_batch(actor=request.user, campaign=campaign)
    messages.success(request, "已开始批量生成综合评价意见表，可在后台任务中查看进度。")
    return redirect("jobs:detail", job_id=job.pk)

"""Pages of 综合评价与研究 (EVA-1 … EVA-4, EVA-9): the calibration screen, the decision chain, one
assessee's evaluation, and its 综合评价意见表. Thin: parse, call a service or a selector, render.
Out of scope → 404 (selectors); not allowed → 403 (permissions, EVA-9)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.campaigns import selectors as campaign_selectors
from shuping.core.access import scoped
from shuping.core.errors import DomainError

from . import documents, forms, permissions, selectors, services
from .choices import EvaluationStatus, Grade, RecusalReason, StepKind
from .models import AdjustmentEntry, Evaluation


def _campaign(request: AuthenticatedHttpRequest, pk: int):
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not permissions.can_view_calibration(request.user, campaign):
        raise PermissionDenied
    return campaign


def _evaluation_in(campaign, raw) -> Evaluation:
    try:
        return Evaluation.objects.select_related("assessment", "campaign").get(pk=int(raw), campaign=campaign)
    except (TypeError, ValueError, Evaluation.DoesNotExist) as exc:
        raise Http404 from exc


def _calibration_action(request: AuthenticatedHttpRequest, campaign) -> None:
    action = request.POST.get("action", "")
    user = request.user
    if action == "compute":
        done = services.compute_composites(actor=user, campaign=campaign)
        messages.success(request, f"已重新计算 {len(done)} 名考核对象的综合得分。")
    elif action == "link_by_name":
        made = services.link_ballot_subjects_by_name(actor=user, campaign=campaign)
        messages.success(request, f"已按姓名关联 {made} 个测评对象，请核对。")
    elif action == "propose":
        evaluation = _evaluation_in(campaign, request.POST.get("evaluation"))
        services.propose_grade(
            actor=user,
            evaluation=evaluation,
            grade=request.POST.get("grade", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"已提出{evaluation.assessment.organization_name}的拟定等次。")
    elif action == "accept_all":
        count = 0
        for e in selectors.campaign_evaluations(campaign):
            if e.assessment.is_graded and e.suggested_grade and not e.proposed_grade and not e.is_locked:
                services.propose_grade(actor=user, evaluation=e, grade=e.suggested_grade)
                count += 1
        messages.success(request, f"已按建议等次提出 {count} 人的拟定等次。")
    else:
        messages.error(request, "未知操作。")


@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（404）；研究前的综合得分和拟定等次只对组织部门工作人员和部门领导显示（permissions.can_view_calibration，否则 403，EVA-9）；POST 须为组织部门工作人员（403）"
)
def calibration(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    can_manage = permissions.can_manage_evaluations(request.user, campaign)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            _calibration_action(request, campaign)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("evaluations:calibration", pk=campaign.pk)
    context = selectors.calibration(campaign)
    context.update(
        {
            "campaign": campaign,
            "can_manage": can_manage,
            "grades": Grade.values,
            "unopened": selectors.assessments_without_evaluation(campaign).count(),
        }
    )
    return render(request, "evaluations/calibration.html", context)


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


def _recusals(text: str) -> list[dict]:
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, _sep, detail = line.partition("，")
        reason = RecusalReason.RELATED if "亲属" in detail or "关系" in detail else RecusalReason.OWN_GRADE
        rows.append({"name": name.strip(), "reason": reason, "detail": detail.strip()})
    return rows


@scoped(
    "经 campaigns.selectors.get_campaign_for 取考核（404）；研究环节只对组织部门工作人员和部门领导显示（403，EVA-9）；录入须为组织部门工作人员（403），本人等次在内的不能录入（EVA-4）"
)
def decisions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    can_manage = permissions.can_manage_evaluations(request.user, campaign)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        ids = [int(v) for v in request.POST.getlist("evaluations") if v.isdigit()]
        reasons = {k[len("reason:") :]: v for k, v in request.POST.items() if k.startswith("reason:")}
        try:
            step = services.record_step(
                actor=request.user,
                campaign=campaign,
                kind=request.POST.get("kind", ""),
                evaluations=list(Evaluation.objects.filter(campaign=campaign, pk__in=ids)),
                held_on=parse_date(request.POST.get("held_on", "") or "")
                if request.POST.get("held_on")
                else None,
                minutes_reference=request.POST.get("minutes_reference", ""),
                body=request.POST.get("body", ""),
                on_behalf_of=request.POST.get("body", ""),
                recusals=_recusals(request.POST.get("recusals", "")),
                quota_reasons=reasons,
                note=request.POST.get("note", ""),
            )
            messages.success(request, f"已录入“{step.get_kind_display()}”（{step.minutes_reference}）。")
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "输入有误，请检查日期。"))
        return redirect("evaluations:decisions", pk=campaign.pk)
    context = selectors.calibration(campaign)
    context.update(
        {
            "campaign": campaign,
            "can_manage": can_manage,
            "steps": selectors.decision_steps(campaign),
            "kinds": [
                (k, StepKind(k).label)
                for k in (StepKind.SECTION_DRAFT, StepKind.DEPARTMENT_MEETING, StepKind.COMMITTEE)
            ],
            "statuses": EvaluationStatus,
        }
    )
    return render(request, "evaluations/decisions.html", context)


def _assessment_evaluation(request: AuthenticatedHttpRequest, pk: int):
    assessment = campaign_selectors.get_assessment_for(request.user, pk)
    if not permissions.can_see_evaluation(request.user, assessment):
        raise PermissionDenied
    return assessment, selectors.evaluation_of(assessment)


def _adjustment_action(request: AuthenticatedHttpRequest, evaluation: Evaluation, action: str) -> None:
    if action == "adjustment_add":
        entry = services.add_adjustment(
            actor=request.user,
            evaluation=evaluation,
            item=request.POST.get("item", ""),
            points=request.POST.get("points", ""),
            reason=request.POST.get("reason", ""),
            basis=request.POST.get("basis", ""),
            on_behalf_of=request.POST.get("on_behalf_of", ""),
        )
        messages.success(
            request, f"已记录{entry.get_kind_display()} {entry.points.normalize():f} 分，综合得分已重新计算。"
        )
    else:
        try:
            entry = evaluation.adjustments.get(pk=int(request.POST.get("entry", "")))
        except (ValueError, AdjustmentEntry.DoesNotExist) as exc:
            raise Http404 from exc
        services.remove_adjustment(actor=request.user, entry=entry)
        messages.success(request, "已删除该加减分，综合得分已重新计算。")


@scoped(
    "经 campaigns.selectors.get_assessment_for 取考核对象（404）；研究前只对组织部门工作人员和部门领导显示，考核对象、联络员 403；研究后本人可见（EVA-9）；修改意见、加减分、重新研究须为组织部门工作人员（403）"
)
def assessment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment, evaluation = _assessment_evaluation(request, pk)
    campaign = assessment.campaign
    is_reader = selectors.is_result_reader(request.user, campaign)
    can_manage = permissions.can_manage_evaluations(request.user, campaign)
    adjustment_form: dict[str, str] = {}
    adjustment_error = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if evaluation is None:
            messages.error(request, "尚未开始综合评价：请先在等次校准页面计算综合得分。")
            return redirect("evaluations:assessment", pk=assessment.pk)
        action = request.POST.get("action", "")
        try:
            if action in ("adjustment_add", "adjustment_remove"):
                _adjustment_action(request, evaluation, action)
            elif action == "opinion":
                texts = [t for t in request.POST.get("problems", "").splitlines() if t.strip()]
                sources = {p["text"]: p["source"] for p in evaluation.problems or []}
                services.update_opinion(
                    actor=request.user,
                    evaluation=evaluation,
                    achievements=request.POST.get("achievements", ""),
                    problems=[
                        {"text": t.strip(), "source": sources.get(t.strip(), "organizer")} for t in texts
                    ],
                )
                messages.success(request, "综合评价意见已保存。")
            elif action == "draft":
                services.draft_opinion(actor=request.user, evaluation=evaluation)
                messages.success(request, "已从各来源汇集问题，请修改完善。")
            elif action == "redecide":
                held_on = parse_date(request.POST.get("held_on", "") or "")
                services.redecide(
                    actor=request.user,
                    evaluation=evaluation,
                    grade=request.POST.get("grade", ""),
                    held_on=held_on,
                    minutes_reference=request.POST.get("minutes_reference", ""),
                    reason=request.POST.get("reason", ""),
                    body=request.POST.get("body", ""),
                    quota_reasons={"__all__": request.POST.get("quota_reason", "")},
                )
                messages.success(request, "已录入重新研究结果。")
            elif action == "flag":
                services.set_flag(
                    actor=request.user,
                    evaluation=evaluation,
                    flag=request.POST.get("flag", ""),
                    note=request.POST.get("note", ""),
                    is_set=request.POST.get("is_set", "1") == "1",
                )
                messages.success(request, "已记录，请重新计算综合得分。")
            else:
                messages.error(request, "未知操作。")
        except (DomainError, ValueError) as exc:
            if action != "adjustment_add":
                messages.error(request, getattr(exc, "message", "输入有误。"))
                return redirect("evaluations:assessment", pk=assessment.pk)
            # Nothing typed is lost: the page comes back with the form as it was and the error beside it.
            adjustment_error = getattr(exc, "message", "输入有误。")
            adjustment_form = {
                k: request.POST.get(k, "") for k in ("item", "points", "reason", "basis", "on_behalf_of")
            }
            evaluation.refresh_from_db()
        else:
            return redirect("evaluations:assessment", pk=assessment.pk)
    versions = (
        list(evaluation.versions.select_related("created_by", "step")) if evaluation and is_reader else []
    )
    adjustments = selectors.adjustment_entries(evaluation) if evaluation and is_reader else []
    items = selectors.adjustment_items_for(assessment) if evaluation and can_manage else []
    return render(
        request,
        "evaluations/assessment.html",
        {
            "assessment": assessment,
            "campaign": campaign,
            "evaluation": evaluation,
            "is_reader": is_reader,
            "can_manage": can_manage,
            "versions": versions,
            "grades": Grade.values,
            "vetoes": selectors.config_for(campaign).vetoes if can_manage else [],
            "adjustments": adjustments,
            "adjustment_total": sum((e.signed_points for e in adjustments), Decimal(0)),
            "adjustment_items": items,
            "adjustment_form": adjustment_form,
            "adjustment_error": adjustment_error,
            "adjustment_cap": selectors.config_for(campaign).adjustment_cap if is_reader else None,
        },
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

"""The decision chain (EVA-4, Art. 6 经党委（党组）研究): section draft → 部务会 → 常委会 / 党组会, quota and recusal, locking,
re-decision; the decided grade's registered consequences run in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from shuping.audit.services import checkpoint_after_commit
from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import Stage
from shuping.campaigns.models import Assessment, Campaign

from .. import consequences, quota, selectors
from ..choices import STEP_FLOW, EvaluationStatus, RecusalReason, StepKind, VersionKind
from ..models import DecisionStep, Evaluation, Recusal
from .base import (
    EvaluationConflict,
    EvaluationError,
    actor_user,
    add_version,
    audit,
    check_grade,
    locked_evaluation,
    refuse_own,
)

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- the decision chain (EVA-4) -----------------------------------------------------------------------


def _quota_check(
    campaign: Campaign, members: Sequence[Evaluation], overrides: dict[int, str]
) -> list[quota.GroupResult]:
    config = selectors.config_for(campaign)
    everyone = selectors.campaign_evaluations(campaign)
    groups = quota.check_quota(
        selectors.quota_entries(everyone, config, override=overrides), selectors.quota_rule(campaign, config)
    )
    keys = {e.pk for e in members}
    touched = [g for g in groups if keys & set(g.members)]
    return touched


def _snapshot(groups: Sequence[quota.GroupResult]) -> list[dict]:
    return [
        {
            "name": g.name,
            "total": g.total,
            "lower_required": g.lower_required,
            "lower_actual": g.lower_actual,
            "top_allowed": g.top_allowed,
            "top_actual": g.top_actual,
            "must_move": g.must_move,
            "is_broken": g.is_broken,
            "is_applicable": g.is_applicable,
        }
        for g in groups
    ]


def _clean_recusals(recusals: Iterable[Mapping[str, Any]]) -> list[dict]:
    out = []
    for r in recusals:
        name = str(r.get("name", "")).strip()
        if not name:
            continue
        reason = r.get("reason") or RecusalReason.OWN_GRADE
        if reason not in RecusalReason.values:
            raise EvaluationError("回避情形不是允许的取值。", field="recusals")
        out.append(
            {
                "name": name[:64],
                "reason": reason,
                "detail": str(r.get("detail", ""))[:200],
                "user": r.get("user"),
            }
        )
    return out


@transaction.atomic
def record_step(
    *,
    actor: User,  # DecisionStep.entered_by: a step is always entered by a person
    campaign: Campaign,
    kind: str,
    evaluations: Sequence[Evaluation],
    held_on: date | None,
    minutes_reference: str,
    body: str = "",
    on_behalf_of: str = "",
    recusals: Iterable[Mapping[str, Any]] = (),
    quota_reasons: Mapping[str, str] | None = None,
    note: str = "",
    source: str = "web",
) -> DecisionStep:
    """Record one step of the chain for a set of evaluations (EVA-4), entered by staff.

    section draft: every graded assessee needs a proposed grade; the assessees enter 研究.
    部务会: after the section draft. 常委会 / 党组会 (approval): after 部务会; refused while a quota group the
    set touches is broken without a written reason for it; locks the set, fixes the final grades (a new
    version each), runs the registered decision consequences for each graded assessee, and moves the
    assessees on to 反馈 (Art. 6: 经党委（党组）研究后，向被评议考核人反馈).
    """
    if kind not in STEP_FLOW:
        raise EvaluationError("研究环节不是允许的取值。", field="kind")
    if not minutes_reference.strip():
        raise EvaluationError("请填写会议纪要（或科室拟定文稿）的文号或编号。", field="minutes_reference")
    if held_on is None:
        raise EvaluationError("请填写日期。", field="held_on")
    ids = sorted({e.pk for e in evaluations})
    if not ids:
        raise EvaluationError("请至少选择一名考核对象。", field="evaluations")
    members = list(
        Evaluation.objects.select_for_update()
        .filter(pk__in=ids, campaign=campaign)
        .select_related("assessment", "campaign")
        .order_by("pk")
    )
    if len(members) != len(ids):
        raise EvaluationError("所选考核对象不属于本次考核。", field="evaluations")
    refuse_own(actor, [e.assessment_id for e in members], "本次研究")
    recusal_rows = _clean_recusals(recusals)
    if (
        actor is not None
        and actor_user(actor) is not None
        and any(r.get("user") == actor.pk for r in recusal_rows)
    ):
        raise EvaluationConflict("录入人已登记回避，不能录入本环节。", code="recused")
    before, after = STEP_FLOW[kind]
    wrong = [e.assessment.organization_name for e in members if e.status != before]
    if wrong:
        raise EvaluationConflict(
            f"以下考核对象尚未完成上一环节（应为“{EvaluationStatus(before).label}”）："
            + "、".join(wrong[:5]),
            code="order",
        )
    not_ready = [
        e.assessment.organization_name
        for e in members
        if e.assessment.stage not in (Stage.EVALUATION, Stage.DECISION)
    ]
    if not_ready:
        raise EvaluationConflict(
            "以下考核对象尚未进入综合评价阶段：" + "、".join(not_ready[:5]), code="stage"
        )
    unproposed = [
        e.assessment.organization_name for e in members if e.assessment.is_graded and not e.proposed_grade
    ]
    if unproposed:
        raise EvaluationError(
            "以下考核对象尚未提出拟定等次：" + "、".join(unproposed[:5]), field="evaluations"
        )
    reasons = {str(k): str(v).strip() for k, v in (quota_reasons or {}).items() if str(v).strip()}
    touched = _quota_check(campaign, members, {e.pk: e.proposed_grade for e in members})
    if kind == StepKind.COMMITTEE:
        unexplained = [
            g for g in touched if g.is_broken and not (reasons.get(g.name) or reasons.get("__all__"))
        ]
        if unexplained:
            text = "；".join(f"{g.name}须调整 {g.must_move} 人" for g in unexplained)
            raise EvaluationConflict(
                f"“较好”及以下等次比例未达到要求（第六条）：{text}。请调整等次，或逐组写明理由后再确定。",
                field="quota_reasons",
                code="quota",
            )
    step = DecisionStep.objects.create(
        campaign=campaign,
        kind=kind,
        body=body.strip(),
        held_on=held_on,
        minutes_reference=minutes_reference.strip(),
        note=note.strip(),
        quota_reasons={
            g.name: reasons.get(g.name) or reasons["__all__"]
            for g in touched
            if g.name in reasons or "__all__" in reasons
        },
        quota_snapshot=_snapshot(touched),
        entered_by=actor,
        on_behalf_of=on_behalf_of.strip(),
    )
    step.evaluations.set(members)
    Recusal.objects.bulk_create(
        [
            Recusal(step=step, name=r["name"], reason=r["reason"], detail=r["detail"], user_id=r.get("user"))
            for r in recusal_rows
        ]
    )
    now = timezone.now()
    for e in members:
        e.transition_to(after)
        if kind == StepKind.COMMITTEE:
            e.is_locked = True
            e.decided_at = now
            if e.assessment.is_graded:
                e.final_grade = e.proposed_grade
                add_version(
                    e, kind=VersionKind.APPROVAL, grade=e.final_grade, reason=note, actor=actor, step=step
                )
        e.save()
        if kind == StepKind.COMMITTEE and e.final_grade:
            # What the decided grade sets in motion (Art. 7): the registered consequences, in this transaction.
            consequences.apply_consequences(assessment=e.assessment, actor=actor, source=source)
    for e in members:
        _advance(actor, e.assessment, kind, source)
    audit(
        actor,
        f"evaluations.step.{kind}",
        campaign,
        source,
        on_behalf_of=on_behalf_of.strip() or body.strip(),
        step=step.pk,
        evaluations=ids,
        minutes=step.minutes_reference,
        recusals=len(recusal_rows),
        quota_broken=[g.name for g in touched if g.is_broken],
    )
    if kind == StepKind.COMMITTEE:
        # A committee decision is pinned by a signed checkpoint shipped outside the database (INT-2).
        checkpoint_after_commit(reason=f"evaluations.step.{kind}")
    return step


def _advance(actor: User | None, assessment: Assessment, kind: str, source: str) -> None:
    """Section draft: 综合评价 → 研究. Approval: on through 研究 to 反馈 (campaigns' stage service, which
    checks every registered blocker)."""
    wanted: dict[str, str]
    if kind == StepKind.SECTION_DRAFT:
        wanted = {Stage.EVALUATION: Stage.DECISION}
    elif kind == StepKind.COMMITTEE:
        wanted = {Stage.EVALUATION: Stage.DECISION, Stage.DECISION: Stage.FEEDBACK}
    else:
        return
    stage = Assessment.objects.only("stage").get(pk=assessment.pk).stage
    while stage in wanted:
        moved = campaign_services.transition_assessment(
            actor=actor, assessment=assessment, to_stage=wanted[stage], source=source
        )
        stage = moved.stage


@transaction.atomic
def redecide(
    *,
    actor: User,  # DecisionStep.entered_by: a step is always entered by a person
    evaluation: Evaluation,
    grade: str,
    held_on: date | None,
    minutes_reference: str,
    reason: str,
    body: str = "",
    on_behalf_of: str = "",
    quota_reasons: Mapping[str, str] | None = None,
    source: str = "web",
) -> DecisionStep:
    """Change a decided grade (EVA-4): only by a recorded re-decision — a new step with its date, minutes
    reference and reason; the earlier grades stay in the history."""
    check_grade(grade)
    evaluation = locked_evaluation(evaluation)
    if not evaluation.is_locked:
        raise EvaluationConflict("尚未经党委（党组）研究确定，请直接修改拟定等次。", code="not_locked")
    if not reason.strip():
        raise EvaluationError("重新研究须写明理由。", field="reason")
    if not minutes_reference.strip():
        raise EvaluationError("请填写会议纪要的文号或编号。", field="minutes_reference")
    if held_on is None:
        raise EvaluationError("请填写日期。", field="held_on")
    refuse_own(actor, [evaluation.assessment_id], "本次研究")
    touched = _quota_check(evaluation.campaign, [evaluation], {evaluation.pk: grade})
    reasons = {str(k): str(v).strip() for k, v in (quota_reasons or {}).items() if str(v).strip()}
    unexplained = [g for g in touched if g.is_broken and not (reasons.get(g.name) or reasons.get("__all__"))]
    if unexplained:
        raise EvaluationConflict(
            "改变后“较好”及以下等次比例未达到要求（第六条），请写明理由。",
            field="quota_reasons",
            code="quota",
        )
    step = DecisionStep.objects.create(
        campaign=evaluation.campaign,
        kind=StepKind.REDECISION,
        body=body.strip(),
        held_on=held_on,
        minutes_reference=minutes_reference.strip(),
        note=reason.strip(),
        quota_reasons={
            g.name: reasons.get(g.name) or reasons["__all__"]
            for g in touched
            if g.name in reasons or "__all__" in reasons
        },
        quota_snapshot=_snapshot(touched),
        entered_by=actor,
        on_behalf_of=on_behalf_of.strip(),
    )
    step.evaluations.set([evaluation])
    previous = evaluation.final_grade
    evaluation.final_grade = grade
    evaluation.proposed_grade = grade
    add_version(
        evaluation, kind=VersionKind.REDECISION, grade=grade, reason=reason.strip(), actor=actor, step=step
    )
    evaluation.save()
    # The changed grade's consequences (Art. 7), as on approval: the registry, in this transaction.
    consequences.apply_consequences(assessment=evaluation.assessment, actor=actor, source=source)
    audit(
        actor,
        "evaluations.redecide",
        evaluation,
        source,
        on_behalf_of=on_behalf_of.strip() or body.strip(),
        step=step.pk,
        previous=previous,
        grade=grade,
    )
    checkpoint_after_commit(reason="evaluations.redecide")  # INT-2, as for the committee's decision
    return step

"""Feedback to the assessee (EVA-5): drafted, released with its 文号, acknowledged (签收) or recorded on paper."""

from __future__ import annotations

import datetime
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import Stage
from shuping.campaigns.models import Assessment, Campaign
from shuping.core.errors import DomainError
from shuping.evaluations.selectors import decided_grade

from .. import rules, selectors
from ..choices import AcknowledgementMethod
from ..models import Feedback
from .base import (
    FeedbackConflict,
    FeedbackError,
    actor_user,
    audit,
    check_decided,
    check_summary,
    register_entry,
)

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- feedback (EVA-5) ----------------------------------------------------------------------------------


@transaction.atomic
def draft_feedback(
    *,
    actor: User | None,
    assessment: Assessment,
    summary: str,
    requirements: str = "",
    source: str = "web",
) -> Feedback:
    """Write (or rewrite) the 意见归纳 and requirements before release. Refused once released, and refused
    when the summary copies a voter's words (BAL-6)."""
    assessment = Assessment.objects.select_related("campaign").get(pk=assessment.pk)
    summary = summary.strip()
    check_summary(assessment, summary)
    feedback = Feedback.objects.select_for_update().filter(assessment=assessment).first()
    if feedback is None:
        feedback = Feedback(assessment=assessment, campaign=assessment.campaign)
    elif feedback.is_released:
        raise FeedbackConflict("反馈意见已送达，不能再修改。", code="released")
    feedback.summary = summary[:4000]
    feedback.requirements = requirements.strip()[:2000]
    feedback.drafted_by = actor_user(actor)
    feedback.save()
    audit(actor, "feedback.draft", assessment, source, summary_chars=len(feedback.summary))
    return feedback


@transaction.atomic
def release_feedback(*, actor: User | None, assessment: Assessment, source: str = "web") -> Feedback:
    """Send the result to the assessee (and liaison): only after 研究 (Art. 6). The decided grade and opinion
    are copied in; the acknowledgement deadline is set; the assessee moves on 反馈 → 整改 (campaigns' stage
    service, which checks every registered blocker)."""
    assessment = Assessment.objects.select_related("campaign__organizer", "evaluation").get(pk=assessment.pk)
    evaluation = check_decided(assessment)
    feedback = Feedback.objects.select_for_update().filter(assessment=assessment).first()
    if feedback is None:
        feedback = Feedback(assessment=assessment, campaign=assessment.campaign, drafted_by=actor_user(actor))
    if feedback.is_released:
        raise FeedbackConflict("反馈意见已送达。", code="released")
    check_summary(assessment, feedback.summary)
    if not feedback.summary and selectors.raw_opinions_for(assessment):
        raise FeedbackError(
            "民主评议收到了文字意见，请先写好去除可识别信息的意见归纳（原文不得反馈给本人）。",
            field="summary",
        )
    config = selectors.config_for(assessment.campaign)
    now = timezone.now()
    feedback.grade = (decided_grade(assessment) or "") if assessment.is_graded else ""
    feedback.achievements = evaluation.achievements
    feedback.problems = list(evaluation.problems or [])
    feedback.released_at = now
    feedback.released_by = actor_user(actor)
    feedback.acknowledge_by_on = rules.acknowledge_by(timezone.localdate(now), config.acknowledge_within_days)
    feedback.save()
    # The 反馈意见 takes its 文号 from the organizer's 发文 register (DOC-1).
    feedback.document_number = register_entry(
        actor,
        assessment.campaign,
        subject=f"feedback.letter:{feedback.pk}",
        kind="反馈意见",
        title=f"关于{assessment.campaign.year}年度抓基层党建工作述职评议考核结果的反馈意见（{assessment.organization_name}）",
        url=reverse("feedback:letter_pdf", args=[assessment.pk]),
        source=source,
    ).number
    feedback.save(update_fields=["document_number"])
    audit(
        actor,
        "feedback.release",
        assessment,
        source,
        grade=feedback.grade,
        due=str(feedback.acknowledge_by_on),
    )
    if assessment.stage == Stage.FEEDBACK:
        campaign_services.transition_assessment(
            actor=actor, assessment=assessment, to_stage=Stage.RECTIFICATION, source=source
        )
    return feedback


@transaction.atomic
def release_all(*, actor: User | None, campaign: Campaign, source: str = "web") -> tuple[int, list[str]]:
    """Release every decided assessee's feedback that is ready; returns (released, Chinese reasons for the
    rest). Each release is its own savepoint, so one refusal leaves the others standing."""
    released, refused = 0, []
    assessments = campaign.assessments.filter(is_excluded=False, stage=Stage.FEEDBACK).order_by(
        "organization_path"
    )
    for a in assessments:
        try:
            with transaction.atomic():
                release_feedback(actor=actor, assessment=a, source=source)
            released += 1
        except DomainError as exc:
            refused.append(f"{a.organization_name}：{exc.message}")
    return released, refused


def _released(feedback: Feedback) -> Feedback:
    feedback = Feedback.objects.select_for_update().select_related("assessment").get(pk=feedback.pk)
    if not feedback.is_released:
        raise FeedbackConflict("反馈意见尚未送达，不能签收。", code="not_released")
    if feedback.is_acknowledged:
        raise FeedbackConflict("已签收。", code="acknowledged")
    return feedback


@transaction.atomic
def acknowledge_feedback(*, actor: User, feedback: Feedback, source: str = "web") -> Feedback:
    """签收 in Shuping by the assessee or their liaison (the view checks who may)."""
    feedback = _released(feedback)
    feedback.acknowledged_at = timezone.now()
    feedback.acknowledged_by = actor
    feedback.acknowledgement_method = AcknowledgementMethod.ONLINE
    feedback.save()
    audit(actor, "feedback.acknowledge", feedback.assessment, source)
    return feedback


@transaction.atomic
def record_paper_acknowledgement(
    *,
    actor: User,
    feedback: Feedback,
    on_behalf_of: str,
    acknowledged_on: date | None = None,
    note: str = "",
    source: str = "web",
) -> Feedback:
    """Staff record a paper receipt (代录): who signed it and when; attributed to the staff member."""
    feedback = _released(feedback)
    signer = on_behalf_of.strip()
    if not signer:
        raise FeedbackError("请填写纸质回执上的签收人。", field="on_behalf_of")
    today = timezone.localdate()
    day = acknowledged_on or today
    if day > today or day < timezone.localdate(feedback.released_at):
        raise FeedbackError("签收日期应在送达之后、今天之前。", field="acknowledged_on")
    feedback.acknowledged_at = (
        timezone.now()
        if day == today
        else timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    )
    feedback.acknowledged_by = actor
    feedback.acknowledgement_method = AcknowledgementMethod.PAPER
    feedback.on_behalf_of = signer[:100]
    feedback.acknowledgement_note = note.strip()[:300]
    feedback.save()
    audit(actor, "feedback.acknowledge.paper", feedback.assessment, source, on_behalf_of=signer, day=str(day))
    return feedback

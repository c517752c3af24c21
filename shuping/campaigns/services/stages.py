"""Each assessment's stage (CMP-1): one step forward when nothing blocks it, one step back with a reason; the
campaign closed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ..blockers import blockers_for
from ..choices import ALLOWED_TRANSITIONS, CampaignStatus, Stage
from ..models import Assessment, Campaign
from .base import CampaignConflict, CampaignError, StageBlocked, audit, check_editable, locked_assessment

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- stages (CMP-1) ------------------------------------------------------------------------------------


def stage_after(stage: str, other: str) -> bool:
    from ..choices import stage_index

    return stage_index(stage) > stage_index(other)


@transaction.atomic
def transition_assessment(
    *, actor: User | None, assessment: Assessment, to_stage: str, source: str = "web"
) -> Assessment:
    """Move one assessment to its next stage (CMP-1): never skipping one, only when nothing blocks it.

    Blockers are the campaigns app's own (scope confirmed, secretary known, tenure decided …) plus those
    registered by other apps (shuping.campaigns.blockers). Refusals carry the reasons in Chinese.
    """
    assessment = locked_assessment(assessment)
    if to_stage not in Stage.values:
        raise CampaignError("阶段不是允许的取值。", field="stage")
    current = Stage(assessment.stage)
    if to_stage not in ALLOWED_TRANSITIONS[current]:
        following = sorted(ALLOWED_TRANSITIONS[current])
        hint = f"下一阶段应为“{Stage(following[0]).label}”。" if following else "已是最后一个阶段。"
        raise CampaignConflict(
            f"不能从“{current.label}”进入“{Stage(to_stage).label}”：各阶段须依次进行，不能跳过。{hint}",
            field="stage",
            code="skip",
        )
    reasons = blockers_for(assessment)
    if reasons:
        raise StageBlocked(
            f"暂不能进入“{Stage(to_stage).label}”：" + "".join(reasons),
            reasons=reasons,
            field="stage",
            code="blocked",
        )
    assessment.save(update_fields=assessment.transition_to(to_stage))
    audit(
        actor, "campaigns.assessment.stage", assessment, source, from_stage=current.value, to_stage=to_stage
    )
    return assessment


@transaction.atomic
def reopen_assessment(
    *, actor: User | None, assessment: Assessment, reason: str, source: str = "web"
) -> Assessment:
    """Step an assessment back one stage to correct a mistaken move (CMP-1), with the reason audited.

    Never more than one step; refused at the first stage, in a closed campaign, or when another app's
    reopen guard objects (e.g. a decision already recorded, EVA-4): see `blockers.reopen_guard`.
    """
    from ..blockers import reopen_refusals
    from ..choices import STAGE_ORDER, stage_index

    assessment = locked_assessment(assessment)
    check_editable(assessment.campaign)
    reason = reason.strip()
    if not reason:
        raise CampaignError("退回上一阶段须填写理由。", field="reason")
    index = stage_index(assessment.stage)
    if index == 0:
        raise CampaignConflict("已是第一个阶段，不能再退回。", field="stage")
    refusals = reopen_refusals(assessment)
    if refusals:
        raise StageBlocked("暂不能退回：" + "".join(refusals), reasons=refusals, field="stage")
    current, previous = assessment.stage, STAGE_ORDER[index - 1]
    # The one backward move: not a transition (ALLOWED_TRANSITIONS are forward only), so set directly.
    assessment.stage = previous
    assessment.stage_changed_at = timezone.now()
    assessment.save(update_fields=["stage", "stage_changed_at"])
    audit(
        actor,
        "campaigns.assessment.reopen",
        assessment,
        source,
        from_stage=current,
        to_stage=previous,
        reason=reason,
    )
    return assessment


def close_refusals(campaign: Campaign) -> list[str]:
    """Why the campaign cannot be closed yet (Chinese): every included assessee must be at 整改."""
    if campaign.status == CampaignStatus.CLOSED:
        return ["本年度述职评议考核已结束。"]
    if not campaign.is_scope_confirmed:
        return ["考核对象名单尚未确认。"]
    pending = list(
        campaign.assessments.filter(is_excluded=False)
        .exclude(stage=Stage.RECTIFICATION)
        .values_list("organization_name", flat=True)[:6]
    )
    if pending:
        more = "等" if len(pending) > 5 else ""
        return [f"以下考核对象尚未进入“整改”阶段：{'、'.join(pending[:5])}{more}。"]
    return []


@transaction.atomic
def close_campaign(*, actor: User | None, campaign: Campaign, source: str = "web") -> Campaign:
    """End the year's campaign (CMP-1) once every included assessee is at 整改 (excluded ones don't count).

    Afterwards the campaign is read-only: every write service refuses it (`check_editable`) and stages
    no longer move (the `campaign_closed` blocker). Rectification itself goes on in its own app.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    refusals = close_refusals(campaign)
    if refusals:
        raise CampaignConflict("暂不能结束本次考核：" + "".join(refusals), code="not_ready")
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    audit(
        actor,
        "campaigns.campaign.close",
        campaign,
        source,
        assessees=campaign.assessments.filter(is_excluded=False).count(),
    )
    return campaign

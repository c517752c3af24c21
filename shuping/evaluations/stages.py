"""Stage pages of 综合评价 and 研究 (FLOW-1): the calibration screen and the decision chain for organizer staff
and department leaders (`can_view_calibration`, EVA-9), each assessment's evaluation for whoever may read
it (`can_see_evaluation`)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from shuping.campaigns.choices import Stage
from shuping.campaigns.stages import StagePage, assessment_page, campaign_pages

from . import permissions
from .choices import EvaluationStatus
from .models import Evaluation


@campaign_pages
def calibration_pages(user, campaign) -> list[StagePage]:
    if not permissions.can_view_calibration(user, campaign):
        return []
    counts = Evaluation.objects.filter(campaign=campaign, assessment__is_excluded=False).aggregate(
        total=Count("pk"),
        proposed=Count("pk", filter=~Q(proposed_grade="")),
        awaiting=Count("pk", filter=Q(status=EvaluationStatus.DEPARTMENT_REVIEWED)),
        approved=Count("pk", filter=Q(status=EvaluationStatus.APPROVED)),
    )
    calibration_state = (
        f"已计算 {counts['total']} 人，{counts['proposed']} 人已拟定等次"
        if counts["total"]
        else "尚未计算综合得分"
    )
    decision_state = f"{counts['awaiting']} 人待党委（党组）研究，{counts['approved']} 人已研究审定"
    return [
        StagePage(
            Stage.EVALUATION,
            "综合评价与等次校准",
            reverse("evaluations:calibration", args=[campaign.pk]),
            calibration_state,
        ),
        StagePage(
            Stage.DECISION,
            "研究（部务会、常委会）",
            reverse("evaluations:decisions", args=[campaign.pk]),
            decision_state,
            is_attention=bool(counts["awaiting"]),
        ),
    ]


@assessment_page(Stage.EVALUATION)
def evaluation_page(user, assessment) -> str | None:
    if permissions.can_see_evaluation(user, assessment):
        return reverse("evaluations:assessment", args=[assessment.pk])
    return None


@assessment_page(Stage.DECISION)
def decision_page(user, assessment) -> str | None:
    if permissions.can_view_calibration(user, assessment.campaign):
        return reverse("evaluations:decisions", args=[assessment.campaign_id])
    return None

"""Stage pages of 反馈 (FLOW-1): the campaign's feedback board and its 通报 for staff and leaders
(`can_view_board`), each assessee's feedback for whoever may read it (`can_view_feedback`: staff and
leaders always, the assessee and liaisons once released)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from shuping.campaigns.choices import Stage
from shuping.campaigns.stages import StagePage, assessment_page, campaign_pages

from . import permissions, selectors
from .models import Circular, Feedback


@campaign_pages
def feedback_pages(user, campaign) -> list[StagePage]:
    if not permissions.can_view_board(user, campaign):
        return []
    counts = Feedback.objects.filter(campaign=campaign).aggregate(
        released=Count("pk", filter=Q(released_at__isnull=False)),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
    )
    circulars = Circular.objects.filter(campaign=campaign).count()
    return [
        StagePage(
            Stage.FEEDBACK,
            "反馈",
            reverse("feedback:board", args=[campaign.pk]),
            f"已送达 {counts['released']} 人，已签收 {counts['acknowledged']} 人",
        ),
        StagePage(
            Stage.FEEDBACK,
            "通报",
            reverse("feedback:circulars", args=[campaign.pk]),
            f"已印发 {circulars} 份" if circulars else "尚未印发",
        ),
    ]


@assessment_page(Stage.FEEDBACK)
def feedback_page(user, assessment) -> str | None:
    if permissions.can_view_feedback(user, assessment, selectors.feedback_of(assessment)):
        return reverse("feedback:feedback", args=[assessment.pk])
    return None

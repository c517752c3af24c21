"""Stage pages of 实地考核 (FLOW-1): the campaign's field plan (`can_view_plan`) and each assessment's field
assessment, for those who may open it (`field_assessments_visible_to`: staff, leaders, the team)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from shuping.campaigns.choices import Stage
from shuping.campaigns.stages import StagePage, assessment_page, campaign_pages

from . import permissions, selectors
from .models import FieldAssessment


@campaign_pages
def plan_page(user, campaign) -> list[StagePage]:
    if not permissions.can_view_plan(user, campaign):
        return []
    counts = FieldAssessment.objects.filter(team__campaign=campaign).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status="completed"))
    )
    state = f"已安排 {counts['total']} 人，{counts['done']} 人已完成" if counts["total"] else "尚未安排考核组"
    return [StagePage(Stage.FIELD, "实地考核安排", reverse("fieldwork:plan", args=[campaign.pk]), state)]


@assessment_page(Stage.FIELD)
def field_page(user, assessment) -> str | None:
    pk = (
        selectors.field_assessments_visible_to(user)
        .filter(assessment=assessment)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is not None:
        return reverse("fieldwork:detail", args=[pk])
    if permissions.can_view_plan(user, assessment.campaign):
        return reverse("fieldwork:plan", args=[assessment.campaign_id])
    return None

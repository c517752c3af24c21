"""Stage pages of 报告 (FLOW-1): the campaign's 审核 page and each assessment's report, for whoever may open
them (the same predicates as the views: `can_see_quality`, `can_draft_report`, `can_review_reports`)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from shuping.campaigns.choices import Stage
from shuping.campaigns.stages import StagePage, assessment_page, campaign_pages

from . import permissions
from .choices import ReportStatus
from .models import Report


@campaign_pages
def review_page(user, campaign) -> list[StagePage]:
    if not permissions.can_see_quality(user, campaign):
        return []
    counts = Report.objects.filter(assessment__campaign=campaign, assessment__is_excluded=False).aggregate(
        submitted=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
        accepted=Count("pk", filter=Q(status=ReportStatus.ACCEPTED)),
    )
    state = f"{counts['submitted']} 份待审核，{counts['accepted']} 份已审核通过"
    return [
        StagePage(
            Stage.REPORT,
            "述职报告审核",
            reverse("reports:quality", args=[campaign.pk]),
            state,
            is_attention=bool(counts["submitted"]) and permissions.can_review_reports(user, campaign),
        )
    ]


@assessment_page(Stage.REPORT)
def report_page(user, assessment) -> str | None:
    """The report page is open to whoever sees the assessment (a draft shows only to its drafters); the
    drafters write there, organizer staff 审核 there (`can_review_reports`)."""
    return reverse("reports:edit", args=[assessment.pk])

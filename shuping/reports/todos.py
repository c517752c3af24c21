"""待办: the secretary's (or liaison's) 述职报告 still to write, or returned for changes (REP-1)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignStatus, Stage
from shuping.campaigns.models import Assessment
from shuping.core.todos import Todo, due_note, todo_provider

from . import permissions
from .choices import ReportStatus


@todo_provider
def reports_to_submit(user) -> list[Todo]:
    rows = (
        Assessment.objects.filter(
            campaign_selectors.own_assessment_q(user),
            campaign__status=CampaignStatus.OPEN,
            stage=Stage.REPORT,
        )
        .filter(Q(report__isnull=True) | Q(report__status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED]))
        .select_related("campaign", "report")
        .order_by("-campaign__year", "organization_path")
    )
    out = []
    for a in rows:
        report = getattr(a, "report", None)
        returned = report is not None and report.status == ReportStatus.RETURNED
        if report is not None and returned:
            note, urgent = "已退回修改" + (f"：{report.remarks[:60]}" if report.remarks else ""), True
        else:
            note, urgent = due_note(report.due_on if report else None)
        out.append(
            Todo(
                text=f"{'修改并重新提交' if returned else '撰写并提交'} {a.campaign.year} 年度述职报告"
                f"（{a.organization_name}）",
                url=reverse("reports:edit", args=[a.pk]),
                note=note,
                urgent=urgent,
            )
        )
    return out


@todo_provider
def reports_to_review(user) -> list[Todo]:
    """Organizer staff: submitted reports waiting for 审核 (return with remarks or accept), per open campaign."""
    campaigns = campaign_selectors.campaigns_with_waiting(
        user,
        Count("assessments__report", filter=Q(assessments__report__status=ReportStatus.SUBMITTED)),
        permissions.can_review_reports,
        status=CampaignStatus.OPEN,
    )
    return [
        Todo(
            text=f"审核述职报告：{c.organizer.display_name} {c.year} 年度，{c.waiting} 份已提交待审核",
            url=reverse("reports:list"),
        )
        for c in campaigns
    ]

"""Writes of the oversight app (OVS-1): the upward report — draft, edit, submit. Each writes an audit event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from shuping.audit.services import record
from shuping.campaigns import permissions as campaign_permissions
from shuping.campaigns.choices import STAGE_ORDER, Stage
from shuping.campaigns.models import Campaign
from shuping.core.errors import ConflictError, DomainError

from . import selectors
from .choices import ReportStatus
from .models import UpwardReport

if TYPE_CHECKING:
    from shuping.accounts.models import User

EDITABLE_FIELDS = (
    "title",
    "scope_text",
    "meetings_text",
    "grades_text",
    "problems_text",
    "rectification_text",
)


class OversightError(DomainError):
    pass


def _check_manager(actor: User | None, campaign: Campaign) -> None:
    if actor is not None and not campaign_permissions.can_manage_campaign(actor, campaign):
        raise OversightError(
            "只有本次考核的组织部门工作人员可以起草、修改和报送向上级的报告。", code="forbidden"
        )


def grades_text(campaign: Campaign, graded: int) -> str:
    """The grade distribution decided at 研究 (OVS-1), from the dashboards' grade provider, in the campaign's
    own grade scale (Art. 6: 好、较好、一般、差 unless the province's 实施细则 says otherwise)."""
    counts = selectors.campaign_grades(campaign)
    if not graded:
        return "本次考核只述职不定等次。"
    if not counts:
        return "尚无经党委（党组）研究确定的考核等次。"
    scale = list(campaign.settings.get("grade_scale") or ["好", "较好", "一般", "差"])
    scale += sorted(g for g in counts if g not in scale)
    decided = sum(counts.values())
    parts = "，".join(f"“{g}”等次 {counts.get(g, 0)} 人" for g in scale)
    text = f"经党委（党组）研究确定，考核定等的 {graded} 名党组织书记中：{parts}。"
    if decided < graded:
        text += f"另有 {graded - decided} 人尚未确定等次。"
    return text


def draft_content(campaign: Campaign) -> dict[str, str]:
    """The report's first draft from the campaign's own data (nothing typed twice, Art. 6)."""
    stages = dict(
        campaign.assessments.filter(is_excluded=False)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    graded = campaign.assessments.filter(is_excluded=False, is_graded=True).count()
    total = sum(stages.values())
    plans = list(selectors.meeting_plans_of(campaign))
    meetings = (
        "；".join(f"{p.planned_on:%Y年%m月%d日}在{p.venue}召开述职评议会" for p in plans) + "。"
        if plans
        else "本次考核未向上级报送会议方案。"
    )
    progress = "，".join(f"{Stage(s).label} {stages[s]} 人" for s in STAGE_ORDER if stages.get(s))
    return {
        "title": f"关于{campaign.organizer.display_name}{campaign.year}年度党委（党组）书记抓基层党建工作述职评议考核情况的报告",
        "scope_text": (
            f"{campaign.year}年度共有 {total} 名党组织书记纳入述职评议考核范围，其中考核定等 {graded} 人、"
            f"只述职不定等次 {total - graded} 人。目前进度：{progress or '无'}。"
        ),
        "meetings_text": meetings,
        "grades_text": grades_text(campaign, graded),
        "problems_text": "",
        "rectification_text": "",
    }


@transaction.atomic
def draft_upward_report(
    *, actor: User | None, campaign: Campaign, addressee: str = "", source: str = "web"
) -> UpwardReport:
    """Draft the campaign's report to the parent organization after 研究 / 通报 (OVS-1, Art. 8).

    Art. 8 binds every level, the province included: where the parent is outside the system (a provincial
    committee reports to 中共中央组织部), `addressee` names it — the same report and documents, sent as the
    exported PDF/DOCX instead of to an inbox here.
    """
    _check_manager(actor, campaign)
    organizer = campaign.organizer
    addressee = addressee.strip()
    if organizer.parent_id is None and not addressee:
        raise OversightError(
            "本组织的上一级党组织不在本系统中，请填写报送单位（如：中共中央组织部）。", field="addressee"
        )
    if len(addressee) > 100:
        raise OversightError("报送单位名称不能超过 100 个字符。", field="addressee")
    if UpwardReport.objects.filter(campaign=campaign).exists():
        raise ConflictError("本次考核已经起草了向上级的报告。", code="duplicate")
    pending = campaign.assessments.filter(is_excluded=False).exclude(
        stage__in=selectors.RESULTS_VISIBLE_STAGES
    )
    if not campaign.assessments.filter(is_excluded=False).exists() or pending.exists():
        raise ConflictError("全部考核对象完成研究审定后，才能起草向上级的报告。", code="not_decided")
    report = UpwardReport.objects.create(
        campaign=campaign,
        from_organization=organizer,
        to_organization_id=organizer.parent_id,
        to_name="" if organizer.parent_id else addressee,
        created_by=actor if getattr(actor, "pk", None) else None,
        **draft_content(campaign),
    )
    record(
        actor=actor,
        action="oversight.report.draft",
        target=report,
        source=source,
        detail={"campaign": campaign.pk, "to": organizer.parent_id or addressee},
    )
    return report


@transaction.atomic
def update_upward_report(
    *, actor: User | None, report: UpwardReport, source: str = "web", **fields: str
) -> UpwardReport:
    """Edit the draft; a submitted report is not changed."""
    report = UpwardReport.objects.select_for_update().select_related("campaign__organizer").get(pk=report.pk)
    _check_manager(actor, report.campaign)
    if report.is_submitted:
        raise ConflictError("报告已报送，不能再修改。", code="submitted")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise OversightError("不能修改这些内容。", field=sorted(unknown)[0])
    title = fields.get("title", report.title)
    if not str(title).strip():
        raise OversightError("标题不能为空。", field="title")
    for name, value in fields.items():
        setattr(report, name, str(value).strip())
    report.save()
    record(
        actor=actor,
        action="oversight.report.update",
        target=report,
        source=source,
        detail={"fields": sorted(fields)},
    )
    return report


def documents_subject(report: UpwardReport) -> str:
    """The 发文 register's key for an upward report (DOC-1)."""
    return f"oversight.report:{report.pk}"


@transaction.atomic
def submit_upward_report(*, actor: User | None, report: UpwardReport, source: str = "web") -> UpwardReport:
    """Send the report up: it appears in the parent organization's inbox (OVS-1)."""
    report = UpwardReport.objects.select_for_update().select_related("campaign__organizer").get(pk=report.pk)
    _check_manager(actor, report.campaign)
    if report.is_submitted:
        raise ConflictError("报告已经报送。", code="submitted")
    if not report.problems_text.strip():
        raise OversightError("请填写“主要问题”后再报送。", field="problems_text")
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = actor if getattr(actor, "pk", None) else None
    report.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    # The report sent up takes its 文号 from the organizer's 发文 register (DOC-1).
    from django.urls import reverse

    from shuping.documents.services import register_document

    register_document(
        actor=report.submitted_by,
        organization=report.campaign.organizer,
        subject=documents_subject(report),
        kind="报告",
        title=report.title,
        url=reverse("oversight:report", args=[report.pk]),
        source=source,
    )
    record(
        actor=actor,
        action="oversight.report.submit",
        target=report,
        source=source,
        detail={"to": report.to_organization_id or report.to_name},
    )
    return report

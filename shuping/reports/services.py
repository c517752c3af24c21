"""Writes to reports (REP-1): every page, API call, CLI command and the demo calls these. Each is
keyword-only, atomic, checks its preconditions, raises `ReportError` (a DomainError with a Chinese message)
before writing anything, and writes its audit event in the same transaction.

Publication and the opinion box (REP-3) are in `publication.py`.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from shuping.audit.services import record
from shuping.campaigns.choices import CampaignStatus
from shuping.campaigns.models import Assessment, Campaign
from shuping.core import uploads
from shuping.core.errors import ConflictError, DomainError

from . import sections
from .choices import EDITABLE, ReportSource, ReportStatus
from .models import Report

if TYPE_CHECKING:
    from shuping.accounts.models import User

#: Largest .docx accepted (a signed report with a scanned signature page stays well below).
MAX_UPLOAD_BYTES = uploads.REPORT_DOCX.max_bytes
MAX_PROBLEMS = 30
MAX_SECTION_CHARS = 50_000


class ReportError(DomainError):
    """A user-caused error in the reports app."""


class ReportConflict(ConflictError):
    """The report is not in a state that allows the action."""


def audit(actor: User | None, action: str, target: models.Model | None, source: str, **detail: Any) -> None:
    record(actor=actor, action=action, target=target, source=source, detail=detail)


def due_on(campaign: Campaign) -> datetime.date:
    """The report deadline from the campaign: `settings["report_due_on"]` when the organizer set one, else
    the day field assessment starts (Art. 6: 述职评议前 … 实地考核 — reports are read before the visit)."""
    value = (campaign.settings or {}).get("report_due_on")
    if value:
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            pass
    return campaign.field_starts_on


def max_chars(campaign: Campaign) -> int:
    """The length limit (REP-2) is a per-campaign setting (`settings["report_max_chars"]`), 6,000 by default."""
    from .quality import DEFAULT_MAX_CHARS

    try:
        return int((campaign.settings or {}).get("report_max_chars") or DEFAULT_MAX_CHARS)
    except (TypeError, ValueError):
        return DEFAULT_MAX_CHARS


def _locked_report(assessment: Assessment) -> Report:
    """The assessment's report, created as a draft on first use, locked for update."""
    report, _created = Report.objects.get_or_create(
        assessment=assessment, defaults={"due_on": due_on(assessment.campaign)}
    )
    return Report.objects.select_for_update().select_related("assessment__campaign").get(pk=report.pk)


def _check_editable(report: Report) -> None:
    if report.assessment.campaign.status == CampaignStatus.CLOSED:
        raise ReportConflict("本年度述职评议考核已结束，述职报告不能再修改。")
    if report.status not in EDITABLE:
        raise ReportConflict(
            f"述职报告{ReportStatus(report.status).label}，不能再修改；需要修改请联系组织部门退回。",
            code="locked",
        )


def _clean_problems(problems: Sequence[str]) -> list[dict[str, str]]:
    items = [{"text": p.strip()} for p in problems if p and p.strip()]
    if len(items) > MAX_PROBLEMS:
        raise ReportError(f"突出问题最多 {MAX_PROBLEMS} 条，请合并同类问题。", field="problems")
    return items


def _check_length(**texts: str) -> None:
    for name, text in texts.items():
        if len(text or "") > MAX_SECTION_CHARS:
            raise ReportError("内容过长，请精简后再保存。", field=name)


def _check_uploaded_length(*texts: tuple[str, str]) -> None:
    for label, text in texts:
        if len(text or "") > MAX_SECTION_CHARS:
            raise ReportError(
                f"上传的报告中“{label}”部分有 {len(text):,} 字，超过 {MAX_SECTION_CHARS:,} 字的上限"
                "（与在线填写相同），请精简后再上传。",
                field="file",
                code="too_much_text",
            )


def carry_over_items(assessment: Assessment) -> list[dict[str, str]]:
    """The items the report must answer (CMP-5): inspection findings and last year's unfinished
    rectification items, each with a stable key and its text."""
    from shuping.campaigns.findings import carry_over_for

    items = [
        {"key": f"finding:{f.pk}", "item": f"【{f.get_source_display()}】{f.description}"}
        for f in assessment.findings.all()
    ]
    for index, item in enumerate(carry_over_for([assessment]).get(assessment.pk, []), start=1):
        items.append({"key": f"carry:{index}", "item": f"【上年度整改】{item}"})
    return items


@transaction.atomic
def save_report(
    *,
    actor: User | None,
    assessment: Assessment,
    achievements: str,
    problems: Sequence[str],
    causes: str,
    measures: str,
    carry_over_answers: dict[str, str] | None = None,
    source: str = "web",
) -> Report:
    """Save the report as typed or pasted in the form (REP-1); paragraphs are kept as line breaks.

    `carry_over_answers` maps a carried-over item's key (see `carry_over_items`) to the answer.
    """
    _check_length(achievements=achievements, causes=causes, measures=measures)
    report = _locked_report(assessment)
    _check_editable(report)
    answers = carry_over_answers or {}
    report.achievements = achievements.strip()
    report.problems = _clean_problems(problems)
    report.causes = causes.strip()
    report.measures = measures.strip()
    items = carry_over_items(assessment)
    # The carry-over section of an uploaded .docx is kept as one more answer, editable like the others.
    items += [
        {"key": "docx", "item": a["item"]} for a in report.carry_over_answers or [] if a.get("key") == "docx"
    ]
    report.carry_over_answers = [
        {"key": item["key"], "item": item["item"], "answer": (answers.get(item["key"]) or "").strip()}
        for item in items
    ]
    report.updated_by = actor if getattr(actor, "pk", None) else None
    report.save()
    audit(actor, "reports.report.save", report, source, problems=len(report.problems))
    return report


@transaction.atomic
def upload_report_docx(
    *, actor: User | None, assessment: Assessment, data: bytes, filename: str, source: str = "web"
) -> Report:
    """Take the signed .docx (REP-1): recognise the sections from its headings, fill the report, and keep
    the original file in the default storage. Unrecognised text stays under 工作成效 so nothing is lost."""
    if not filename.lower().endswith(".docx"):
        raise ReportError("请上传 Word 文档（.docx）。旧版 .doc 请先另存为 .docx。", field="file")
    try:
        # The upload gate (INT-1): size and the zip directory first, then a bounded streaming read.
        uploads.check_bytes(data, uploads.REPORT_DOCX, name=filename)
        found = sections.from_docx(data)
    except uploads.UploadRefused as error:
        if error.code == "unreadable":
            raise ReportError("无法读取该 Word 文档，请确认文件未损坏。", field="file") from error
        raise ReportError(error.message, field="file", code=error.code) from error
    except sections.UnreadableDocx as error:
        raise ReportError("无法读取该 Word 文档，请确认文件未损坏。", field="file") from error
    # Text taken from the file obeys the limits of typed text (INT-1, REP-1).
    _check_uploaded_length(
        ("工作成效", found.achievements),
        ("突出问题", "\n".join(found.problems)),
        ("原因分析", found.causes),
        ("下一步措施", found.measures),
        ("整改落实情况", found.carry_over),
    )
    report = _locked_report(assessment)
    _check_editable(report)
    report.achievements = found.achievements
    report.problems = _clean_problems(found.problems)
    report.causes = found.causes
    report.measures = found.measures
    answers = [{**item, "answer": ""} for item in carry_over_items(assessment)]
    if found.carry_over:
        answers.append({"key": "docx", "item": "整改落实情况（摘自上传的报告）", "answer": found.carry_over})
    report.carry_over_answers = answers
    report.source = ReportSource.DOCX
    name = os.path.basename(filename)[:150]
    report.original_file.save(f"assessment-{assessment.pk}.docx", ContentFile(data), save=False)
    report.original_name = name
    report.updated_by = actor if getattr(actor, "pk", None) else None
    report.save()
    audit(
        actor,
        "reports.report.upload",
        report,
        source,
        file=name,
        recognised=found.recognised,
        problems=len(report.problems),
    )
    return report


@transaction.atomic
def submit_report(*, actor: User | None, assessment: Assessment, source: str = "web") -> Report:
    """Submit the report to the organizer (REP-1). Refused without any 突出问题 (Art. 5: 主要查摆突出问题).
    After the deadline it is still accepted — marked late, never lost."""
    report = _locked_report(assessment)
    _check_editable(report)
    if not report.problem_texts:
        raise ReportError(
            "请至少查摆一条突出问题后再提交（《办法》第五条：把自己摆进去，主要查摆突出问题）。",
            field="problems",
        )
    now = timezone.now()
    report.transition_to(ReportStatus.SUBMITTED)
    report.submitted_at = now
    report.due_on = report.due_on or due_on(assessment.campaign)
    report.is_late = timezone.localdate(now) > report.due_on
    report.submission_count += 1
    report.updated_by = actor if getattr(actor, "pk", None) else None
    report.save()
    audit(
        actor,
        "reports.report.submit",
        report,
        source,
        is_late=report.is_late,
        due_on=report.due_on.isoformat(),
        submission=report.submission_count,
    )
    return report


def _locked_for_review(report: Report) -> Report:
    report = Report.objects.select_for_update().select_related("assessment__campaign").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ReportConflict(f"述职报告{ReportStatus(report.status).label}，只有已提交的报告可以审核。")
    return report


@transaction.atomic
def return_report(*, actor: User | None, report: Report, remarks: str, source: str = "web") -> Report:
    """Return a submitted report with remarks (REP-1); the drafter edits and submits again."""
    remarks = (remarks or "").strip()
    if not remarks:
        raise ReportError("退回时请写明修改意见。", field="remarks")
    if len(remarks) > 2000:
        raise ReportError("修改意见请控制在 2000 字以内。", field="remarks")
    report = _locked_for_review(report)
    report.transition_to(ReportStatus.RETURNED)
    report.remarks = remarks
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor if getattr(actor, "pk", None) else None
    report.save()
    audit(actor, "reports.report.return", report, source, remarks_length=len(remarks))
    return report


@transaction.atomic
def accept_report(*, actor: User | None, report: Report, source: str = "web") -> Report:
    """Accept a submitted report (REP-1); the assessment may then leave the 报告 stage."""
    report = _locked_for_review(report)
    report.transition_to(ReportStatus.ACCEPTED)
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor if getattr(actor, "pk", None) else None
    report.save()
    audit(actor, "reports.report.accept", report, source, is_late=report.is_late)
    return report

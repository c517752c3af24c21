"""/api/v1/reports (SPEC §11): the same selectors as the pages, scoped to the user (SEC-2).

A draft's content is shown to its drafters only (permissions.can_read_report); others see its status.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema

from shuping.accounts.api_auth import API_AUTH
from shuping.core.api_base import api_access

from . import permissions, selectors
from .choices import ReportStatus

router = Router(tags=["reports"], auth=API_AUTH)


class ProblemOut(Schema):
    text: str


class CarryOverOut(Schema):
    key: str
    item: str
    answer: str


class ReportOut(Schema):
    id: int
    assessment_id: int
    campaign_id: int
    year: int
    organization_name: str
    person_name: str
    status: str
    status_label: str
    due_on: date | None
    submitted_at: datetime | None
    is_late: bool
    submission_count: int
    remarks: str
    has_original: bool


class ReportDetailOut(ReportOut):
    achievements: str
    problems: list[ProblemOut]
    causes: str
    measures: str
    carry_over_answers: list[CarryOverOut]


def _out(report, *, with_content: bool = False, readable: bool = True) -> dict:
    a = report.assessment
    out = {
        "id": report.pk,
        "assessment_id": a.pk,
        "campaign_id": a.campaign_id,
        "year": a.campaign.year,
        "organization_name": a.organization_name,
        "person_name": a.person_name,
        "status": report.status,
        "status_label": str(ReportStatus(report.status).label),
        "due_on": report.due_on,
        "submitted_at": report.submitted_at,
        "is_late": report.is_late,
        "submission_count": report.submission_count,
        "remarks": report.remarks if readable else "",
        "has_original": bool(report.original_file),
    }
    if with_content:
        out.update(
            achievements=report.achievements if readable else "",
            problems=[{"text": t} for t in report.problem_texts] if readable else [],
            causes=report.causes if readable else "",
            measures=report.measures if readable else "",
            carry_over_answers=[
                {
                    "key": str(x.get("key", "")),
                    "item": str(x.get("item", "")),
                    "answer": str(x.get("answer", "")),
                }
                for x in (report.carry_over_answers or [])
            ]
            if readable
            else [],
        )
    return out


@router.get("/reports", response=list[ReportOut], summary="本人可见的述职报告")
@api_access("signed_in", "只列出 selectors.reports_visible_to 范围内的述职报告；可按 campaign、status 过滤")
def list_reports(request, campaign: int | None = None, status: str | None = None):
    qs = selectors.reports_for_list(request.user)
    if campaign is not None:
        qs = qs.filter(assessment__campaign_id=campaign)
    if status:
        qs = qs.filter(status=status)
    return [_out(r) for r in qs]


@router.get("/reports/{report_id}", response=ReportDetailOut, summary="一份述职报告")
@api_access(
    "scoped",
    "经 selectors.get_report_for 取报告（范围外 404）；草稿内容仅起草人可见（permissions.can_read_report）",
)
def get_report(request, report_id: int):
    report = selectors.get_report_for(request.user, report_id)
    readable = permissions.can_read_report(request.user, report.assessment, report)
    return _out(report, with_content=True, readable=readable)

"""A report as a printable document (REP-1): the documents app's official-document layout, PDF or .docx."""

from __future__ import annotations

from django.utils import timezone

from shuping.documents.content import Heading, OfficialDocument, Paragraph
from shuping.documents.services import render_document_pdf

from .models import Report


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip()]


def as_document(report: Report) -> OfficialDocument:
    """The report with its four sections and the answers to carried-over items, as an OfficialDocument."""
    a = report.assessment
    body: list = [Heading("一、工作成效")]
    body += _paragraphs(report.achievements) or [Paragraph("（未填写）")]
    body.append(Heading("二、存在的突出问题"))
    body += [Paragraph(f"{n}. {t}") for n, t in enumerate(report.problem_texts, start=1)] or [
        Paragraph("（未填写）")
    ]
    body.append(Heading("三、原因分析"))
    body += _paragraphs(report.causes) or [Paragraph("（未填写）")]
    body.append(Heading("四、破解措施"))
    body += _paragraphs(report.measures) or [Paragraph("（未填写）")]
    answers = [x for x in report.carry_over_answers or [] if x.get("item")]
    if answers:
        body.append(Heading("五、上年度整改和巡视巡察反馈问题整改情况"))
        for x in answers:
            body.append(Heading(str(x["item"])[:200], level=3))
            body += _paragraphs(str(x.get("answer", ""))) or [Paragraph("（未作回应）")]
    issued = timezone.localdate(report.submitted_at) if report.submitted_at else timezone.localdate()
    return OfficialDocument(
        title=f"{a.organization_name}书记{a.person_name}\n{a.campaign.year}年度抓基层党建工作述职报告",
        document_number="",
        addressee="",
        body=tuple(body),
        issuer=a.organization_name,
        issued_on=issued,
        layout="plain",  # a 述职报告 is not a 文件: no red 版头
    )


def report_pdf(report: Report) -> bytes:
    return render_document_pdf(as_document(report))

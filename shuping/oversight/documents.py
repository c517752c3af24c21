"""The upward report as an official document (OVS-1, EVA-8): PDF and DOCX through shuping.documents."""

from __future__ import annotations

from shuping.core.dates import local_date_or_today
from shuping.documents.content import Heading, OfficialDocument, Paragraph
from shuping.documents.selectors import registered
from shuping.documents.services import render_document_docx, render_document_pdf

from .models import UpwardReport
from .services import documents_subject

SECTIONS = (
    ("一、考核范围和进度", "scope_text"),
    ("二、述职评议会召开情况", "meetings_text"),
    ("三、考核等次分布", "grades_text"),
    ("四、发现的主要问题", "problems_text"),
    ("五、整改安排", "rectification_text"),
)


def report_document(report: UpwardReport) -> OfficialDocument:
    body: list[Heading | Paragraph] = []
    for heading, name in SECTIONS:
        body.append(Heading(heading, level=1))
        text = getattr(report, name).strip() or "（无）"
        body.extend(Paragraph(line.strip()) for line in text.splitlines() if line.strip())
    organizer = report.from_organization
    # 文号 and date from the 发文 register once the report is sent (DOC-1): the number's year is the year
    # of issue, as the date under the signature; a draft carries no number.
    entry = registered(documents_subject(report))
    issued = entry.issued_on if entry else local_date_or_today(report.submitted_at)
    return OfficialDocument(
        title=report.title,
        document_number=entry.number if entry else "",
        addressee=f"{report.to_name}："
        if report.to_organization is None
        else f"{report.to_organization.display_name}组织部：",
        body=tuple(body),
        issuer=f"{organizer.name}组织部",
        issued_on=issued,
    )


def report_pdf(report: UpwardReport) -> bytes:
    return render_document_pdf(report_document(report))


def report_docx(report: UpwardReport) -> bytes:
    return render_document_docx(report_document(report))

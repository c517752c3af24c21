"""The documents of 反馈、通报与归档 (EVA-8), all through shuping.documents (GB/T 9704 layout, PDF and .docx):

- the feedback letter (反馈意见) to one assessee: grade, opinion, 意见归纳, requirements;
- the circular (通报) with 密级, 份号 and the seal position;
- the transfer list (移交清单) for the file holder;
- the extract of the decision (研究审定情况摘录) that the province's rules may list for the file.

Only decided, staff-written text goes in — never a raw ballot opinion (BAL-6).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

from shuping.campaigns.models import Assessment
from shuping.documents.content import Heading, OfficialDocument, Paragraph, Table, chinese_date
from shuping.evaluations.selectors import decided_grade

from .choices import CircularStyle
from .models import ArchiveTransfer, Circular, Feedback

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _department(campaign) -> str:
    return f"{campaign.organizer.name}组织部"


def _secretary(assessment: Assessment) -> str:
    return f"{assessment.organization_name}书记{assessment.person_name}".strip()


def _today(value: datetime | None) -> date:
    return timezone.localdate(value) if value else timezone.localdate()


def feedback_letter(feedback: Feedback) -> OfficialDocument:
    """反馈意见: what the committee decided about one assessee (Art. 6), addressed to them."""
    a = feedback.assessment
    campaign = a.campaign
    year = campaign.year
    body: list = [
        Paragraph(
            f"根据《党委（党组）书记抓基层党建工作述职评议考核办法（试行）》，经{campaign.organizer.name}研究，"
            f"现将你{year}年度抓基层党建工作述职评议考核结果反馈如下。"
        ),
        Heading("一、综合评价等次", 1),
        Paragraph(f"综合评价等次为“{feedback.grade}”。" if feedback.grade else "本年度只述职不定等次。"),
        Heading("二、综合评价意见", 1),
        Heading("（一）肯定的成绩", 2),
        Paragraph(feedback.achievements or "（无）"),
        Heading("（二）指出的问题", 2),
    ]
    problems = [p.get("text", "") for p in feedback.problems or [] if p.get("text")]
    body += [Paragraph(f"{i}. {text}") for i, text in enumerate(problems, start=1)] or [Paragraph("（无）")]
    body += [Heading("三、民主评议意见归纳", 1), Paragraph(feedback.summary or "（无）")]
    requirements = feedback.requirements or (
        "请针对指出的问题，列出整改清单，明确整改措施、责任人和完成时限，认真抓好整改落实（第七条），"
        "并按要求报送组织部门。"
    )
    body += [Heading("四、有关要求", 1), Paragraph(requirements)]
    return OfficialDocument(
        title=f"关于{year}年度抓基层党建工作\n述职评议考核结果的反馈意见",
        document_number=feedback.document_number,
        addressee=f"{_secretary(a)}同志：",
        body=tuple(body),
        issuer=_department(campaign),
        issued_on=_today(feedback.released_at),
        masthead=f"{_department(campaign)}",
        has_seal=True,
        printed_by=_department(campaign),
        printed_on=_today(feedback.released_at),
    )


def circular_addressee(circular: Circular) -> str:
    """主送 (GB/T 9704 §7.3.2, DOC-3): every organization the 通报 is sent to, in the order of its copies,
    except the organizer itself — its department issues the 通报 on its decision, it is not an addressee."""
    organizer_id = circular.campaign.organizer_id
    names = [
        c.organization.name
        for c in circular.copies.select_related("organization").order_by("copy_number")
        if c.organization_id != organizer_id
    ]
    return "、".join(names) + "：" if names else ""


def _named_lists(results: list[Assessment], graded: list[Assessment]) -> list:
    """名单式 (EVA-6): the 好 list and the 一般 / 差 lists named in the text, 较好 and report-only counted."""

    def names(grade: str) -> list[str]:
        return [
            f"{a.organization_name}书记{a.person_name or '（空缺）'}"
            for a in graded
            if decided_grade(a) == grade
        ]

    out: list = []
    number = 0
    for grade, named in (("好", True), ("较好", False), ("一般", True), ("差", True)):
        listed = names(grade)
        if not listed:
            continue
        number += 1
        ordinal = "（" + "一二三四五"[number - 1] + "）"
        if named:
            text = f"{ordinal}评价为“{grade}”等次的{len(listed)}名：" + "、".join(listed) + "。"
        else:
            text = f"{ordinal}评价为“{grade}”等次的{len(listed)}名（不逐一列出）。"
        out.append(Paragraph(text))
    report_only = len(results) - len(graded)
    if report_only:
        out.append(Paragraph(f"另有{report_only}名只述职不定等次。"))
    return out or [Paragraph("本次没有评定等次的考核对象。")]


def circular_document(
    circular: Circular, results: list[Assessment], copy_number: int | None
) -> OfficialDocument:
    """通报 (EVA-6): the grade distribution and each graded assessee's grade, with 密级 and 份号."""
    campaign = circular.campaign
    graded = [a for a in results if a.is_graded and decided_grade(a)]
    counts = Counter(decided_grade(a) for a in graded)
    spread = "，".join(f"“{g}”{counts[g]}名" for g in ("好", "较好", "一般", "差") if counts[g])
    body: list = [
        Paragraph(
            circular.introduction
            or (
                f"根据《党委（党组）书记抓基层党建工作述职评议考核办法（试行）》，{campaign.organizer.name}组织开展了"
                f"{campaign.year}年度党委（党组）书记抓基层党建工作述职评议考核。经{campaign.organizer.name}研究，"
                "现将考核结果通报如下。"
            )
        ),
        Heading("一、总体情况", 1),
        Paragraph(
            f"本次共对{len(results)}名党组织书记进行述职评议考核，其中考核定等{len(graded)}名：{spread or '（无）'}。"
        ),
        Heading("二、综合评价等次", 1),
        *(
            _named_lists(results, graded)
            if circular.style == CircularStyle.LIST
            else [
                Table(
                    header=("序号", "党组织", "书记", "等次"),
                    rows=tuple(
                        (
                            str(i),
                            a.organization_name,
                            a.person_name or "—",
                            decided_grade(a) or "只述职不定等次",
                        )
                        for i, a in enumerate(results, start=1)
                    )
                    or (("—", "—", "—", "—"),),
                )
            ]
        ),
        Heading("三、有关要求", 1),
        Paragraph(
            circular.closing
            or "各级党组织书记要对照反馈意见和指出的问题，列出整改清单，认真抓好整改落实。"
            "综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次（第七条）。"
        ),
    ]
    return OfficialDocument(
        # Lines balanced by shuping.documents (GB/T 9704 §7.3.1), no line of one or two characters.
        title=circular.title,
        document_number=circular.document_number,
        addressee=circular_addressee(circular),
        body=tuple(body),
        issuer=_department(campaign),
        issued_on=circular.issued_on,
        masthead=_department(campaign),
        classification=circular.classification_text,
        copy_number=copy_number,
        has_seal=circular.has_seal,
        printed_by=_department(campaign),
        printed_on=circular.issued_on,
    )


def _signatures(transfer: ArchiveTransfer) -> str:
    """移交人 and 接收人 by name and post (EVA-7) when known, else a line to sign on paper."""
    sender = transfer.sent_by.name_and_post if transfer.sent_by is not None else "____________"
    if transfer.acknowledged_at:
        receiver = transfer.on_behalf_of or (
            transfer.acknowledged_by.name_and_post if transfer.acknowledged_by is not None else ""
        )
        return f"移交人：{sender}　　接收人：{receiver}　　接收日期：{chinese_date(_today(transfer.acknowledged_at))}"
    return f"移交人：{sender}　　接收人：____________　　接收日期：____年__月__日"


def transfer_list(transfer: ArchiveTransfer) -> OfficialDocument:
    """移交清单: every person and sealed file with its SM3 hash, to be signed by the file holder."""
    campaign = transfer.campaign
    rows = []
    number = 0
    for item in transfer.items.prefetch_related("materials").order_by("pk"):
        for m in item.materials.all():
            number += 1
            rows.append(
                (
                    str(number),
                    f"{item.organization_name} {item.person_name}",
                    m.title,
                    str(m.pages),
                    f"{m.sm3[:8]} {m.sm3[8:16]}",
                )
            )
    sent_on = _today(transfer.sent_at)
    body = (
        Paragraph(
            f"按照干部管理权限，现将{campaign.year}年度党委（党组）书记抓基层党建工作述职评议考核综合评价材料"
            f"（已封存）移交你单位，请核对后在述评系统中签收，并按有关规定归入干部人事档案（第六条）。"
        ),
        Table(
            header=("序号", "人员", "材料名称", "页数", "SM3 摘要（前16位）"),
            rows=tuple(rows) or (("—",) * 5,),
        ),
        Paragraph(f"共{transfer.items.count()}人、{number}份材料。完整摘要见随附清单文件 manifest.json。"),
        Paragraph(_signatures(transfer)),
    )
    return OfficialDocument(
        title="述职评议考核材料移交清单",
        document_number=transfer.number,
        addressee=f"{transfer.holder.name}组织部：",
        body=body,
        issuer=_department(campaign),
        issued_on=sent_on,
        masthead=_department(campaign),
        has_seal=True,
    )


def decision_extract(assessment: Assessment) -> OfficialDocument:
    """研究审定情况摘录: the decision steps that fixed this assessee's grade, with their minutes."""
    evaluation = assessment.evaluation
    steps = list(evaluation.decision_steps.order_by("held_on", "pk"))
    campaign = assessment.campaign
    return OfficialDocument(
        title=f"{campaign.year}年度述职评议考核\n研究审定情况摘录",
        document_number="",
        addressee="",
        body=(
            Paragraph(
                f"考核对象：{_secretary(assessment)}；确定等次：{decided_grade(assessment) or '只述职不定等次'}。"
            ),
            Table(
                header=("环节", "会议", "日期", "会议纪要"),
                rows=tuple(
                    (s.get_kind_display(), s.body or "—", s.held_on.isoformat(), s.minutes_reference)
                    for s in steps
                )
                or (("—", "—", "—", "—"),),
            ),
        ),
        issuer=_department(campaign),
        issued_on=_today(evaluation.decided_at),
        layout="plain",  # an extract for the file, not a 文件: no red 版头
    )


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def respond(document: OfficialDocument, name: str, fmt: str) -> HttpResponse:
    """The document as a PDF or .docx download."""
    from shuping.documents.services import render_document_docx, render_document_pdf

    if fmt == "docx":
        return attachment(render_document_docx(document), DOCX, f"{name}.docx")
    return attachment(render_document_pdf(document), "application/pdf", f"{name}.pdf")

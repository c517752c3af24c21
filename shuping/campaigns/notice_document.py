"""The campaign's 工作通知 to the levels below as a 红头文件 (DOC-3, CMP-7): built from the notice form the
organizer fills (title, 重点内容, 表格样式, 统计表) and the schedule it carries, with its attachments —
述职报告提纲, 测评表样式, 统计表 — in PDF and .docx through shuping.documents. Its 文号 is the one the
organizer's 发文 register gave it when it was published (DOC-1)."""

from __future__ import annotations

from datetime import date

from shuping.core.dates import local_date_or_today
from shuping.documents.content import Attachment, Heading, OfficialDocument, Paragraph, Table, chinese_date

from .models import CampaignNotice

GRADES = ("好", "较好", "一般", "差")


def subject(notice: CampaignNotice) -> str:
    """The 发文 register's key for a campaign notice."""
    return f"campaigns.notice:{notice.pk}"


def _day(value: str | None) -> str:
    if value is None:
        return "—"
    try:
        return chinese_date(date.fromisoformat(value))
    except (TypeError, ValueError):
        return "—"


def _addressee(notice: CampaignNotice) -> str:
    """主送: every organization the campaign assesses (the levels below), never the issuer."""
    campaign = notice.campaign
    names = dict.fromkeys(
        a.organization.short_name or a.organization_name
        for a in campaign.assessments.filter(is_excluded=False)
        .select_related("organization")
        .order_by("organization_path")
        if a.organization_id != campaign.organizer_id
    )
    return ("、".join(names) or "各有关党组织") + "："


def _outline() -> Attachment:
    return Attachment(
        "述职报告提纲",
        (
            Paragraph("述职报告紧扣述职评议考核重点内容，把自己摆进去，实事求是，不写成单位工作总结。"),
            Heading("一、履行抓基层党建工作责任情况", 1),
            Paragraph("围绕年度重点任务，说明抓基层党建工作的主要措施和实际成效。"),
            Heading("二、存在的突出问题", 1),
            Paragraph("逐条查摆本人抓基层党建工作存在的突出问题，上年度考核指出问题的整改情况。"),
            Heading("三、原因分析", 1),
            Paragraph("从思想认识、履职尽责、工作方法等方面深入剖析问题产生的根源。"),
            Heading("四、下一步工作思路和措施", 1),
            Paragraph("针对问题提出破解工作瓶颈的具体措施，明确时限。"),
        ),
    )


def _ballot_form(notice: CampaignNotice) -> Attachment:
    rows = tuple((str(n), "", *[""] * len(GRADES)) for n in range(1, 6))
    body: list = [
        Paragraph("说明：请在每位述职人员对应的评价等次栏内划“√”，每人只能选一个等次；本表不记名。"),
        Table(rows, header=("序号", "述职人", *GRADES)),
        Heading("意见建议", 1),
        Table((("",), ("",), ("",)), header=("对述职人员抓基层党建工作的意见建议",)),
    ]
    if notice.forms:
        body.append(Paragraph("其他表格样式：" + "；".join(notice.forms) + "。"))
    return Attachment("测评表样式", tuple(body))


def _statistics(notice: CampaignNotice) -> Attachment:
    header = ("单位", "应考核人数", "现场述职", "书面述职", *GRADES)
    body: list = [
        Paragraph("填报单位（盖章）：　　　　　　填报人：　　　　　　联系电话："),
        Table((("", "", "", "", "", "", "", ""),) * 3, header=header),
    ]
    for n, name in enumerate(notice.statistics_tables, start=1):
        body += [
            Heading(f"（{_number(n)}）{name}", 2),
            Table((("", "", ""),) * 3, header=("项目", "数量", "备注")),
        ]
    return Attachment("述职评议考核情况统计表", tuple(body))


def _number(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def notice_document(
    notice: CampaignNotice, *, number: str = "", issued_on: date | None = None
) -> OfficialDocument:
    campaign = notice.campaign
    organizer = campaign.organizer
    schedule = notice.schedule or {}
    key_content = [
        Paragraph(line.strip()) for line in (notice.key_content or "").splitlines() if line.strip()
    ]
    key_content = key_content or [Paragraph("围绕年度抓基层党建重点任务开展述职评议考核。")]
    body: list = [
        Paragraph(
            f"根据《党委（党组）书记抓基层党建工作述职评议考核办法（试行）》，现就开展{campaign.year}年度"
            "党委（党组）书记抓基层党建工作述职评议考核工作通知如下。"
        ),
        Heading("一、重点内容", 1),
        *key_content,
        Heading("二、时间安排", 1),
        Paragraph(
            f"（一）实地考核：{_day(schedule.get('field_starts_on'))}至{_day(schedule.get('field_ends_on'))}。"
        ),
        Paragraph(
            f"（二）述职评议会：{_day(schedule.get('meetings_start_on'))}至{_day(schedule.get('meetings_end_on'))}。"
        ),
        Paragraph(f"（三）考核工作于{_day(schedule.get('ends_on'))}前完成。"),
        Heading("三、有关要求", 1),
        Paragraph("请各单位按照附件格式撰写述职报告、组织民主评议，并按时报送统计表和述职评议会方案。"),
        Paragraph("附件：1. 述职报告提纲"),
        Paragraph("　　　2. 测评表样式"),
        Paragraph("　　　3. 述职评议考核情况统计表"),
    ]
    department = f"{organizer.name}组织部"
    return OfficialDocument(
        title=notice.title,
        document_number=number,
        addressee=_addressee(notice),
        body=tuple(body),
        issuer=department,
        issued_on=issued_on or local_date_or_today(notice.published_at),
        masthead=f"{department}文件",
        printed_by=department,
        printed_on=issued_on or local_date_or_today(notice.published_at),
        attachments=(_outline(), _ballot_form(notice), _statistics(notice)),
    )

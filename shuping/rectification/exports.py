"""Exports (RCT-3 progress circular as Excel and PDF, RCT-7 unit evaluations as Excel).

Every text cell goes through `neutralise` (formula injection: = + - @ tab CR get a leading apostrophe).
The PDF is an official document (通报) through shuping.documents.
"""

from __future__ import annotations

from datetime import date

from shuping.orgs.tabular import write_xlsx

CIRCULAR_HEADER = ("党组织", "书记", "清单状态", "整改事项", "已销号", "已报完成", "逾期", "完成率（%）")


def _xlsx(title: str, header: tuple[str, ...], rows: list[tuple]) -> bytes:
    """Through the one shared .xlsx writer (DOC-4: Chinese font, frozen header, A4, fitted widths)."""
    return write_xlsx([(title[:31], list(header), [list(row) for row in rows])])


def circular_xlsx(rows: list[dict]) -> bytes:
    return _xlsx(
        "整改进度通报",
        CIRCULAR_HEADER,
        [
            (
                r["organization"],
                r["person"],
                r["status"],
                r["total"],
                r["closed"],
                r["done_reported"],
                r["overdue"],
                r["completion"],
            )
            for r in rows
        ],
    )


def units_xlsx(units) -> bytes:
    return _xlsx(
        "单位年度党建工作评价",
        ("年度", "单位", "书记述职评议考核等次", "说明"),
        [(u.year, u.organization_name, u.secretary_grade, u.note) for u in units],
    )


def progress_subject(campaign, on: date) -> str:
    """The 发文 register's key for the day's 整改通报 of a campaign (DOC-1)."""
    return f"rectification.progress:{campaign.pk}:{on.isoformat()}"


def progress_title(campaign) -> str:
    return f"关于{campaign.year}年度述职评议考核整改落实情况的通报"


def circular_document(campaign, rows: list[dict], on: date, number: str = ""):
    """The circular as an official document (通报, Art. 7: 及时通报整改情况); `number` from the 发文
    register (DOC-1)."""
    from shuping.documents.content import OfficialDocument, Paragraph, Table

    total = sum(r["total"] for r in rows)
    closed = sum(r["closed"] for r in rows)
    overdue = sum(r["overdue"] for r in rows)
    organizer = campaign.organizer.name
    return OfficialDocument(
        title=progress_title(campaign),
        document_number=number,
        addressee=_addressee(campaign, rows),
        body=(
            Paragraph(
                f"截至{on.year}年{on.month}月{on.day}日，{len(rows)}个党组织共列出整改事项{total}项，"
                f"已销号{closed}项，逾期未完成{overdue}项。现将各单位整改进度通报如下。"
            ),
            Table(
                header=("党组织", "书记", "事项", "已销号", "逾期", "完成率"),
                rows=tuple(
                    (
                        r["organization"],
                        r["person"],
                        str(r["total"]),
                        str(r["closed"]),
                        str(r["overdue"]),
                        f"{r['completion']}%",
                    )
                    for r in rows
                )
                or (("—", "—", "0", "0", "0", "0%"),),
            ),
            Paragraph("请逾期单位抓紧整改，按期报告整改进展。"),
        ),
        issuer=f"{organizer}组织部",
        issued_on=on,
        masthead=f"{organizer}组织部",
    )


def _addressee(campaign, rows: list[dict]) -> str:
    """主送 (DOC-3): each organization on the list, never the issuer."""
    names = dict.fromkeys(r["organization"] for r in rows if r["organization"] != campaign.organizer.name)
    return ("、".join(names) or "各有关党组织") + "："

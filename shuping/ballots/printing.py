"""Printed ballot papers (BAL-2, BAL-4, BAL-7): credential slip sheets and the 计票结果报告单.

PDFs are laid out by the documents base's engine — Typst with the fonts `shuping.documents.fonts`
chooses (SHUPING_FONT_DIR first, then free CJK fonts, embedded as subsets) — from this app's own
templates in `typst/`. Data travels as one JSON string, so no user text becomes markup. The .docx of
the certificate is built with python-docx naming the fonts every Chinese office machine has.

Rendering writes nothing; the codes on a slip sheet exist only in the returned bytes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.utils import timezone

from shuping.documents.fonts import FontSet, configured_fonts
from shuping.documents.render import DocumentRenderError

from .services import Slip
from .slips import qr_svg

TEMPLATE_DIR = Path(__file__).resolve().parent / "typst"
MONO_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)


@functools.lru_cache(maxsize=8)
def _compiler(template: str, fonts: FontSet):
    import typst

    dirs = [*fonts.dirs, *(d for d in MONO_FONT_DIRS if Path(d).is_dir())]
    return typst.Compiler(
        str(TEMPLATE_DIR / template),
        root=str(TEMPLATE_DIR),
        font_paths=typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=dirs),
        ignore_system_fonts=True,
    )


def _render(template: str, data: dict[str, Any]) -> bytes:
    import typst

    fonts = configured_fonts()
    payload = json.dumps({**data, "fonts": fonts.template_data()}, ensure_ascii=False)
    try:
        pdf = _compiler(template, fonts).compile(sys_inputs={"data": payload}, format="pdf")
    except typst.TypstError as error:
        raise DocumentRenderError(f"{template}: {error.message} {error.hints}") from error
    if not isinstance(pdf, bytes):
        raise DocumentRenderError(f"{template}: Typst returned no PDF")
    return pdf


def slips_pdf(*, box, slips: Sequence[Slip], vote_url: str, receipts_url: str) -> bytes:
    """The slip sheet as PDF: 12 slips per A4 page in the (already shuffled) order given, cut lines.

    Each slip: box title, category, QR code of `vote_url#CODE`, the typed code, and a tear-off receipt
    stub with the receipt code and where to check it after sealing (BAL-7).
    """
    data = {
        "title": box.title,
        "vote_url": vote_url,
        "receipts_url": receipts_url,
        "slips": [
            {
                "code": slip.display_code,
                "category": slip.category,
                "is_rehearsal": slip.is_rehearsal,
                "receipt": slip.receipt,
                "qr": str(qr_svg(f"{vote_url}#{slip.code}")),
            }
            for slip in slips
        ],
    }
    return _render("slips.typ", data)


# --- 计票结果报告单 ---------------------------------------------------------------------------------

FIGURE_LABELS = (
    ("attendees", "签到人数"),
    ("issued", "生成凭条"),
    ("voided", "作废凭条"),
    ("handed_out", "发出凭条"),
    ("phone", "手机投票"),
    ("paper", "纸质有效票"),
    ("spoiled", "废票"),
    ("cast", "收回（投票）合计"),
    ("valid", "有效票"),
    ("not_returned", "未投票"),
    ("sampled", "抽样复核"),
    ("mismatched", "复核不一致"),
)


def certificate_data(*, box, certificate, report: dict) -> dict[str, Any]:
    """Plain values for both the PDF and the .docx of the certificate."""
    figures = certificate.figures
    pairs = [[label, str(figures.get(key, ""))] for key, label in FIGURE_LABELS if key in figures]
    if len(pairs) % 2:
        pairs.append(["", ""])
    grades = [label for _key, label in report["grades"]]
    header = ["序号", "测评对象", *grades, "弃权", f"{grades[0]}票率", f"{grades[0]}+{grades[1]}率", "得分"]
    rows = []
    for number, row in enumerate(report["rows"], start=1):
        r = row["overall"]
        if r is None:  # DSC-1: withheld by the disclosure door; the reason fills the row (ADR 0007)
            reason = row["release"].overall.withheld
            rows.append([str(number), row["subject"].name, reason, *[""] * (len(header) - 3)])
            continue
        rows.append(
            [
                str(number),
                row["subject"].name,
                *[str(n) for n in r.grade_counts.values()],
                str(r.abstentions),
                row["fmt"]["top_rate"],
                row["fmt"]["top_two_rate"],
                row["fmt"]["score"],
            ]
        )
    scale = "，".join(f"{label}={score}" for _k, label, score in box.scale)
    local = timezone.localtime(box.closed_at) if box.closed_at else None
    return {
        "classification": "机密　研究审定前不得公开",
        "box_title": box.title,
        "organization": box.organization.name,
        "closed_at": local.strftime("%Y-%m-%d %H:%M") if local else "",
        "figures": [pairs[i] + pairs[i + 1] for i in range(0, len(pairs), 2)],
        "header": header,
        "rows": rows,
        "note": f"说明：得分按 {scale} 计算；废票不计入有效票；回执码清单已在封箱后公布。"
        f"为保护投票人，不足 {report['min_ballots']} 票的票箱和类别不单独列出结果；本票箱只是合并计票一部分的，"
        "本表只载清点数字，结果见合并计票（ADR 0007）。",
        "scrutineers": certificate.scrutineers,
        "counters": certificate.counters,
        "certified": f"{box.organization.name}组织部门（盖章）",
    }


def certificate_document(data: dict[str, Any]):
    """The 计票结果报告单 in the house layout (DOC-3): the same A4 page, type area, fonts, tables, page numbers
    and 落款 as every other document (`shuping.documents`, layout "plain"), from `certificate_data`'s values."""
    from datetime import date

    from shuping.core.dates import today
    from shuping.documents.content import Heading, OfficialDocument, Paragraph, Table

    header = tuple(data["header"])
    try:
        closed_on = date.fromisoformat(data["closed_at"][:10])
    except ValueError:
        closed_on = today()
    return OfficialDocument(
        title="计票结果报告单",
        subtitle=data["box_title"],
        document_number="",
        addressee="",
        body=(
            Paragraph(f"{data['organization']}　封箱时间：{data['closed_at'] or '—'}"),
            Table(tuple(tuple(row) for row in data["figures"]), header=("项目", "数量", "项目", "数量")),
            Heading("测评结果", 1),
            Table(tuple(tuple(row) for row in data["rows"]) or (("—",) * len(header),), header=header),
            Paragraph(data["note"]),
            Paragraph(f"监票人（签字）：{data['scrutineers'] or '　' * 6}"),
            Paragraph(f"计票人（签字）：{data['counters'] or '　' * 6}"),
        ),
        issuer=data["certified"],
        issued_on=closed_on,
        classification=data["classification"],
        layout="plain",
    )


def certificate_pdf(data: dict[str, Any]) -> bytes:
    """The 计票结果报告单 as PDF, in the house layout (A4, GB/T 9704 type area, CJK fonts embedded)."""
    from shuping.documents.services import render_document_pdf

    return render_document_pdf(certificate_document(data))


def certificate_docx(data: dict[str, Any]) -> bytes:
    """The 计票结果报告单 as an editable .docx, in the house layout."""
    from shuping.documents.services import render_document_docx

    return render_document_docx(certificate_document(data))

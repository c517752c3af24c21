"""Editable .docx versions of the documents (EVA-8), with python-docx.

The .docx carries the same structure as the PDF and names the fonts every Chinese office machine knows
(仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体), with the East Asian font set through `w:eastAsia`
so Word uses them for Chinese text wherever they are installed. Layout follows GB/T 9704-2012 as far
as Word paragraphs allow: A4, the standard margins, fixed 28.95 pt line pitch (22 lines a page),
first lines indented two characters, "— 1 —" page numbers alternating right and left.
"""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from .content import (
    EvaluationForm,
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    document_data,
    form_data,
)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
SMALL_PT = 14  # 4号
LINE_PITCH_PT = 28.95  # 225 mm / 22 lines, the usual Word setting for GB/T 9704
RED = RGBColor(0xD7, 0x00, 0x0F)
# Characters XML 1.0 cannot carry (lxml refuses them); tabs and line feeds are kept.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _font(
    run: Any, family: str, size_pt: float, *, bold: bool = False, color: RGBColor | None = None
) -> None:
    """Name `family` for Latin and East Asian text alike (w:ascii, w:hAnsi, w:eastAsia)."""
    run.font.name = family
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), family)


def _paragraph(
    container: Any,
    text: str,
    *,
    family: str = BODY_FONT,
    size_pt: float = BODY_PT,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent_chars: int = 0,
    right_chars: int = 0,
    bold: bool = False,
    color: RGBColor | None = None,
    exact_pitch: bool = True,
) -> DocxParagraph:
    """One paragraph of one run; `indent_chars` indents the first line by whole characters."""
    paragraph = container.add_paragraph()
    format_ = paragraph.paragraph_format
    format_.space_before = Pt(0)
    format_.space_after = Pt(0)
    if exact_pitch:
        format_.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        format_.line_spacing = Pt(LINE_PITCH_PT)
    if align is not None:
        paragraph.alignment = align
    if indent_chars:
        format_.first_line_indent = Pt(size_pt * indent_chars)
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), str(indent_chars * 100))
    if right_chars:
        format_.right_indent = Pt(size_pt * right_chars)
    # Line breaks inside a field become soft breaks, as in the PDF.
    lines = _NOT_XML.sub("", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        _font(run, family, size_pt, bold=bold, color=color)
        if number < len(lines) - 1:
            run.add_break()
    return paragraph


def _border(paragraph: DocxParagraph, side: str, *, color: str = "000000", eighths_pt: int = 8) -> None:
    """A rule above or below a paragraph (`side` is "top" or "bottom")."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.append(borders)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(eighths_pt))
    edge.set(qn("w:space"), "1")
    edge.set(qn("w:color"), color)
    borders.append(edge)


def _page_number(paragraph: DocxParagraph) -> None:
    """ "— PAGE —" in 4号宋体 (GB/T 9704 §7.5)."""
    _font(paragraph.add_run("— "), NUMBER_FONT, SMALL_PT)
    for kind, text in (("begin", ""), ("instr", " PAGE "), ("separate", ""), ("text", "1"), ("end", "")):
        run = paragraph.add_run()
        _font(run, NUMBER_FONT, SMALL_PT)
        if kind == "instr":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._element.append(instruction)
        elif kind == "text":
            run.add_text(text)
        else:
            character = OxmlElement("w:fldChar")
            character.set(qn("w:fldCharType"), kind)
            run._element.append(character)
    _font(paragraph.add_run(" —"), NUMBER_FONT, SMALL_PT)


def _new_document(*, numbered: bool) -> Any:
    """An empty A4 document with GB/T 9704 margins, 仿宋 3号 as the Normal style."""
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(35 - 7 - 5)
    normal = document.styles["Normal"]
    _font(normal, BODY_FONT, BODY_PT)
    if numbered:
        document.settings.odd_and_even_pages_header_footer = True
        odd = section.footer.paragraphs[0]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = Pt(SMALL_PT)
        _page_number(odd)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even.paragraph_format.left_indent = Pt(SMALL_PT)
        _page_number(even)
    # Drop the empty first paragraph python-docx's template starts with.
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    return document


def _table(document: Any, block: Table) -> None:
    columns = len(block.header) if block.header else len(block.rows[0])
    table = document.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = ([block.header] if block.header else []) + list(block.rows)
    for number, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            family = HEADING_FONT if block.header and number == 0 else BODY_FONT
            _cell_text(cell, text, family=family, align=WD_ALIGN_PARAGRAPH.CENTER)


def _cell_text(
    cell: _Cell, text: str, *, family: str = BODY_FONT, align: WD_ALIGN_PARAGRAPH | None = None
) -> None:
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    _paragraph(cell, text, family=family, size_pt=SMALL_PT, align=align, exact_pitch=False)


def _to_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def document_docx(document: OfficialDocument) -> bytes:
    """An official document (公文) as an editable .docx."""
    data = document_data(document)
    docx = _new_document(numbered=True)
    center = WD_ALIGN_PARAGRAPH.CENTER
    if data["copy_number"]:
        _paragraph(docx, data["copy_number"])
    if data["classification"]:
        _paragraph(docx, data["classification"], family=HEADING_FONT)
    masthead_pt = min(42.0, 440.0 / max(len(data["masthead"]), 1))
    mark = _paragraph(docx, data["masthead"], family=TITLE_FONT, size_pt=masthead_pt, align=center, color=RED)
    mark.paragraph_format.space_before = Mm(
        35 - 10.2 * (bool(data["copy_number"]) + bool(data["classification"]))
    )
    mark.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _paragraph(docx, "")
    number = _paragraph(docx, data["document_number"], align=center)
    _border(number, "bottom", color="D7000F", eighths_pt=12)
    _paragraph(docx, "")
    _paragraph(docx, "")
    title = _paragraph(docx, data["title"], family=TITLE_FONT, size_pt=TITLE_PT, align=center)
    title.paragraph_format.line_spacing = Pt(35)
    _paragraph(docx, "")
    if data["addressee"]:
        addressee = data["addressee"] if data["addressee"].endswith("：") else data["addressee"] + "："
        _paragraph(docx, addressee, align=WD_ALIGN_PARAGRAPH.LEFT)
    for block in document.body:
        if isinstance(block, Paragraph):
            _paragraph(docx, block.text, indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        elif isinstance(block, Heading):
            family = {1: HEADING_FONT, 2: KAI_FONT}.get(block.level, BODY_FONT)
            heading = _paragraph(docx, block.text, family=family, indent_chars=2, bold=block.level == 3)
            heading.paragraph_format.keep_with_next = True
        else:
            _table(docx, block)
    _paragraph(docx, "")
    right = WD_ALIGN_PARAGRAPH.RIGHT
    if data["has_seal"]:
        _paragraph(docx, "")
        _paragraph(docx, data["issuer"], align=right, right_chars=4)
        _paragraph(docx, data["issued_on"], align=right, right_chars=4)
    else:
        _paragraph(docx, data["issuer"], align=right, right_chars=2)
        _paragraph(docx, data["issued_on"], align=right, right_chars=2)
    if data["copy_to"] or data["printed_by"]:
        _paragraph(docx, "")
        lines = []
        if data["copy_to"]:
            lines.append("抄送：" + data["copy_to"])
        if data["printed_by"]:
            lines.append(f"{data['printed_by']}\t{data['printed_on']}")
        for number_, line in enumerate(lines):
            paragraph = _paragraph(docx, line, size_pt=SMALL_PT, exact_pitch=False)
            paragraph.paragraph_format.left_indent = Pt(SMALL_PT)
            paragraph.paragraph_format.right_indent = Pt(SMALL_PT)
            paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(2 * SMALL_PT), alignment=2)
            if number_ == 0:
                _border(paragraph, "top", eighths_pt=8)
            _border(paragraph, "bottom", eighths_pt=8 if number_ == len(lines) - 1 else 4)
    return _to_bytes(docx)


def form_docx(form: EvaluationForm) -> bytes:
    """The 综合评价意见表 as an editable .docx table."""
    data = form_data(form)
    docx = _new_document(numbered=False)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(docx, data["title"], family=TITLE_FONT, size_pt=TITLE_PT, align=center)
    _paragraph(docx, data["subtitle"], size_pt=SMALL_PT, align=center, exact_pitch=False)
    table = docx.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    pairs = [
        ("姓　　名", data["name"], "职　　务", data["position"]),
        ("单　　位", data["organization"], None, None),
        ("考核年度", data["year"], "考核等次", data["grade"]),
        *((label, value, None, None) for label, value in data["extra_rows"]),
    ]
    for label, value, label2, value2 in pairs:
        cells = table.add_row().cells
        _cell_text(cells[0], label, family=HEADING_FONT, align=center)
        if label2 is None:
            merged = cells[1].merge(cells[3])
            _cell_text(merged, value, align=center)
        else:
            _cell_text(cells[1], value, align=center)
            _cell_text(cells[2], label2, family=HEADING_FONT, align=center)
            _cell_text(cells[3], value2 or "", align=center)
    cells = table.add_row().cells
    _cell_text(cells[0], "综合\n评价\n意见", family=HEADING_FONT, align=center)
    opinion = cells[1].merge(cells[3])
    opinion.paragraphs[0]._p.getparent().remove(opinion.paragraphs[0]._p)
    for text in (line.strip() for line in data["opinion"].split("\n")):
        if text:
            _paragraph(opinion, text, size_pt=SMALL_PT, indent_chars=2, exact_pitch=False)
    _paragraph(opinion, "", size_pt=SMALL_PT, exact_pitch=False)
    signer = (data["signer"] or "") + "（盖章）"
    _paragraph(opinion, signer, size_pt=SMALL_PT, align=WD_ALIGN_PARAGRAPH.RIGHT, exact_pitch=False)
    date = data["signed_on"] or "年　　月　　日"
    _paragraph(opinion, date, size_pt=SMALL_PT, align=WD_ALIGN_PARAGRAPH.RIGHT, exact_pitch=False)
    _paragraph(opinion, "负责人（签字）：", size_pt=SMALL_PT, exact_pitch=False)
    table.rows[-1].height = Mm(150)
    return _to_bytes(docx)

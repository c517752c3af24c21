"""Editable .docx versions of the documents (EVA-8), with python-docx.

The .docx carries the same structure as the PDF and names the fonts every Chinese office machine knows
(仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体), with the East Asian font set through `w:eastAsia`
so Word uses them for Chinese text wherever they are installed. Layout follows GB/T 9704-2012 as far
as Word paragraphs allow: A4, the standard margins, fixed 28.95 pt line pitch (22 lines a page),
first lines indented two characters, "— 1 —" page numbers alternating right and left.

`layout="plain"` working papers get the same page without the 版头 (no red masthead, no red rule, no
版记). Tables carry their own borders (not only the "Table Grid" style) and fixed column widths from
`content.column_weights`, the same relative widths as the PDF.
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
from docx.shared import Length, Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from .content import (
    Block,
    EvaluationForm,
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    column_weights,
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
TYPE_AREA_MM = 156  # width of the type area: 210 mm less the 28 mm and 26 mm margins
# Word's document grid (DOC-4): 22 lines of 28 characters.
GRID_LINE_PITCH = round(LINE_PITCH_PT * 20)  # twentieths of a point: 579
GRID_CHAR_SPACE = round((TYPE_AREA_MM * 72 / 25.4 / 28 - BODY_PT) * 4096)  # 1/4096 pt: -848
FONT_ATTRIBUTES = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
# Theme fonts win over named ones in the same w:rFonts, so they are removed where a font is named.
THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# tblPr children that come after w:tblBorders (ECMA-376 CT_TblPr sequence).
_AFTER_TABLE_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
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
    _name_fonts(run._element.get_or_add_rPr().get_or_add_rFonts(), family)


def _name_fonts(fonts: Any, family: str) -> None:
    """Set every script's font of one w:rFonts element to `family`, dropping theme fonts."""
    for attribute in THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in FONT_ATTRIBUTES:
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


def _character_grid(section: Any) -> None:
    """The 22 × 28 grid of GB/T 9704 §5.2.2 as Word's document grid (文档网格: 指定行和字符网格).

    linePitch is the line pitch in twentieths of a point (225 mm / 22 lines); with type "linesAndChars"
    the character pitch is the Normal style's size plus charSpace / 4096 pt, so charSpace makes 16 pt
    characters advance 156 mm / 28 each.
    """
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(GRID_LINE_PITCH))
    grid.set(qn("w:charSpace"), str(GRID_CHAR_SPACE))


def _new_document(*, numbered: bool) -> Any:
    """An empty A4 document with GB/T 9704 margins, 仿宋 3号 as the Normal style."""
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(35 - 7 - 5)
    _character_grid(section)
    normal = document.styles["Normal"]
    _font(normal, BODY_FONT, BODY_PT)
    # The template's document defaults name theme fonts (Calibri/宋体 via the theme); name ours instead,
    # so even text typed later into an empty paragraph is 仿宋.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            _name_fonts(fonts, BODY_FONT)
        for language in defaults.iter(qn("w:lang")):
            language.set(qn("w:eastAsia"), "zh-CN")
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


def _table_borders(table: DocxTable, *, eighths_pt: int = 4) -> None:
    """Single black borders round and inside `table`, set on the table itself (not only its style)."""
    properties = table._tbl.tblPr
    borders = properties.find(qn("w:tblBorders"))
    if borders is not None:
        properties.remove(borders)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(eighths_pt))
        edge.set(qn("w:space"), "0")
        edge.set(qn("w:color"), "000000")
        borders.append(edge)
    later = [child for child in properties if child.tag in {qn(tag) for tag in _AFTER_TABLE_BORDERS}]
    if later:
        later[0].addprevious(borders)
    else:
        properties.append(borders)


def _fixed_widths(table: DocxTable, widths: list[Length]) -> None:
    """Fix the column widths: w:tblW, fixed layout, w:gridCol (LibreOffice) and each w:tcW (Word)."""
    table.autofit = False
    total = table._tbl.tblPr.find(qn("w:tblW"))
    if total is None:
        total = OxmlElement("w:tblW")
        table._tbl.tblPr.append(total)
    total.set(qn("w:type"), "dxa")
    total.set(qn("w:w"), str(sum(width.twips for width in widths)))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _table(document: Any, block: Table) -> None:
    weights = column_weights(block)
    widths: list[Length] = [Mm(TYPE_AREA_MM * weight / sum(weights)) for weight in weights]
    table = document.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = ([block.header] if block.header else []) + list(block.rows)
    for number, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            family = HEADING_FONT if block.header and number == 0 else BODY_FONT
            _cell_text(cell, text, family=family, align=WD_ALIGN_PARAGRAPH.CENTER)
    _fixed_widths(table, widths)
    _table_borders(table)


def _cell_text(
    cell: _Cell, text: str, *, family: str = BODY_FONT, align: WD_ALIGN_PARAGRAPH | None = None
) -> None:
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    _paragraph(cell, text, family=family, size_pt=SMALL_PT, align=align, exact_pitch=False)


def _to_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _official_head(docx: Any, data: dict[str, Any]) -> None:
    """版头 (份号, 密级, red 发文机关标志, 文号 over the red rule) and the title (GB/T 9704 §7.2, §7.3.1)."""
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
    if data["subtitle"]:
        _paragraph(docx, data["subtitle"], family=KAI_FONT, size_pt=SMALL_PT, align=center)


def _plain_head(docx: Any, data: dict[str, Any]) -> None:
    """A working paper's head: 份号/密级 if any, the title at the top, subtitle and number; no 版头."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    if data["copy_number"]:
        _paragraph(docx, data["copy_number"])
    if data["classification"]:
        _paragraph(docx, data["classification"], family=HEADING_FONT)
    if data["copy_number"] or data["classification"]:
        _paragraph(docx, "")
    title = _paragraph(docx, data["title"], family=TITLE_FONT, size_pt=TITLE_PT, align=center)
    title.paragraph_format.line_spacing = Pt(35)
    for line, family in ((data["subtitle"], KAI_FONT), (data["document_number"], BODY_FONT)):
        if line:
            _paragraph(docx, line, family=family, size_pt=SMALL_PT, align=center)


def _blocks(docx: Any, blocks: tuple[Block, ...]) -> None:
    for block in blocks:
        if isinstance(block, Paragraph):
            _paragraph(docx, block.text, indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        elif isinstance(block, Heading):
            family = {1: HEADING_FONT, 2: KAI_FONT}.get(block.level, BODY_FONT)
            heading = _paragraph(docx, block.text, family=family, indent_chars=2, bold=block.level == 3)
            heading.paragraph_format.keep_with_next = True
        else:
            _table(docx, block)


def document_docx(document: OfficialDocument) -> bytes:
    """An official document (公文), or with `layout="plain"` a working paper, as an editable .docx."""
    data = document_data(document)
    docx = _new_document(numbered=True)
    if document.layout == "plain":
        _plain_head(docx, data)
    else:
        _official_head(docx, data)
    _paragraph(docx, "")
    if data["addressee"]:
        addressee = data["addressee"] if data["addressee"].endswith("：") else data["addressee"] + "："
        _paragraph(docx, addressee, align=WD_ALIGN_PARAGRAPH.LEFT)
    _blocks(docx, document.body)
    if data["has_signature"]:
        _signature(docx, data)
    for attachment, shown in zip(document.attachments, data["attachments"], strict=True):
        label = _paragraph(docx, shown["label"], family=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.LEFT)
        label.paragraph_format.page_break_before = True
        title = _paragraph(
            docx, shown["title"], family=TITLE_FONT, size_pt=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER
        )
        title.paragraph_format.line_spacing = Pt(35)
        _paragraph(docx, "")
        _blocks(docx, attachment.body)
    if document.layout == "official" and (data["copy_to"] or data["printed_by"]):
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


def _signature(docx: Any, data: dict[str, Any]) -> None:
    """落款 (§7.3.5): issuer and date, 右空四字 under a seal, else 右空二字."""
    _paragraph(docx, "")
    right = WD_ALIGN_PARAGRAPH.RIGHT
    indent = 4 if data["has_seal"] else 2
    if data["has_seal"]:
        _paragraph(docx, "")
    _paragraph(docx, data["issuer"], align=right, right_chars=indent)
    _paragraph(docx, data["issued_on"], align=right, right_chars=indent)


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
    _table_borders(table, eighths_pt=6)
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

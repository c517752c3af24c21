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
    text_width,
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
CHAR_PT = TYPE_AREA_MM * 72 / 25.4 / 28  # one character of the 28-character line
# The 22 × 28 grid (DOC-4): a line grid of 22 lines (linePitch in twentieths of a point: 579) and 3号
# characters condensed by a quarter point (w:spacing -5 twentieths), so that 28 of them (441 pt) fit the
# 156 mm (442.2 pt) line in Word and in LibreOffice alike. Word's character grid (linesAndChars with
# charSpace -848) is not used: LibreOffice gives every 16 pt character two of its 15.79 pt cells there, 14
# characters a line (measured by converting the .docx, tests/test_docx_in_libreoffice.py).
GRID_LINE_PITCH = round(LINE_PITCH_PT * 20)
BODY_CONDENSE_TWIPS = -5
FONT_ATTRIBUTES = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
# Theme fonts win over named ones in the same w:rFonts, so they are removed where a font is named.
THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# tblPr children that come after w:tblBorders (ECMA-376 CT_TblPr sequence).
_AFTER_TABLE_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
# pPr children that come after w:autoSpaceDN (ECMA-376 CT_PPrBase sequence).
_AFTER_AUTO_SPACE = (
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
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
    properties = run._element.get_or_add_rPr()
    _name_fonts(properties.get_or_add_rFonts(), family)
    if size_pt == BODY_PT:
        _condense(properties)


def _condense(properties: Any) -> None:
    """3号 characters a quarter point narrower: 28 to the 156 mm line (the grid, DOC-4)."""
    spacing = properties.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        properties.append(spacing)
    spacing.set(qn("w:val"), str(BODY_CONDENSE_TWIPS))
    # CT_RPr is a sequence: w:spacing comes after the fonts, weight, colour and before size.
    size = properties.find(qn("w:sz"))
    if size is not None:
        size.addprevious(spacing)


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
    _asian_typography(paragraph._p.get_or_add_pPr())
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


def _line_grid(section: Any) -> None:
    """The 22 lines of GB/T 9704 §5.2.2 as Word's document grid (文档网格: 只指定行网格).

    linePitch is the line pitch in twentieths of a point (225 mm / 22 lines). The 28 characters a line
    come from the condensed 3号 runs (`_condense`).
    """
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(GRID_LINE_PITCH))
    grid.attrib.pop(qn("w:charSpace"), None)


def _asian_typography(properties: Any) -> None:
    """No punctuation hanging into the margin (w:overflowPunct, on by default in LibreOffice) and no extra
    space between Chinese text and Latin letters or digits (w:autoSpaceDE/DN, on by default in Word and
    LibreOffice): as in the PDF, every character stays inside the type area and a date keeps its width.
    Set on each paragraph (LibreOffice does not take them from the style)."""
    flags = ("w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN")
    for number, name in enumerate(flags):
        element = properties.find(qn(name))
        if element is None:
            element = OxmlElement(name)
            later = {qn(tag) for tag in (*flags[number + 1 :], "w:topLinePunct", *_AFTER_AUTO_SPACE)}
            following = [child for child in properties if child.tag in later]
            if following:
                following[0].addprevious(element)
            else:
                properties.append(element)
        element.set(qn("w:val"), "0")


def _new_document(*, numbered: bool) -> Any:
    """An empty A4 document with GB/T 9704 margins, 仿宋 3号 as the Normal style."""
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(35 - 7 - 5)
    _line_grid(section)
    normal = document.styles["Normal"]
    _font(normal, BODY_FONT, BODY_PT)
    _asian_typography(normal.element.get_or_add_pPr())
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


def _to_bytes(document: Any, title: str) -> bytes:
    """The file, with its title (on one line) in its properties: a PDF printed from it carries it (DOC-3)."""
    document.core_properties.title = title.replace("\n", "")
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
        _signature(docx, data, document.body[-1] if document.body else None)
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
    return _to_bytes(docx, data["title"])


# The body's last paragraph is kept with the 落款 when it is at most this wide (six lines of 28 characters,
# in half-width units). Word then carries only the paragraph's last lines over with the 落款, but
# LibreOffice moves the whole paragraph: a longer one would leave most of a page empty there, so a long
# last paragraph is not kept (the PDF, laid out by Shuping, moves exactly two lines in every case).
KEEP_WITH_SIGNATURE_WIDTH = 6 * 56 - 4


def _signature(docx: Any, data: dict[str, Any], last_block: Block | None) -> None:
    """落款 (§7.3.5), laid out as the PDF's: under a seal the date 右空四字 and the issuer centred over it
    (§7.3.5.1); without one the issuer 右空二字 and the date starting two characters further right, both
    moved left if the date is the longer (§7.3.5.2). Widths are estimated in characters (a Latin letter or
    digit counts half, as in 仿宋_GB2312).

    The 落款 is never alone on a page (§7.3.5): its lines are kept together, and a last paragraph of the
    body of up to six lines is kept with them, so an office suite carries it over with the signature.
    """
    if isinstance(last_block, Paragraph) and text_width(last_block.text) <= KEEP_WITH_SIGNATURE_WIDTH:
        DocxParagraph(docx.element.body[-2], docx._body).paragraph_format.keep_with_next = True
    issuer_width = text_width(data["issuer"]) / 2
    date_width = text_width(data["issued_on"]) / 2
    blanks = [("", WD_ALIGN_PARAGRAPH.LEFT, 0.0, 0.0)] * (2 if data["has_seal"] else 1)
    if data["has_seal"]:
        date_right = 4.0
        issuer_right = max(0.0, date_right + date_width / 2 - issuer_width / 2)
        lines = [
            (data["issuer"], WD_ALIGN_PARAGRAPH.RIGHT, 0.0, issuer_right),
            (data["issued_on"], WD_ALIGN_PARAGRAPH.RIGHT, 0.0, date_right),
        ]
    else:
        # Left-aligned, so that the date starts exactly two characters right of the issuer.
        issuer_left = 28 - 2 - max(issuer_width, date_width + 2)
        lines = [
            (data["issuer"], WD_ALIGN_PARAGRAPH.LEFT, issuer_left, 0.0),
            (data["issued_on"], WD_ALIGN_PARAGRAPH.LEFT, issuer_left + 2, 0.0),
        ]
    lines = blanks + lines
    for number, (text, align, left, right) in enumerate(lines):
        paragraph = _paragraph(docx, text, align=align)
        paragraph.paragraph_format.left_indent = Pt(left * CHAR_PT)
        paragraph.paragraph_format.right_indent = Pt(right * CHAR_PT)
        paragraph.paragraph_format.keep_with_next = number < len(lines) - 1


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
    return _to_bytes(docx, data["title"])

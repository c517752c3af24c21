"""EVA-8: working papers get a plain layout (no 版头), and table columns are sized to their content."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn

from shuping.documents import services
from shuping.documents.content import (
    CELL_PADDING,
    OfficialDocument,
    Paragraph,
    Table,
    column_weights,
    fair_widths,
    text_width,
)
from shuping.documents.tests.helpers import flat, pdf_text, sample_document

LONG_NAME = "中共某某县教育体育局党委（县委教育工作领导小组秘书组）"


def _working_paper(**changes: object) -> OfficialDocument:
    """A 议程及主持词-like working paper with the circular's issuer (whose masthead would be …文件)."""
    values: dict[str, object] = {
        "layout": "plain",
        "title": "述职评议会\n议程及主持词",
        "subtitle": "（2026年1月10日　县委党校报告厅）",
        "document_number": "",
        "addressee": "",
        "copy_number": None,
        "classification": "",
        "has_seal": False,
        "copy_to": "",
        "printed_by": "",
        "printed_on": None,
        "body": (
            Table(
                header=("序号", "党组织", "姓名"),
                rows=(("1", LONG_NAME, "张红"), ("2", "青山镇党委", "王建国")),
            ),
            Paragraph("同志们：今天我们召开述职评议会。"),
        ),
    }
    values.update(changes)
    return sample_document(**values)


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def _tables(data: bytes) -> list:
    return docx.Document(io.BytesIO(data)).tables


@pytest.mark.req("EVA-8")
def test_a_plain_working_paper_pdf_has_no_masthead_but_keeps_title_body_and_page_number(tmp_path):
    text = pdf_text(services.render_document_pdf(_working_paper()), tmp_path)

    assert "文件" not in text
    for expected in ("议程及主持词", "县委党校报告厅", "同志们", LONG_NAME, "— 1 —"):
        assert flat(expected) in flat(text)


@pytest.mark.req("EVA-8")
def test_the_official_layout_keeps_the_masthead(tmp_path):
    text = pdf_text(services.render_document_pdf(sample_document()), tmp_path)

    assert flat("中共某某县委组织部文件") in flat(text)


@pytest.mark.req("EVA-8")
def test_a_plain_paper_prints_the_signature_only_when_asked(tmp_path):
    signed = pdf_text(services.render_document_pdf(_working_paper()), tmp_path)
    unsigned = pdf_text(services.render_document_pdf(_working_paper(has_signature=False)), tmp_path)

    assert "2026年2月5日" in flat(signed)
    assert "2026年2月5日" not in flat(unsigned)


@pytest.mark.req("EVA-8")
def test_a_plain_docx_has_no_masthead_no_red_and_no_imprint():
    data = services.render_document_docx(_working_paper(copy_to="市委组织部", printed_by="办公室"))

    text = _docx_text(data)
    assert "文件" not in text and "抄送" not in text
    assert "议程及主持词" in text and LONG_NAME in text
    assert b"D7000F" not in data  # neither red masthead nor red rule
    assert "中共某某县委组织部文件" in _docx_text(services.render_document_docx(sample_document()))


@pytest.mark.req("EVA-8")
def test_every_docx_run_names_an_east_asian_font_and_tables_have_borders():
    for document in (sample_document(), _working_paper()):
        word = docx.Document(io.BytesIO(services.render_document_docx(document)))
        parts = [
            word.element.body,
            word.sections[0].footer._element,
            word.sections[0].even_page_footer._element,
        ]
        runs = [run for part in parts for run in part.iter(qn("w:r"))]
        assert runs
        for run in runs:
            fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsia")), run.xml
            assert fonts.get(qn("w:eastAsiaTheme")) is None
        for table in word.tables:
            borders = table._tbl.tblPr.find(qn("w:tblBorders"))
            assert borders is not None
            assert {edge.get(qn("w:val")) for edge in borders} == {"single"}
            assert len(borders) == 6


@pytest.mark.req("EVA-8")
def test_given_column_widths_are_kept_in_the_docx():
    table = Table(header=("党组织", "等次", "人数"), rows=(("青山镇党委", "好", "8"),), widths=(3, 1, 1))
    document = _working_paper(body=(table,))

    (word_table,) = _tables(services.render_document_docx(document))

    grid = [int(column.get(qn("w:w"))) for column in word_table._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert grid[0] == pytest.approx(3 * grid[1], abs=3) and grid[1] == grid[2]
    assert sum(grid) == pytest.approx(156 / 25.4 * 1440, abs=5)  # the whole 156 mm type area
    assert [cell.width.twips for cell in word_table.rows[0].cells] == grid
    assert word_table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


@pytest.mark.req("EVA-8")
def test_auto_widths_give_the_long_names_column_the_room_and_keep_short_ones_whole():
    document = _working_paper()

    (word_table,) = _tables(services.render_document_docx(document))

    number, name, person = (cell.width for cell in word_table.rows[0].cells)
    assert name > 3 * number and name > 2 * person
    # 序号 and 姓名 keep room for their longest cell (two and three Chinese characters).
    weights = column_weights(document.body[0])
    assert weights[0] >= text_width("序号") + CELL_PADDING
    assert weights[2] >= text_width("王建国") + CELL_PADDING


@pytest.mark.req("EVA-8")
def test_auto_widths_count_chinese_characters_double_and_share_the_page_fairly():
    assert text_width("序号") == 4 and text_width("100%") == 4 and text_width("甲\nABCDEF") == 6
    # Everything fits: natural widths unchanged.
    assert fair_widths([6, 10, 8], 63) == [6, 10, 8]
    # Too wide: the narrow columns keep their width, the two wide ones share what is left equally.
    assert fair_widths([6, 80, 40, 7], 63) == [6, 25, 25, 7]
    # One very wide column and one that fits in an equal share: only the wide one is narrowed.
    assert fair_widths([6, 80, 20], 63) == [6, 37, 20]


@pytest.mark.req("EVA-8")
def test_a_blank_column_to_sign_in_gets_room_to_write():
    sheet = Table(header=("序号", "姓名", "单位职务", "签名"), rows=(("1", "马建国", "市委书记", ""),))

    weights = column_weights(sheet)

    assert weights[3] == max(weights) and weights[3] > 2 * weights[0]


@pytest.mark.req("EVA-8")
def test_bad_widths_and_layouts_are_refused():
    with pytest.raises(ValueError):
        Table(header=("a", "b"), rows=(("1", "2"),), widths=(1,))
    with pytest.raises(ValueError):
        Table(header=("a", "b"), rows=(("1", "2"),), widths=(1, 0))
    with pytest.raises(ValueError):
        _working_paper(layout="fancy")


@pytest.mark.req("EVA-8")
def test_an_official_document_pdf_with_a_long_names_table_still_renders(tmp_path):
    table = Table(header=("党组织", "完成率"), rows=((LONG_NAME * 2, "60%"),))
    text = pdf_text(services.render_document_pdf(sample_document(body=(table,))), tmp_path)

    assert "60%" in text

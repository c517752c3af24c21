"""EVA-8: documents are real files — PDF with embedded Chinese fonts in GB/T 9704 layout, and .docx."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from shuping.documents import services
from shuping.documents.content import balance_title, chinese_date
from shuping.documents.fonts import FontsMissingError, configured_fonts, discover_fonts
from shuping.documents.tests.helpers import (
    HOSTILE,
    flat,
    page_count,
    pdf_fonts,
    pdf_text,
    sample_document,
    sample_form,
)

A4_MEDIA_BOX = rb"/MediaBox\s*\[\s*0\s+0\s+595\.2\d*\s+841\.8\d*\s*\]"


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


@pytest.mark.req("EVA-8")
def test_an_official_document_is_an_a4_pdf_with_every_font_embedded(tmp_path):
    pdf = services.render_document_pdf(sample_document())

    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) >= 2
    assert re.search(A4_MEDIA_BOX, pdf)
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts, "the PDF names no font"
    assert all(embedded for _, embedded in fonts), fonts
    assert any("CJK" in name or "GB2312" in name or "Fang" in name for name, _ in fonts), fonts


@pytest.mark.req("EVA-8")
def test_the_pdf_text_carries_title_number_issuer_and_date(tmp_path):
    document = sample_document()

    text = pdf_text(services.render_document_pdf(document), tmp_path)

    for expected in (document.title, document.document_number, document.issuer, "2026年2月5日", "— 1 —"):
        assert flat(expected) in flat(text)


@pytest.mark.req("EVA-8")
def test_the_docx_opens_and_names_the_official_fonts():
    document = sample_document()

    data = services.render_document_docx(document)

    text = _docx_text(data)
    # The title in balanced lines (DOC-3), the same breaks as the PDF.
    assert balance_title(document.title) in text
    for expected in (
        document.document_number,
        document.issuer,
        chinese_date(document.issued_on),
    ):
        assert expected in text
    parsed = docx.Document(io.BytesIO(data))
    east_asian = {
        paragraph.text: paragraph.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia"))
        for paragraph in parsed.paragraphs
        if paragraph.runs
    }
    assert east_asian[balance_title(document.title)] == "方正小标宋简体"
    assert east_asian[document.body[0].text] == "仿宋_GB2312"
    assert east_asian["一、总体情况"] == "黑体"
    section = parsed.sections[0]
    margins_mm = [
        round(value.mm) for value in (section.top_margin, section.left_margin, section.right_margin)
    ]
    assert margins_mm == [37, 28, 26] and round(section.bottom_margin.mm) == 35


@pytest.mark.req("EVA-8")
def test_the_evaluation_form_stays_on_one_page_however_long_the_opinion(tmp_path):
    short = services.render_form_pdf(sample_form())
    long = services.render_form_pdf(sample_form(opinion="该同志认真履行职责，成效明显。" * 250))

    assert page_count(short) == 1 and page_count(long) == 1
    text = pdf_text(short, tmp_path)
    for expected in ("综合评价意见表", "王建国", "中共某某县青山镇委员会", "较好", "（盖章）"):
        assert expected in flat(text)


@pytest.mark.req("EVA-8")
def test_the_form_docx_holds_the_same_fields():
    text = _docx_text(services.render_form_docx(sample_form()))

    for expected in (
        "综合评价意见表",
        "王建国",
        "镇党委书记",
        "2025年度",
        "较好",
        "中共某某县委组织部（盖章）",
    ):
        assert expected in text


@pytest.mark.req("EVA-8")
def test_hostile_text_is_printed_verbatim_and_cannot_change_the_layout(tmp_path):
    document = sample_document(title=HOSTILE, addressee=HOSTILE, issuer=HOSTILE, document_number=HOSTILE)
    form = sample_form(name=HOSTILE, opinion=HOSTILE + "\n" + HOSTILE, organization=HOSTILE)

    document_pdf = services.render_document_pdf(document)
    form_pdf = services.render_form_pdf(form)

    assert re.search(A4_MEDIA_BOX, document_pdf) and re.search(A4_MEDIA_BOX, form_pdf)
    assert page_count(form_pdf) == 1
    for pdf in (document_pdf, form_pdf):
        text = pdf_text(pdf, tmp_path)
        for fragment in (
            "#set page(width: 1cm)",
            "$x^2$",
            "*粗*",
            "_斜_",
            "[括号]",
            "\\反斜杠",
            '"引号"',
            "<标签>",
            "@引用",
        ):
            assert flat(fragment) in flat(text), fragment
    assert HOSTILE in _docx_text(services.render_document_docx(document))
    assert HOSTILE in _docx_text(services.render_form_docx(form))


@pytest.mark.req("EVA-8")
def test_a_font_in_the_configured_folder_is_used_before_system_fonts(tmp_path, settings, wqy_or_noto_font):
    folder = tmp_path / "licensed"
    folder.mkdir()
    shutil.copyfile(wqy_or_noto_font, folder / "licensed-font.ttc")
    settings.SHUPING_FONT_DIR = str(folder)

    fonts = configured_fonts()
    pdf = services.render_form_pdf(sample_form())

    assert fonts.body.is_from_font_dir and Path(fonts.body.path).parent == folder
    assert fonts.dirs[0] == str(folder)
    embedded = pdf_fonts(pdf, tmp_path)
    family = fonts.body.family.replace(" ", "")
    assert any(family in name.replace("-", "") for name, _ in embedded), (family, embedded)


def test_a_licensed_fangsong_in_the_folder_takes_the_body_role(tmp_path, wqy_or_noto_font):
    # fontTools is a development dependency (via WeasyPrint); without it this test fails (INT-4).
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # A stand-in for 仿宋_GB2312: a small subset of a free font renamed to the licensed family name.
    font = TTFont(str(wqy_or_noto_font), fontNumber=0, lazy=True)
    subsetter = subset.Subsetter()
    subsetter.populate(text="综合评价意见表王建国某县委组织部")
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 6, 16):
            record.string = "FangSong_GB2312"
    font.save(str(tmp_path / "FangSong_GB2312.ttf"))

    fonts = discover_fonts(font_dir=str(tmp_path))

    assert fonts.body.family == "FangSong_GB2312" and fonts.body.is_from_font_dir
    assert not fonts.title.is_from_font_dir  # no 小标宋 in the folder: the free stand-in stays


@pytest.mark.req("EVA-8")
def test_no_chinese_font_at_all_is_a_clear_chinese_error(tmp_path):
    with pytest.raises(FontsMissingError) as error:
        discover_fonts(search_dirs=[str(tmp_path)])

    assert "未找到任何中文字体" in error.value.message and "SHUPING_FONT_DIR" in error.value.message


@pytest.mark.req("EVA-8")
def test_a_configured_font_folder_that_does_not_exist_is_reported(tmp_path):
    with pytest.raises(FontsMissingError) as error:
        discover_fonts(font_dir=str(tmp_path / "missing"))

    assert "字体目录不存在" in error.value.message


@pytest.mark.req("EVA-8")
def test_a_batch_renders_in_order_over_worker_processes_and_reports_progress(tmp_path):
    forms = [sample_form(name=f"测试{number:02d}号") for number in range(services.POOL_THRESHOLD + 6)]
    calls: list[tuple[int, int]] = []

    pdfs = services.render_batch(forms, workers=2, progress=lambda done, total: calls.append((done, total)))

    assert len(pdfs) == len(forms) and all(pdf.startswith(b"%PDF-") for pdf in pdfs)
    assert calls[0] == (0, len(forms)) and calls[-1] == (len(forms), len(forms))
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    for index in (0, len(forms) - 1):
        text = pdf_text(pdfs[index], tmp_path)
        assert f"测试{index:02d}号" in flat(text)


def test_a_small_batch_renders_in_process():
    calls: list[tuple[int, int]] = []

    pdfs = services.render_batch(
        [sample_form(), sample_form(name="李四")], progress=lambda *call: calls.append(call)
    )

    assert len(pdfs) == 2 and calls == [(0, 2), (2, 2)]

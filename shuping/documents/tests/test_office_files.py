"""DOC-4: fonts and office files — the free 楷体 for 楷体 roles, stand-ins reported on the generating page
and by `shuping check`, the .docx on the 22 × 28 character grid, .xlsx that prints."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx.oxml.ns import qn
from openpyxl import load_workbook

from shuping.documents import services
from shuping.documents.fonts import FontFace, FontSet, configured_fonts, discover_fonts
from shuping.documents.tests.helpers import sample_document
from shuping.orgs.tabular import write_xlsx, xlsx_width
from shuping.rectification.exports import circular_xlsx

LONG_NAME = "中共示范省直属机关工作委员会机关党委"  # 18 characters: 38 columns wide


@pytest.mark.req("DOC-4")
def test_the_kai_role_is_set_in_the_free_kai_from_fonts_arphic_ukai():
    fonts = discover_fonts()
    assert fonts.kai.family in ("AR PL UKai", "AR PL UKai CN", "FandolKai"), (
        "install fonts-arphic-ukai (make sysdeps)"
    )
    assert fonts.kai.family != fonts.body.family
    kai = {item.role: item for item in fonts.stand_ins()}["楷体"]
    assert kai.wanted == "楷体_GB2312" and kai.used == fonts.kai.family


@pytest.mark.req("DOC-4")
def test_stand_ins_are_recorded_per_role_and_none_when_the_licensed_fonts_are_there():
    def face(family: str) -> FontFace:
        return FontFace(family, "/fonts/x.ttf")

    licensed = FontSet(
        title=face("方正小标宋简体"),
        body=face("仿宋_GB2312"),
        heading=face("黑体"),
        kai=face("楷体_GB2312"),
        fallbacks=(),
        dirs=(),
    )
    assert licensed.stand_ins() == [] and licensed.report() == ""
    free = FontSet(
        title=face("Noto Serif CJK SC"),
        body=face("FandolFang"),
        heading=face("黑体"),
        kai=face("AR PL UKai"),
        fallbacks=(),
        dirs=(),
    )
    assert [(s.role, s.wanted, s.used) for s in free.stand_ins()] == [
        ("小标宋", "方正小标宋简体", "Noto Serif CJK SC"),
        ("仿宋", "仿宋_GB2312", "FandolFang"),
        ("楷体", "楷体_GB2312", "AR PL UKai"),
    ]
    assert (
        "SHUPING_FONT_DIR" in free.report() and "仿宋（应为仿宋_GB2312）用 FandolFang 代替" in free.report()
    )


@pytest.mark.req("DOC-4")
def test_shuping_check_names_each_roles_font_and_the_stand_ins():
    out = io.StringIO()
    call_command("check", stdout=out)
    text = out.getvalue()
    fonts = configured_fonts()
    assert f"公文字体 楷体：{fonts.kai.family}" in text
    assert fonts.report() and fonts.report() in text and "SHUPING_FONT_DIR" in text


@pytest.mark.req("DOC-4", "DOC-1")
def test_the_generating_page_says_a_stand_in_is_used(world):
    client = Client()
    client.force_login(world.organizer_staff)
    page = client.get(reverse("documents:register", args=[world.province.pk])).content.decode()
    assert "生成的公文使用了替代字体" in page and "SHUPING_FONT_DIR" in page
    assert "应为仿宋_GB2312" in page


@pytest.mark.req("DOC-4")
def test_the_docx_carries_the_22_line_grid_and_28_characters_a_line():
    data = services.render_document_docx(sample_document())
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    grid = xml[xml.index("<w:docGrid") : xml.index("/>", xml.index("<w:docGrid"))]
    # 225 mm / 22 lines = 28.95 pt = 579 twentieths of a point.
    assert 'w:type="lines"' in grid and 'w:linePitch="579"' in grid
    # Every 3号 run condensed by a quarter point: 28 characters (441 pt) fit the 156 mm (442.2 pt) line,
    # 29 do not. (Measured in LibreOffice: test_docx_in_libreoffice.py.)
    word = docx.Document(io.BytesIO(data))
    runs = [run for run in word.element.body.iter(qn("w:r")) if run.find(qn("w:rPr")) is not None]
    body_runs = [run for run in runs if run.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "32"]
    assert body_runs
    for run in body_runs:
        assert run.find(qn("w:rPr")).find(qn("w:spacing")).get(qn("w:val")) == "-5", run.xml
    line = 156 / 25.4 * 72
    assert 28 * (16 - 5 / 20) <= line < 29 * (16 - 5 / 20)


@pytest.mark.req("DOC-4")
def test_every_xlsx_uses_a_chinese_font_freezes_and_repeats_its_header_and_fits_its_columns():
    rows = [
        {
            "organization": LONG_NAME,
            "person": "张三",
            "status": "已确认",
            "total": 5,
            "closed": 2,
            "done_reported": 1,
            "overdue": 0,
            "completion": 40,
        }
    ]
    for data in (circular_xlsx(rows), write_xlsx([("表", ["党组织", "人数"], [[LONG_NAME, 3]])])):
        sheet = load_workbook(io.BytesIO(data)).worksheets[0]
        assert sheet["A2"].value == LONG_NAME and sheet["A2"].font.name == "宋体"
        assert sheet["A1"].font.name == "宋体" and sheet["A1"].font.bold
        assert sheet.freeze_panes == "A2"
        assert sheet.print_title_rows == "$1:$1"
        assert str(sheet.page_setup.paperSize) == "9" and sheet.page_setup.fitToWidth == 1
        assert sheet.column_dimensions["A"].width >= xlsx_width(LONG_NAME) == len(LONG_NAME) * 2 + 2
        assert sheet.column_dimensions["B"].width < 12  # a short column stays narrow

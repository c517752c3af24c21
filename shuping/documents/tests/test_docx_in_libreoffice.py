"""DOC-3, DOC-4: the .docx files converted in LibreOffice and measured like the PDFs — A4, the 156 × 225 mm
type area at 37 mm from the top and 28 mm from the left, 22 lines of 28 characters, the fonts of each role
embedded, the signature block anchored as GB/T 9704 §7.3.5 says and never alone on a page, nothing outside
the type area, titles in lines of three characters or more, the title in the PDF's metadata.

One `soffice` run converts every sample (a few seconds), so the module is marked slow.
"""

from __future__ import annotations

import datetime
import io
import itertools
from collections import Counter

import pdfplumber
import pytest

from shuping.documents import services
from shuping.documents.content import Attachment, Heading, Paragraph, Table, balance_title, chinese_date
from shuping.documents.tests import measure
from shuping.documents.tests.helpers import pdf_fonts, sample_document, sample_form
from shuping.documents.tests.libreoffice import docx_to_pdf

pytestmark = [pytest.mark.slow, pytest.mark.req("DOC-3", "DOC-4")]

ISSUED = datetime.date(2026, 12, 8)
CJK = "各级党组织要对照反馈问题认真制定整改清单确保整改到位取得实效并按时报送整改落实情况"
# Lines of pure Chinese text the first paragraph of the sweep has, one more each time, so that one of the
# samples has a body — ending with a closing paragraph of two lines — that ends on the last line of a page
# (where the 落款 would be left alone).
SWEEP = range(20, 30)


def _long(chars: int) -> str:
    return (CJK * (chars // len(CJK) + 1))[:chars]


def _samples() -> dict[str, bytes]:
    files = {
        "sealed": services.render_document_docx(sample_document(issued_on=ISSUED)),
        "unsealed": services.render_document_docx(
            sample_document(issued_on=ISSUED, has_seal=False, copy_to="", printed_by="")
        ),
        "plain": services.render_document_docx(
            sample_document(
                layout="plain",
                title="述职评议会\n议程及主持词",
                document_number="",
                addressee="",
                classification="",
                copy_number=None,
                has_seal=False,
                copy_to="",
                printed_by="",
                printed_on=None,
                body=(
                    Table(header=("序号", "议程"), rows=(("1", "书记述职"), ("2", "民主测评"))),
                    Paragraph("同志们：今天我们召开述职评议会。" * 6),
                ),
            )
        ),
        "notice": services.render_document_docx(
            sample_document(
                title="关于开展2026年度党委（党组）书记抓基层党建工作述职评议考核的通知",
                issued_on=ISSUED,
                body=(
                    Paragraph("现将有关事项通知如下。"),
                    Heading("一、考核范围", 1),
                    Heading("（一）参加述职的党组织", 2),
                    Paragraph(_long(600)),
                ),
                attachments=(
                    Attachment("述职报告提纲", (Paragraph(_long(200)),)),
                    Attachment(
                        "述职评议考核情况统计表", (Table(header=("党组织", "等次"), rows=(("甲", "好"),)),)
                    ),
                ),
            )
        ),
        # A page of body text only: 22 lines of 28 characters.
        "full": services.render_document_docx(
            sample_document(
                issued_on=ISSUED, body=(Paragraph(_long(26 + 28 * 60)),), copy_to="", printed_by=""
            )
        ),
    }
    for extra in SWEEP:
        body = (Paragraph(_long(26 + 28 * extra)), Paragraph(_long(26 + 28)))
        files[f"sweep-{extra}"] = services.render_document_docx(
            sample_document(issued_on=ISSUED, body=body, copy_to="", printed_by="")
        )
    return files


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, bytes]:
    files = {**_samples(), "form": services.render_form_docx(sample_form())}
    return docx_to_pdf(files, tmp_path_factory.mktemp("libreoffice"))


def test_every_page_is_a4_and_every_font_is_embedded(converted, tmp_path):
    for name, pdf in converted.items():
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            sizes = {
                (round(page.width / measure.MM), round(page.height / measure.MM)) for page in document.pages
            }
        assert sizes == {(210, 297)}, (name, sizes)
        fonts = pdf_fonts(pdf, tmp_path)
        assert fonts and all(embedded for _, embedded in fonts), (name, fonts)


def _font_of(pdf: bytes, text: str) -> str:
    line = measure.find_line(pdf, text)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[line.page - 1]
        names = {char["fontname"].split("+")[-1] for char in page.chars if abs(char["top"] - line.top) < 1}
    assert len(names) == 1, (text, names)
    return names.pop()


def test_each_role_is_set_in_its_own_face(converted):
    pdf = converted["notice"]
    body = _font_of(pdf, "现将有关事项通知如下。")
    heading = _font_of(pdf, "一、考核范围")
    kai = _font_of(pdf, "（一）参加述职的党组织")
    assert len({body, heading, kai}) == 3, (body, heading, kai)


def test_the_type_area_holds_22_lines_of_28_characters_at_37_and_28_mm(converted):
    pdf = converted["full"]
    body = [line for line in measure.body_lines(pdf) if abs(line.size - 16) < 0.5]
    per_page = Counter(line.page for line in body)
    # Page 2 is body text only, from the top of the type area to its foot.
    page = [line for line in body if line.page == 2]
    assert per_page[2] == 22, per_page
    pitches = [b.top - a.top for a, b in itertools.pairwise(page)]
    assert all(abs(pitch - 225 * measure.MM / 22) < 0.3 for pitch in pitches), pitches
    # The first line in the type area's first line slot, the 22nd in its last.
    pitch = 225 * measure.MM / 22
    assert measure.TOP <= page[0].top and page[0].top + 16 <= measure.TOP + pitch
    assert measure.BOTTOM - pitch <= page[-1].top and page[-1].top + 16 <= measure.BOTTOM
    # Every full line (not the paragraph's last) holds 28 characters and spans the type area.
    full = page[:-1]
    assert {len(line.text) for line in full} == {28}, [line.text for line in full if len(line.text) != 28]
    assert all(abs(line.x0 - measure.LEFT) < 1 and abs(line.x1 - measure.RIGHT) < 1.5 for line in full)


def test_nothing_is_printed_outside_the_type_area(converted, tmp_path):
    for name, pdf in converted.items():
        if name == "form":
            continue  # the 综合评价意见表 is a table on its own page layout, measured below
        (tmp_path / name).mkdir()
        assert measure.ink_outside(pdf, tmp_path / name) == [], name
        for line in measure.body_lines(pdf):
            assert line.x0 >= measure.LEFT - measure.TOLERANCE, (name, line)
            assert line.x1 - measure.CHAR / 2 <= measure.RIGHT + measure.TOLERANCE, (name, line)


def test_the_form_stays_on_one_page_inside_the_margins(converted, tmp_path):
    pdf = converted["form"]
    lines = measure.lines(pdf)
    assert {line.page for line in lines} == {1}
    assert all(line.x0 >= measure.LEFT - 1 and line.x1 <= measure.RIGHT + 1 for line in lines)
    assert measure.title_lines(pdf) == ["综合评价意见表"]


def test_a_sealed_signature_ends_four_characters_from_the_right_with_the_issuer_centred(converted):
    pdf = converted["sealed"]
    date = measure.find_line(pdf, chinese_date(ISSUED))
    signer = measure.find_line(pdf, "中共某某县委组织部")
    assert abs((measure.RIGHT - date.x1) - 4 * measure.CHAR) < 2, (measure.RIGHT - date.x1) / measure.CHAR
    # Centred over the date, whose width the .docx can only estimate: LibreOffice adds space between
    # Chinese and digits (it ignores w:autoSpaceDN="0", which Word honours) and its stand-in's digits are
    # wider than half a character, so its date is about a character wider than in Word.
    assert abs((date.x0 + date.x1) / 2 - (signer.x0 + signer.x1) / 2) < measure.CHAR
    assert signer.page == date.page and 0 < date.top - signer.top < 12 * measure.MM


def test_an_unsealed_signature_puts_the_date_two_characters_right_of_the_issuer(converted):
    pdf = converted["unsealed"]
    date = measure.find_line(pdf, chinese_date(ISSUED))
    signer = measure.find_line(pdf, "中共某某县委组织部")
    assert abs((measure.RIGHT - signer.x1) - 2 * measure.CHAR) < 2
    assert abs((date.x0 - signer.x0) - 2 * measure.CHAR) < 2


def test_the_signature_is_never_alone_on_a_page(converted):
    pages = []
    for extra in SWEEP:
        pdf = converted[f"sweep-{extra}"]
        date = measure.find_line(pdf, chinese_date(ISSUED))
        body = [
            line
            for line in measure.body_lines(pdf)
            if line.page == date.page and abs(line.size - 16) < 0.5 and line.top < date.top - 25
        ]
        assert len(body) >= 2, (extra, date.page)
        pages.append(date.page)
    # The sweep crosses the foot of a page: one of its bodies ends on the page's last line.
    assert len(set(pages)) == 2, pages


def test_titles_break_into_balanced_lines_and_the_pdf_carries_the_title(converted):
    notice = converted["notice"]
    title = "关于开展2026年度党委（党组）书记抓基层党建工作述职评议考核的通知"
    shown = measure.title_lines(notice)
    assert "".join(shown) == title and len(shown) == len(balance_title(title).split("\n"))
    assert all(len(line) >= 3 for line in shown), shown
    assert measure.metadata(notice).get("Title") == title
    assert measure.metadata(converted["plain"]).get("Title") == "述职评议会议程及主持词"
    assert measure.metadata(converted["form"]).get("Title") == "综合评价意见表"


def test_page_numbers_alternate_right_and_left(converted):
    pdf = converted["full"]
    numbers = [line for line in measure.lines(pdf) if line.top > measure.BOTTOM]
    assert [line.text for line in numbers] == [f"—{n}—" for n in range(1, len(numbers) + 1)]
    for number in numbers:
        if number.page % 2:
            assert abs(measure.RIGHT - measure.CHAR * 14 / 16 - number.x1) < 3
        else:
            assert abs(number.x0 - measure.LEFT - measure.CHAR * 14 / 16) < 3


@pytest.mark.django_db
def test_the_generated_notice_and_certificate_docx_print_inside_the_type_area(world, tmp_path):
    # Two .docx as the app generates them, from their pages: the campaign's 工作通知 (红头文件 with its
    # attachments) and the certified 计票结果报告单.
    from django.test import Client
    from django.urls import reverse

    from shuping.ballots import services as ballot_services
    from shuping.ballots import services_counting
    from shuping.ballots.tests.factories import make_box, vote
    from shuping.campaigns import cascade
    from shuping.evaluations.tests.builders import campaign_at_evaluation

    staff = world.organizer_staff
    campaign = campaign_at_evaluation(world, extra=2)
    title = "关于开展2023年度党委（党组）书记抓基层党建工作述职评议考核的通知"
    notice = cascade.publish_notice(
        actor=staff,
        campaign=campaign,
        title=title,
        key_content="突出抓党建促乡村振兴。\n加强党员队伍建设。",
        forms=["民主评议测评表"],
        statistics_tables=["党组织书记述职评议考核结果统计表"],
    )
    box, slips = make_box(world, subjects=3, categories={"市级领导": 6})
    for slip in slips[:5]:
        vote(box, slip)
    ballot_services.close_box(actor=staff, box=box)
    services_counting.record_attendance(actor=staff, box=box, attendees=6)
    services_counting.certify_box(actor=staff, box=box, scrutineers="王监票", counters="李计票")
    client = Client()
    client.force_login(staff)
    files = {
        "campaign-notice": client.get(
            reverse("campaigns:notice_file", args=[campaign.pk, notice.pk, "docx"])
        ).content,
        "certificate": client.get(f"/ballots/{box.pk}/certificate.docx").content,
    }
    pdfs = docx_to_pdf(files, tmp_path / "generated")

    notice_pdf = pdfs["campaign-notice"]
    assert measure.metadata(notice_pdf).get("Title") == title
    assert "".join(measure.title_lines(notice_pdf)) == title
    assert all(len(line) >= 3 for line in measure.title_lines(notice_pdf))
    assert measure.title_lines(pdfs["certificate"]) == ["计票结果报告单"]
    for name, pdf in pdfs.items():
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            assert {(round(p.width / measure.MM), round(p.height / measure.MM)) for p in document.pages} == {
                (210, 297)
            }
        assert all(embedded for _, embedded in pdf_fonts(pdf, tmp_path)), name
        (tmp_path / name).mkdir()
        assert measure.ink_outside(pdf, tmp_path / name) == [], name
        for line in measure.body_lines(pdf):
            assert line.x0 >= measure.LEFT - measure.TOLERANCE, (name, line)
            assert line.x1 - measure.CHAR / 2 <= measure.RIGHT + measure.TOLERANCE, (name, line)

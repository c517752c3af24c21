"""DOC-3: the generated PDFs measured against GB/T 9704-2012 with pdfplumber — the sealed signature block
anchored on the date 右空四字 (§7.3.5.1), no character outside the type area, titles in balanced lines with
none of one or two characters (§7.3.1), no seal-position marks, the title in the PDF's metadata."""

from __future__ import annotations

import datetime

import pytest

from shuping.documents import services
from shuping.documents.content import OfficialDocument, Paragraph, balance_title, chinese_date
from shuping.documents.tests import measure
from shuping.documents.tests.helpers import sample_document, sample_form

LONG_TITLE = "关于2023年度党委（党组）书记抓基层党建工作述职评议考核结果的通报"


@pytest.mark.req("DOC-3")
@pytest.mark.parametrize(
    "issuer",
    ["中共示范省委组织部", "中共示范省委直属机关工作委员会组织部", "县委组织部"],
    ids=["medium", "long", "short"],
)
def test_a_sealed_signature_ends_four_characters_from_the_right_with_the_issuer_centred_over_the_date(issuer):
    issued = datetime.date(2026, 12, 8)
    pdf = services.render_document_pdf(sample_document(issuer=issuer, issued_on=issued, has_seal=True))
    date = measure.find_line(pdf, chinese_date(issued))
    signer = measure.find_line(pdf, issuer)
    # §7.3.5.1: the date 右空四字 — its last character ends four characters in from the right edge.
    assert abs((measure.RIGHT - date.x1) - 4 * measure.CHAR) < 2, (measure.RIGHT - date.x1) / measure.CHAR
    # The issuer centred over the date (unless it is too wide, then it ends at the right edge).
    date_centre, signer_centre = (date.x0 + date.x1) / 2, (signer.x0 + signer.x1) / 2
    if signer.x1 < measure.RIGHT - 1:
        assert abs(date_centre - signer_centre) < 2
    assert signer.top < date.top and signer.page == date.page


@pytest.mark.req("DOC-3")
def test_an_unsealed_signature_puts_the_date_two_characters_right_of_the_issuer():
    issued = datetime.date(2026, 12, 8)
    pdf = services.render_document_pdf(
        sample_document(issuer="中共示范省委组织部", issued_on=issued, has_seal=False)
    )
    date = measure.find_line(pdf, chinese_date(issued))
    signer = measure.find_line(pdf, "中共示范省委组织部")
    assert abs((measure.RIGHT - signer.x1) - 2 * measure.CHAR) < 2
    assert abs((date.x0 - signer.x0) - 2 * measure.CHAR) < 2


@pytest.mark.req("DOC-3")
def test_no_seal_position_mark_is_printed_on_a_final_document():
    pdf = services.render_document_pdf(sample_document(has_seal=True))
    assert measure.drawn_red_shapes(pdf) == 0
    assert "印章位置" not in "".join(line.text for line in measure.lines(pdf))


@pytest.mark.req("DOC-3")
def test_no_punctuation_hangs_outside_the_type_area(tmp_path):
    # Punctuation at every possible line end. Typst hangs punctuation into the margin unless told not to
    # (overhang); a full-width ，。、 at a line end is set in half its box (GB/T 15834-2011 §5.1.10), so
    # its box may reach past the edge but its ink may not.
    text = "各级党组织要对照反馈问题，认真制定整改清单。确保整改到位、取得实效；" * 12
    mixed = (
        "依据GB/T 9704-2012, GB/T 15834-2011, and SM3-SM4. 各级党组织“要对照”反馈问题—认真整改, 确保到位. "
        * 8
    )
    body = [Paragraph(text[i:]) for i in range(14)] + [Paragraph(mixed[i:]) for i in range(12)]
    pdf = services.render_document_pdf(sample_document(body=tuple(body)))
    assert measure.ink_outside(pdf, tmp_path) == []
    # Every body line starts at the left edge or its indent and no glyph box starts past the right edge.
    assert all(line.x0 >= measure.LEFT - measure.TOLERANCE for line in measure.body_lines(pdf))
    assert all(
        line.x1 - measure.CHAR / 2 <= measure.RIGHT + measure.TOLERANCE for line in measure.body_lines(pdf)
    )


@pytest.mark.req("DOC-3")
@pytest.mark.parametrize(
    "title",
    [
        LONG_TITLE,
        "关于2024年度述职评议考核整改落实情况的通报",
        "关于召开2024年度党委（党组）书记抓基层党建工作述职评议会的通知",
        "关于对中共示范省直属机关工作委员会书记抓基层党建工作实地考核情况的报告",
    ],
)
def test_titles_break_into_balanced_lines_none_of_one_or_two_characters(title):
    pdf = services.render_document_pdf(sample_document(title=title))
    shown = measure.title_lines(pdf)
    assert "".join(shown) == title
    assert len(shown) == len(balance_title(title).split("\n"))
    assert all(len(line) >= 3 for line in shown), shown
    if len(shown) > 1:
        widths = [len(line) for line in shown]
        assert max(widths) - min(widths) <= 4, shown


@pytest.mark.req("DOC-3")
def test_every_pdf_carries_its_title_in_the_metadata():
    pdf = services.render_document_pdf(sample_document(title=LONG_TITLE))
    assert measure.metadata(pdf).get("Title") == LONG_TITLE
    plain = services.render_document_pdf(sample_document(title="述职评议会\n签到表", layout="plain"))
    assert measure.metadata(plain).get("Title") == "述职评议会签到表"
    form = services.render_form_pdf(sample_form())
    assert measure.metadata(form).get("Title") == "综合评价意见表"


def _converged_pdf(document: OfficialDocument) -> bytes:
    """The PDF, refused if Typst's layout did not converge (the 落款 decision reads positions back)."""
    import json

    from shuping.documents import render
    from shuping.documents.content import document_data
    from shuping.documents.fonts import configured_fonts

    fonts = configured_fonts()
    payload = json.dumps({**document_data(document), "fonts": fonts.template_data()}, ensure_ascii=False)
    compiler = render._compiler(render.DOCUMENT_TEMPLATE, fonts)
    with render._compile_lock:
        pdf, warnings = compiler.compile_with_warnings(sys_inputs={"data": payload}, format="pdf")
    assert not warnings, warnings
    assert isinstance(pdf, bytes)
    return pdf


def _chinese(chars: int) -> str:
    text = "各级党组织要对照反馈问题认真制定整改清单确保整改到位取得实效并按时报送整改落实情况"
    return (text * (chars // len(text) + 1))[:chars]


@pytest.mark.req("DOC-3")
@pytest.mark.parametrize("has_seal", [True, False], ids=["sealed", "unsealed"])
@pytest.mark.parametrize("shape", ["long-last-paragraph", "short-last-paragraph"])
def test_the_signature_is_never_alone_on_a_page(has_seal, shape):
    # GB/T 9704 §7.3.5: the 落款 never stands alone on a page. The body grows a line at a time across the
    # foot of page 2, so one sample ends on the page's last line; on the page holding the 落款 there must be
    # body text above it (its last lines carried over), in every sample.
    issued = datetime.date(2026, 12, 8)
    pages = []
    for extra in range(0, 9):
        if shape == "long-last-paragraph":
            body = (Paragraph(_chinese(26 + 28 * 20)), Paragraph(_chinese(26 + 28 * extra)))
        else:
            body = (Paragraph(_chinese(26 + 28 * (18 + extra))), Paragraph(_chinese(26)))
        document = sample_document(body=body, issued_on=issued, has_seal=has_seal, copy_to="", printed_by="")
        pdf = _converged_pdf(document)
        date = measure.find_line(pdf, chinese_date(issued))
        signer = measure.find_line(pdf, document.issuer)
        body_above = [
            line
            for line in measure.body_lines(pdf)
            if line.page == date.page and abs(line.size - 16) < 0.5 and line.top < signer.top - 10
        ]
        assert len(body_above) >= min(2, len(body[-1].text) // 26), (extra, date.page, len(body_above))
        assert signer.page == date.page
        pages.append(date.page)
    assert len(set(pages)) == 2, pages  # the sweep crosses the foot of a page

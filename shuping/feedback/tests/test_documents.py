"""EVA-8 (with EVA-5 … EVA-7): the feedback letter, the circular with 密级 and 份号, the 移交清单 and the
decision extract render as PDF with embedded Chinese fonts and as .docx; the letters batch and the ZIP export
of sealed transfers run as jobs with progress, the manifest's SM3 hashes matching the files."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from shuping.core.crypto import sm3_hex
from shuping.documents.services import render_document_docx, render_document_pdf
from shuping.documents.tests.helpers import pdf_fonts, pdf_text
from shuping.feedback import documents, selectors, services, tasks
from shuping.feedback.models import Feedback
from shuping.jobs.choices import JobStatus
from shuping.jobs.runtime import run_job_in_foreground

from .builders import decided_campaign


@pytest.fixture
def circulated(world):
    campaign = decided_campaign(world, extra=3)
    services.release_all(actor=world.organizer_staff, campaign=campaign)
    circular = services.publish_circular(
        actor=world.organizer_staff,
        campaign=campaign,
        title="关于2023年度党委（党组）书记抓基层党建工作述职评议考核结果的通报",
        audience=[world.province, world.prefecture],
        classification="秘密",
        classification_period="1年",
    )
    return campaign, circular


def _flat(pdf: bytes, tmp_path) -> str:
    text = pdf_text(pdf, tmp_path)
    assert text is not None, "pdftotext (poppler-utils) is needed"
    return "".join(text.split())


@pytest.mark.req("EVA-6", "EVA-8")
def test_the_circular_carries_its_classification_and_each_copy_its_number(world, circulated, tmp_path):
    campaign, circular = circulated
    results = selectors.campaign_results(campaign)
    pdf = render_document_pdf(documents.circular_document(circular, results, 2))
    text = _flat(pdf, tmp_path)
    # The 文号 is the organizer's next number in its 发文 register (DOC-1): 示范省委组〔year of issue〕N号.
    assert circular.document_number.startswith("示范省委组〔") and circular.document_number.endswith("号")
    assert "秘密★1年" in text and "000002" in text and circular.document_number in text
    assert "陈书记" in text and "较好" in text
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts and all(embedded for _name, embedded in fonts)
    docx = render_document_docx(documents.circular_document(circular, results, 2))
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "秘密" in xml and "000002" in xml


@pytest.mark.req("EVA-5", "EVA-7", "EVA-8")
def test_letter_transfer_list_and_extract_render_and_the_zip_manifest_hashes_match(
    world, circulated, tmp_path
):
    campaign, _circular = circulated
    feedback = Feedback.objects.select_related("assessment__campaign__organizer").get(
        assessment__organization=world.prefecture
    )
    letter = _flat(render_document_pdf(documents.feedback_letter(feedback)), tmp_path)
    assert "综合评价等次为“较好”" in letter and "民主评议意见归纳" in letter
    services.save_config(
        actor=world.organizer_staff,
        campaign=campaign,
        acknowledge_within_days=10,
        archive_materials=["evaluation_form", "feedback_letter", "decision_extract"],
    )
    for a in campaign.assessments.filter(person__isnull=False):  # kept by another province's department
        services.set_file_authority(actor=world.organizer_staff, person=a.person, holder=world.other_province)
    [transfer] = services.seal_transfers(actor=world.organizer_staff, campaign=campaign)
    assert transfer.holder == world.other_province
    listing = _flat(render_document_pdf(documents.transfer_list(transfer)), tmp_path)
    assert "移交清单" in listing and transfer.number in listing
    assert "移交人：" + world.organizer_staff.display_name.replace(" ", "") in listing.replace(" ", "")
    extract = _flat(render_document_pdf(documents.decision_extract(feedback.assessment)), tmp_path)
    assert "常委会纪要〔2024〕4号" in extract
    job = run_job_in_foreground(
        kind="feedback.transfers",
        title="归档移交材料打包",
        task=tasks.export_transfers,
        args=[[transfer.pk]],
        requested_by=world.organizer_staff,
        out=io.StringIO(),
    )
    assert job.status == JobStatus.SUCCEEDED, job.message
    with job.result_file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["algorithm"] == "SM3"
    files = manifest["files"]
    assert len(files) == 1 + 4 * 3  # the list, then three sealed files for each of four people
    for entry in files:
        assert sm3_hex(archive.read(entry["path"])) == entry["sm3"]
    letters = run_job_in_foreground(
        kind="feedback.letters",
        title="反馈意见",
        task=tasks.render_feedback_letters,
        args=[campaign.pk],
        requested_by=world.organizer_staff,
        out=io.StringIO(),
    )
    assert letters.status == JobStatus.SUCCEEDED and letters.progress_done == 4


@pytest.mark.req("DOC-3", "EVA-6")
def test_the_circulars_addressees_are_every_recipient_but_never_the_organizer_whose_decision_it_is(
    world, circulated
):
    from shuping.documents.tests import measure

    campaign, circular = circulated
    document = documents.circular_document(circular, selectors.campaign_results(campaign), 1)
    assert campaign.organizer == world.province
    assert document.addressee == f"{world.prefecture.name}："
    pdf = render_document_pdf(document)
    addressee = measure.find_line(pdf, document.addressee)
    assert addressee.page == 1 and abs(addressee.x0 - measure.LEFT) < 1  # flush left (§7.3.2)
    assert world.province.name not in addressee.text
    # The seal is stamped by hand: no 印章位置 ring on the final 通报; its title in the PDF's metadata.
    assert measure.drawn_red_shapes(pdf) == 0
    assert measure.metadata(pdf)["Title"] == circular.title


@pytest.mark.req("EVA-6", "EVA-8")
@pytest.mark.parametrize("style", ["list", "table"])
def test_the_circular_comes_in_the_campaigns_chosen_style_in_pdf_and_docx(world, tmp_path, client, style):
    """名单式 names the 好 list and the 一般/差 list in the text (较好 only counted); 表格式 tables everyone.
    Chosen on the circulars page, kept on the circular and as the campaign's style for next year."""
    from django.urls import reverse

    from shuping.evaluations.tests.builders import campaign_at_evaluation
    from shuping.feedback.models import Circular

    from .builders import decide

    staff = world.organizer_staff
    campaign = campaign_at_evaluation(world, extra=4)
    weak = campaign.assessments.exclude(organization=world.prefecture).order_by("pk").first()
    decide(campaign, staff, grades={weak.organization_id: "一般"})
    services.release_all(actor=staff, campaign=campaign)
    client.force_login(staff)
    url = reverse("feedback:circulars", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert 'name="style" value="table" checked' in page and "名单式（正文点名" in page
    client.post(
        reverse("feedback:circulars_publish", args=[campaign.pk]),
        {
            "title": "关于2023年度党委（党组）书记抓基层党建工作述职评议考核结果的通报",
            "document_number": "示组通〔2024〕5号",
            "audience": [world.province.pk],
            "has_seal": "1",
            "style": style,
        },
    )
    circular = Circular.objects.get(campaign=campaign)
    assert circular.style == style and selectors.config_for(campaign).circular_style == style
    results = selectors.campaign_results(campaign)
    good = [a for a in results if a.evaluation.final_grade == "好"]
    fair = [a for a in results if a.evaluation.final_grade == "较好"]
    assert good and fair
    document = documents.circular_document(circular, results, 1)
    text = _flat(render_document_pdf(document), tmp_path)
    docx = render_document_docx(document)
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    if style == "list":
        assert "评价为“好”等次的" in text and f"{good[0].organization_name}书记{good[0].person_name}" in text
        assert f"评价为“较好”等次的{len(fair)}名（不逐一列出）" in text
        assert fair[0].person_name not in text.split("二、综合评价等次")[1]
        assert f"评价为“一般”等次的1名：{weak.organization_name}书记{weak.person_name}。" in text
        assert "<w:tbl>" not in xml and "评价为“好”等次的" in xml
    else:
        assert "序号" in text and all(a.person_name in text for a in good + fair)
        assert "<w:tbl>" in xml and "评价为“好”等次的" not in xml
    page = client.get(url).content.decode()
    assert f'name="style" value="{style}" checked' in page

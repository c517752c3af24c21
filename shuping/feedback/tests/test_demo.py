"""The demo builders (issue 11, items 5a and 5c): last year decided and fed back — partly signed, circulated,
transferred — and this year awaiting 研究 (EVA-4, EVA-5, EVA-6, EVA-7)."""

from __future__ import annotations

import pytest

from shuping.campaigns import services as campaign_services
from shuping.evaluations.choices import EvaluationStatus
from shuping.evaluations.demo import build_demo_evaluations
from shuping.evaluations.tests.builders import secretary
from shuping.feedback.demo import build_demo_feedback
from shuping.feedback.models import ArchiveTransfer, Feedback
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization


@pytest.mark.req("EVA-4", "EVA-5", "EVA-6", "EVA-7")
def test_demo_builds_a_decided_fed_back_year_and_one_awaiting_research(world):
    staff = world.organizer_staff
    secretary(world.prefecture, "陈书记", user=world.assessee)
    for i in range(5):
        org = create_organization(
            name=f"中共演示{i}市委员会",
            short_name=f"演示{i}市委",
            code=f"T-DEMO-{i}",
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=AdminLevel.PREFECTURE,
            parent=world.province,
        )
        secretary(org, f"演示书记{i}")
    campaign = campaign_services.create_campaign(actor=staff, organizer=world.province, year=2025)
    campaign_services.apply_scope_proposal(actor=staff, campaign=campaign)
    campaign = campaign_services.confirm_scope(actor=staff, campaign=campaign)
    made = build_demo_evaluations(campaign=campaign, actor=staff)
    approved = made["approved"]
    assert approved.year == 2024
    assert set(approved.evaluations.values_list("status", flat=True)) == {EvaluationStatus.APPROVED}
    assert made["awaiting_count"] == 6
    out = build_demo_feedback(campaign=approved, actor=staff, holder=world.other_province)
    assert out["released"] == 6 and out["acknowledged"] == 3
    assert Feedback.objects.filter(campaign=approved, acknowledged_at__isnull=True).count() == 3
    assert out["circular"].copies.count() >= 2
    holders = set(ArchiveTransfer.objects.filter(campaign=approved).values_list("holder_id", flat=True))
    # Only the file held elsewhere is transferred; the organizer's own are filed in its archive (本级存档).
    assert holders == {world.other_province.pk}

"""The demo builder (REP-1, REP-2): submitted reports, one returned and resubmitted, two planted near-copies."""

from __future__ import annotations

from datetime import date

import pytest

from shuping.campaigns import services as campaign_services
from shuping.orgs.services import create_organization, create_person, create_secretaryship
from shuping.reports import selectors
from shuping.reports.demo import build_demo_reports
from shuping.reports.models import Report


@pytest.mark.req("REP-1", "REP-2")
def test_demo_reports_have_a_resubmission_and_two_near_copies(setup, world):
    for n in range(5):
        org = create_organization(
            name=f"中共示范{n}市委员会",
            short_name=f"示范{n}市委",
            code=f"T-D{n}",
            kind=world.prefecture.kind,
            admin_level=world.prefecture.admin_level,
            parent=world.province,
        )
        person = create_person(actor=None, name=f"示范{n} 书记")
        create_secretaryship(actor=None, person=person, organization=org, started_on=date(2019, 1, 1))
        campaign_services.add_assessment(
            actor=world.organizer_staff, campaign=setup.campaign, organization=org, reason="示范"
        )
    counts = build_demo_reports(campaign=setup.campaign, actor=world.organizer_staff)
    assert counts == {
        "submitted": 6,
        "returned_and_resubmitted": 1,
        "near_copies": 2,
        "skipped": 0,
        "drafts": 0,
    }
    assert Report.objects.filter(submission_count=2, status="submitted").count() == 1
    copied = {c.report.pk for c in selectors.near_copies(setup.campaign)}
    assert len(copied) >= 4
    assert build_demo_reports(campaign=setup.campaign, actor=world.organizer_staff)["skipped"] == 6

from __future__ import annotations

from datetime import date

import pytest

from shuping.campaigns.demo import build_demo_campaigns
from shuping.campaigns.selectors import lower_meeting_calendar
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization, create_person, create_secretaryship


@pytest.mark.req("CMP-7")
def test_demo_builds_an_open_provincial_campaign_and_county_campaigns_from_the_cascade(world, secretaries):
    county2 = create_organization(
        name="中共戊县委员会",
        code="T-CNTY2",
        kind=OrgKind.LOCAL_COMMITTEE,
        admin_level=AdminLevel.COUNTY,
        parent=world.prefecture,
    )
    create_secretaryship(
        actor=None,
        person=create_person(actor=None, name="戊书记"),
        organization=county2,
        started_on=date(2020, 1, 1),
    )
    out = build_demo_campaigns(province=world.province, year=2024)
    assert out["province"].status == "open" and out["province"].notices.count() == 1
    assert out["province"].assessments.get().stage == "field"
    assert len(out["counties"]) == 2 and all(
        c.source_notice.campaign == out["prefecture"] for c in out["counties"]
    )
    assert all(c.indicator_sets.count() == 3 for c in out["counties"])
    assert lower_meeting_calendar(out["prefecture"]).count() == 2

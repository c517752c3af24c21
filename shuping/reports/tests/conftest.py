"""Reports test setup: 示范省委's 2024 campaign with 甲市委's secretary (the `assessee` persona) in scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from shuping.campaigns import services as campaign_services
from shuping.campaigns.models import Assessment, Campaign
from shuping.orgs.services import create_person, create_secretaryship

GOOD: dict[str, Any] = {  # save_report's sections, spread as keywords
    "achievements": "全年主持召开党建专题会议6次，推动12个软弱涣散村党组织完成整顿。",
    "problems": [
        "对软弱涣散党组织整顿跟踪问效不够，青山村等3个村整顿后又出现班子不团结问题。",
        "发展党员把关不严，2024年抽查的40份档案中有5份程序不全。",
    ],
    "causes": "对基层党建工作的复杂性认识不足，督导以听汇报为主，到村现场看得少。",
    "measures": "建立县级领导包村联系制度，每季度到村一次；对发展党员档案开展全面复查。",
}


@dataclass
class Setup:
    campaign: Campaign
    assessment: Assessment


@pytest.fixture
def setup(world) -> Setup:
    staff = world.organizer_staff
    person = create_person(actor=None, name="陈书记", user=world.assessee)
    create_secretaryship(
        actor=None, person=person, organization=world.prefecture, started_on=date(2019, 3, 1)
    )
    campaign = campaign_services.create_campaign(actor=staff, organizer=world.province, year=2024)
    campaign_services.apply_scope_proposal(actor=staff, campaign=campaign)
    campaign = campaign_services.confirm_scope(actor=staff, campaign=campaign)
    return Setup(campaign, campaign.assessments.get(organization=world.prefecture))

"""build_demo_fieldwork: completed field assessments for part of a campaign, through the services."""

from __future__ import annotations

from datetime import date

import pytest

from shuping.campaigns import indicators
from shuping.campaigns import services as campaign_services
from shuping.fieldwork import selectors
from shuping.fieldwork.demo import build_demo_fieldwork
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_person, create_secretaryship

from .conftest import make_user


@pytest.mark.req("FLD-1", "FLD-2", "FLD-4", "FLD-5")
def test_demo_completes_field_assessments_with_scores_and_one_explained_paper_score(world):
    staff = world.organizer_staff
    person = create_person(actor=None, name="陈书记")
    create_secretaryship(
        actor=None, person=person, organization=world.prefecture, started_on=date(2019, 3, 1)
    )
    campaign = campaign_services.create_campaign(actor=staff, organizer=world.province, year=2024)
    indicators.create_set_from_template(
        actor=staff, campaign=campaign, kind=OrgKind.LOCAL_COMMITTEE, level=AdminLevel.PREFECTURE
    )
    campaign_services.apply_scope_proposal(actor=staff, campaign=campaign)
    leader = make_user("demo-leader", "考核组 刘组长")
    done = build_demo_fieldwork(
        campaign=campaign, leader=leader, members=[make_user("demo-m", "张干事")], actor=staff
    )
    assert len(done) == 1 and done[0].status == "completed"
    result = selectors.field_score_for(done[0])
    assert result.is_complete and result.score is not None
    paper = done[0].scores.exclude(formalism_warning={})
    assert paper.exists() and all(s.override_reason for s in paper)
    assert done[0].assessment.observations.count() == 1
    again = build_demo_fieldwork(campaign=campaign, leader=leader, actor=staff)
    assert again == []  # already covered: idempotent

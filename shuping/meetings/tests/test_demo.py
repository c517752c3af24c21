"""build_demo_meetings: a held meeting with commentary and counted votes, another still to come (MTG-1)."""

from __future__ import annotations

import pytest

from shuping.meetings import voting
from shuping.meetings.choices import CommenterRole, MeetingStatus
from shuping.meetings.demo import build_demo_meetings


@pytest.mark.req("MTG-1", "MTG-3")
def test_the_demo_holds_one_meeting_and_plans_another(scene, world):
    scene.meeting.delete()
    out = build_demo_meetings(campaign=scene.campaign, actor=world.organizer_staff, per_meeting=2)
    held, planned = out["held"], out["planned"]
    assert held.status == MeetingStatus.HELD and planned.status == MeetingStatus.PLANNED
    assert voting.consolidated_tally(held).valid_ballots == 20
    assert held.commentaries.filter(commenter__role=CommenterRole.PRESIDING, status="final").count() == 2
    assert held.plan is not None
    assert planned.agenda.count() == 1

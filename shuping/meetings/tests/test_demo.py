"""build_demo_meetings: a held meeting with commentary and counted votes, another still to come (MTG-1)."""

from __future__ import annotations

import pytest

from shuping.meetings import voting
from shuping.meetings.choices import CommenterRole, MeetingStatus
from shuping.meetings.demo import build_demo_meetings


@pytest.mark.req("MTG-1", "MTG-2", "MTG-3")
def test_the_demo_holds_one_meeting_and_plans_another(scene, world):
    scene.meeting.delete()
    out = build_demo_meetings(campaign=scene.campaign, actor=world.organizer_staff, per_meeting=2)
    held, planned = out["held"], out["planned"]
    assert held.status == MeetingStatus.HELD and planned.status == MeetingStatus.PLANNED
    # 20 voters; the first reporter sits on the committee and is rated by the 19 others (回避, MTG-2).
    first, second = (i.assessment_id for i in held.agenda.order_by("mode", "position"))
    result = voting.consolidated_tally(held)
    assert result.result(str(first)).valid == 19 and result.result(str(second)).valid == 20
    assert sorted(len(mb.subject_assessments) for mb in held.boxes.all()) == [1, 1]
    assert held.boxes.filter(recused_assessment_id=first).count() == 1
    assert held.commentaries.filter(commenter__role=CommenterRole.PRESIDING, status="final").count() == 2
    assert held.plan is not None
    assert planned.agenda.count() == 1

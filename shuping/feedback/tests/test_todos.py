"""The home page's 待办: released feedback waiting for the assessee's 签收 (EVA-5)."""

from __future__ import annotations

import pytest

from shuping.core.todos import todos_for
from shuping.feedback import services

from .builders import decided_campaign


@pytest.mark.req("EVA-5")
def test_released_feedback_is_a_todo_until_it_is_acknowledged(world):
    campaign = decided_campaign(world)
    assessment = campaign.assessments.get(organization=world.prefecture)
    services.draft_feedback(actor=world.organizer_staff, assessment=assessment, summary="群众认可度较高。")
    assert todos_for(world.assessee) == []  # drafted, not released: nothing to see yet (Art. 6 order)
    feedback = services.release_feedback(actor=world.organizer_staff, assessment=assessment)
    [todo] = [t for t in todos_for(world.assessee) if "反馈" in t.text]
    assert todo.text == f"签收 {campaign.year} 年度考核反馈意见（{assessment.organization_name}）"
    assert todo.url == f"/feedback/assessments/{assessment.pk}/"
    assert todo.note.startswith("截止") or todo.note.startswith("已逾期")
    assert not [t for t in todos_for(world.outsider) if "反馈" in t.text]
    services.acknowledge_feedback(actor=world.assessee, feedback=feedback)
    assert not [t for t in todos_for(world.assessee) if "反馈" in t.text]

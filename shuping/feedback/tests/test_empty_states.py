"""The released feedback page says plainly when no problem was pointed out (EVA-5), instead of a numbered
"1. （无）"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuping.feedback import services
from shuping.feedback.models import Feedback

from .builders import decided_campaign

pytestmark = pytest.mark.django_db


def _released(world, problems):
    campaign = decided_campaign(world, extra=1)
    assessment = campaign.assessments.get(organization=world.prefecture)
    services.draft_feedback(
        actor=world.organizer_staff, assessment=assessment, summary="思路清晰、措施有力。"
    )
    services.release_feedback(actor=world.organizer_staff, assessment=assessment)
    Feedback.objects.filter(assessment=assessment).update(problems=problems)
    return assessment


@pytest.mark.req("EVA-5")
def test_feedback_without_problems_shows_an_empty_state_not_a_numbered_none(world, client):
    assessment = _released(world, [])
    client.force_login(world.assessee)
    page = client.get(reverse("feedback:feedback", args=[assessment.pk])).content.decode()
    section = page.split("<h2>指出的问题</h2>", 1)[1].split("<h2>", 1)[0]
    assert "本次考核的评价意见未指出需要整改的问题。" in section
    assert "仍须按整改清单整改" in section  # other sources' findings are not contradicted (FLOW-2)
    assert "<ol>" not in section and "（无）" not in section


@pytest.mark.req("EVA-5")
def test_feedback_with_problems_numbers_them(world, client):
    assessment = _released(world, [{"text": "“三会一课”落实不到位"}])
    client.force_login(world.assessee)
    page = client.get(reverse("feedback:feedback", args=[assessment.pk])).content.decode()
    section = page.split("<h2>指出的问题</h2>", 1)[1].split("<h2>", 1)[0]
    assert "<ol><li>“三会一课”落实不到位</li></ol>" in section.replace("&ldquo;", "“")
    assert "未指出" not in section

"""待办: released feedback the secretary (or liaison) has not yet acknowledged (签收, EVA-5)."""

from __future__ import annotations

from django.urls import reverse

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.models import Assessment
from shuping.core.todos import Todo, due_note, todo_provider

from .models import Feedback


@todo_provider
def feedback_to_acknowledge(user) -> list[Todo]:
    rows = (
        Feedback.objects.filter(
            assessment__in=Assessment.objects.filter(campaign_selectors.own_assessment_q(user)).values("pk"),
            released_at__isnull=False,
            acknowledged_at__isnull=True,
        )
        .select_related("assessment", "campaign")
        .order_by("-campaign__year", "assessment__organization_path")
    )
    out = []
    for fb in rows:
        note, urgent = due_note(fb.acknowledge_by_on)
        out.append(
            Todo(
                text=f"签收 {fb.campaign.year} 年度考核反馈意见（{fb.assessment.organization_name}）",
                url=reverse("feedback:feedback", args=[fb.assessment_id]),
                note=note,
                urgent=urgent,
            )
        )
    return out

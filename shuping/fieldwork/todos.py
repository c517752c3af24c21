"""待办 of the field teams (FLOW-2, FLD-*): each field assessment of the user's teams not yet completed, with
what has been recorded so far and the visit dates. One query (`field_assessments_for_list`)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignRole
from shuping.core.todos import Todo, due_note, todo_provider

from . import selectors
from .choices import FieldStatus


@todo_provider
def field_assessments_to_do(user) -> list[Todo]:
    if CampaignRole.FIELD_ASSESSOR not in campaign_selectors.role_summary(user).roles:
        return []  # every team member holds FIELD_ASSESSOR on the campaign (services.create_team)
    rows = (
        selectors.field_assessments_for_list(user)
        .filter(Q(team__leader=user) | Q(team__members=user))
        .exclude(status=FieldStatus.COMPLETED)
        .filter(team__campaign__status="open")
    )
    out = []
    for fa in rows:
        note, urgent = due_note(fa.visit_ends_on)
        recorded = f"已记录走访 {fa.visit_count} 处、谈话 {fa.talk_count} 人、评分 {fa.score_count} 项"
        out.append(
            Todo(
                text=f"实地考核：{fa.assessment.organization_name}（{fa.visit_starts_on.month}月{fa.visit_starts_on.day}日起）",
                url=reverse("fieldwork:detail", args=[fa.pk]),
                note=f"{recorded}；{note}" if note else recorded,
                urgent=urgent,
            )
        )
    return out

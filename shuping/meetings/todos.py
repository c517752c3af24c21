"""待办 of 述职评议会 (FLOW-2): meetings still ahead — to prepare for the organizer staff who run them
(`can_manage_meeting`), to attend for the guidance staff sent to them. A constant number of queries."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignRole
from shuping.core.todos import Todo, todo_provider

from . import permissions, selectors
from .choices import MeetingStatus


def _when(held_on, today) -> tuple[str, bool]:
    days = (held_on - today).days
    if days < 0:
        return f"会议日期 {held_on.month}月{held_on.day}日已过，尚未结束", True
    if days == 0:
        return "今天召开", True
    return f"{held_on.month}月{held_on.day}日召开，还有 {days} 天", days <= 7


@todo_provider
def meetings_ahead(user) -> list[Todo]:
    if not campaign_selectors.role_summary(user).roles & {
        CampaignRole.ORGANIZER_STAFF,
        CampaignRole.GUIDANCE_STAFF,
    }:
        return []  # nobody else prepares or attends a meeting as a step of their own
    rows = list(
        selectors.meetings_visible_to(user)
        .filter(status__in=[MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS], campaign__status="open")
        .select_related("campaign__organizer")
        .order_by("held_on", "pk")
    )
    campaign_selectors.prime_campaign_roles(user, [m.campaign for m in rows])
    today = timezone.localdate()
    out = []
    for m in rows:
        note, urgent = _when(m.held_on, today)
        if permissions.can_manage_meeting(user, m):
            text = f"筹备述职评议会：{m.title}"
        elif CampaignRole.GUIDANCE_STAFF in campaign_selectors.campaign_roles(user, m.campaign):
            text = f"列席指导述职评议会：{m.title}"
        else:
            continue
        out.append(Todo(text=text, url=reverse("meetings:detail", args=[m.pk]), note=note, urgent=urgent))
    return out

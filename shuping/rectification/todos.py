"""待办: the secretary's (or liaison's) rectification list with items not yet closed, and for organizer staff
the items reported done that wait for 销号 (RCT-1, RCT-2)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from shuping.campaigns import selectors as campaign_selectors
from shuping.core.todos import Todo, todo_provider

from . import permissions, selectors
from .choices import ItemStatus


@todo_provider
def open_rectification(user) -> list[Todo]:
    rows = selectors.own_lists(user)
    out = []
    for lst in rows:
        still_open = lst.total - lst.closed
        if still_open <= 0:
            continue
        note = f"{still_open} 项未销号" + (f"，其中 {lst.overdue} 项已逾期" if lst.overdue else "")
        if lst.done_reported:
            note += f"；{lst.done_reported} 项已报完成，待组织部门销号"
        out.append(
            Todo(
                text=f"报告 {lst.campaign.year} 年度整改进展（{lst.assessment.organization_name}）",
                url=reverse("rectification:list", args=[lst.assessment_id]),
                note=note,
                urgent=bool(lst.overdue),
            )
        )
    return out


@todo_provider
def items_to_close(user) -> list[Todo]:
    """Organizer staff: items the assessees reported done, waiting for 销号 (RCT-2: only the upper level
    closes an item), per campaign."""
    campaigns = campaign_selectors.campaigns_with_waiting(
        user,
        Count(
            "rectification_lists__items",
            filter=Q(rectification_lists__items__status=ItemStatus.DONE_REPORTED),
        ),
        permissions.can_manage_rectification,
    )
    return [
        Todo(
            text=f"整改销号：{c.organizer.display_name} {c.year} 年度，{c.waiting} 项已报完成待销号",
            url=reverse("rectification:campaign", args=[c.pk]),
        )
        for c in campaigns
    ]

"""待办: the secretary's (or liaison's) rectification list with items not yet closed (RCT-1, RCT-2)."""

from __future__ import annotations

from django.urls import reverse

from shuping.core.todos import Todo, todo_provider

from . import selectors


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

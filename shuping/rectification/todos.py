"""待办: the secretary's (or liaison's) rectification list with items not yet closed, and for organizer staff
the items reported done that wait for 销号 (RCT-1, RCT-2)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.models import Assessment
from shuping.core.todos import Todo, due_note, todo_provider

from . import permissions, rules, selectors, services
from .choices import ItemStatus, ListStatus


@todo_provider
def lists_to_draft(user) -> list[Todo]:
    """After 签收 (EVA-5), the 整改清单 the feedback implies (RCT-1): to draw up, to finish or to revise after
    it came back, with the date it is due — the secretary's or liaison's own assessments only."""
    from shuping.feedback.models import Feedback

    own = Assessment.objects.filter(campaign_selectors.own_assessment_q(user)).values("pk")
    rows = (
        Feedback.objects.filter(assessment__in=own, acknowledged_at__isnull=False)
        .filter(
            Q(assessment__rectification_list__isnull=True)
            | Q(assessment__rectification_list__status__in=[ListStatus.DRAFT, ListStatus.RETURNED])
        )
        .select_related("assessment__rectification_list", "campaign")
        .order_by("-campaign__year", "assessment__organization_path")
    )
    out = []
    for fb in rows:
        lst = getattr(fb.assessment, "rectification_list", None)
        if lst is None:
            starts_on = timezone.localdate(fb.released_at) if fb.released_at else timezone.localdate()
            due_on = rules.list_due_on(starts_on, services.list_days(fb.campaign))
            verb = "制定并报备"
        else:
            due_on = lst.due_on
            verb = "修改并重新报备" if lst.status == ListStatus.RETURNED else "完成并报备"
        note, urgent = due_note(due_on)
        out.append(
            Todo(
                text=f"{verb} {fb.campaign.year} 年度整改清单（{fb.assessment.organization_name}）",
                url=reverse("rectification:list", args=[fb.assessment_id]),
                note=note,
                urgent=urgent or (lst is not None and lst.status == ListStatus.RETURNED),
            )
        )
    return out


@todo_provider
def open_rectification(user) -> list[Todo]:
    rows = selectors.own_lists(user).filter(status=ListStatus.CONFIRMED)
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

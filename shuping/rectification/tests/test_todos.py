"""The home page's 待办: the assessee's rectification list with items still open, overdue ones urgent (RCT-2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shuping.core.todos import todos_for
from shuping.rectification.models import RectificationItem

from .test_services import confirmed_list


def _rectification(user):
    return [t for t in todos_for(user) if "整改" in t.text]


@pytest.mark.req("RCT-2")
def test_open_items_are_a_todo_and_overdue_ones_make_it_urgent(world):
    campaign, assessment, rlist = confirmed_list(world)
    today = timezone.localdate()
    RectificationItem.objects.filter(rectification_list=rlist).update(deadline=today + timedelta(days=30))
    [todo] = _rectification(world.assessee)
    assert todo.text == f"报告 {campaign.year} 年度整改进展（{assessment.organization_name}）"
    assert todo.url == f"/rectification/assessments/{assessment.pk}/"
    assert todo.note == f"{rlist.items.count()} 项未销号" and not todo.urgent
    assert [t.text for t in _rectification(world.liaison)] == [todo.text]  # the liaison works it too
    assert _rectification(world.outsider) == []

    item = rlist.items.order_by("pk").first()
    RectificationItem.objects.filter(pk=item.pk).update(deadline=today - timedelta(days=1))
    [todo] = _rectification(world.assessee)
    assert todo.urgent and "其中 1 项已逾期" in todo.note

    RectificationItem.objects.filter(rectification_list=rlist).update(status="closed")
    assert _rectification(world.assessee) == []  # every item closed: nothing left to do


@pytest.mark.req("RCT-2")
def test_organizer_staff_see_items_reported_done_waiting_for_closure(world):
    campaign, _assessment, rlist = confirmed_list(world)

    def closing(user):
        return [t for t in todos_for(user) if t.text.startswith("整改销号")]

    assert closing(world.organizer_staff) == []
    item = rlist.items.order_by("pk").first()
    RectificationItem.objects.filter(pk=item.pk).update(status="done_reported")
    [todo] = closing(world.organizer_staff)
    assert todo.text.endswith(f"{campaign.year} 年度，1 项已报完成待销号")
    assert todo.url == f"/rectification/campaigns/{campaign.pk}/"
    for user in (world.department_leader, world.assessee, world.liaison, world.outsider):
        assert closing(user) == []  # only the organizer's staff close items

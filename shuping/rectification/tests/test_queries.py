"""PERF-5: the HTML list pages of rectification run a constant number of queries, however many lists,
items, sources and updates they show (no N+1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuping.rectification import services

from .test_services import confirmed_list


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def big_list(world, campaign, n: int):
    """Another assessee's confirmed list with `n` more items, each with two sources and a milestone."""
    assessment = campaign.assessments.filter(rectification_list__isnull=True, is_excluded=False).first()
    rlist = services.start_list(actor=world.organizer_staff, assessment=assessment)
    for i in range(n):
        services.add_item(
            actor=world.organizer_staff,
            rectification_list=rlist,
            problem=f"追加问题{i}",
            measures="整改",
            deadline=rlist.starts_on + timedelta(days=30 + i),
            item_sources=[
                {"kind": "audit", "reference": f"审计{i}"},
                {"kind": "supervision", "reference": f"督查{i}"},
            ],
            milestones=[("阶段一", rlist.starts_on + timedelta(days=10))],
        )
    services.submit_list(actor=world.organizer_staff, rectification_list=rlist)
    services.confirm_list(actor=world.organizer_staff, rectification_list=rlist)
    return assessment, rlist


def more_lists(world, campaign, n: int) -> None:
    for assessment in campaign.assessments.filter(rectification_list__isnull=True, is_excluded=False)[:n]:
        rlist = services.start_list(actor=world.organizer_staff, assessment=assessment)
        services.add_item(
            actor=world.organizer_staff,
            rectification_list=rlist,
            problem="问题",
            measures="措施",
            deadline=rlist.starts_on + timedelta(days=5),
        )


@pytest.mark.req("PERF-5", "RCT-1", "RCT-2")
def test_the_list_page_and_item_page_run_constant_queries(world, login):
    campaign, assessment, rlist = confirmed_list(world)
    small_item = rlist.items.first()
    services.add_progress(actor=world.liaison, item=small_item, text="推进")
    other, big = big_list(world, campaign, 8)
    big_item = big.items.order_by("-position").first()
    assert big.items.count() >= 4 * rlist.items.count()
    client = login(world.organizer_staff)
    small = (
        queries(client, reverse("rectification:list", args=[assessment.pk])),
        queries(client, reverse("rectification:item", args=[small_item.pk])),
    )
    large = (
        queries(client, reverse("rectification:list", args=[other.pk])),
        queries(client, reverse("rectification:item", args=[big_item.pk])),
    )
    assert small == large


@pytest.mark.req("PERF-5", "RCT-3")
def test_the_board_and_index_run_constant_queries(world, login):
    campaign, _assessment, rlist = confirmed_list(world)
    for item in rlist.items.all():
        services.add_progress(actor=world.liaison, item=item, text="完成", marks_done=True)
    staff = login(world.organizer_staff)
    board = reverse("rectification:campaign", args=[campaign.pk])
    index = reverse("rectification:index")
    before = queries(staff, board), queries(staff, index)
    big_list(world, campaign, 5)
    more_lists(world, campaign, 3)
    assert campaign.rectification_lists.count() == 4  # every assessee of the campaign
    assert (queries(staff, board), queries(staff, index)) == before

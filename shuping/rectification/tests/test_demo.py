"""The demo builder (issue 12, item 8): lists in progress, some overdue, some closed in a batch, one
admonition, one item with three sources — on a campaign whose grades it approves itself when needed."""

from __future__ import annotations

import pytest

from shuping.evaluations.tests.builders import campaign_at_evaluation
from shuping.rectification import selectors
from shuping.rectification.choices import ClosureMethod, ItemStatus, ListStatus
from shuping.rectification.demo import build_demo_rectification
from shuping.rectification.models import Admonition, ClosureBatch, Notification, RectificationItem


@pytest.mark.req("RCT-1", "RCT-2", "RCT-5")
def test_demo_builds_every_state_the_issue_asks_for_on_an_undecided_campaign(world):
    campaign = campaign_at_evaluation(world, year=2023, extra=4)
    counts = build_demo_rectification(campaign=campaign, actor=world.organizer_staff)
    assert counts["approved"] == 5 and counts["lists"] == 5
    items = RectificationItem.objects.filter(rectification_list__campaign=campaign)
    statuses = {lst.status for lst in campaign.rectification_lists.all()}
    assert {ListStatus.CONFIRMED, ListStatus.SUBMITTED, ListStatus.DRAFT} <= statuses
    assert items.filter(status=ItemStatus.IN_PROGRESS).exists()
    assert selectors.with_overdue(items).filter(is_overdue=True).count() >= 2
    batch = ClosureBatch.objects.get(campaign=campaign)
    assert batch.method == ClosureMethod.BATCH and len(batch.population) >= 2
    three = [i for i in items.prefetch_related("sources") if len(i.sources.all()) >= 3]
    assert three and three[0].status == ItemStatus.CLOSED
    # Closed once, reported to each of its three sources.
    assert Notification.objects.filter(item=three[0], kind="closure").count() == len(three[0].sources.all())
    admonition = Admonition.objects.get(assessment__campaign=campaign)
    assert admonition.is_held and admonition.grade == "一般"


def test_demo_does_nothing_twice_for_the_same_assessees(world):
    campaign = campaign_at_evaluation(world, year=2023, extra=2)
    first = build_demo_rectification(campaign=campaign, actor=world.organizer_staff, count=3)
    again = build_demo_rectification(campaign=campaign, actor=world.organizer_staff, count=3)
    assert first["lists"] == 3 and again["lists"] == 0


@pytest.mark.req("RCT-2")
def test_demo_shows_overdue_items_even_when_feedback_was_released_today(world):
    from shuping.feedback import services as feedback_services

    from .builders import decide

    campaign = campaign_at_evaluation(world, year=2023, extra=3)
    decide(world, campaign, {world.prefecture.pk: "一般"})
    released, refused = feedback_services.release_all(actor=world.organizer_staff, campaign=campaign)
    assert released == 4 and not refused
    counts = build_demo_rectification(campaign=campaign, actor=world.organizer_staff)
    assert counts["approved"] == 0 and counts["lists"] == 4
    assert counts["overdue"] >= 2 and counts["closed"] >= 2 and counts["admonitions"] == 1


@pytest.mark.req("RCT-1", "RCT-2", "RCT-5")
def test_demo_runs_after_the_evaluations_and_feedback_demos(world):
    """The order `shuping demo` uses: last year decided and fed back, then its rectification."""
    from shuping.campaigns import services as campaign_services
    from shuping.evaluations.demo import build_demo_evaluations
    from shuping.evaluations.tests.builders import secretary
    from shuping.feedback.demo import build_demo_feedback
    from shuping.orgs.choices import AdminLevel, OrgKind
    from shuping.orgs.services import create_organization

    staff = world.organizer_staff
    secretary(world.prefecture, "陈书记", user=world.assessee)
    for i in range(5):
        org = create_organization(
            name=f"中共演示{i}市委员会",
            short_name=f"演示{i}市委",
            code=f"T-DEMO-{i}",
            kind=OrgKind.LOCAL_COMMITTEE,
            admin_level=AdminLevel.PREFECTURE,
            parent=world.province,
        )
        secretary(org, f"演示书记{i}")
    campaign = campaign_services.create_campaign(actor=staff, organizer=world.province, year=2025)
    campaign_services.apply_scope_proposal(actor=staff, campaign=campaign)
    campaign = campaign_services.confirm_scope(actor=staff, campaign=campaign)
    approved = build_demo_evaluations(campaign=campaign, actor=staff)["approved"]
    build_demo_feedback(campaign=approved, actor=staff, holder=world.other_province)
    counts = build_demo_rectification(campaign=approved, actor=staff)
    assert counts["approved"] == 0 and counts["lists"] == 5
    assert counts["overdue"] >= 2 and counts["closed"] >= 2
    lists = approved.rectification_lists.all()
    assert {lst.starts_from for lst in lists} == {"feedback"}
    assert {ListStatus.CONFIRMED, ListStatus.SUBMITTED, ListStatus.DRAFT} <= {lst.status for lst in lists}
    items = RectificationItem.objects.filter(rectification_list__campaign=approved).prefetch_related(
        "sources"
    )
    assert any(len(i.sources.all()) >= 3 for i in items)

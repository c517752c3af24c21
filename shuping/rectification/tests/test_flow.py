"""FLOW-4 on the item page: staff 代录 for an assessee without a liaison, who closed an item and with what
opinion, and 逾期完成 for an item reported done after its deadline."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant
from shuping.audit.models import AuditEvent
from shuping.core.errors import DomainError
from shuping.rectification import rules, services
from shuping.rectification.choices import ItemStatus
from shuping.rectification.models import ProgressUpdate, RectificationItem

from .test_services import confirmed_list

SHANGHAI = ZoneInfo("Asia/Shanghai")


def text(response) -> str:
    return response.content.decode()


def without_liaison(world):
    RoleGrant.objects.filter(role=Role.LIAISON, organization=world.prefecture).delete()


@pytest.mark.req("FLOW-4", "RCT-2")
def test_staff_record_progress_for_an_assessee_without_a_liaison_with_attribution(world, login):
    _campaign, _assessment, rlist = confirmed_list(world)
    item = rlist.items.order_by("position").first()
    url = reverse("rectification:item", args=[item.pk])
    staff = login(world.organizer_staff)
    # While the assessment has a liaison, the liaison reports; staff get no progress form and a 403.
    assert 'name="on_behalf_of"' not in text(staff.get(url))
    progress = reverse("rectification:item_progress", args=[item.pk])
    assert staff.post(progress, {"text": "x", "on_behalf_of": "陈书记"}).status_code == 403
    without_liaison(world)
    page = text(staff.get(url))
    assert 'name="on_behalf_of"' in page and "没有联络员" in page
    # 代录 without saying who reported it is refused and records nothing.
    refused = staff.post(progress, {"text": "召开专题会议"}, follow=True)
    assert "代录须写明报告人" in text(refused) and not ProgressUpdate.objects.filter(item=item).exists()
    done = reverse("rectification:item_done", args=[item.pk])
    staff.post(done, {"text": "已完成整改", "on_behalf_of": "陈书记（电话报告）"})
    update = ProgressUpdate.objects.get(item=item)
    assert update.author == world.organizer_staff and update.on_behalf_of == "陈书记（电话报告）"
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE_REPORTED
    assert "陈书记（电话报告）（" in text(staff.get(url)) and "代录）" in text(staff.get(url))
    event = AuditEvent.objects.filter(action="rectification.item.progress").latest("pk")
    assert event.on_behalf_of == "陈书记（电话报告）" and event.actor_id == world.organizer_staff.pk
    # Outsiders still cannot: the 代录 is the organizer staff's only.
    with pytest.raises(DomainError):
        services.add_progress(actor=world.department_leader, item=item, text="x", on_behalf_of="陈书记")


@pytest.mark.req("FLOW-4", "RCT-2")
def test_a_closed_item_shows_who_closed_it_when_and_the_closing_opinion(world, login):
    _campaign, _assessment, rlist = confirmed_list(world)
    item = rlist.items.order_by("position").first()
    url = reverse("rectification:item", args=[item.pk])
    services.add_progress(actor=world.assessee, item=item, text="已完成", marks_done=True)
    staff = login(world.organizer_staff)
    assert 'name="note"' in text(staff.get(url))
    staff.post(
        reverse("rectification:item_close", args=[item.pk]), {"note": "经核查，整改措施已落实，同意销号。"}
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED
    page = text(login(world.assessee).get(url))
    assert "销号意见" in page and "经核查，整改措施已落实，同意销号。" in page
    assert world.organizer_staff.display_name in page
    assert item.closed_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in page


@pytest.mark.req("FLOW-4", "RCT-2")
def test_an_item_reported_done_after_its_deadline_is_marked_done_late(world, login):
    _campaign, assessment, rlist = confirmed_list(world)
    late, on_time = rlist.items.order_by("position")[:2]
    for item in (late, on_time):
        services.add_progress(actor=world.assessee, item=item, text="已完成", marks_done=True)
    # Reported one day after the deadline (late) and on the deadline day itself (on time), Shanghai time.
    RectificationItem.objects.filter(pk=late.pk).update(
        done_reported_at=datetime.combine(late.deadline + timedelta(days=1), datetime.min.time(), SHANGHAI)
    )
    RectificationItem.objects.filter(pk=on_time.pk).update(
        done_reported_at=datetime.combine(on_time.deadline, datetime.max.time(), SHANGHAI)
    )
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.is_done_late and not on_time.is_done_late
    client = login(world.assessee)
    assert "逾期完成" in text(client.get(reverse("rectification:item", args=[late.pk])))
    assert "逾期完成" not in text(client.get(reverse("rectification:item", args=[on_time.pk])))
    listing = text(client.get(reverse("rectification:list", args=[assessment.pk])))
    assert listing.count("逾期完成") == 1
    services.close_items(actor=world.organizer_staff, items=[late], note="同意销号")
    late.refresh_from_db()
    assert late.is_done_late  # the mark stays once closed


@pytest.mark.req("FLOW-4")
def test_finished_late_compares_the_report_day_with_the_deadline():
    assert rules.finished_late(date(2025, 3, 31), date(2025, 4, 1))
    assert not rules.finished_late(date(2025, 3, 31), date(2025, 3, 31))
    assert not rules.finished_late(date(2025, 3, 31), date(2025, 3, 1))

"""`shuping tick` runs rectification's reminder and overdue jobs (RCT-2, SPEC §11): each notice is written by
the file sender to MEDIA_ROOT/outbox/, and a second tick the same day sends nothing twice."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from shuping.rectification import notify, services
from shuping.rectification.choices import NotificationKind
from shuping.rectification.models import Notification

from .builders import campaign_with_problems, prefecture_assessment

JOBS = ["rectification.reminders", "rectification.overdue"]


def tick(*only: str) -> str:
    out = io.StringIO()
    call_command("tick", *[f"--only={name}" for name in only], stdout=out)
    return out.getvalue()


def confirmed_with_deadlines(world, deadlines):
    campaign = campaign_with_problems(world, grade="较好")
    rlist = services.start_list(actor=world.liaison, assessment=prefecture_assessment(campaign, world))
    for item, deadline in zip(rlist.items.order_by("position"), deadlines, strict=True):
        services.update_item(
            actor=world.liaison,
            item=item,
            problem=item.problem,
            measures="逐项整改",
            responsible="陈书记",
            deadline=deadline,
        )
    services.submit_list(actor=world.liaison, rectification_list=rlist)
    services.confirm_list(actor=world.organizer_staff, rectification_list=rlist)
    return rlist


@pytest.mark.req("RCT-2")
def test_tick_lists_the_rectification_jobs():
    out = io.StringIO()
    call_command("tick", "--list", stdout=out)
    names = {line.split("\t")[0] for line in out.getvalue().splitlines()}
    assert set(JOBS) <= names


@pytest.mark.req("RCT-2")
def test_tick_sends_reminders_and_overdue_notices_to_the_outbox_once(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SHUPING_NOTIFICATION_SENDERS = ["shuping.rectification.notify.FileSender"]
    today = timezone.localdate()
    # One item due in three days (inside the 7-day lead time), one overdue since March 2024.
    confirmed_with_deadlines(world, [today + timedelta(days=3), date(2024, 3, 1)])
    drafters = notify.drafters_of(prefecture_assessment(world.province.campaigns.get(year=2023), world))
    assert {world.assessee, world.liaison} <= set(drafters)

    with django_capture_on_commit_callbacks(execute=True):
        out = tick(*JOBS)
    assert f"rectification.reminders: 整改事项到期提醒 {len(drafters)} 条" in out
    assert f"rectification.overdue: 整改事项逾期提醒 {len(drafters)} 条" in out
    files = sorted((tmp_path / "outbox").glob("*.txt"))
    assert len(files) == 2 * len(drafters)
    texts = [f.read_text(encoding="utf-8") for f in files]
    assert sum("类型：到期提醒" in t for t in texts) == len(drafters)
    assert sum("类型：逾期提醒" in t and "2024-03-01" in t for t in texts) == len(drafters)
    assert all(n.sent_via == ["file"] for n in Notification.objects.all())

    # A second tick the same day: deduplicated by the notices' keys — nothing new, no new files.
    with django_capture_on_commit_callbacks(execute=True):
        again = tick(*JOBS)
    assert "整改事项到期提醒 0 条" in again and "整改事项逾期提醒 0 条" in again
    assert len(list((tmp_path / "outbox").glob("*.txt"))) == len(files)
    assert Notification.objects.filter(kind=NotificationKind.REMINDER).count() == len(drafters)

"""`shuping tick` runs the periodic jobs: dormant accounts are disabled and their sessions end (SEC-3)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from shuping.accounts.models import User
from shuping.core import periodic


@pytest.mark.req("SEC-3")
def test_tick_disables_dormant_accounts_and_ends_their_sessions(world, client):
    dormant = world.liaison
    client.force_login(dormant)
    User.objects.filter(pk=dormant.pk).update(last_login=timezone.now() - timedelta(days=91))
    User.objects.exclude(pk=dormant.pk).update(last_login=timezone.now())

    out = io.StringIO()
    call_command("tick", "--schedule", "daily", stdout=out)

    dormant.refresh_from_db()
    assert dormant.is_active is False
    assert "停用长期未使用账号 1 个" in out.getvalue()
    assert User.objects.filter(is_active=True).count() == User.objects.count() - 1
    assert client.get("/").status_code == 302  # the session was ended: back to the sign-in page


def test_apps_register_jobs_and_one_failure_does_not_stop_the_others(db):
    ran = []
    periodic.register("test.ok", lambda: ran.append("ok"), schedule="hourly", description="测试")
    periodic.register("test.boom", lambda: 1 / 0, schedule="hourly")
    try:
        listing = io.StringIO()
        call_command("tick", "--list", stdout=listing)
        assert "accounts.disable_dormant_accounts" in listing.getvalue()
        assert "test.ok\thourly\t测试" in listing.getvalue()
        with pytest.raises(CommandError, match="1 个定期任务失败"):
            call_command("tick", "--schedule", "hourly", stdout=io.StringIO(), stderr=io.StringIO())
        assert ran == ["ok"]
        with pytest.raises(CommandError, match="没有这个定期任务"):
            call_command("tick", "--only", "test.nothing")
    finally:
        periodic.unregister("test.ok")
        periodic.unregister("test.boom")
    with pytest.raises(ValueError):
        periodic.register("test.bad", lambda: None, schedule="weekly")

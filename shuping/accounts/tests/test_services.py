"""Account services: lockout counting, dormant accounts, disabling, audit in the same transaction (SEC-3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from shuping.accounts import services
from shuping.accounts.models import User, UserSession
from shuping.audit.models import AuditEvent

IP = "203.0.113.7"


def _fail(username: str, times: int = 1, reason: str = services.BAD_CREDENTIALS):
    for _ in range(times):
        services.register_login_failure(username=username, ip=IP, reason=reason)


@pytest.mark.req("SEC-3")
def test_attempts_refused_during_a_lock_neither_count_nor_extend_it(world, clock):
    _fail("organizer", 5)
    until = User.objects.get(username="organizer").locked_until_at
    clock.advance(minutes=10)
    _fail("organizer", 3, reason=services.LOCKED)
    user = User.objects.get(username="organizer")
    assert user.locked_until_at == until and user.failed_login_count == 5


@pytest.mark.req("SEC-3")
def test_after_a_lock_expires_the_count_starts_again(world, clock):
    _fail("organizer", 5)
    clock.advance(minutes=16)
    _fail("organizer")
    user = User.objects.get(username="organizer")
    assert user.failed_login_count == 1 and not user.is_locked()


@pytest.mark.req("SEC-3")
def test_lockout_threshold_and_duration_are_settings(world, settings, clock):
    settings.SHUPING_LOGIN_LOCKOUT_FAILURES = 3
    settings.SHUPING_LOGIN_LOCKOUT_SECONDS = 60
    _fail("organizer", 3)
    user = User.objects.get(username="organizer")
    assert user.locked_until_at == clock.now + timedelta(seconds=60)


@pytest.mark.req("SEC-3")
def test_a_failure_for_an_unknown_name_is_audited_without_touching_any_account(world):
    assert services.register_login_failure(username="ghost", ip=IP, reason=services.BAD_CREDENTIALS) is None
    assert not User.objects.filter(failed_login_count__gt=0).exists()
    event = AuditEvent.objects.get(action="accounts.login")
    assert event.detail["username"] == "ghost" and event.outcome == "failed"


@pytest.mark.req("SEC-3", "SEC-4")
def test_the_audit_event_rolls_back_with_the_change(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.disable_user(user=world.liaison, actor=world.system_admin)
        raise RuntimeError("later step failed")
    assert User.objects.get(pk=world.liaison.pk).is_active
    assert not AuditEvent.objects.filter(action="accounts.disable").exists()


@pytest.mark.req("SEC-3")
def test_dormant_accounts_are_disabled_and_their_sessions_end(world):
    now = timezone.now()
    User.objects.filter(pk=world.liaison.pk).update(last_login=now - timedelta(days=91))
    User.objects.filter(pk=world.assessee.pk).update(last_login=now - timedelta(days=30))
    never = User.objects.create(username="never", date_joined=now - timedelta(days=200))
    fresh = User.objects.create(username="fresh", date_joined=now - timedelta(days=5))
    UserSession.objects.create(user=world.liaison, session_key="k" * 32)
    User.objects.exclude(pk__in=[world.liaison.pk, world.assessee.pk, never.pk, fresh.pk]).update(
        last_login=now
    )

    disabled = services.disable_dormant_accounts()

    assert {u.username for u in disabled} == {"liaison", "never"}
    assert set(User.objects.filter(is_active=False).values_list("username", flat=True)) == {
        "liaison",
        "never",
    }
    assert not UserSession.objects.filter(user=world.liaison).exists()
    events = AuditEvent.objects.filter(action="accounts.disable")
    assert events.count() == 2
    assert {e.source for e in events} == {"system"} and {e.actor_id for e in events} == {None}
    assert events.first().detail["reason"] == "dormant:90"


@pytest.mark.req("SEC-3")
def test_the_dormancy_period_can_be_chosen(world):
    User.objects.filter(pk=world.liaison.pk).update(last_login=timezone.now() - timedelta(days=40))
    User.objects.exclude(pk=world.liaison.pk).update(last_login=timezone.now())
    assert services.disable_dormant_accounts(days=90) == []
    assert [u.username for u in services.disable_dormant_accounts(days=30)] == ["liaison"]


@pytest.mark.req("SEC-3")
def test_a_disabled_account_cannot_sign_in_again(world, persona_password):
    services.disable_user(user=world.liaison, actor=world.system_admin)
    assert not Client().login(username="liaison", password=persona_password)


@pytest.mark.req("SEC-1", "SEC-3")
def test_only_the_security_administrator_may_unlock(world):
    _fail("organizer", 5)
    locked = User.objects.get(username="organizer")
    for actor in (world.system_admin, world.audit_admin, world.organizer_staff):
        with pytest.raises(services.AccountError):
            services.unlock_user(user=locked, actor=actor)
    assert User.objects.get(pk=locked.pk).is_locked()
    services.unlock_user(user=locked, actor=world.security_admin)
    assert not User.objects.get(pk=locked.pk).is_locked()

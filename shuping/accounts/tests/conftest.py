"""Fixtures for the accounts tests: a clean cache (the per-address counters) and a clock to travel in time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from shuping.audit.models import AuditEvent

# The persona world lives in tests/conftest.py, which pytest applies only below tests/.
from tests.conftest import login, persona_password, world  # noqa: F401


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


class Clock:
    """`timezone.now()` under the test's control: every service, the session store and the middleware read it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def sign_in(client, username: str, password: str, ip: str = "203.0.113.7", **extra):
    """POST the login form as a browser at `ip` would."""
    from django.urls import reverse

    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def login_events():
    return list(AuditEvent.objects.filter(action="accounts.login").order_by("sequence"))

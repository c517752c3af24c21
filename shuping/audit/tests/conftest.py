"""Fixtures for the audit tests: a small chain, raw SQL for tampering, a clock to age rows.

The persona world comes from tests/conftest.py, which pytest applies only below tests/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from unittest import mock

import pytest
from django.db import connection

from shuping.accounts.models import User
from shuping.audit import guard
from shuping.audit.models import AuditEvent
from shuping.audit.services import record
from tests.conftest import login, world  # noqa: F401


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


def sql(statement: str, params: list[Any] | None = None) -> None:
    """Run raw SQL the way an attacker with database superuser rights would — no ORM, no services, and past
    the append-only triggers (a superuser can drop them; INT-2 assumes so and relies on the external sink)."""
    with guard.maintenance(), connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def plain_sql(statement: str, params: list[Any] | None = None) -> None:
    """Raw SQL as any other database client would send it, with the triggers in place."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def sql_datetime(moment: datetime) -> Any:
    """A datetime as the backend's raw driver expects it."""
    return connection.ops.adapt_datetimefield_value(moment)


def sql_json_placeholder() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make `timezone.now()` return `moment` (to create rows that are past retention)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def people(db) -> dict[str, User]:
    """Two plain accounts to act in the chain."""
    return {
        "wang": User.objects.create(username="wang", full_name="组织科 王干事"),
        "li": User.objects.create(username="li", full_name="组织部 李部长"),
    }


@pytest.fixture
def chain(people) -> list[AuditEvent]:
    """Five events by two people, with on-behalf-of entries and details."""
    wang, li = people["wang"], people["li"]
    return [
        record(actor=wang, action="orgs.create", detail={"name": "中共乙县委员会"}),
        record(actor=li, action="campaigns.open", detail={"year": 2025}),
        record(
            actor=wang,
            action="meetings.record_commentary",
            on_behalf_of="县委书记 张三",
            detail={"words": 812},
        ),
        record(actor=None, action="jobs.finish", source="job", detail={"rows": 3}),
        record(actor=li, action="accounts.login", outcome="failed", source="web"),
    ]

"""Periodic jobs for `shuping tick` (SPEC §11): a registry any app adds to.

An app registers its jobs in a module named `periodic.py` (found by autodiscovery, like admin.py) or in
its AppConfig.ready()::

    from shuping.core.periodic import register

    register("reports.remind_liaisons", remind_liaisons, schedule="daily", description="提醒联络员")

`shuping tick` runs the registered jobs of one schedule (`--schedule hourly|daily`, default: every job);
the deploy/ timers call it hourly and daily. Jobs are functions without arguments, idempotent (a missed or
repeated tick does no harm), and write through services so their changes are audited. Stateless by design:
no "last run" bookkeeping — the timer is the schedule. On PostgreSQL a session advisory lock makes a
second concurrent tick (another machine's timer) skip instead of running the jobs twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SCHEDULES = ("hourly", "daily")


@dataclass(frozen=True)
class PeriodicJob:
    """One registered job: a name (app.verb), the function, how often, a Chinese description."""

    name: str
    func: Callable[[], Any]
    schedule: str
    description: str


_registry: dict[str, PeriodicJob] = {}


def register(name: str, func: Callable[[], Any], *, schedule: str = "daily", description: str = "") -> None:
    """Add (or replace, by name) a periodic job."""
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, not {schedule!r}")
    _registry[name] = PeriodicJob(name=name, func=func, schedule=schedule, description=description)


def unregister(name: str) -> None:
    """Remove a job (tests)."""
    _registry.pop(name, None)


def registered(schedule: str | None = None) -> list[PeriodicJob]:
    """The registered jobs, optionally of one schedule, in name order (after autodiscovery)."""
    autodiscover()
    return sorted(
        (job for job in _registry.values() if schedule is None or job.schedule == schedule),
        key=lambda j: j.name,
    )


_discovered = False


def autodiscover() -> None:
    """Import every installed app's `periodic` module once, and register the built-in jobs."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    from django.utils.module_loading import autodiscover_modules

    _register_builtin()
    autodiscover_modules("periodic")


def _disable_dormant_accounts() -> str:
    from shuping.accounts.services import disable_dormant_accounts

    disabled = disable_dormant_accounts()
    return f"停用长期未使用账号 {len(disabled)} 个"


def _prune_session_records() -> str:
    from shuping.accounts.services import prune_session_records

    return f"清理过期会话记录 {prune_session_records()} 条"


def _audit_checkpoint() -> str:
    from shuping.audit.services import create_checkpoint
    from shuping.core.errors import DomainError

    try:
        checkpoint = create_checkpoint()
    except DomainError as error:
        if error.code == "empty":
            return error.message
        raise
    return f"审计检查点：第 {checkpoint.sequence} 条"


def _register_builtin() -> None:
    """Jobs of apps that have no periodic module of their own (accounts, audit)."""
    register(
        "accounts.disable_dormant_accounts",
        _disable_dormant_accounts,
        schedule="daily",
        description="停用超过 SHUPING_DORMANT_ACCOUNT_DAYS 天未登录的账号（SEC-3）",
    )
    register(
        "accounts.prune_session_records",
        _prune_session_records,
        schedule="daily",
        description="清理超过绝对超时的会话记录（SEC-3）",
    )
    register(
        "audit.checkpoint",
        _audit_checkpoint,
        schedule="hourly",
        description="校验审计哈希链并签名检查点，同时写入外部存储 SHUPING_AUDIT_SINK（SEC-4、INT-2）",
    )

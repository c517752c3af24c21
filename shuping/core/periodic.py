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
    """Import every installed app's `periodic` module once (core has no jobs of its own: it sits below the
    apps, docs/architecture.md)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("periodic")

"""`shuping tick`: run the registered periodic jobs (shuping/core/periodic.py), from a timer or cron.

Each job runs on its own; one failing is logged and reported, the others still run, and the exit status
is non-zero so the timer's unit shows the failure.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import CommandError
from django.db import connection
from django.utils.translation import gettext as _

from shuping.core.management.audited import AuditedCommand
from shuping.core.periodic import SCHEDULES, registered

logger = logging.getLogger("shuping.tick")

#: pg_try_advisory_lock key: "tick" — one tick at a time across all machines sharing the database.
LOCK_KEY = 0x7469636B


class Command(AuditedCommand):
    help = "运行定期任务（停用长期未使用账号、审计检查点等）；由定时器每小时/每天调用。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--schedule", choices=SCHEDULES, default=None, help="只运行该频率的任务（默认全部）"
        )
        parser.add_argument("--only", action="append", default=[], help="只运行指定名称的任务（可多次给出）")
        parser.add_argument("--list", dest="list_jobs", action="store_true", help="列出已登记的任务后退出")

    def handle(
        self, *args: Any, schedule: str | None, only: list[str], list_jobs: bool, **options: Any
    ) -> None:
        jobs = registered(schedule)
        if only:
            unknown = sorted(set(only) - {job.name for job in jobs})
            if unknown:
                raise CommandError(_("没有这个定期任务：%(name)s") % {"name": ", ".join(unknown)})
            jobs = [job for job in jobs if job.name in only]
        if list_jobs:
            for job in jobs:
                self.stdout.write(f"{job.name}\t{job.schedule}\t{job.description}")
            return
        if not self._lock():
            self.stdout.write(_("另一个 tick 正在运行，本次跳过。"))
            return
        failed = []
        try:
            for job in jobs:
                try:
                    outcome = job.func()
                except Exception:
                    logger.exception("periodic job %s failed", job.name)
                    failed.append(job.name)
                    self.stderr.write(_("失败：%(name)s（详见日志）") % {"name": job.name})
                    continue
                self.stdout.write(f"{job.name}: {outcome if outcome is not None else _('完成')}")
        finally:
            self._unlock()
        if failed:
            raise CommandError(
                _("%(count)d 个定期任务失败：%(names)s") % {"count": len(failed), "names": ", ".join(failed)}
            )

    def _lock(self) -> bool:
        if connection.vendor != "postgresql":
            return True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            return bool(cursor.fetchone()[0])

    def _unlock(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])

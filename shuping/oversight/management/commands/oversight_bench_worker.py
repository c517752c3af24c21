"""Internal: the measuring half of the oversight benches, run by shuping.oversight.bench in a child process
whose DATABASE_URL is a scratch PostgreSQL database. Prints one JSON line on stdout; progress on stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "（内部）监督指导基准测试的计时进程，由 shuping bench dashboards/import/pages 调用。"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=["dashboards", "import", "pages"])
        parser.add_argument("--size", type=int, default=None)
        parser.add_argument("--rounds", type=int, default=None)

    def handle(self, *args: Any, name: str, size: int | None, rounds: int | None, **options: Any) -> None:
        from shuping.oversight import measure

        def log(message: str) -> None:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()

        result = getattr(measure, f"measure_{name}")(log=log, size=size, rounds=rounds)
        sys.stderr.flush()
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()

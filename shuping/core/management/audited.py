"""`AuditedCommand`: the base of every management command that writes (INT-3).

While the command runs, audit rows written without a signed-in actor name its operator — "命令行 grant：root"
— so a write made at the server's terminal says who made it and through which command. tests/access/
test_cli_audit.py runs every writing command and fails when one writes without such a row.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shuping.audit.services import command_operator


class AuditedCommand(BaseCommand):
    """A management command whose audit rows name the operating-system user who ran it."""

    def execute(self, *args: Any, **options: Any) -> Any:
        command = type(self).__module__.rsplit(".", 1)[-1]
        with command_operator(command):
            return super().execute(*args, **options)

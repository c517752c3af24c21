"""`flush` with the audit triggers' maintenance allowance (INT-2).

Emptying the whole database (tests between transactional cases, a fresh demo) deletes audit rows too;
the triggers of shuping/audit/guard.py would refuse that, so flush runs inside `guard.maintenance()`.
It never runs in production flows; `shuping restore --force` has its own allowance.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from ...guard import maintenance


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with maintenance(options["database"]):
            super().handle(**options)

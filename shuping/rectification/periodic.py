"""Periodic jobs of rectification for `shuping tick` (RCT-2, SPEC §11), autodiscovered by
`shuping.core.periodic`: reminders before an item's deadline and a notice once it is overdue.

Both are idempotent — each notice carries a key (item, deadline), so a second tick the same day, or a
repeated timer, sends nothing twice; the file sender writes each new notice to MEDIA_ROOT/outbox/.
"""

from __future__ import annotations

from shuping.core.periodic import register

from . import notify


def send_reminders() -> str:
    return f"整改事项到期提醒 {notify.send_reminders()} 条"


def send_overdue_notices() -> str:
    return f"整改事项逾期提醒 {notify.send_overdue_notices()} 条"


register(
    "rectification.reminders",
    send_reminders,
    schedule="daily",
    description="整改事项完成时限前提醒考核对象和联络员（RCT-2）",
)
register(
    "rectification.overdue",
    send_overdue_notices,
    schedule="daily",
    description="整改事项逾期后提醒考核对象和联络员，每项每个时限一次（RCT-2）",
)

"""待办 on the home page: what the signed-in person has to do next, gathered from the apps.

The grassroots' burden (SPEC introduction): a secretary or a liaison should not hunt through the menu for
the one thing asked of them this week. Apps register a provider — `func(user) -> list[Todo]`, a constant
number of queries whatever the data (PERF-5) — in their `ready()`; the home page lists the results, the
urgent ones (returned, overdue, due within a week) first. Providers only look at the person's OWN
assessments (as the assessed secretary or a liaison); organizer staff work from their campaign boards.

    from shuping.core.todos import Todo, todo_provider

    @todo_provider
    def my_reports(user) -> list[Todo]: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone


@dataclass(frozen=True)
class Todo:
    text: str  # what to do, e.g. "提交 2026 年度述职报告"
    url: str
    note: str = ""  # why now, e.g. "已退回修改：……" or "截止 12月10日"
    urgent: bool = False


Provider = Callable[[object], list[Todo]]
_PROVIDERS: list[Provider] = []


def todo_provider(func: Provider) -> Provider:
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def todos_for(user) -> list[Todo]:
    if not getattr(user, "is_authenticated", False):
        return []
    try:
        items = [todo for provider in _PROVIDERS for todo in provider(user)]
    finally:
        getattr(user, "__dict__", {}).pop("_role_summary", None)  # shared by providers for this call only
    return sorted(items, key=lambda t: not t.urgent)  # stable: each app's own order kept


def due_note(due_on: date | None, today: date | None = None) -> tuple[str, bool]:
    """("截止 12月10日" / "已逾期 3 天", urgent?) — urgent when overdue or due within 7 days."""
    if due_on is None:
        return "", False
    today = today or timezone.localdate()
    days = (due_on - today).days
    if days < 0:
        return f"已逾期 {-days} 天（截止 {due_on.month}月{due_on.day}日）", True
    return f"截止 {due_on.month}月{due_on.day}日", days <= 7

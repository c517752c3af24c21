"""DOC-2: every date shown or printed is the Asia/Shanghai date.

A static guard over shuping/ (no `.date()` of a datetime, no `date.today()` / naive `datetime.now()`), and
the helper itself with the clock at 01:00 Beijing time, when UTC is still on the previous day.
"""

from __future__ import annotations

import ast
import datetime
from pathlib import Path
from unittest import mock

import pytest

from shuping.core import dates

ROOT = Path(__file__).resolve().parents[2]  # shuping/
# 2026-12-08 01:00 in Beijing is 2026-12-07 17:00 UTC.
BEIJING_1AM = datetime.datetime(2026, 12, 7, 17, 0, tzinfo=datetime.UTC)
# A line may take `.date()` of a naive datetime (a spreadsheet cell) when it says so.
NAIVE_MARK = "# naive:"


def offending_calls(source: str) -> list[tuple[int, str]]:
    """(line, what) for each call that turns a datetime into a date without the Beijing time zone."""
    lines = source.splitlines()
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        line = lines[node.lineno - 1]
        if name == "date" and not node.args and not node.keywords and NAIVE_MARK not in line:
            found.append((node.lineno, ".date()"))
        owner = node.func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        if name == "today" and owner_name == "date":
            found.append((node.lineno, "date.today()"))
        if name in ("now", "utcnow") and owner_name == "datetime" and not node.args and not node.keywords:
            found.append((node.lineno, f"datetime.{name}()"))
    return found


@pytest.mark.req("DOC-2")
def test_the_guard_sees_each_form() -> None:
    source = (
        "a = timezone.now().date()\n"
        "b = obj.decided_at.date() if obj.decided_at else None\n"
        "c = date.today()\n"
        "d = datetime.datetime.now()\n"
        "e = cell.date()  # naive: a spreadsheet cell\n"
        "f = timezone.localdate(obj.decided_at)\n"
    )
    assert sorted(line for line, _what in offending_calls(source)) == [1, 2, 3, 4]


@pytest.mark.req("DOC-2")
def test_no_utc_date_anywhere_in_shuping() -> None:
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line}: {what}"
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.parts
        for line, what in offending_calls(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use shuping.core.dates.today() / local_date() instead:\n" + "\n".join(offenders)


@pytest.mark.req("DOC-2")
def test_today_and_local_date_are_beijing_dates_at_1am() -> None:
    with mock.patch("django.utils.timezone.now", return_value=BEIJING_1AM):
        assert dates.today() == datetime.date(2026, 12, 8)
        assert dates.local_date_or_today(None) == datetime.date(2026, 12, 8)
    assert dates.local_date(BEIJING_1AM) == datetime.date(2026, 12, 8)
    assert dates.local_date(None) is None

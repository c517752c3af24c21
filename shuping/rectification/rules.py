"""Pure rules of rectification and the use of results (RCT-1 … RCT-5), no Django import, each citing Art. 7."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

GOOD = "好"
LOW_GRADES = ("一般", "差")
EXCELLENT = "优秀"

#: Days after feedback within which the list is due, unless the campaign says otherwise (RCT-1).
DEFAULT_LIST_DAYS = 30
#: Days before an item's deadline the first reminder goes out (RCT-2).
DEFAULT_REMINDER_DAYS = 7
#: 限期整改 for 一般/差 (RCT-5) when the campaign sets no `admonition_deadline_days`.
DEFAULT_RECTIFY_DAYS = 90

ART7_EXCELLENT = "依据《办法》第七条，述职评议考核综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次。"


def list_due_on(starts_on: date, days: int | None) -> date:
    """RCT-1: the list is due `days` (default 30) after feedback — or after approval until feedback exists."""
    return starts_on + timedelta(days=DEFAULT_LIST_DAYS if days is None else int(days))


def is_overdue(deadline: date, today: date, *, is_closed: bool) -> bool:
    """RCT-2: overdue is computed — past the deadline and not closed (销号) — never stored."""
    return not is_closed and deadline < today


def finished_late(deadline: date, done_on: date) -> bool:
    """FLOW-4: 逾期完成 — the item was reported done on a day after its deadline (Art. 7 限期整改)."""
    return done_on > deadline


def reminder_due(deadline: date, today: date, *, before_days: int, is_closed: bool) -> bool:
    """RCT-2: a reminder is due from `before_days` before the deadline until the deadline itself."""
    return not is_closed and today <= deadline <= today + timedelta(days=before_days)


def excellent_allowed(grade: str | None) -> bool | None:
    """Art. 7: 综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次.

    None while the grade is not decided (待定); True only for 好."""
    if not grade:
        return None
    return grade == GOOD


def allowed_annual_grades(grade: str | None, all_grades: Sequence[str]) -> list[str]:
    """The 年度考核 grades a person may receive given their decided 述职评议考核 grade (Art. 7)."""
    if excellent_allowed(grade) is False:
        return [g for g in all_grades if g != EXCELLENT]
    return list(all_grades)


def needs_admonition(grade: str | None) -> bool:
    """Art. 7: 对综合评价等次为“一般”和“差”的，要约谈提醒、限期整改."""
    return grade in LOW_GRADES


def sample(ids: Sequence[int], size: int, seed: int) -> list[int]:
    """RCT-2 销号 by sampling: a reproducible random sample (the seed is recorded), in a stable order."""
    population = sorted(set(ids))
    size = max(0, min(size, len(population)))
    return sorted(random.Random(seed).sample(population, size))


def completion(total: int, closed: int) -> int:
    """Whole-percent completion for circulars (RCT-3); 0 when there is nothing to do.

    Rounded down, so a circular never shows 100% while an item is still open (199 of 200 is 99%)."""
    return 0 if total == 0 else 100 * closed // total

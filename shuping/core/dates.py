"""Dates as Beijing sees them (DOC-2): the one place documents and pages get "today" and a day from a time.

Times are stored in UTC; a date printed on a document or shown on a page is the Asia/Shanghai date
(settings.TIME_ZONE). Between 00:00 and 08:00 Beijing time `timezone.now().date()` is still yesterday, so
nothing in shuping/ takes `.date()` of an aware datetime — `shuping/core/tests/test_dates.py` fails if one
comes back. Use `today()` and `local_date(moment)` instead.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def today() -> datetime.date:
    """Today's date in Asia/Shanghai (the project's TIME_ZONE)."""
    return timezone.localdate()


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    """The Asia/Shanghai date of an aware `moment`, None for None."""
    if moment is None:
        return None
    return timezone.localdate(moment)


def local_date_or_today(moment: datetime.datetime | None) -> datetime.date:
    """The Asia/Shanghai date of `moment`, or today when it is not set yet."""
    return timezone.localdate(moment) if moment is not None else timezone.localdate()

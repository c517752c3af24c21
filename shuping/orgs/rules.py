"""Pure rules on secretaries' tenures (ORG-3). No Django import: dates in, facts out.

Art. 3: each year the committee one level up assesses the secretaries of the organizations below it
(市、县、乡镇党（工）委书记 …). Who reports for year Y is the secretary in post at the reference date (by
default 31 December of Y). The organizer is told when the post changed hands during the year
(年中调整) and when the reporting secretary has held the post for under six months (任职不满半年), so it
can decide whether the predecessor reports too or the newcomer only reports without a grade.
"""

from __future__ import annotations

import calendar
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

#: Flag codes; their Chinese labels are `shuping.orgs.choices.TenureFlag`.
MID_YEAR_CHANGE = "mid_year_change"
UNDER_SIX_MONTHS = "under_six_months"

#: ORG-3: a secretary in post for under this many months at the reference date is flagged.
MINIMUM_MONTHS = 6


@dataclass(frozen=True)
class Tenure:
    """One secretaryship: `person` identifies the holder (any hashable), `key` the row (e.g. its pk)."""

    started_on: date
    ended_on: date | None = None
    person: Hashable = None
    key: Hashable = None

    def covers(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)

    def overlaps(self, first: date, last: date) -> bool:
        return self.started_on <= last and (self.ended_on is None or self.ended_on >= first)


@dataclass(frozen=True)
class YearReview:
    """What the organizer needs to know about one post in one assessed year."""

    year: int
    as_of: date
    secretary: Tenure | None
    tenures: tuple[Tenure, ...]
    months_in_post: int | None
    flags: frozenset[str] = field(default_factory=frozenset)

    @property
    def has_mid_year_change(self) -> bool:
        return MID_YEAR_CHANGE in self.flags

    @property
    def is_under_six_months(self) -> bool:
        return UNDER_SIX_MONTHS in self.flags


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months(start: date, through: date) -> int:
    """Complete months served from `start` through the end of `through` (inclusive); 0 if under one."""
    end_exclusive = through + timedelta(days=1)
    months = (end_exclusive.year - start.year) * 12 + end_exclusive.month - start.month
    while months > 0 and add_months(start, months) > end_exclusive:
        months -= 1
    return max(months, 0)


@dataclass(frozen=True)
class Run:
    """One holder's unbroken time in the post, merged from their touching or overlapping rows."""

    person: Hashable
    started_on: date
    ended_on: date | None


def merge_runs(tenures: Iterable[Tenure]) -> list[Run]:
    """Merge each person's consecutive rows (re-election, a title change recorded as a new row).

    Rows that touch (the next starts the day after the previous ends) or overlap are one run, so a
    re-elected secretary is not flagged as new. Rows without a person are runs of their own.
    """
    by_holder: dict[Hashable, list[Tenure]] = {}
    for index, t in enumerate(tenures):
        holder = t.person if t.person is not None else ("row", index)
        by_holder.setdefault(holder, []).append(t)
    runs: list[Run] = []
    for holder, rows in by_holder.items():
        rows.sort(key=lambda t: t.started_on)
        start, end = rows[0].started_on, rows[0].ended_on
        for t in rows[1:]:
            if end is None or t.started_on <= end + timedelta(days=1):
                end = None if end is None or t.ended_on is None else max(end, t.ended_on)
            else:
                runs.append(Run(holder, start, end))
                start, end = t.started_on, t.ended_on
        runs.append(Run(holder, start, end))
    return sorted(runs, key=lambda r: r.started_on)


def run_of(runs: Iterable[Run], tenure: Tenure) -> Run:
    """The run containing `tenure` (by holder and start date)."""
    if tenure.person is None:
        return Run(None, tenure.started_on, tenure.ended_on)
    for run in runs:
        if (
            run.person == tenure.person
            and run.started_on <= tenure.started_on
            and (run.ended_on is None or tenure.started_on <= run.ended_on)
        ):
            return run
    return Run(tenure.person, tenure.started_on, tenure.ended_on)


def secretary_on(tenures: Iterable[Tenure], day: date) -> Tenure | None:
    """The tenure covering `day`; if several do (a handover day), the one that started last."""
    covering = [t for t in tenures if t.covers(day)]
    return max(covering, key=lambda t: t.started_on) if covering else None


def review_year(tenures: Iterable[Tenure], year: int, *, as_of: date | None = None) -> YearReview:
    """Flags for one post in assessed year `year` (ORG-3, Art. 3).

    - secretary: in post at `as_of` (default 31 December); if the post is vacant then, the last one
      who held it during the year.
    - MID_YEAR_CHANGE: the post changed hands inside the year — a different person's run began after
      1 January or ended before 31 December. A person's consecutive rows are one run.
    - UNDER_SIX_MONTHS: the reporting secretary's unbroken run, up to `as_of` (or their end date if
      earlier), is shorter than six months.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    reference = as_of or last
    all_tenures = list(tenures)
    in_year = tuple(sorted((t for t in all_tenures if t.overlaps(first, last)), key=lambda t: t.started_on))
    secretary = secretary_on(all_tenures, reference)
    if secretary is None and in_year:
        secretary = max(in_year, key=lambda t: (t.ended_on or last, t.started_on))

    flags: set[str] = set()
    runs = merge_runs(all_tenures)
    for run in runs:
        if run.started_on > last or (run.ended_on is not None and run.ended_on < first):
            continue
        if first < run.started_on or (run.ended_on is not None and run.ended_on < last):
            flags.add(MID_YEAR_CHANGE)
            break

    months: int | None = None
    if secretary is not None:
        start = run_of(runs, secretary).started_on
        through = min(reference, secretary.ended_on) if secretary.ended_on else reference
        months = whole_months(start, through) if through >= start else 0
        if months < MINIMUM_MONTHS:
            flags.add(UNDER_SIX_MONTHS)
    return YearReview(year, reference, secretary, in_year, months, frozenset(flags))


def overlapping(tenures: Iterable[Tenure], candidate: Tenure) -> list[Tenure]:
    """Tenures of *another* person whose period overlaps `candidate` (one secretary per post at a time).

    Sharing a single day is allowed: the handover day is often recorded as both the predecessor's last
    day and the successor's first.
    """
    out = []
    for t in tenures:
        if t.key is not None and t.key == candidate.key:
            continue
        if candidate.person is not None and t.person == candidate.person:
            continue
        latest_start = max(t.started_on, candidate.started_on)
        earliest_end = min(t.ended_on or date.max, candidate.ended_on or date.max)
        if latest_start < earliest_end:
            out.append(t)
    return out

"""Pure rules of rectification (RCT-1, RCT-2, RCT-3, RCT-4, RCT-5, Art. 7), as properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuping.rectification import rules

dates = st.dates(min_value=date(2019, 12, 30), max_value=date(2040, 12, 31))
grades = st.sampled_from(["好", "较好", "一般", "差"])
annual = ["优秀", "称职", "基本称职", "不称职"]


@pytest.mark.req("RCT-2")
@given(deadline=dates, today=dates, closed=st.booleans())
def test_overdue_is_past_the_deadline_and_not_closed(deadline, today, closed):
    assert rules.is_overdue(deadline, today, is_closed=closed) == (not closed and deadline < today)


@pytest.mark.req("RCT-2")
@given(deadline=dates, today=dates, before=st.integers(0, 60), closed=st.booleans())
def test_a_reminder_is_due_only_within_the_lead_time_and_never_once_overdue(deadline, today, before, closed):
    due = rules.reminder_due(deadline, today, before_days=before, is_closed=closed)
    assert due == (not closed and 0 <= (deadline - today).days <= before)
    if due:
        assert not rules.is_overdue(deadline, today, is_closed=closed)


@pytest.mark.req("RCT-1")
@given(start=dates, days=st.one_of(st.none(), st.integers(1, 365)))
def test_the_list_is_due_the_set_number_of_days_after_the_start(start, days):
    assert rules.list_due_on(start, days) == start + timedelta(days=30 if days is None else days)


@pytest.mark.req("RCT-4")
@given(grade=st.one_of(st.none(), st.just(""), grades))
def test_excellent_is_allowed_only_for_good_and_pending_while_undecided(grade):
    allowed = rules.allowed_annual_grades(grade, annual)
    # Art. 7: 综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次.
    assert ("优秀" in allowed) == (grade in (None, "", "好"))
    assert [g for g in annual if g != "优秀"] == [g for g in allowed if g != "优秀"]
    assert rules.excellent_allowed(grade) == (None if not grade else grade == "好")


@pytest.mark.req("RCT-5")
@given(grade=st.one_of(st.none(), grades))
def test_admonition_follows_only_a_fair_or_poor_grade(grade):
    assert rules.needs_admonition(grade) == (grade in ("一般", "差"))


@pytest.mark.req("RCT-2")
@given(
    ids=st.lists(st.integers(1, 10_000), max_size=40), size=st.integers(-3, 50), seed=st.integers(0, 2**31)
)
def test_sampling_is_reproducible_from_its_seed_and_draws_from_the_population(ids, size, seed):
    drawn = rules.sample(ids, size, seed)
    assert drawn == rules.sample(list(reversed(ids)), size, seed)  # the order items were listed in is moot
    assert set(drawn) <= set(ids) and drawn == sorted(set(drawn))
    assert len(drawn) == max(0, min(size, len(set(ids))))


@pytest.mark.req("RCT-3")
@given(total=st.integers(0, 10_000), data=st.data())
def test_completion_is_a_whole_percent_and_full_only_when_all_are_closed(total, data):
    closed = data.draw(st.integers(0, total))
    percent = rules.completion(total, closed)
    assert 0 <= percent <= 100
    if total == 0:
        assert percent == 0
    else:
        assert (percent == 100) == (closed == total)
        assert (percent == 0) == (100 * closed < total)


@pytest.mark.req("RCT-3")
def test_one_open_item_in_two_hundred_keeps_completion_below_100():
    assert rules.completion(200, 199) == 99

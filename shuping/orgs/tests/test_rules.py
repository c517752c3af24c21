"""ORG-3: mid-year changes and under-six-months tenures, table-tested and with hypothesis."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuping.orgs import rules
from shuping.orgs.rules import MID_YEAR_CHANGE, UNDER_SIX_MONTHS, Tenure, review_year

D = date

CASES = [
    # (description, tenures, year, expected secretary person, expected flags, expected months)
    ("in post for years: nothing flagged", [Tenure(D(2019, 3, 1), None, "甲")], 2024, "甲", set(), 70),
    (
        "handover on 1 July: change, successor has exactly six months",
        [Tenure(D(2019, 3, 1), D(2024, 6, 30), "甲"), Tenure(D(2024, 7, 1), None, "乙")],
        2024,
        "乙",
        {MID_YEAR_CHANGE},
        6,
    ),
    (
        "handover on 2 July: change and under six months",
        [Tenure(D(2019, 3, 1), D(2024, 7, 1), "甲"), Tenure(D(2024, 7, 2), None, "乙")],
        2024,
        "乙",
        {MID_YEAR_CHANGE, UNDER_SIX_MONTHS},
        5,
    ),
    (
        "handover at the year boundary: no change in the year",
        [Tenure(D(2019, 3, 1), D(2023, 12, 31), "甲"), Tenure(D(2024, 1, 1), None, "乙")],
        2024,
        "乙",
        set(),
        12,
    ),
    (
        "predecessor ends 31 December: the year is whole",
        [Tenure(D(2019, 3, 1), D(2024, 12, 31), "甲"), Tenure(D(2025, 1, 1), None, "乙")],
        2024,
        "甲",
        set(),
        70,
    ),
    (
        "re-elected secretary recorded as two touching rows: one run, no flag",
        [Tenure(D(2021, 1, 10), D(2024, 5, 31), "甲"), Tenure(D(2024, 6, 1), None, "甲")],
        2024,
        "甲",
        set(),
        47,
    ),
    (
        "new in November, post vacant before: change and under six months",
        [Tenure(D(2024, 11, 15), None, "乙")],
        2024,
        "乙",
        {MID_YEAR_CHANGE, UNDER_SIX_MONTHS},
        1,
    ),
    (
        "post vacant at year end: the last holder reports, flagged",
        [Tenure(D(2024, 3, 1), D(2024, 10, 31), "甲")],
        2024,
        "甲",
        {MID_YEAR_CHANGE},
        8,
    ),
    ("nobody in the year", [Tenure(D(2010, 1, 1), D(2015, 1, 1), "甲")], 2024, None, set(), None),
    (
        "two changes in one year: the third holder is under six months",
        [
            Tenure(D(2020, 1, 1), D(2024, 2, 29), "甲"),
            Tenure(D(2024, 3, 1), D(2024, 8, 31), "乙"),
            Tenure(D(2024, 9, 1), None, "丙"),
        ],
        2024,
        "丙",
        {MID_YEAR_CHANGE, UNDER_SIX_MONTHS},
        4,
    ),
]


@pytest.mark.req("ORG-3")
@pytest.mark.parametrize(
    ("description", "tenures", "year", "person", "flags", "months"), CASES, ids=[c[0] for c in CASES]
)
def test_year_review_flags(description, tenures, year, person, flags, months):
    review = review_year(tenures, year)
    assert (review.secretary.person if review.secretary else None) == person
    assert review.flags == frozenset(flags)
    assert review.months_in_post == months


@pytest.mark.req("ORG-3")
def test_reference_date_after_the_year_counts_the_months_to_that_date():
    # A campaign reporting in January 2025 on 2024 may take the reporting day as its reference date.
    tenures = [Tenure(D(2020, 1, 1), D(2024, 7, 15), "甲"), Tenure(D(2024, 7, 16), None, "乙")]
    assert review_year(tenures, 2024).is_under_six_months
    late = review_year(tenures, 2024, as_of=D(2025, 1, 20))
    assert not late.is_under_six_months and late.months_in_post == 6


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2024, 1, 15), 12, D(2025, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_last_day(start, months, expected):
    assert rules.add_months(start, months) == expected


def test_overlap_allows_a_shared_handover_day_but_not_more():
    current = [Tenure(D(2020, 1, 1), D(2024, 6, 30), "甲", key=1)]
    assert rules.overlapping(current, Tenure(D(2024, 6, 30), None, "乙")) == []
    assert rules.overlapping(current, Tenure(D(2024, 6, 1), None, "乙")) == current
    assert rules.overlapping(current, Tenure(D(2024, 6, 1), None, "甲")) == []  # the same person's new row


days = st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31))


@st.composite
def handovers(draw):
    """A post held by a succession of different people, each handing over the next day."""
    start = draw(days)
    lengths = draw(st.lists(st.integers(min_value=1, max_value=2000), min_size=1, max_size=6))
    tenures = []
    for index, length in enumerate(lengths):
        end = start + timedelta(days=length - 1)
        last = index == len(lengths) - 1
        tenures.append(Tenure(start, None if last and draw(st.booleans()) else end, f"p{index}", key=index))
        start = end + timedelta(days=1)
    return tenures


@pytest.mark.req("ORG-3")
@given(handovers(), st.integers(min_value=2016, max_value=2030))
def test_flags_agree_with_a_day_by_day_count(tenures, year):
    review = review_year(tenures, year)
    first, last = D(year, 1, 1), D(year, 12, 31)
    holders = [rules.secretary_on(tenures, first + timedelta(days=i)) for i in range((last - first).days + 1)]
    people = [h.person if h else None for h in holders]
    # Mid-year change ⇔ the holder (or vacancy) differs between two days of the year, given someone held it.
    assert review.has_mid_year_change == (len(set(people)) > 1 and any(people))
    if review.secretary is not None and review.secretary.covers(last):
        start = review.secretary.started_on
        assert review.is_under_six_months == (rules.add_months(start, 6) > last + timedelta(days=1))


@pytest.mark.req("ORG-3")
@given(handovers(), st.integers(min_value=2016, max_value=2030))
def test_splitting_a_tenure_into_touching_rows_changes_nothing(tenures, year):
    split = []
    for t in tenures:
        end = t.ended_on or t.started_on + timedelta(days=400)
        if end > t.started_on:
            middle = t.started_on + (end - t.started_on) // 2
            split += [
                Tenure(t.started_on, middle, t.person),
                Tenure(middle + timedelta(days=1), t.ended_on, t.person),
            ]
        else:
            split.append(t)
    whole, parts = review_year(tenures, year), review_year(split, year)
    assert whole.flags == parts.flags and whole.months_in_post == parts.months_in_post

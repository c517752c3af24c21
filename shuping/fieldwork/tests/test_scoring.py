"""The field score (FLD-5): pure, table-tested and property-tested (Art. 6)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuping.fieldwork.scoring import FieldScore, Item, Survey, field_score, format_score

TABLE = [
    # (items, survey, survey_percent, expected score, not scored, awaiting reason)
    ([Item(1, 20, 80), Item(2, 30, 100)], None, None, Fraction(92), (), ()),
    ([Item(1, 20, 80), Item(2, 30, None)], None, None, Fraction(80), (2,), ()),
    ([Item(1, 20, 80), Item(2, 30, 40, has_open_warning=True)], None, None, Fraction(80), (), (2,)),
    # indicators 75, survey 90 at 20 %: 0.8 × 75 + 0.2 × 90 = 78
    ([Item(1, 10, 50), Item(2, 10, 100)], Survey(90, 40), 20, Fraction(78), (), ()),
    ([Item(1, 10, None)], Survey(70, 12), 30, Fraction(70), (1,), ()),
    ([Item(1, 10, 60)], Survey(100, 0), 30, Fraction(60), (), ()),
    ([Item(1, 10, 60)], Survey(100, 5), None, Fraction(60), (), ()),
    ([], None, None, None, (), ()),
    ([Item(1, 0, 100), Item(2, 10, 50)], None, None, Fraction(50), (), ()),
]


@pytest.mark.req("FLD-5")
@pytest.mark.parametrize("items, survey, percent, expected, not_scored, awaiting", TABLE)
def test_field_score_table(items, survey, percent, expected, not_scored, awaiting):
    result = field_score(items, survey=survey, survey_percent=percent)
    assert result.score == expected
    assert result.not_scored == not_scored
    assert result.awaiting_reason == awaiting


@pytest.mark.req("FLD-5", "FLD-2")
def test_a_paper_only_score_awaiting_a_reason_does_not_count_and_says_why():
    result = field_score([Item(1, 10, 100), Item(2, 10, 0, has_open_warning=True)])
    assert result.score == 100
    assert any("第六条" in note for note in result.notes)
    assert not result.is_complete


@pytest.mark.req("FLD-5")
def test_unscored_weights_are_redistributed_and_the_page_is_told():
    result = field_score([Item("a", 15, 90), Item("b", 20, None)])
    assert result.weight_counted == 15 and result.weight_total == 35
    assert any("按比例" in note for note in result.notes)


@pytest.mark.req("FLD-3", "FLD-5")
def test_a_survey_without_a_share_is_shown_beside_but_not_blended():
    result = field_score([Item(1, 10, 60)], survey=Survey(Fraction(95), 20))
    assert result.score == 60 and result.survey_score == 95
    assert any("不计入" in note for note in result.notes)


@pytest.mark.req("FLD-5")
def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        field_score([Item(1, 10, 101)])
    with pytest.raises(ValueError):
        field_score([Item(1, -1, 50)])
    with pytest.raises(ValueError):
        field_score([Item(1, 1, 50)], survey_percent=120)


@pytest.mark.req("FLD-5")
def test_format_score():
    assert format_score(None) == "—"
    assert format_score(Fraction(925, 10)) == "92.5"
    assert format_score(Fraction(200, 3)) == "66.7"


items_strategy = st.lists(
    st.builds(
        Item,
        key=st.integers(0, 10_000),
        weight=st.integers(0, 40),
        percent=st.one_of(st.none(), st.integers(0, 100)),
        has_open_warning=st.booleans(),
    ),
    max_size=12,
)


@pytest.mark.req("FLD-5")
@given(
    items_strategy,
    st.one_of(st.none(), st.builds(Survey, st.integers(0, 100), st.integers(0, 50))),
    st.one_of(st.none(), st.integers(0, 100)),
)
def test_score_stays_within_the_scores_given(items, survey, percent):
    result: FieldScore = field_score(items, survey=survey, survey_percent=percent)
    counted = [i.percent for i in items if i.percent is not None and not i.has_open_warning and i.weight > 0]
    pool = counted + ([survey.score] if survey and survey.ballots and percent else [])
    if result.score is None:
        assert not counted or sum(i.weight for i in items if i.key in result.counted) == 0
    else:
        assert min(pool) <= result.score <= max(pool)
    assert len(result.counted) + len(result.not_scored) + len(result.awaiting_reason) == len(items)


@pytest.mark.req("FLD-5")
@given(items_strategy)
def test_raising_one_counted_score_never_lowers_the_total(items):
    base = field_score(items)
    for index, item in enumerate(items):
        if item.percent is not None and item.percent < 100 and not item.has_open_warning:
            raised = list(items)
            raised[index] = Item(item.key, item.weight, item.percent + 1)
            after = field_score(raised)
            assert base.score is None or after.score >= base.score

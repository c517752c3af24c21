"""The tally's edge rules to the letter (BAL-4, BAL-8; INT-4): scale validation, blank and empty marks,
weights of zero and missing categories, merging, dimensions and the reconciliation record — the cases
`make mutation` showed test_tally.py leaving open.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from shuping.ballots.tally import (
    DEFAULT_SCALE,
    INVALID_MARK,
    BallotData,
    DimensionBallotData,
    Grade,
    Reconciliation,
    Scale,
    tally,
    tally_boxes,
    tally_dimensions,
)

pytestmark = pytest.mark.req("INT-4", "BAL-8")

MESSAGE = r"^A scale needs at least two grades with distinct keys\.$"


def test_a_scale_needs_two_distinct_grades_and_never_the_invalid_mark():
    two = Scale((Grade("a", "甲", 1), Grade("b", "乙", 0)))
    assert two.keys == ("a", "b")
    with pytest.raises(ValueError, match=MESSAGE):
        Scale((Grade("a", "甲", 1),))
    with pytest.raises(ValueError, match=MESSAGE):
        Scale((Grade("a", "甲", 1), Grade("a", "乙", 0), Grade("c", "丙", 0)))
    with pytest.raises(ValueError, match=MESSAGE):
        Scale((Grade("a", "甲", 1), Grade(INVALID_MARK, "无效", 0), Grade("c", "丙", 0)))
    with pytest.raises(KeyError) as caught:
        two.score_of("z")
    assert caught.value.args == ("z",)


def test_an_empty_string_is_an_abstention_and_a_ballot_of_them_is_blank():
    t = tally([BallotData("c", {"s": ""}), BallotData("c", {"s": "", "u": None})], subjects=["s", "u"])
    assert t.invalid_ballots == 2 and t.valid_ballots == 0
    t = tally([BallotData("c", {"s": "", "u": "good"})], subjects=["s", "u"])
    assert t.valid_ballots == 1
    counts = t.subject_counts("s")
    assert (counts.abstentions, counts.invalid_marks, counts.valid) == (1, 0, 0)


def test_weights_ignore_a_category_weighted_zero_or_not_named():
    ballots = [
        BallotData("a", {"s": "good"}),
        BallotData("b", {"s": "poor"}),
        BallotData("c", {"s": "average"}),
    ]
    t = tally(ballots, subjects=["s"])
    assert t.result("s", category_weights={"a": 1, "b": 0}).score == Fraction(100)
    assert t.result("s", category_weights={"a": 1, "c": 1}).score == Fraction(80)  # b not named: left out
    assert t.result("s").score == Fraction(160, 3)
    only_poor = tally([BallotData("b", {"s": "poor"})], subjects=["s"])
    assert only_poor.result("s").score == Fraction(0)
    assert isinstance(only_poor.result("s").score, Fraction)


def test_merging_refuses_another_scale():
    other = Scale((Grade("x", "甲", 1), Grade("y", "乙", 0)))
    with pytest.raises(ValueError, match=r"^Boxes with different scales cannot be merged\.$"):
        tally([], subjects=["s"]).merge(tally([], subjects=["s"], scale=other))


def test_no_boxes_gives_an_empty_tally_on_the_scale_asked_for():
    other = Scale((Grade("x", "甲", 1), Grade("y", "乙", 0)))
    empty = tally_boxes([], subjects=["s", "u"], scale=other)
    assert (empty.subjects, empty.scale, empty.ballots) == (("s", "u"), other, 0)


def test_dimensions_keep_categories_and_scale_and_never_invalidate_a_ballot():
    other = Scale((Grade("x", "甲", 10), Grade("y", "乙", 0)))
    rows = [
        DimensionBallotData("干部", {"s": {"d": "x"}}),
        DimensionBallotData("群众", {"s": {"e": "y"}}),
    ]
    by_dimension = tally_dimensions(rows, subjects=["s"], dimensions=["d", "e"], scale=other)
    d = by_dimension["d"]
    assert d.scale == other
    assert d.ballots_by_category == {"干部": 1, "群众": 1}  # the blank one abstains, still counted
    assert d.invalid_ballots == 0
    assert d.result("s", categories=["干部"]).score == Fraction(10)
    assert by_dimension["e"].result("s").grade_counts == {"x": 0, "y": 1}
    assert DEFAULT_SCALE.keys[0] == "good"


def test_the_reconciliation_record_names_every_figure():
    r = Reconciliation(attendees=10, issued=12, voided=2, phone=6, paper=2, spoiled=1, stored=9, consumed=9)
    assert r.as_dict() == {
        "attendees": 10,
        "issued": 12,
        "voided": 2,
        "handed_out": 10,
        "phone": 6,
        "paper": 2,
        "spoiled": 1,
        "cast": 9,
        "valid": 8,
        "not_returned": 1,
    }


def test_a_result_over_chosen_categories_counts_only_them():
    t = tally(
        [BallotData("a", {"s": "good", "u": "poor"}), BallotData("b", {"s": "poor", "u": "good"})],
        subjects=["s", "u"],
    )
    one = t.result("s", categories=["a"])
    assert (one.subject, one.valid, one.grade_counts["good"], one.grade_counts["poor"]) == ("s", 1, 1, 0)
    assert [(r.subject, r.valid) for r in t.results(categories=["b"])] == [("s", 1), ("u", 1)]
    assert t.results(categories=["b"])[0].grade_counts["poor"] == 1

"""BAL-8: the pure tally — table tests and properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuping.ballots.tally import (
    COMPETENCE_SCALE,
    DEFAULT_SCALE,
    INVALID_MARK,
    BallotData,
    Rules,
    tally,
    tally_boxes,
)

pytestmark = pytest.mark.req("BAL-8")

G, FG, AV, P = "good", "fairly_good", "average", "poor"


def ballots(category: str, *marks: str | None, subject: str = "s") -> list[BallotData]:
    return [BallotData(category, {subject: m} if m is not None else {}) for m in marks]


@pytest.mark.parametrize(
    ("marks", "counts", "top", "top_two", "score"),
    [
        # 3 好, 1 较好, 1 一般: 好票率 3/5, 好+较好率 4/5, score (300+80+60)/5 = 88
        ([G, G, G, FG, AV], {G: 3, FG: 1, AV: 1, P: 0}, Fraction(3, 5), Fraction(4, 5), Fraction(88)),
        ([P, P], {G: 0, FG: 0, AV: 0, P: 2}, Fraction(0), Fraction(0), Fraction(0)),
        ([G], {G: 1, FG: 0, AV: 0, P: 0}, Fraction(1), Fraction(1), Fraction(100)),
        ([FG, AV, P], {G: 0, FG: 1, AV: 1, P: 1}, Fraction(0), Fraction(1, 3), Fraction(140, 3)),
    ],
)
def test_counts_rates_and_default_weighted_score(marks, counts, top, top_two, score):
    result = tally(ballots("干部", *marks), subjects=["s"]).result("s")
    assert result.grade_counts == counts
    assert (result.top_rate, result.top_two_rate, result.score) == (top, top_two, score)
    assert result.valid == len(marks)


def test_invalid_marks_and_abstentions_are_excluded_from_rates():
    data = [
        BallotData("干部", {"a": G, "b": INVALID_MARK}),
        BallotData("干部", {"a": AV}),  # b abstained
        BallotData("干部", {"a": "two-boxes-ticked", "b": G}),
    ]
    t = tally(data, subjects=["a", "b"])
    a, b = t.result("a"), t.result("b")
    assert (a.valid, a.invalid_marks, a.abstentions, a.top_rate) == (2, 1, 0, Fraction(1, 2))
    assert (b.valid, b.invalid_marks, b.abstentions, b.top_rate) == (1, 1, 1, Fraction(1))
    assert t.valid_ballots == 3 and t.invalid_ballots == 0


def test_a_blank_ballot_is_invalid_as_a_whole_unless_the_rules_say_otherwise():
    data = [BallotData("干部", {}), BallotData("干部", {"a": G})]
    assert tally(data, subjects=["a"]).invalid_ballots == 1
    lenient = tally(data, subjects=["a"], rules=Rules(blank_ballot_is_invalid=False))
    assert lenient.invalid_ballots == 0 and lenient.result("a").abstentions == 1


def test_category_weights_weigh_category_means_not_ballots():
    # 领导 (weight 3): one 好 → mean 100; 群众 (weight 1): three 差 → mean 0. Weighted: 300/4 = 75.
    data = ballots("领导", G) + ballots("群众", P, P, P)
    t = tally(data, subjects=["s"])
    assert t.result("s").score == Fraction(25)  # unweighted: 100/4
    assert t.result("s", category_weights={"领导": 3, "群众": 1}).score == Fraction(75)
    # A category without a valid mark does not dilute the score.
    assert t.result("s", category_weights={"领导": 3, "群众": 1, "代表": 5}).score == Fraction(75)


def test_other_scales_use_their_own_grades():
    t = tally(
        ballots("干部", "excellent", "competent", "incompetent"), subjects=["s"], scale=COMPETENCE_SCALE
    )
    assert t.result("s").grade_counts == {
        "excellent": 1,
        "competent": 1,
        "basically_competent": 0,
        "incompetent": 1,
    }
    assert t.result("s").top_two_rate == Fraction(2, 3)


def test_no_valid_marks_gives_no_rate_rather_than_a_division_by_zero():
    r = tally([], subjects=["s"]).result("s")
    assert (r.valid, r.top_rate, r.top_two_rate, r.score) == (0, None, None, None)


# --- properties ------------------------------------------------------------------------------------

MARKS = st.sampled_from([G, FG, AV, P, INVALID_MARK, None])
SUBJECTS = ["a", "b", "c"]
CATEGORIES = st.sampled_from(["领导", "干部", "群众"])
BALLOT = st.builds(
    lambda category, marks: BallotData(
        category, {s: m for s, m in zip(SUBJECTS, marks, strict=True) if m is not None}
    ),
    CATEGORIES,
    st.lists(MARKS, min_size=3, max_size=3),
)
BOX = st.lists(BALLOT, max_size=30)


@given(st.lists(BOX, min_size=1, max_size=4))
def test_merging_boxes_equals_tallying_the_union(boxes):
    merged = tally_boxes(boxes, subjects=SUBJECTS)
    union = tally([b for box in boxes for b in box], subjects=SUBJECTS)
    assert merged.results() == union.results()
    assert merged.invalid_ballots == union.invalid_ballots
    assert merged.ballots_by_category == union.ballots_by_category
    weights = {"领导": 3, "干部": 2, "群众": 1}
    assert merged.results(category_weights=weights) == union.results(category_weights=weights)


@given(BOX)
def test_rates_lie_in_zero_one_and_counts_add_up(box):
    t = tally(box, subjects=SUBJECTS)
    assert t.ballots == len(box)
    for r in t.results():
        assert r.valid + r.abstentions + r.invalid_marks == t.valid_ballots
        for rate in (r.top_rate, r.top_two_rate):
            assert rate is None or 0 <= rate <= 1
        if r.top_rate is not None:
            assert r.top_rate <= r.top_two_rate
            assert 0 <= r.score <= 100


@given(BOX, st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 50))
def test_scaling_every_category_weight_changes_nothing(box, w1, w2, w3, factor):
    t = tally(box, subjects=SUBJECTS)
    weights = {"领导": w1, "干部": w2, "群众": w3}
    scaled = {k: v * factor for k, v in weights.items()}
    assert t.results(category_weights=weights) == t.results(category_weights=scaled)


@given(BOX)
def test_equal_weights_equal_the_mean_of_category_means(box):
    t = tally(box, subjects=SUBJECTS)
    for subject in SUBJECTS:
        means = []
        for category in t.categories:
            r = t.result(subject, categories=[category])
            if r.score is not None:
                means.append(r.score)
        weighted = t.result(subject, category_weights={c: 1 for c in t.categories}).score
        assert weighted == (sum(means) / len(means) if means else None)


@given(BOX)
def test_ballot_order_does_not_matter(box):
    assert tally(box, subjects=SUBJECTS).results() == tally(list(reversed(box)), subjects=SUBJECTS).results()


def test_default_scale_is_good_to_poor_with_common_scores():
    assert [(g.label, g.score) for g in DEFAULT_SCALE.grades] == [
        ("好", 100),
        ("较好", 80),
        ("一般", 60),
        ("差", 0),
    ]


# --- per-dimension ratings (BAL-8) -------------------------------------------------------------------

from shuping.ballots.tally import DimensionBallotData, Reconciliation, tally_dimensions  # noqa: E402

DIMENSION_TABLE = [
    # (ballots as (category, {subject: {dimension: mark}}), dimension, subject, counts, top rate, score)
    ([("A", {"s1": {"d1": "good"}}), ("A", {"s1": {"d1": "poor"}})], "d1", "s1", [1, 0, 0, 1], "1/2", 50),
    ([("A", {"s1": {"d1": "good", "d2": "average"}})], "d2", "s1", [0, 0, 1, 0], "0", 60),
    # a ballot silent on a dimension abstains there; it is never an invalid ballot
    ([("A", {"s1": {"d1": "good"}}), ("A", {})], "d1", "s1", [1, 0, 0, 0], "1", 100),
    # an unreadable mark is invalid for that cell only
    ([("A", {"s1": {"d1": "!"}}), ("B", {"s1": {"d1": "fairly_good"}})], "d1", "s1", [0, 1, 0, 0], "0", 80),
    ([("A", {"s2": {"d1": "good"}})], "d1", "s1", [0, 0, 0, 0], None, None),
]


@pytest.mark.req("BAL-8")
@pytest.mark.parametrize(("ballots", "dimension", "subject", "counts", "top", "score"), DIMENSION_TABLE)
def test_per_dimension_tally_table(ballots, dimension, subject, counts, top, score):
    tallies = tally_dimensions(
        [DimensionBallotData(c, m) for c, m in ballots], subjects=["s1", "s2"], dimensions=["d1", "d2"]
    )
    result = tallies[dimension].result(subject)
    assert list(result.grade_counts.values()) == counts
    assert (None if result.top_rate is None else str(result.top_rate)) == top
    assert result.score == score
    assert tallies[dimension].invalid_ballots == 0


RECONCILIATION_TABLE = [
    # attendees, issued, voided, phone, paper, spoiled, stored, consumed, unresolved → problems (substrings)
    (10, 12, 2, 4, 5, 1, 10, 10, 0, []),
    (None, 12, 2, 4, 5, 1, 10, 10, 0, ["尚未填写签到人数"]),
    (9, 12, 2, 4, 5, 0, 9, 9, 0, ["发出凭条 10 张（生成 12 张 − 作废 2 张）与签到人数 9 人不符，多 1 张"]),
    (11, 12, 2, 4, 5, 0, 9, 9, 0, ["少 1 张"]),
    (10, 12, 2, 4, 5, 1, 9, 10, 0, ["已存选票 9 张"]),
    (10, 12, 2, 4, 5, 1, 10, 10, 2, ["2 张纸质票两次录入不一致"]),
]


@pytest.mark.req("BAL-4")
@pytest.mark.parametrize(
    (
        "attendees",
        "issued",
        "voided",
        "phone",
        "paper",
        "spoiled",
        "stored",
        "consumed",
        "unresolved",
        "problems",
    ),
    RECONCILIATION_TABLE,
)
def test_reconciliation_table(
    attendees, issued, voided, phone, paper, spoiled, stored, consumed, unresolved, problems
):
    r = Reconciliation(attendees, issued, voided, phone, paper, spoiled, stored, consumed, unresolved)
    assert r.is_balanced == (not problems)
    assert len(r.problems) == len(problems)
    for found, expected in zip(r.problems, problems, strict=True):
        assert expected in found

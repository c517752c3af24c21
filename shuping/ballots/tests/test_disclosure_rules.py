"""Disclosure control as pure rules (DSC-1, BAL-6; INT-4): threshold, complementary suppression, weights.

No database: tallies are built from ballots in memory, so `make mutation` can run these against
shuping/ballots/disclosure.py quickly; every rule of the module is decided by an assertion here.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from shuping.ballots import disclosure as d
from shuping.ballots.tally import BallotData, tally

pytestmark = pytest.mark.req("INT-4", "BAL-6")


def unit(marks_by_category: dict[str, list[str]], subjects=("s",)):
    ballots = [
        BallotData(category, {s: mark for s in subjects})
        for category, marks in marks_by_category.items()
        for mark in marks
    ]
    return tally(ballots, subjects=list(subjects))


def test_policy_k_and_reasons():
    assert d.Policy().min_ballots == d.DEFAULT_MIN_BALLOTS == 5
    assert d.Policy(min_ballots=1).min_ballots == 1
    with pytest.raises(ValueError, match=r"^k must be at least 1\.$"):
        d.Policy(min_ballots=0)
    policy = d.Policy(min_ballots=7)
    assert policy.reason(d.SMALL) == "不足7票，不单独显示"
    assert policy.reason(d.PART) == "本票箱是合并计票的一部分，结果只计入合并结果"
    assert policy.reason(d.PENDING) == "尚有票箱未封箱或离线会场结果未导入，全部计票完成后显示"
    assert d.Policy().merged_label == "其他类别（合并）"


def test_groups_empty_and_a_unit_under_k_is_hidden_whole():
    assert d.category_groups({}) == []
    assert d.category_groups({"a": 0}) == []
    assert d.category_groups({"b": 2, "a": 2, "z": 0}) == [
        d.CategoryGroup("其他类别（合并）", ("a", "b"), 4, True)
    ]
    # Exactly k in all is shown.
    assert d.category_groups({"a": 5}) == [d.CategoryGroup("a", ("a",), 5, False)]
    assert d.category_groups({"a": 3, "b": 2}) == [d.CategoryGroup("其他类别（合并）", ("a", "b"), 5, False)]


def test_big_categories_get_their_own_line_and_small_ones_merge():
    groups = d.category_groups({"b": 6, "a": 5, "c": 3, "d": 2})
    assert groups == [
        d.CategoryGroup("a", ("a",), 5, False),
        d.CategoryGroup("b", ("b",), 6, False),
        d.CategoryGroup("其他类别（合并）", ("c", "d"), 5, False),
    ]


def test_a_merged_line_still_under_k_takes_in_the_smallest_published_category():
    # c alone (2) is under k: the smallest big category (a, 5 — before b, 6) joins it, one label per line.
    groups = d.category_groups({"a": 5, "b": 6, "c": 2})
    assert groups == [
        d.CategoryGroup("b", ("b",), 6, False),
        d.CategoryGroup("其他类别（合并）", ("a", "c"), 7, False),
    ]
    # Ties between big categories are broken by name.
    assert d.category_groups({"y": 5, "x": 5, "c": 1})[0].label == "y"
    # A single small category that reaches k alone keeps its own name.
    assert d.category_groups({"a": 9, "b": 5}, policy=d.Policy(min_ballots=5)) == [
        d.CategoryGroup("a", ("a",), 9, False),
        d.CategoryGroup("b", ("b",), 5, False),
    ]
    assert d.category_groups({"a": 9, "b": 4}, policy=d.Policy(min_ballots=4)) == [
        d.CategoryGroup("a", ("a",), 9, False),
        d.CategoryGroup("b", ("b",), 4, False),
    ]
    single_small = d.category_groups({"a": 9, "b": 3}, policy=d.Policy(min_ballots=4, merged_label="合"))
    assert single_small == [d.CategoryGroup("合", ("a", "b"), 12, False)]


def test_a_lone_small_category_keeps_its_name_when_it_reaches_k_by_itself():
    groups = d.category_groups({"a": 6, "b": 6, "c": 4}, policy=d.Policy(min_ballots=5))
    assert groups[-1] == d.CategoryGroup("其他类别（合并）", ("a", "c"), 10, False)
    # When merging leaves a single small category, its own name is its label.
    groups = d.category_groups({"a": 7, "c": 5}, policy=d.Policy(min_ballots=5, merged_label="X"))
    assert [g.label for g in groups] == ["a", "c"]


def test_weights_apply_only_over_categories_each_on_their_own_line():
    own = [d.CategoryGroup("a", ("a",), 5, False), d.CategoryGroup("b", ("b",), 5, False)]
    merged = [d.CategoryGroup("a", ("a",), 5, False), d.CategoryGroup("m", ("b", "c"), 5, False)]
    hidden = [d.CategoryGroup("a", ("a",), 3, True)]
    assert d.weights_apply(own, {"a": 1, "b": 2}) is True
    assert d.weights_apply(merged, {"a": 1, "b": 2}) is False
    assert d.weights_apply(hidden, {"a": 1}) is False
    assert d.weights_apply(own, None) is False
    assert d.weights_apply(own, {}) is False
    assert d.weights_apply([], {"a": 1}) is False


def test_withheld_names_the_reason():
    w = d.withheld("s", d.PENDING, policy=d.Policy(min_ballots=3), ballots=2)
    assert w.is_withheld and w.code == d.PENDING and w.subject == "s"
    assert w.overall == d.Line("", (), 2, None, "尚有票箱未封箱或离线会场结果未导入，全部计票完成后显示")
    assert w.groups == () and w.is_weighted is False and w.score_note == ""
    assert d.withheld("s", d.SMALL).overall.withheld == "不足5票，不单独显示"
    assert d.withheld("s", d.SMALL).overall.ballots == 0


def test_a_unit_under_k_publishes_nothing_for_the_subject():
    t = unit({"a": ["good"] * 4})
    r = d.release(t)
    assert r.subjects["s"].code == d.SMALL and r.subjects["s"].overall.ballots == 4
    assert r.has_published is False
    assert (r.valid_ballots, r.invalid_ballots) == (4, 0)
    assert d.release(t, policy=d.Policy(min_ballots=4)).has_published is True


def test_release_publishes_the_overall_line_and_category_lines_unweighted_when_merged():
    t = unit({"a": ["good"] * 5, "b": ["poor"] * 6, "c": ["good"] * 2})
    r = d.release(t, weights={"a": 1, "b": 1, "c": 8})
    s = r.subjects["s"]
    assert not s.is_withheld and s.is_weighted is False
    assert s.score_note == (
        "有参评类别不足5票、已合并显示，得分未按类别权重加权（按全部有效票平均），以免推算出小类别的评价"
    )
    assert s.overall.label == "全部" and s.overall.ballots == 13 and s.overall.categories == ("a", "b", "c")
    assert s.overall.result.score == Fraction(700, 13)  # plain mean: 7 × 100 over 13
    assert [(g.label, g.categories, g.ballots) for g in s.groups] == [
        ("b", ("b",), 6),
        ("其他类别（合并）", ("a", "c"), 7),
    ]
    assert s.groups[1].result.score == Fraction(100)
    assert r.groups == tuple(d.category_groups(t.ballots_by_category))
    assert r.policy == d.Policy()


def test_release_weights_when_every_category_is_its_own_line():
    t = unit({"a": ["good"] * 5, "b": ["poor"] * 5})
    s = d.release(t, weights={"a": 3, "b": 1}).subjects["s"]
    assert s.is_weighted is True and s.score_note == ""
    assert s.overall.result.score == Fraction(75)  # (3 × 100 + 1 × 0) / 4
    assert [g.label for g in s.groups] == ["a", "b"]
    plain = d.release(t).subjects["s"]
    assert (
        plain.is_weighted is False and plain.overall.result.score == Fraction(50) and plain.score_note == ""
    )


def test_one_group_holding_every_category_shows_no_category_lines():
    t = unit({"a": ["good"] * 3, "b": ["good"] * 3})
    s = d.release(t).subjects["s"]
    assert len(d.category_groups(t.ballots_by_category)) == 1
    assert s.groups == () and not s.is_withheld


def test_parts_and_subject_selection():
    t = unit({"a": ["good"] * 6}, subjects=("s", "u"))
    r = d.release(t, parts={"s": d.PART})
    assert r.subjects["s"].code == d.PART and r.subjects["u"].code == ""
    assert r.subjects["u"].overall.result.valid == 6
    assert list(d.release(t, subjects=["u"]).subjects) == ["u"]
    assert list(d.release(t, parts={"s": ""}).subjects["s"].overall.result.grade_counts) == [
        "good",
        "fairly_good",
        "average",
        "poor",
    ]


def test_release_dimension_follows_the_units_groups_and_shows_the_overall_line_only():
    t = unit({"a": ["good"] * 5, "b": ["poor"] * 5})
    groups = d.category_groups(t.ballots_by_category)
    line = d.release_dimension(t, "s", groups=groups, weights={"a": 1, "b": 1})
    assert line.groups == () and line.is_weighted is True and line.overall.result.score == Fraction(50)
    assert d.release_dimension(t, "s", groups=groups, code=d.PENDING).code == d.PENDING
    small = [d.CategoryGroup("a", ("a",), 4, False)]
    assert d.release_dimension(t, "s", groups=small).code == d.SMALL
    assert d.release_dimension(t, "s", groups=small, policy=d.Policy(min_ballots=4)).code == ""
    assert d.release_dimension(t, "s", groups=groups, policy=d.Policy(min_ballots=11)).code == d.SMALL


def test_the_smallest_published_category_joins_by_count_before_name():
    groups = d.category_groups({"a": 6, "b": 5, "c": 1})
    assert groups == [
        d.CategoryGroup("a", ("a",), 6, False),
        d.CategoryGroup("其他类别（合并）", ("b", "c"), 6, False),
    ]


def test_a_non_default_policy_reaches_every_line_and_subject_names_are_kept():
    policy = d.Policy(min_ballots=3, merged_label="合并")
    t = unit({"a": ["good"] * 3, "b": ["good"] * 3, "c": ["poor"]}, subjects=("s", "u"))
    r = d.release(t, policy=policy, parts={"u": d.PENDING})
    assert r.policy is policy
    assert [(g.label, g.categories) for g in r.groups] == [("b", ("b",)), ("合并", ("a", "c"))]
    assert r.subjects["s"].subject == "s" and [line.label for line in r.subjects["s"].groups] == ["b", "合并"]
    assert r.subjects["u"].subject == "u"
    assert r.subjects["u"].overall.withheld == policy.reason(d.PENDING)
    small = d.release(unit({"a": ["good"] * 2}), policy=policy).subjects["s"]
    assert (small.subject, small.overall.withheld) == ("s", "不足3票，不单独显示")
    four = unit({"a": ["good"] * 4})
    assert (
        d.release_subject(four, "s", groups=d.category_groups({"a": 4}, policy=policy), policy=policy).code
        == ""
    )
    groups = d.category_groups(four.ballots_by_category, policy=policy)
    line = d.release_dimension(four, "s", groups=groups, policy=policy)
    assert line.code == "" and line.subject == "s"
    assert d.release_dimension(four, "s", groups=groups, policy=policy, code=d.PART).subject == "s"
    assert d.release_dimension(four, "s", groups=groups, policy=policy, code=d.PART).overall.withheld == (
        policy.reason(d.PART)
    )
    two = d.release_dimension(four, "s", groups=[d.CategoryGroup("a", ("a",), 2, False)], policy=policy)
    assert (two.subject, two.overall.withheld) == ("s", "不足3票，不单独显示")

"""EVA-2: the statutory quota per group — rounding, pooling, report-only excluded, must-move; disagreements."""

from __future__ import annotations

import math
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuping.evaluations import quota as q

pytestmark = pytest.mark.req("EVA-2")


def group(name, grades, graded=True):
    return [q.Entry(f"{name}{i}", name, g, graded) for i, g in enumerate(grades)]


@pytest.mark.parametrize(
    ("total", "percent", "rounding", "required"),
    [
        (10, 15, "ceil", 2),  # 1.5 → 2
        (20, 15, "ceil", 3),  # exactly 3
        (7, 15, "ceil", 2),  # 1.05 → 2
        (6, 15, "ceil", 1),  # 0.9 → 1
        (10, 15, "half_up", 2),  # 1.5 → 2
        (9, 15, "half_up", 1),  # 1.35 → 1
        (10, 15, "floor", 1),
        (20, 0, "ceil", 0),
        (20, 100, "ceil", 20),
    ],
)
def test_required_lower_grades_follow_the_stated_rounding(total, percent, rounding, required):
    [result] = q.check_quota(
        group("乡镇", ["好"] * total), q.QuotaRule(percent, rounding=rounding, pool_below=0)
    )
    assert result.lower_required == required
    assert result.must_move == required and result.is_broken is (required > 0)


@pytest.mark.parametrize(
    ("grades", "broken", "must_move"),
    [
        (["好"] * 8 + ["较好"] * 2, False, 0),  # 2 of 10 = exactly the ceil(1.5) requirement
        (["好"] * 9 + ["较好"], True, 1),
        (["好"] * 9 + ["一般"], True, 1),
        (["好"] * 8 + ["差", "一般"], False, 0),
        (["好"] * 10, True, 2),
    ],
)
def test_lower_or_below_counts_every_grade_below_good(grades, broken, must_move):
    [result] = q.check_quota(group("乡镇", grades), q.QuotaRule(15))
    assert result.is_broken is broken and result.must_move == must_move


def test_optional_good_cap_rounds_the_other_way_and_moves_combine():
    # 10 assessees, 好 ≤ 45 % → floor(4.5) = 4 allowed; 6 好 → 2 must move (also fixes the lower share).
    [result] = q.check_quota(group("机关", ["好"] * 6 + ["较好"] * 4), q.QuotaRule(15, top_max_percent=45))
    assert result.top_allowed == 4 and result.top_excess == 2 and result.lower_shortfall == 0
    assert result.must_move == 2


def test_report_only_assessments_are_excluded():
    entries = group("乡镇", ["好"] * 6 + ["较好"] * 1) + group("乡镇x", [None] * 5, graded=False)
    [result] = q.check_quota(entries, q.QuotaRule(15))
    assert result.total == 7 and result.name == "乡镇"


def test_groups_are_checked_separately():
    entries = group("乡镇", ["好"] * 9 + ["较好"]) + group("机关", ["好"] * 8 + ["较好"] * 2)
    results = {r.name: r for r in q.check_quota(entries, q.QuotaRule(15))}
    assert results["乡镇"].is_broken and not results["机关"].is_broken


@pytest.mark.parametrize(
    ("sizes", "pool_below", "names"),
    [
        ({"A": 10, "B": 3, "C": 2}, 5, {"A", "合并组"}),  # two small groups pooled to 5
        ({"A": 10, "B": 2, "C": 2}, 5, {"A"}),  # pool of 4 still small: joins the largest group
        ({"A": 10, "B": 4}, 5, {"A"}),  # one small group joins the largest
        ({"B": 3}, 5, {"B"}),  # nothing to pool with
        ({"A": 5, "B": 5}, 5, {"A", "B"}),  # exactly at the threshold: not small
        ({"A": 10, "B": 3}, 0, {"A", "B"}),  # pooling off
    ],
)
def test_small_groups_are_pooled(sizes, pool_below, names):
    entries = [e for n, k in sizes.items() for e in group(n, ["好"] * k)]
    results = q.check_quota(entries, q.QuotaRule(15, pool_below=pool_below))
    assert {r.name for r in results} == names
    assert sum(r.total for r in results) == sum(sizes.values())


def test_ungraded_members_count_in_the_total_and_are_said():
    [result] = q.check_quota(group("乡镇", ["好"] * 5 + [None] * 5), q.QuotaRule(15))
    assert result.total == 10 and result.ungraded == 5 and result.lower_actual == 0
    assert any("尚未提出等次" in line for line in result.lines)


def test_the_rule_is_described_in_chinese():
    text = q.QuotaRule(15, top_max_percent=F(65, 2)).describe()
    assert "不少于 15%" in text and "不超过 32.5%" in text and "向上取整" in text and "第六条" in text


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        q.QuotaRule(rounding="banker")
    with pytest.raises(ValueError):
        q.QuotaRule(101)


@given(
    st.lists(st.sampled_from(["好", "较好", "一般", "差", None]), min_size=1, max_size=40),
    st.integers(0, 100),
)
def test_moving_must_move_goods_down_satisfies_the_rule(grades, percent):
    rule = q.QuotaRule(percent, pool_below=0)
    [result] = q.check_quota(group("G", grades), rule)
    assert result.lower_required == math.ceil(F(len(grades) * percent, 100))
    goods = result.counts["好"]
    moved = [g for g in grades]
    n = result.must_move
    for i, g in enumerate(moved):
        if n and g in ("好", None):
            moved[i] = "较好"
            n -= 1
    if result.must_move <= goods + result.ungraded:
        [after] = q.check_quota(group("G", moved), rule)
        assert not after.is_broken


def test_disagreement_flags_sources_that_rank_an_assessee_far_apart():
    table = {
        "a": {"ballot": 95, "field": 60, "observations": 70},
        "b": {"ballot": 80, "field": 90, "observations": 85},
        "c": {"ballot": 70, "field": 80, "observations": 80},
    }
    flagged = {d.key: d for d in q.disagreements(table, labels={"ballot": "民主评议", "field": "实地考核"})}
    assert "a" in flagged and "第 1/3 名" in flagged["a"].line and "第 3/3 名" in flagged["a"].line
    assert "b" not in flagged


def test_ties_do_not_read_as_first_place():
    table = {k: {"ballot": b, "field": 90} for k, b in (("a", 99), ("b", 90), ("c", 80), ("d", 70))}
    assert q.disagreements(table) == []


# --- small numbers: pooling, then 不适用 (issue 23) -----------------------------------------------------


@pytest.mark.parametrize(
    ("graded", "report_only", "grades", "applicable", "required", "must_move"),
    [
        # 17 townships, 16 switched to 只述职不定等次, 1 graded 好: the share cannot apply to one secretary.
        (1, 16, ["好"], False, 1, 0),
        # 17 graded of 17: ceil(17 × 15 %) = ceil(2.55) = 3, none yet below 好 → 3 must move.
        (17, 0, ["好"] * 17, True, 3, 3),
        (4, 13, ["好"] * 4, False, 1, 0),  # one below the pooling size: still not applicable
        (5, 12, ["好"] * 5, True, 1, 1),  # exactly the pooling size: the rule applies
        (2, 15, ["一般", "好"], False, 1, 0),  # the committee may still grade below 好
    ],
)
def test_a_group_too_small_even_when_pooled_is_not_applicable(
    graded, report_only, grades, applicable, required, must_move
):
    entries = group("乡镇（街道）", grades) + group("其他", ["好"] * report_only, graded=False)
    [result] = q.check_quota(entries, q.QuotaRule(15))
    assert result.total == graded
    assert result.is_applicable is applicable
    assert result.lower_required == required
    assert result.must_move == must_move and result.is_broken is (must_move > 0)
    text = "".join(result.lines)
    assert ("须调整" in text) is (must_move > 0)
    if applicable:
        assert result.not_applicable_reason == ""
    else:
        assert "不适用" in result.not_applicable_reason and "不足 5 人" in result.not_applicable_reason
        assert "仍可" in result.not_applicable_reason


def test_small_groups_that_pool_to_the_threshold_are_checked_together():
    entries = group("A", ["好"] * 3) + group("B", ["好"] * 2)
    [result] = q.check_quota(entries, q.QuotaRule(15))
    assert result.name == q.POOLED_NAME and result.is_applicable and result.must_move == 1


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=4),
    pool_below=st.integers(min_value=0, max_value=8),
)
def test_a_rule_is_not_applicable_only_when_everything_graded_is_below_the_pooling_size(sizes, pool_below):
    entries = [e for i, k in enumerate(sizes) for e in group(f"G{i}", ["好"] * k)]
    results = q.check_quota(entries, q.QuotaRule(15, pool_below=pool_below))
    total = sum(sizes)
    for r in results:
        assert r.is_applicable is (r.total >= pool_below)
        assert r.is_applicable or r.must_move == 0
    # A group is left too small only when the whole campaign's graded count is below the size.
    if total >= pool_below:
        assert all(r.is_applicable for r in results)

"""The quota and calibration rules to the letter (EVA-2; INT-4): validation, the texts the committee reads,
pooling, and where the sources disagree — every statement of evaluations/quota.py pinned by an assertion,
so `make mutation` finds no change that goes unnoticed.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from shuping.evaluations import quota as q

pytestmark = pytest.mark.req("INT-4", "EVA-2")


def entries(group, *grades, start=0):
    return [q.Entry(f"{group}{i}", group, g) for i, g in enumerate(grades, start=start)]


def test_percent_text():
    assert q._percent(15) == "15%"
    assert q._percent(5) == "5%"
    assert q._percent(100) == "100%"
    assert q._percent(Fraction(25, 2)) == "12.5%"


def test_rounding_names_and_errors():
    assert q.round_count(Fraction(3, 2), "half_up") == 2
    with pytest.raises(ValueError, match=r"^unknown rounding 'up'$"):
        q.round_count(Fraction(1), "up")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rounding": "up"}, r"^rounding must be one of \('ceil', 'half_up', 'floor'\)$"),
        ({"lower_min_percent": -1}, r"^lower_min_percent lies between 0 and 100$"),
        ({"lower_min_percent": 101}, r"^lower_min_percent lies between 0 and 100$"),
        ({"top_max_percent": -1}, r"^top_max_percent lies between 0 and 100$"),
        ({"top_max_percent": Fraction(10001, 100)}, r"^top_max_percent lies between 0 and 100$"),
        ({"top_max_percent": 101}, r"^top_max_percent lies between 0 and 100$"),
        ({"pool_below": -1}, r"^pool_below is non-negative$"),
    ],
)
def test_rule_validation_messages(kwargs, message):
    with pytest.raises(ValueError, match=message):
        q.QuotaRule(**kwargs)


def test_rule_bounds_are_inclusive():
    for top in (0, Fraction(1, 2), 100):
        assert q.QuotaRule(top_max_percent=top).top_max_percent == top
    for lower in (0, 100):
        assert q.QuotaRule(lower_min_percent=lower).lower_min_percent == lower
    assert q.QuotaRule(pool_below=0).pool_below == 0


def test_describe_states_every_rule():
    assert q.QuotaRule().describe() == (
        "“较好”及以下等次不少于 15%；人数按向上取整计算；不足 5 人的组合并计算，合并后仍不足 5 人的不适用比例要求"
        "（第六条：评价为“较好”或以下等次的应占一定比例）。"
    )
    assert q.QuotaRule(
        lower_min_percent=20, top_max_percent=Fraction(125, 10), rounding="half_up", pool_below=0
    ).describe() == (
        "“较好”及以下等次不少于 20%，“好”不超过 12.5%；人数按四舍五入计算（第六条：评价为“较好”或以下等次的应占一定比例）。"
    )
    assert "人数按向下取整计算" in q.QuotaRule(rounding="floor").describe()


def test_report_only_entries_anywhere_are_left_out():
    rows = [q.Entry("x", "乡镇", "好", is_graded=False), *entries("乡镇", "好", "好", "好", "较好", "好")]
    (group,) = q.check_quota(rows, q.QuotaRule())
    assert group.total == 5 and "x" not in group.members
    assert group.members == ("乡镇0", "乡镇1", "乡镇2", "乡镇3", "乡镇4")


def test_top_cap_is_rounded_the_other_way_and_a_met_cap_moves_nobody():
    rule = q.QuotaRule(lower_min_percent=10, top_max_percent=50)
    (group,) = q.check_quota(entries("机关", *(["好"] * 5 + ["较好"] * 5)), rule)
    assert group.top_allowed == 5 and group.top_actual == 5
    assert group.must_move == 0 and group.is_broken is False and group.top_excess == 0
    assert group.lines == (
        "机关：定等 10 人，“较好”及以下应不少于 1 人，现 5 人。",
        "“好”不超过 5 人，现 5 人。",
    )
    (over,) = q.check_quota(entries("机关", *(["好"] * 7 + ["较好"] * 3)), rule)
    assert (over.top_allowed, over.must_move, over.is_broken) == (5, 2, True)
    assert over.lines[-1] == "须调整 2 人的等次方符合比例要求。"


def test_too_small_is_not_applicable_with_the_reason_and_no_cap_line():
    rule = q.QuotaRule(top_max_percent=50)
    (group,) = q.check_quota(entries("村", "好", "好"), rule)
    reason = (
        "定等仅 2 人（含合并计算），不足 5 人，按比例计算没有意义（2 人 × 15% 也会要求至少 1 人），"
        "比例要求不适用；党委（党组）仍可根据实际评定“较好”或以下等次。"
    )
    assert group.is_applicable is False and group.not_applicable_reason == reason
    assert group.lines == (f"村：{reason}",)
    assert (group.must_move, group.is_broken) == (0, False)


def test_pooling_names_the_groups_and_joins_the_largest_by_size_then_name():
    rule = q.QuotaRule()
    rows = [
        *entries("A", *["好"] * 6),
        *entries("B", *["好"] * 5),
        *entries("C", "较好"),
        *entries("D", "好"),
    ]
    groups = {g.name: g for g in q.check_quota(rows, rule)}
    # C and D (2 together) are too few on their own: they join A, the largest, not B (the last by name).
    assert set(groups) == {"A", "B"}
    assert groups["A"].pooled_from == ("C", "D") and groups["A"].total == 8
    assert groups["A"].members == ("A0", "A1", "A2", "A3", "A4", "A5", "C0", "D0")
    assert groups["B"].pooled_from == () and groups["B"].members == ("B0", "B1", "B2", "B3", "B4")
    assert groups["A"].lines[1] == "人数较少的组合并计算：C、D。"
    assert len(groups["B"].lines) == 2  # its own line and "must move", nothing pooled
    pooled = q.check_quota([*entries("C", *["好"] * 3), *entries("D", *["较好"] * 3)], rule)
    assert [(g.name, g.pooled_from) for g in pooled] == [(q.POOLED_NAME, ("C", "D"))]
    assert pooled[0].lines[1] == "人数较少的组合并计算：C、D。"


def test_ranks_best_first():
    assert q.ranks({"a": 1, "b": 3, "c": 2, "d": None}) == {"b": 1, "c": 2, "a": 3}


def _component(scores):
    """Scores that rank the keys in the order given (first = best)."""
    return {key: len(scores) - i for i, key in enumerate(scores)}


def test_disagreement_line_with_labels_ties_and_a_missing_source():
    table = {
        "甲": {"ballot": 90, "field": 60, "observations": None},
        "乙": {"ballot": 80, "field": 60, "observations": 5},
        "丙": {"ballot": 70, "field": 95, "observations": None},
    }
    out = q.disagreements(table, labels={"ballot": "民主评议"})
    assert [d.key for d in out] == ["甲", "丙"]
    first, third = out
    assert first.ranks == {"ballot": (1, 3), "field": (2, 3)}  # observations: only one score
    assert first.spread == Fraction(3, 4)  # ballot place 0, field the middle of places 2–3
    assert first.line == "各来源排名差异较大：民主评议第 1/3 名，field并列第 2/3 名。"
    assert third.ranks == {"ballot": (3, 3), "field": (1, 3)}
    assert third.spread == Fraction(1)
    assert third.line == "各来源排名差异较大：民主评议第 3/3 名，field第 1/3 名。"


def test_two_sources_of_two_are_enough_and_a_thin_row_does_not_stop_the_rest():
    table = {
        "thin": {"ballot": None, "field": 1},
        "a": {"ballot": 2, "field": 1},
        "b": {"ballot": 1, "field": 2},
    }
    out = q.disagreements(table, components=("ballot", "field"))
    assert [(d.key, d.spread, d.ranks) for d in out] == [
        ("a", Fraction(3, 4), {"ballot": (1, 2), "field": (2, 3)}),
        ("b", Fraction(1), {"ballot": (2, 2), "field": (1, 3)}),
    ]


def test_the_spread_threshold_is_strict_and_defaults_to_half():
    # 51 assessees: x is first in the ballot and shares places 26–27 in the field, a spread of 51 %.
    keys = ["x", *[f"k{i}" for i in range(50)]]
    ballot = _component(keys)
    field = _component([*[f"k{i}" for i in range(25)], "x", *[f"k{i}" for i in range(25, 50)]])
    field["x"] = field["k25"]  # a tie for places 26–27
    table = {k: {"ballot": ballot[k], "field": field[k]} for k in keys}
    flagged = {d.key: d for d in q.disagreements(table, components=("ballot", "field"))}
    assert flagged["x"].spread == Fraction(51, 100)
    assert "x" not in {
        d.key for d in q.disagreements(table, components=("ballot", "field"), min_spread_percent=51)
    }
    half = {"a": {"ballot": 3, "field": 2}, "b": {"ballot": 2, "field": 3}, "c": {"ballot": 1, "field": 1}}
    # a and b: one source's first place, the other's middle — exactly 50 %, not more: not flagged.
    assert q.disagreements(half, components=("ballot", "field")) == []
    below = q.disagreements(half, components=("ballot", "field"), min_spread_percent=49)
    assert [(d.key, d.spread) for d in below] == [("a", Fraction(1, 2)), ("b", Fraction(1, 2))]

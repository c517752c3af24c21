"""INT-4 / EVA-1: database-free tests pinning the composite's numbers, boundaries and every Chinese line.

The organizer reads these lines beside the suggested grade, so each is compared whole; the number formatting
helpers are checked at their rounding boundaries and the declared rules at their validation boundaries.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from shuping.evaluations.scoring import (
    BallotThreshold,
    Component,
    Facts,
    Rules,
    Veto,
    band_of,
    compose,
    fmt,
    pct,
    signed,
    worse,
)

pytestmark = pytest.mark.req("INT-4", "EVA-1")

CLOSING = "建议等次：“{}”。本结果仅供参考，等次由组织部门提出、党委（党组）研究确定（第六条）。"
ART7 = "如最终等次未达到“好”，年度考核不得评定为“优秀”（第七条）。"
BANDS_LINE = "按分数段（好 ≥ 90，较好 ≥ 80，一般 ≥ 60），对应“{}”。"


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (None, 1, "—"),
        (F(1, 20), 1, "0.1"),
        (F(1, 20) - F(1, 1000), 1, "0.0"),
        (F(-1, 20), 1, "-0.1"),
        (F(-1, 100), 1, "0.0"),
        (F(5, 2), 0, "3"),
        (F(-5, 2), 0, "-3"),
        (12.345, 2, "12.35"),
        (F(1007, 100), 2, "10.07"),
        (7, 3, "7.000"),
        (0, 1, "0.0"),
    ],
)
def test_fmt_rounds_half_away_from_zero_with_the_given_digits(value, digits, text):
    assert fmt(value, digits) == text


def test_fmt_and_signed_default_to_one_decimal():
    assert fmt(F(1, 3)) == "0.3"
    assert signed(F(3, 2)) == "+1.5"
    assert signed(-2) == "-2.0"
    assert signed(0) == "0.0"
    assert signed(F(1, 3), 2) == "+0.33"
    assert signed(F(-1, 3), 0) == "0"


def test_pct_shows_a_share_with_one_decimal():
    assert pct(None) == "—"
    assert pct(F(3, 7)) == "42.9%"
    assert pct(1) == "100.0%"
    assert pct(F(1, 2000)) == "0.1%"


def test_worse_returns_the_lower_grade_and_either_when_equal():
    assert worse("好", "一般") == "一般"
    assert worse("差", "较好") == "差"
    assert worse("较好", "较好") == "较好"


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (F(90), "好"),
        (F(8999, 100), "较好"),
        (F(80), "较好"),
        (F(60), "一般"),
        (F(5999, 100), "差"),
        (F(0), "差"),
    ],
)
def test_band_of_reaches_a_floor_at_equality(score, grade):
    assert band_of(score, (("好", 90), ("较好", 80), ("一般", 60))) == grade


def test_band_of_below_short_or_full_bands():
    assert band_of(F(50), (("好", 90),)) == "较好"
    assert band_of(F(50), (("好", 90), ("较好", 80), ("一般", 60), ("差", 55))) == "差"
    assert band_of(F(55), (("好", 90), ("较好", 80), ("一般", 60), ("差", 55))) == "差"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": {"ballot": -1}}, "weights are non-negative"),
        (
            {"weights": {}, "bands": (("好", 80), ("较好", 90))},
            "bands go from 好 downwards with falling floors",
        ),
        ({"weights": {}, "bands": (("较好", 90),)}, "bands go from 好 downwards with falling floors"),
        (
            {"weights": {}, "ballot_thresholds": (BallotThreshold(50, "差"),)},
            "the lowest grade cannot be ruled out",
        ),
    ],
)
def test_rules_refuse_inconsistent_declarations(kwargs, message):
    with pytest.raises(ValueError) as info:
        Rules(**kwargs)
    assert str(info.value) == message


def test_rules_accept_equal_floors_zero_weights_and_known_caps():
    Rules(weights={"ballot": 0, "field": 1}, bands=(("好", 80), ("较好", 80)))
    Rules(weights={}, ballot_thresholds=(BallotThreshold(50, "一般"),), vetoes=(Veto("f", "差", "x"),))
    with pytest.raises(ValueError):
        Rules(weights={}, vetoes=(Veto("f", "优秀", "x"),))
    with pytest.raises(ValueError):
        Rules(weights={}, ballot_thresholds=(BallotThreshold(50, "优秀"),))


RULES = Rules(
    weights={"ballot": 30, "field": 40, "observations": 30, "report": 0},
    vetoes=(Veto("serious_incident", "一般", "发生严重问题"),),
    ballot_thresholds=(BallotThreshold(60), BallotThreshold(80, "较好", "top_two_rate")),
    adjustment_cap=3,
)


def test_every_step_of_a_composite_is_explained_exactly():
    components = [
        Component("ballot", 95, note="有效票 40 张"),
        Component("field", 92),
        Component("report", 70),
    ]
    facts = Facts(flags=frozenset({"serious_incident"}), top_rate=F(1, 2), adjustment_points=5)
    result = compose(components, facts, RULES)
    # 95 × 3/7 + 92 × 4/7 = 653/7, plus the capped 3 points.
    assert result.score == F(674, 7)
    assert result.band_grade == "好"
    assert result.suggested_grade == "一般"
    assert result.fired == (
        "redistributed",
        "adjustment_cap",
        "ballot_threshold:top_rate:好",
        "veto:serious_incident",
    )
    assert result.effective_weights == {"ballot": F(3, 7), "field": F(4, 7)}
    assert result.missing == ("observations",)
    assert result.lines == (
        "民主评议：有效票 40 张",
        "述职报告质量 70.0 分未设权重，单列参考，不计入综合得分。",
        "平时了解（权重 30.0%）缺少得分，其权重按比例分配给其余各项：民主评议 30.0%→42.9%，实地考核 40.0%→57.1%。",
        "民主评议 95.0 分 × 权重 42.9% = 40.71 分。",
        "实地考核 92.0 分 × 权重 57.1% = 52.57 分。",
        "加权得分 93.29 分。",
        "加减分合计 5.0 分，超过上限 ±3.0 分，按 3.0 分计。",
        "加减分 +3.0 分，得 96.29 分。",
        "综合得分 96.3 分。",
        BANDS_LINE.format("好"),
        "好票率 50.0% 低于 60%，不得评为“好”，建议等次降为“较好”。",
        "无民主评议结果，好和较好票率门槛（80%）未适用。",
        "发生严重问题：等次最高为“一般”，建议等次由“较好”降为“一般”。",
        CLOSING.format("一般"),
        ART7,
    )


def test_a_low_composite_with_negative_points_and_rates_above_the_thresholds():
    components = [Component("ballot", 50), Component("field", 40), Component("observations", 45)]
    facts = Facts(adjustment_points=-4, top_rate=F(3, 4), top_two_rate=F(4, 5))
    result = compose(components, facts, RULES)
    assert result.score == F(83, 2)
    assert result.suggested_grade == "差"
    assert result.fired == ("adjustment_cap",)
    assert result.lines == (
        "民主评议 50.0 分 × 权重 30.0% = 15.00 分。",
        "实地考核 40.0 分 × 权重 40.0% = 16.00 分。",
        "平时了解 45.0 分 × 权重 30.0% = 13.50 分。",
        "加权得分 44.50 分。",
        "加减分合计 -4.0 分，超过上限 ±3.0 分，按 -3.0 分计。",
        "加减分 -3.0 分，得 41.50 分。",
        "综合得分 41.5 分。",
        BANDS_LINE.format("差"),
        CLOSING.format("差"),
        ART7,
    )


def test_points_at_the_cap_count_in_full_and_the_score_is_kept_within_0_to_100():
    rules = Rules(weights={"ballot": 1}, adjustment_cap=3)
    result = compose([Component("ballot", 99)], Facts(adjustment_points=3), rules)
    assert result.score == 100
    assert result.fired == ()
    assert result.lines == (
        "民主评议 99.0 分 × 权重 100.0% = 99.00 分。",
        "加权得分 99.00 分。",
        "加减分 +3.0 分，得 102.00 分。",
        "得分超出 0–100 分，按 100.0 分计。",
        "综合得分 100.0 分。",
        BANDS_LINE.format("好"),
        CLOSING.format("好"),
    )
    low = compose([Component("ballot", 1)], Facts(adjustment_points=-2), Rules(weights={"ballot": 1}))
    assert low.score == 0
    assert "得分超出 0–100 分，按 0.0 分计。" in low.lines
    exact = compose([Component("ballot", 100)], Facts(), Rules(weights={"ballot": 1}))
    assert exact.score == 100 and not any("超出" in line for line in exact.lines)
    assert exact.lines[-1] == CLOSING.format("好")


def test_a_rate_exactly_at_the_threshold_does_not_rule_out_and_a_low_band_is_not_lowered_again():
    rules = Rules(weights={"ballot": 1}, ballot_thresholds=(BallotThreshold(60),))
    at = compose([Component("ballot", 95)], Facts(top_rate=F(3, 5)), rules)
    assert at.suggested_grade == "好" and at.fired == ()
    already = compose([Component("ballot", 85)], Facts(top_rate=F(1, 5)), rules)
    assert already.suggested_grade == "较好" and already.fired == ()
    two = Rules(weights={"ballot": 1}, ballot_thresholds=(BallotThreshold(80, "较好", "top_two_rate"),))
    dropped = compose([Component("ballot", 85)], Facts(top_rate=F(9, 10), top_two_rate=F(1, 2)), two)
    assert dropped.suggested_grade == "一般"
    assert "好和较好票率 50.0% 低于 80%，不得评为“较好”，建议等次降为“一般”。" in dropped.lines


def test_a_veto_that_does_not_lower_the_grade_is_still_named():
    rules = Rules(
        weights={"ballot": 1}, vetoes=(Veto("warned", "一般", "受到通报"), Veto("other", "差", "其他"))
    )
    result = compose([Component("ballot", 50)], Facts(flags=frozenset({"warned"})), rules)
    assert result.suggested_grade == "差"
    assert "受到通报：等次最高为“一般”。" in result.lines
    assert result.fired == ("veto:warned",)


def test_nothing_to_combine_says_so_and_lists_unweighted_scores():
    result = compose([Component("x", 10, label="自评")], Facts(), Rules(weights={"ballot": 1, "field": 0}))
    assert result.score is None and result.suggested_grade is None and result.band_grade is None
    assert result.missing == ("ballot",)
    assert result.effective_weights == {}
    assert result.lines == (
        "自评 10.0 分未设权重，单列参考，不计入综合得分。",
        "各项计分要素均无得分，无法计算综合得分；请组织部门依据述职评议和实地考核情况直接研判（第六条）。",
    )


@pytest.mark.parametrize("score", [-1, 101, F(-1, 100)])
def test_a_component_outside_0_to_100_is_refused(score):
    with pytest.raises(ValueError) as info:
        compose([Component("ballot", score)], Facts(), Rules(weights={"ballot": 1}))
    assert str(info.value) == "component ballot is outside 0–100"
    compose([Component("ballot", 0)], Facts(), Rules(weights={"ballot": 1}))


def test_fractional_points_labels_and_two_missing_components_are_explained():
    rules = Rules(
        weights={"ballot": 2, "field": 1, "party_building": 1, "observations": 1},
        ballot_thresholds=(BallotThreshold(80, "较好", "top_two_rate"), BallotThreshold(60)),
        adjustment_cap=F(1, 2),
    )
    result = compose(
        [Component("ballot", 94, label="群众评议"), Component("field", 97)],
        Facts(top_rate=F(299, 500), adjustment_points=F(4, 5)),
        rules,
    )
    assert result.fired == ("redistributed", "adjustment_cap", "ballot_threshold:top_rate:好")
    assert result.lines == (
        "party_building（权重 20.0%）、平时了解（权重 20.0%）缺少得分，其权重按比例分配给其余各项："
        "群众评议 40.0%→66.7%，实地考核 20.0%→33.3%。",
        "群众评议 94.0 分 × 权重 66.7% = 62.67 分。",
        "实地考核 97.0 分 × 权重 33.3% = 32.33 分。",
        "加权得分 95.00 分。",
        "加减分合计 0.8 分，超过上限 ±0.5 分，按 0.5 分计。",
        "加减分 +0.5 分，得 95.50 分。",
        "综合得分 95.5 分。",
        BANDS_LINE.format("好"),
        "无民主评议结果，好和较好票率门槛（80%）未适用。",
        "好票率 59.8% 低于 60%，不得评为“好”，建议等次降为“较好”。",
        CLOSING.format("较好"),
        ART7,
    )


@pytest.mark.parametrize(
    ("score", "points", "final", "bounded"),
    [(100, F(1, 2), 100, True), (0, 0, 0, False), (F(1, 2), 0, F(1, 2), False), (1, F(1, 2), F(3, 2), False)],
)
def test_only_scores_beyond_0_and_100_are_bounded(score, points, final, bounded):
    result = compose(
        [Component("ballot", score)], Facts(adjustment_points=points), Rules(weights={"ballot": 1})
    )
    assert result.score == final
    assert any(line.startswith("得分超出 0–100 分") for line in result.lines) is bounded
    if points:
        assert f"加减分 +{fmt(points)} 分，得 {fmt(score + points, 2)} 分。" in result.lines


def test_nothing_to_combine_fires_nothing():
    result = compose([], Facts(), Rules(weights={"ballot": 1}))
    assert result.fired == ()
    assert result.band_grade is None

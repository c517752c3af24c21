"""EVA-1: the composite — table tests incl. boundaries, redistribution, vetoes, ballot thresholds; properties."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuping.evaluations import scoring as s

DEMO = {"ballot": 30, "field": 40, "observations": 30}
VETO = s.Veto("serious_incident", "一般", "发生严重问题（一票否决）")
THRESHOLD = s.BallotThreshold(50)


def rules(**kw) -> s.Rules:
    return s.Rules(weights=kw.pop("weights", DEMO), **kw)


def comps(ballot=None, field=None, observations=None):
    return [
        s.Component("ballot", ballot),
        s.Component("field", field),
        s.Component("observations", observations),
    ]


pytestmark = pytest.mark.req("EVA-1")


@pytest.mark.parametrize(
    ("ballot", "field", "obs", "score", "grade"),
    [
        (90, 90, 90, F(90), "好"),  # exactly on the 好 floor
        (F(8999, 100), F(8999, 100), F(8999, 100), F(8999, 100), "较好"),  # just below
        (80, 80, 80, F(80), "较好"),
        (100, 70, 80, F(30 + 28 + 24), "较好"),  # 82
        (60, 60, 60, F(60), "一般"),
        (59, 60, 60, F(597, 10), "差"),  # 59.7 < 60
        (0, 0, 0, F(0), "差"),
        (100, 100, 100, F(100), "好"),
    ],
)
def test_weighted_score_and_band_at_the_boundaries(ballot, field, obs, score, grade):
    result = s.compose(comps(ballot, field, obs), s.Facts(), rules())
    assert result.score == score
    assert result.suggested_grade == grade


@pytest.mark.parametrize(
    ("present", "expected_weights"),
    [
        ({"ballot": 80, "observations": 90}, {"ballot": F(1, 2), "observations": F(1, 2)}),
        ({"field": 80, "observations": 90}, {"field": F(4, 7), "observations": F(3, 7)}),
        ({"field": 70}, {"field": F(1)}),
    ],
)
def test_a_missing_component_weight_is_redistributed_pro_rata_and_said(present, expected_weights):
    result = s.compose([s.Component(n, v) for n, v in present.items()], s.Facts(), rules())
    assert result.effective_weights == expected_weights
    assert "redistributed" in result.fired
    assert any("缺少得分，其权重按比例分配" in line for line in result.lines)
    assert result.score == sum(F(present[n]) * w for n, w in expected_weights.items())


def test_nothing_to_combine_gives_no_score_and_says_why():
    result = s.compose(comps(), s.Facts(), rules())
    assert result.score is None and result.suggested_grade is None
    assert any("无法计算综合得分" in line for line in result.lines)


def test_a_component_without_weight_is_listed_for_reference_only():
    result = s.compose([*comps(90, 90, 90), s.Component("report", 10)], s.Facts(), rules())
    assert result.score == 90
    assert any("未设权重，单列参考" in line for line in result.lines)


@pytest.mark.parametrize(
    ("top_rate", "grade", "fired"),
    [
        (F(1, 2), "好", False),  # exactly 50 %: not below
        (F(49, 100), "较好", True),
        (F(0), "较好", True),
        (None, "好", False),  # no ballot result: the threshold is not applied (and says so)
    ],
)
def test_ballot_threshold_rules_out_good_below_the_rate(top_rate, grade, fired):
    result = s.compose(comps(95, 95, 95), s.Facts(top_rate=top_rate), rules(ballot_thresholds=(THRESHOLD,)))
    assert result.suggested_grade == grade
    assert ("ballot_threshold:top_rate:好" in result.fired) is fired
    if top_rate is None:
        assert any("门槛" in line and "未适用" in line for line in result.lines)


def test_threshold_does_not_raise_a_lower_grade():
    result = s.compose(comps(70, 70, 70), s.Facts(top_rate=F(1, 10)), rules(ballot_thresholds=(THRESHOLD,)))
    assert result.suggested_grade == "一般" and not any(f.startswith("ballot") for f in result.fired)


@pytest.mark.parametrize(
    ("score", "flags", "grade"),
    [
        (95, {"serious_incident"}, "一般"),
        (85, {"serious_incident"}, "一般"),
        (65, {"serious_incident"}, "一般"),
        (50, {"serious_incident"}, "差"),  # a cap never raises
        (95, set(), "好"),
        (95, {"other_flag"}, "好"),
    ],
)
def test_veto_caps_the_grade(score, flags, grade):
    result = s.compose(comps(score, score, score), s.Facts(flags=frozenset(flags)), rules(vetoes=(VETO,)))
    assert result.suggested_grade == grade
    assert ("veto:serious_incident" in result.fired) is ("serious_incident" in flags)


@pytest.mark.parametrize(
    ("points", "cap", "score"),
    [(2, None, F(87)), (-5, None, F(80)), (8, 3, F(88)), (-8, 3, F(82)), (20, None, F(100))],
)
def test_adjustments_add_points_with_optional_cap_and_stay_within_0_100(points, cap, score):
    result = s.compose(comps(85, 85, 85), s.Facts(adjustment_points=points), rules(adjustment_cap=cap))
    assert result.score == score


def test_every_number_has_a_line_and_art7_is_cited_below_good():
    result = s.compose(comps(85, None, 80), s.Facts(top_rate=F(2, 5)), rules(ballot_thresholds=(THRESHOLD,)))
    text = "\n".join(result.lines)
    for fragment in ("民主评议 85.0 分", "平时了解 80.0 分", "综合得分 82.5 分", "对应“较好”", "第七条"):
        assert fragment in text


def test_bad_rules_are_refused():
    with pytest.raises(ValueError):
        s.Rules(weights={"ballot": -1})
    with pytest.raises(ValueError):
        s.Rules(weights=DEMO, bands=(("较好", 80), ("好", 90)))
    with pytest.raises(ValueError):
        s.Rules(weights=DEMO, ballot_thresholds=(s.BallotThreshold(50, rules_out="差"),))
    with pytest.raises(ValueError):
        s.compose([s.Component("ballot", 101)], s.Facts(), rules())


scores = st.one_of(st.none(), st.fractions(min_value=0, max_value=100))


@given(scores, scores, scores, st.integers(0, 10), st.integers(0, 10), st.integers(0, 10))
def test_score_is_a_convex_combination_of_the_present_scores(b, f, o, wb, wf, wo):
    weights = {"ballot": wb, "field": wf, "observations": wo}
    result = s.compose(comps(b, f, o), s.Facts(), s.Rules(weights=weights))
    present = [v for v, w in ((b, wb), (f, wf), (o, wo)) if v is not None and w > 0]
    if not present:
        assert result.score is None
        return
    assert min(present) <= result.score <= max(present)
    assert sum(result.effective_weights.values()) == 1


@given(scores, scores, scores, st.booleans(), st.one_of(st.none(), st.fractions(0, 1)))
def test_rules_only_ever_lower_the_band_grade(b, f, o, incident, rate):
    facts = s.Facts(flags=frozenset({"serious_incident"} if incident else ()), top_rate=rate)
    result = s.compose(comps(b, f, o), facts, rules(vetoes=(VETO,), ballot_thresholds=(THRESHOLD,)))
    if result.score is None:
        return
    assert s.grade_index(result.suggested_grade) >= s.grade_index(result.band_grade)
    if incident:
        assert s.grade_index(result.suggested_grade) >= s.grade_index("一般")

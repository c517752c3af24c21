"""DSC-1: the disclosure door — the pure rules, and the two leaks found by trying the product as an organizer
would (issue 20), as regression cases: two worlds that differ only in one small group's votes must look the
same on every page and API answer an organizer or leader can read."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuping.ballots import disclosure
from shuping.ballots.tally import BallotData, tally

G, FG, AV, P = "good", "fairly_good", "average", "poor"


# --- the pure rules ---------------------------------------------------------------------------------


@pytest.mark.req("DSC-1", "BAL-6")
def test_small_categories_merge_and_a_merged_line_under_k_takes_in_the_smallest_published_one():
    groups = disclosure.category_groups({"领导": 9, "代表": 2, "群众": 2, "空": 0})
    # 代表 + 群众 = 4 < 5: hidden, it would be the total minus 领导 — so 领导 joins it.
    assert [(g.label, g.categories, g.ballots, g.is_hidden) for g in groups] == [
        ("其他类别（合并）", ("代表", "群众", "领导"), 13, False)
    ]
    groups = disclosure.category_groups({"领导": 9, "干部": 6, "代表": 3, "群众": 3})
    assert [(g.categories, g.ballots) for g in groups] == [
        (("干部",), 6),
        (("领导",), 9),
        (("代表", "群众"), 6),
    ]
    groups = disclosure.category_groups({"领导": 9, "干部": 6, "代表": 1})
    assert [(g.categories, g.ballots) for g in groups] == [(("领导",), 9), (("代表", "干部"), 7)]
    assert [g.is_hidden for g in disclosure.category_groups({"领导": 3, "代表": 1})] == [True]


@pytest.mark.req("DSC-1", "BAL-6")
@given(st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(0, 12)), st.integers(1, 8))
def test_every_category_line_and_every_difference_of_lines_rests_on_at_least_k_ballots(counts, k):
    groups = disclosure.category_groups(counts, policy=disclosure.Policy(min_ballots=k))
    total = sum(counts.values())
    assert sorted(c for g in groups for c in g.categories) == sorted(c for c, n in counts.items() if n)
    if total < k:
        assert all(g.is_hidden for g in groups)
        return
    # Every shown line ≥ k; the only derivable line besides them is the total, also ≥ k (no hidden line).
    assert all(not g.is_hidden and g.ballots >= k for g in groups)
    assert sum(g.ballots for g in groups) == total


@pytest.mark.req("DSC-1", "BAL-8")
def test_weights_apply_only_when_every_category_is_published_on_its_own_line():
    data = [BallotData("领导", {"s": G})] * 5 + [BallotData("群众", {"s": P})] * 15
    t = tally(data, subjects=["s"])
    weights = {"领导": 1, "群众": 1}
    shown = disclosure.release(t, weights=weights).subjects["s"]
    assert shown.is_weighted and shown.overall.result.score == Fraction(50)
    small = tally(data[1:], subjects=["s"])  # 领导 4 < 5: merged
    shown = disclosure.release(small, weights=weights).subjects["s"]
    assert not shown.is_weighted and shown.overall.result.score == Fraction(400, 19)
    assert "未按类别权重加权" in shown.score_note


@pytest.mark.req("DSC-1", "BAL-6")
def test_a_unit_under_k_shows_no_line_at_all():
    t = tally([BallotData("领导", {"s": P})] * 4, subjects=["s"])
    shown = disclosure.release(t).subjects["s"]
    assert shown.is_withheld and shown.groups == () and shown.overall.withheld == "不足5票，不单独显示"
    assert (
        disclosure.release(t, policy=disclosure.Policy(min_ballots=4)).subjects["s"].overall.result.valid == 4
    )

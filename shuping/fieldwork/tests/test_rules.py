"""Pure field rules: samples re-derivable from their seed (FLD-1) and the Art. 6 paper-only warning (FLD-2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuping.fieldwork.rules import EvidenceFacts, can_be_seen_on_site, draw_sample, paper_only_warning

SITE_TEXT = "基层党组织标准化规范化建设，软弱涣散基层党组织整顿转化率"
SITE_GUIDANCE = "实地抽查村（社区）党组织，查看整顿成效"
PAPER_TEXT = "党委理论学习中心组专题学习"


@pytest.mark.req("FLD-1")
@given(st.lists(st.integers(1, 10_000), unique=True, max_size=60), st.integers(0, 20), st.integers(0, 2**62))
def test_a_sample_is_reproducible_from_its_seed_whatever_the_population_order(population, size, seed):
    first = draw_sample(population, size, seed)
    assert first == draw_sample(list(reversed(population)), size, seed)
    assert len(first) == min(size, len(population)) and set(first) <= set(population)
    assert len(set(first)) == len(first)


@pytest.mark.req("FLD-1")
def test_different_seeds_give_different_samples():
    population = list(range(1, 200))
    assert draw_sample(population, 5, 1) != draw_sample(population, 5, 2)


@pytest.mark.req("FLD-2")
@pytest.mark.parametrize(
    "kinds, visits, talks, note, warned",
    [
        ({"document_review"}, 0, 0, "", True),  # 查阅台账 only
        ({"report_hearing"}, 0, 0, "", True),
        ({"document_review", "report_hearing"}, 0, 0, "", True),
        (set(), 0, 0, "查阅台账", True),  # the note itself says the evidence was the ledger
        ({"document_review"}, 1, 0, "", False),  # a visit stands behind the score
        ({"document_review"}, 0, 2, "", False),
        ({"site_visit"}, 0, 0, "", False),
        ({"survey"}, 0, 0, "", False),
        (set(), 0, 0, "看了党群服务中心", False),
    ],
)
def test_only_reading_files_on_a_site_indicator_draws_the_art6_warning(kinds, visits, talks, note, warned):
    warning = paper_only_warning(
        text=SITE_TEXT,
        guidance=SITE_GUIDANCE,
        method="site_visit",
        evidence=EvidenceFacts(frozenset(kinds), visits, talks, note),
    )
    assert bool(warning) is warned
    if warning:
        assert "第六条" in warning["reason"] and warning["citation"] == "《办法》第六条"
        assert "查资料" in warning["reason"]


@pytest.mark.req("FLD-2", "CMP-6")
def test_files_are_fine_where_the_lint_sees_nothing_to_visit():
    assert can_be_seen_on_site(text=PAPER_TEXT, method="data") == (False, "")
    warning = paper_only_warning(
        text=PAPER_TEXT, guidance="", method="data", evidence=EvidenceFacts(frozenset({"document_review"}))
    )
    assert warning is None


@pytest.mark.req("FLD-2", "CMP-6")
def test_the_lint_counter_signals_mark_an_indicator_as_visible_on_site():
    visible, why = can_be_seen_on_site(text="群众对村级组织服务的满意度", method="data")
    assert visible and "满意度" in why

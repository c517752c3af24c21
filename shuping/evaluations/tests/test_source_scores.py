"""EVA-1: the report-quality and commentary scoring rules (source_scores) — table tests incl. boundaries."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from shuping.evaluations import source_scores as ss

pytestmark = pytest.mark.req("EVA-1")


def f(*codes: str) -> list[tuple[str, str]]:
    return [(c, f"{c} 的说明") for c in codes]


@pytest.mark.parametrize(
    ("codes", "score"),
    [
        ((), 100),
        (("generic_problem",), 95),
        (("generic_problem", "generic_problem"), 90),
        (("too_long",), 95),
        (("no_causes",), 90),
        (("no_measures",), 90),
        (("unanswered_carry_over", "unanswered_carry_over"), 80),
        (("no_problems",), 85),
        (("copy_of_peer",), 80),  # near-copy: the heaviest
        (("copy_of_own",), 80),
        (("copy_of_peer", "no_causes", "generic_problem"), 65),
        (("something_new",), 95),  # a finding the table does not know: 5
        # boundaries: exactly 0, and never below 0
        (("copy_of_peer",) * 5, 0),
        (("copy_of_peer",) * 5 + ("generic_problem",), 0),
        (("copy_of_peer",) * 4 + ("no_causes", "generic_problem", "generic_problem"), 0),
        (("copy_of_peer",) * 4 + ("generic_problem",), 15),
    ],
)
def test_report_score_deducts_per_finding(codes, score):
    result = ss.report_score(f(*codes))
    assert result.score == F(score)
    assert 0 <= result.score <= 100


def test_report_lines_name_what_was_counted_heaviest_first():
    result = ss.report_score(f("generic_problem", "copy_of_peer", "generic_problem"))
    first, basis = result.lines
    assert first.startswith(
        "述职报告质量：与他人报告高度雷同 1 处，扣 20 分；查摆问题是套话或过于简略 2 处，各扣 5 分，共 10 分"
    )
    assert "合计扣 30 分" in first and "得 70 分" in first
    assert basis.startswith("扣分依据：") and "copy_of_peer 的说明。" in basis
    assert result.counted == (("与他人报告高度雷同", 1, 20), ("查摆问题是套话或过于简略", 2, 10))
    assert result.deducted == 30


def test_report_line_says_when_the_floor_stops_the_deduction():
    over = ss.report_score(f(*("copy_of_peer",) * 6))
    assert "扣至 0 分为止" in over.lines[0] and over.deducted == 120
    exact = ss.report_score(f(*("copy_of_peer",) * 5))
    assert "扣至 0 分为止" not in exact.lines[0] and exact.score == 0


def test_a_clean_report_says_so():
    assert ss.report_score([]).lines == ("述职报告质量检查未发现问题，得 100 分。",)


def p(text: str, who: str = "张书记", category: str = "基层党建重点任务") -> ss.PointedOut:
    return ss.PointedOut(text, category, who)


@pytest.mark.parametrize(
    ("problems", "finalised", "score"),
    [
        ([], 1, 100),  # finalised, nothing pointed out
        ([p("发展党员把关不严")], 1, 95),
        ([p("发展党员把关不严"), p("软弱涣散整顿慢")], 2, 90),
        # the same problem by two commenters (punctuation and spaces aside) counts once
        ([p("发展党员把关不严。"), p("发展党员 把关不严", who="李委员")], 2, 95),
        ([p(f"问题{i}") for i in range(19)], 1, 5),
        ([p(f"问题{i}") for i in range(20)], 1, 0),  # exactly 0
        ([p(f"问题{i}") for i in range(25)], 1, 0),  # never below 0
        ([p("  "), p("，。")], 1, 100),  # empty texts are not problems
    ],
)
def test_commentary_score_deducts_per_distinct_problem(problems, finalised, score):
    result = ss.commentary_score(problems, finalised=finalised)
    assert result is not None and result.score == F(score)


def test_no_finalised_commentary_means_no_score_not_full_marks():
    assert ss.commentary_score([p("发展党员把关不严")], finalised=0) is None


def test_commentary_lines_name_commenters_repeats_and_categories():
    result = ss.commentary_score(
        [
            p("发展党员把关不严"),
            p("发展党员把关不严。", who="李委员"),
            p("意识形态阵地管理松", category="党风廉政和意识形态"),
        ],
        finalised=2,
    )
    line, kinds = result.lines
    assert "2 份已定稿点评共指出问题 2 条" in line
    assert "张书记 2 条、李委员 1 条" in line and "其中 1 条由多位点评人指出，只计一次" in line
    assert "每条扣 5 分，合计扣 10 分，得 90 分" in line
    assert kinds == "按类别：基层党建重点任务 1 条、党风廉政和意识形态 1 条。"


def test_distinct_problems_keep_the_first_wording_and_every_commenter():
    [(first, names)] = ss.distinct_problems(
        [p("A 问题。", who="甲"), p("A问题", who="乙"), p("A 问题", who="甲")]
    )
    assert first.text == "A 问题。" and names == ["甲", "乙"]

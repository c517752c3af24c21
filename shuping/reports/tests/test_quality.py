"""REP-2 quality checks (pure rules, table-tested) and REP-2 / PERF-6 near-copy detection on a small corpus."""

from __future__ import annotations

import pytest

from shuping.reports import bench, quality, sections, similarity

GENERIC = [
    "学习不够深入",
    "创新意识不强",
    "理论学习不够深入，创新意识不强。",
    "抓基层党建工作力度不够，存在薄弱环节",
    "重业务轻党建的现象仍有存在",
    "工作方法不多",
    "",
]
SPECIFIC = [
    "理论学习不够深入，全年中心组学习12次中有5次只读文件。",
    "创新意识不强，青山村等3个村的集体经济项目照搬外地做法后亏损。",
    "发展党员把关不严，抽查的40份档案中有5份程序不全。",
    "对“红色物业”试点跟踪不够，城关街道两个小区停摆半年。",
    "个别村党支部书记长期外出，组织生活由会计代为主持。",
]


@pytest.mark.req("REP-2")
@pytest.mark.parametrize("text", GENERIC)
def test_stock_phrases_without_specifics_are_generic(text):
    assert quality.is_generic_problem(text)


@pytest.mark.req("REP-2")
@pytest.mark.parametrize("text", SPECIFIC)
def test_problems_with_numbers_places_or_cases_are_not_generic(text):
    assert not quality.is_generic_problem(text)


@pytest.mark.req("REP-2")
@pytest.mark.parametrize(
    ("report", "max_chars", "expected"),
    [
        (quality.ReportText(problems=[SPECIFIC[0]], causes="认识不足。", measures="包村联系。"), 6000, []),
        (quality.ReportText(problems=[], causes="认识不足。", measures="包村联系。"), 6000, ["no_problems"]),
        (
            quality.ReportText(problems=["学习不够深入"], causes="认识不足。", measures="包村联系。"),
            6000,
            ["generic_problem"],
        ),
        (quality.ReportText(problems=[SPECIFIC[1]], causes=" ", measures="包村联系。"), 6000, ["no_causes"]),
        (quality.ReportText(problems=[SPECIFIC[1]], causes="认识不足。", measures=""), 6000, ["no_measures"]),
        (
            quality.ReportText(
                problems=[SPECIFIC[1]], causes="认识不足。", measures="包村。", achievements="成效" * 60
            ),
            100,
            ["too_long"],
        ),
        (
            quality.ReportText(
                problems=[SPECIFIC[1]],
                causes="认识不足。",
                measures="包村。",
                carry_over_answers=["", "已整改"],
            ),
            6000,
            ["unanswered_carry_over"],
        ),
        (
            quality.ReportText(problems=["创新意识不强", SPECIFIC[2]], causes="", measures=""),
            6000,
            ["generic_problem", "no_causes", "no_measures"],
        ),
    ],
)
def test_quality_check_table(report, max_chars, expected):
    findings = quality.check(report, max_chars=max_chars)
    assert [f.code for f in findings] == expected
    assert all(f.message for f in findings)


@pytest.mark.req("REP-2")
def test_generic_finding_names_the_stock_phrase_and_the_item():
    (finding,) = quality.check(
        quality.ReportText(problems=[SPECIFIC[0], "创新意识不强"], causes="a", measures="b")
    )
    assert finding.item == 2 and "创新意识" in finding.message


@pytest.mark.req("REP-1")
@pytest.mark.parametrize(
    ("headings", "expected"),
    [
        (
            ("一、工作成效", "二、存在的突出问题", "三、原因分析", "四、下一步措施"),
            ["achievements", "problems", "causes", "measures"],
        ),
        (
            ("一、主要做法和成效", "二、存在的问题和不足", "三、问题产生的原因", "四、下一步工作打算"),
            ["achievements", "problems", "causes", "measures"],
        ),
        (
            ("一、履职情况", "二、存在问题及原因分析", "三、努力方向和改进措施"),
            ["achievements", "problems", "measures"],
        ),
        (
            ("一、工作成效", "二、存在的突出问题", "三、原因剖析", "四、破解措施", "五、上年度问题整改情况"),
            ["achievements", "problems", "causes", "measures", "carry_over"],
        ),
    ],
)
def test_section_headings_and_common_variants_are_recognised(headings, expected):
    text = "\n".join(f"{h}\n正文第{i}段，含具体内容。" for i, h in enumerate(headings))
    assert sections.from_text(text).recognised == expected


@pytest.mark.req("REP-1")
def test_numbered_items_inside_a_section_are_not_mistaken_for_headings():
    found = sections.from_text(
        "二、存在的突出问题\n（一）抓党建促发展的措施还不够有力，3个村集体经济下滑。\n（二）原因查找不深。\n三、原因分析\n认识不足。"
    )
    assert found.problems == [
        "（一）抓党建促发展的措施还不够有力，3个村集体经济下滑。",
        "（二）原因查找不深。",
    ]
    assert found.causes == "认识不足。"


@pytest.mark.req("REP-2")
def test_shared_passages_are_found_in_both_texts():
    shared = "全年主持召开党建专题会议六次，推动十二个软弱涣散村党组织完成整顿"
    a = "甲：" + shared + "。另有自己的内容。"
    b = "乙同志报告开头不同。" + shared + "，结尾也不同。"
    (passage,) = similarity.shared_passages(a, b)
    assert shared in passage.text
    assert a[passage.start_a :].startswith(passage.text) and b[passage.start_b :].startswith(passage.text)


@pytest.mark.req("REP-2", "PERF-6")
def test_recall_on_planted_copies_in_a_small_corpus():
    texts, planted = bench.corpus(1500, seed=11)
    matches = bench.detect(texts)
    recall, by_kind = bench.recall(matches, planted)
    assert set(by_kind) == {"whole", "partial", "light"}
    assert recall >= 0.95, by_kind
    planted_pairs = {(min(s, c), max(s, c)) for s, c, _k in planted}
    copied = {s for s, _c, _k in planted} | {c for _s, c, _k in planted}
    unrelated = [
        m for m in matches if (min(m.a, m.b), max(m.a, m.b)) not in planted_pairs and not {m.a, m.b} <= copied
    ]
    assert not unrelated  # nothing flagged between reports that were not copied


@pytest.mark.req("PERF-6")
def test_detection_never_compares_all_pairs():
    """The index only counts pairs sharing rare fingerprints: disjoint texts produce no candidates at all."""
    docs = [(i, frozenset(range(i * 100, i * 100 + 50))) for i in range(200)]
    assert similarity.find_near_copies(docs) == []


def test_exact_jaccard_of_identical_and_disjoint_texts():
    a = similarity.shingles("党建引领基层治理")
    assert similarity.exact_jaccard(a, a) == 1.0
    assert similarity.exact_jaccard(a, similarity.shingles("集体经济收入增长")) == 0.0

"""Near-copy labels graded by documented thresholds (REP-2; the issue's REP-3 item): 高度雷同 only for real
copies, 部分相似 for a copied part, ordinary overlap (stock phrases) no finding — calibrated on the bench's
planted copies against the overlap of unrelated reports."""

from __future__ import annotations

import pytest

from shuping.evaluations import source_scores
from shuping.reports import bench, quality, similarity


@pytest.mark.req("REP-2")
@pytest.mark.parametrize(
    ("containment", "label", "code"),
    [
        (0.15, "少量重合", None),
        (0.17, "少量重合", None),  # 15–17 %: boilerplate every 述职报告 shares, never “高度雷同”
        (0.249, "少量重合", None),
        (0.25, "部分相似", "partial_copy_of_peer"),
        (0.45, "部分相似", "partial_copy_of_peer"),
        (0.599, "部分相似", "partial_copy_of_peer"),
        (0.60, "高度雷同", "copy_of_peer"),
        (0.64, "高度雷同", "copy_of_peer"),
        (1.0, "高度雷同", "copy_of_peer"),
    ],
)
def test_labels_follow_the_documented_thresholds(containment, label, code):
    assert similarity.similarity_label(containment) == label
    finding = quality.near_copy_finding(
        other_label="乙县 刘书记", containment=containment, is_own_earlier=False
    )
    if code is None:
        assert finding is None
    else:
        assert finding.code == code and label in finding.message
        assert ("高度雷同" in finding.message) is (label == "高度雷同")


@pytest.mark.req("REP-2")
def test_a_partial_copy_of_ones_own_report_weighs_less_than_a_whole_one():
    finding = quality.near_copy_finding(other_label="2023年 甲市委", containment=0.4, is_own_earlier=True)
    assert finding.code == "partial_copy_of_own" and "本人往年报告" in finding.message
    partial = source_scores.report_score([(finding.code, finding.message)])
    whole = source_scores.report_score([("copy_of_own", "…")])
    assert partial.deducted == 10 and whole.deducted == 20


@pytest.mark.req("REP-2", "PERF-6")
def test_thresholds_separate_the_benchs_planted_copies_from_unrelated_reports():
    texts, planted = bench.corpus(800, seed=11, copy_share=0.05)
    matches = bench.detect(texts)
    kinds = {(min(s, c), max(s, c)): k for s, c, k in planted}
    sources = {c: s for s, c, _k in planted}
    labelled: dict[str, list[str]] = {}
    for m in matches:
        pair = (min(m.a, m.b), max(m.a, m.b))
        if pair in kinds:
            labelled.setdefault(kinds[pair], []).append(similarity.similarity_label(m.containment))
        elif sources.get(m.a) != sources.get(m.b) or m.a not in sources:
            # Unrelated reports (not two copies of one source): never more than ordinary overlap.
            assert similarity.similarity_label(m.containment) == "少量重合", m
    assert set(labelled["whole"]) == {"高度雷同"} and set(labelled["light"]) == {"高度雷同"}
    assert set(labelled["partial"]) <= {"部分相似", "高度雷同"} and "部分相似" in labelled["partial"]
    assert sum(map(len, labelled.values())) >= 0.95 * len(planted)

"""EVA-1: the demo shows the report-quality and commentary components, reference-only (weight 0), on this
year's campaign awaiting 研究, with its rules carried over from last year's, and one 加分 and one 减分."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from shuping.evaluations import scoring, selectors
from shuping.evaluations.choices import EvaluationStatus
from shuping.evaluations.demo import DEMO_WEIGHTS
from shuping.evaluations.models import AdjustmentEntry, Evaluation, EvaluationConfig


@pytest.mark.req("EVA-1")
@pytest.mark.django_db
def test_demo_shows_report_and_commentary_for_reference():
    call_command("demo", "--no-serve", "--scale", "small", "--year", "2025", stdout=io.StringIO())
    awaiting = Evaluation.objects.filter(
        campaign__year=2025, status=EvaluationStatus.DEPARTMENT_REVIEWED
    ).select_related("campaign")
    assert awaiting.exists()
    campaign = awaiting[0].campaign
    assert campaign.settings["weights"] == DEMO_WEIGHTS
    config = EvaluationConfig.objects.get(campaign=campaign)
    assert config.copied_from is not None and config.copied_from.campaign.year == 2024
    with_report = [e for e in awaiting if (e.components.get("report") or {}).get("score") is not None]
    with_commentary = [e for e in awaiting if (e.components.get("commentary") or {}).get("score") is not None]
    assert with_report and with_commentary
    e = with_commentary[0]
    assert e.components["commentary"]["weight"] == "0"
    assert any(line.startswith("点评指出问题：") for line in e.explanation)
    assert any("点评指出问题" in line and "单列参考" in line for line in e.explanation)
    # the composite is the 30/40/30 one: the reference components change nothing
    assert e.components["ballot"]["weight"] == "30" and e.components["field"]["weight"] == "40"
    screen = selectors.calibration(campaign)
    assert [c["name"] for c in screen["columns"]][:5] == [
        "ballot",
        "field",
        "observations",
        "report",
        "commentary",
    ]
    assert screen["reference"] == ["述职报告质量", "点评指出问题"]

    # 加减分 (EVA-1, CMP-4): one 加分 and one 减分, each an item of the assessee's indicator set, in the composite
    entries = list(AdjustmentEntry.objects.filter(evaluation__campaign=campaign).select_related("evaluation"))
    assert sorted(a.kind for a in entries) == ["bonus", "penalty"]
    for a in entries:
        assert a.item.indicator_set == selectors.indicator_set_of(a.evaluation.assessment)
        e = a.evaluation
        assert e.components["adjustments"]["points_text"] == scoring.signed(a.signed_points)
        assert any(
            line.startswith(f"加减分：{a.get_kind_display()}“{a.item_text}”") for line in e.explanation
        )
        assert any(line.startswith("加减分 ") and "分，得" in line for line in e.explanation)
    assert screen["has_adjustments"]

"""EVA-1, EVA-3: the report-quality and commentary components read the reports and meetings apps' rows,
score them by the stated rules, stay reference-only without a weight, count with one, feed the opinion
draft with their source, and take a constant number of queries for a whole campaign (PERF-5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuping.campaigns import services as campaign_services
from shuping.evaluations import components, services
from shuping.evaluations.models import Evaluation
from shuping.meetings import commentary as commentary_services
from shuping.meetings import services as meeting_services
from shuping.meetings.choices import CommenterRole
from shuping.reports import services as report_services

from .builders import campaign_at_evaluation

GOOD_REPORT = {
    "achievements": "全年新建党群服务中心12个。\n整顿软弱涣散党组织8个。",
    "problems": ["全市仍有3个村党组织书记年龄超过60岁，后备力量不足，例如某村两年未发展党员。"],
    "causes": "对村级后备干部培养重视不够，培养机制不健全。",
    "measures": "实施“头雁”工程，每村储备后备干部2名以上。",
}


def _report(staff, assessment, submit=True, **over):
    data = {**GOOD_REPORT, **over}
    report_services.save_report(actor=staff, assessment=assessment, **data)
    if submit:
        report_services.submit_report(actor=staff, assessment=assessment)


def _meeting(staff, campaign, assessments):
    meeting = meeting_services.create_meeting(
        actor=staff,
        campaign=campaign,
        held_on=campaign.meetings_start_on,
        venue="第一会议室",
        presiding_name="王书记",
    )
    member = meeting_services.add_commenter(
        actor=staff, meeting=meeting, role=CommenterRole.MEMBER, name="李委员", portfolio="组织工作"
    )
    meeting_services.set_agenda(actor=staff, meeting=meeting, assessments=assessments)
    meeting_services.start_meeting(actor=staff, meeting=meeting)
    presiding = meeting.commenters.get(role=CommenterRole.PRESIDING)
    return meeting, presiding, member


def _say(staff, meeting, assessment, commenter, *problems):
    commentary_services.record_commentary(
        actor=staff,
        meeting=meeting,
        assessment=assessment,
        commenter=commenter,
        remarks="肯定成绩，指出问题。",
        direction="进一步压实责任。",
        problems=[commentary_services.ProblemInput(t, "key_work") for t in problems],
    )


def _by_org(campaign):
    return {
        e.assessment.organization_name: e
        for e in Evaluation.objects.filter(campaign=campaign).select_related("assessment")
    }


@pytest.fixture
def scene(world):
    staff = world.organizer_staff
    campaign = campaign_at_evaluation(world, extra=2)
    a, b, c = list(campaign.assessments.filter(is_excluded=False).order_by("organization_path"))
    _report(staff, a)  # clean: 100
    _report(  # another text; a generic problem (5) and no causes (10) → 85
        staff,
        b,
        achievements="推动机关党建与业务深度融合，开展主题党日活动。",
        problems=["学习不够深入"],
        causes="",
        measures="健全机关党组织书记述职制度，落实“第一议题”。",
    )
    _report(staff, c, submit=False)  # a draft: no score
    meeting, presiding, member = _meeting(staff, campaign, [a, b])
    _say(staff, meeting, a, presiding, "发展党员把关不严。", "三会一课不规范")
    _say(staff, meeting, a, member, "发展党员 把关不严")  # the same problem again: counted once
    _say(staff, meeting, b, presiding)  # finalised, nothing pointed out
    return campaign, a, b, c


@pytest.mark.req("EVA-1")
def test_report_and_commentary_scores_are_reference_only_without_weight(scene, world):
    campaign, a, b, c = scene
    services.compute_composites(actor=world.organizer_staff, campaign=campaign)
    rows = _by_org(campaign)
    ea, eb, ec = rows[a.organization_name], rows[b.organization_name], rows[c.organization_name]
    assert ea.components["report"]["score_text"] == "100.0"
    assert ea.components["commentary"]["score_text"] == "90.0"  # two distinct problems
    assert eb.components["report"]["score_text"] == "85.0"
    assert eb.components["commentary"]["score_text"] == "100.0"
    assert ec.components["report"]["score"] is None and "commentary" not in ec.components
    assert ec.components["report"]["lines"] == ["述职报告尚未提交，暂不计分。"]
    # weight 0 (the default 30/40/30): listed for reference, the composite is not computed from them
    assert ea.components["report"]["weight"] == "0"
    assert "述职报告质量 100.0 分未设权重，单列参考，不计入综合得分。" in ea.explanation
    assert "点评指出问题 90.0 分未设权重，单列参考，不计入综合得分。" in ea.explanation
    assert ea.composite_score is None  # no ballot, field or observations in this scene
    line = next(x for x in eb.explanation if x.startswith("述职报告质量："))
    assert "查摆问题是套话或过于简略 1 处，扣 5 分" in line and "缺少原因分析 1 处，扣 10 分" in line
    assert any("每条扣 5 分，合计扣 10 分，得 90 分" in x for x in ea.explanation)
    assert any("其中 1 条由多位点评人指出，只计一次" in x for x in ea.explanation)


@pytest.mark.req("EVA-1")
def test_a_weight_makes_them_count(scene, world):
    campaign, a, b, _c = scene
    campaign = campaign_services.update_settings(
        actor=world.organizer_staff,
        campaign=campaign,
        weights={"ballot": 30, "field": 30, "observations": 20, "report": 10, "commentary": 10},
    )
    services.compute_composites(actor=world.organizer_staff, campaign=campaign)
    rows = _by_org(campaign)
    # only report and commentary have scores: their 10 / 10 are redistributed to 50 % each
    assert rows[a.organization_name].composite_score == Decimal("95.00")  # (100 + 90) / 2
    assert rows[b.organization_name].composite_score == Decimal("92.50")  # (85 + 100) / 2
    assert any("按比例分配" in x for x in rows[a.organization_name].explanation)


@pytest.mark.req("EVA-3")
def test_opinion_draft_takes_report_and_commentary_problems_with_their_source(scene, world):
    campaign, a, _b, _c = scene
    services.compute_composites(actor=world.organizer_staff, campaign=campaign)
    e = _by_org(campaign)[a.organization_name]
    e = services.draft_opinion(actor=world.organizer_staff, evaluation=e)
    sources = {p["text"]: p["source"] for p in e.problems}
    assert sources[GOOD_REPORT["problems"][0]] == "report"
    assert sources["发展党员把关不严。"] == "commentary"
    assert sources["三会一课不规范"] == "commentary"
    assert "发展党员 把关不严" not in sources  # the repeat is offered once
    assert e.achievements == "全年新建党群服务中心12个。\n整顿软弱涣散党组织8个。"


@pytest.mark.req("EVA-1")
def test_near_copy_is_deducted_heavier(world):
    staff = world.organizer_staff
    campaign = campaign_at_evaluation(world, extra=1)
    a, b = list(campaign.assessments.filter(is_excluded=False).order_by("organization_path"))
    _report(staff, a)
    _report(staff, b)  # the same text: near-copies of each other
    out = components.report_component([a, b])
    assert out[a.pk].score == 80 and out[b.pk].score == 80
    assert "与他人报告高度雷同 1 处，扣 20 分" in out[a.pk].lines[0]
    assert "copy_of_peer" in out[a.pk].facts["findings"]


@pytest.mark.req("EVA-1")
def test_commentary_drafts_do_not_count(world):
    staff = world.organizer_staff
    campaign = campaign_at_evaluation(world, extra=0)
    [a] = list(campaign.assessments.filter(is_excluded=False))
    meeting, presiding, _member = _meeting(staff, campaign, [a])
    from shuping.meetings.models import Commentary

    Commentary.objects.create(meeting=meeting, assessment=a, commenter=presiding, draft_text="点评稿")
    value = components.commentary_component([a])[a.pk]
    assert value.score is None and value.lines == ("点评 1 份均未定稿（会后代录），暂不计分。",)


def _queries(func, items) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func(items)
    return len(ctx.captured_queries)


@pytest.mark.req("EVA-1")
def test_constant_queries_for_a_campaign(world):
    """PERF-5: the count does not grow with the number of assessees, reports or commentaries."""
    staff = world.organizer_staff
    campaign = campaign_at_evaluation(world, extra=5)
    rows = list(campaign.assessments.filter(is_excluded=False).order_by("organization_path"))
    for i, a in enumerate(rows):
        _report(staff, a, problems=[f"第{i}个问题：全年有{i + 2}个支部未按期换届，例如某村支部。"])
    meeting, presiding, member = _meeting(staff, campaign, rows)
    for a in rows[:2]:
        _say(staff, meeting, a, presiding, "问题一")
    few = {
        n: _queries(getattr(components, n), rows[:2]) for n in ("report_component", "commentary_component")
    }
    for a in rows[2:]:
        _say(staff, meeting, a, presiding, "问题一", "问题二")
        _say(staff, meeting, a, member, "问题三")
    many = {n: _queries(getattr(components, n), rows) for n in ("report_component", "commentary_component")}
    assert many == few
    assert many["commentary_component"] == 2 and many["report_component"] <= 4

"""EVA-4: approval locks the set — an approved assessment cannot be stepped back out of 研究 / 反馈 through
campaigns' reopen (CMP-1); the grade changes only by a recorded re-decision."""

from __future__ import annotations

from datetime import date

import pytest

from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import Stage
from shuping.campaigns.models import Assessment
from shuping.campaigns.services import StageBlocked
from shuping.evaluations import blockers, services
from shuping.evaluations.choices import StepKind
from shuping.evaluations.models import Evaluation

from .builders import campaign_at_evaluation

D = date(2024, 1, 20)

pytestmark = pytest.mark.req("EVA-4")


def _step(staff, campaign, kind, evaluations, minutes, **kw):
    return services.record_step(
        actor=staff,
        campaign=campaign,
        kind=kind,
        evaluations=evaluations,
        held_on=D,
        minutes_reference=minutes,
        **kw,
    )


def _proposed(world, extra=5):
    campaign = campaign_at_evaluation(world, extra=extra)
    staff = world.organizer_staff
    for i, e in enumerate(services.start_evaluations(actor=staff, campaign=campaign)):
        services.propose_grade(actor=staff, evaluation=e, grade="一般" if i == 0 else "好")
    return campaign, list(Evaluation.objects.filter(campaign=campaign).order_by("pk"))


def test_an_approved_assessment_cannot_be_stepped_back(world):
    staff = world.organizer_staff
    campaign, evaluations = _proposed(world)
    _step(staff, campaign, StepKind.SECTION_DRAFT, evaluations, "科室拟定稿")
    _step(staff, campaign, StepKind.DEPARTMENT_MEETING, evaluations, "部务会纪要〔2024〕3号")
    _step(staff, campaign, StepKind.COMMITTEE, evaluations, "常委会纪要〔2024〕5号")
    a = Assessment.objects.get(pk=evaluations[1].assessment_id)
    assert a.stage == Stage.FEEDBACK
    with pytest.raises(StageBlocked) as refused:
        campaign_services.reopen_assessment(actor=staff, assessment=a, reason="误操作")
    assert "已经党委（党组）研究确定（常委会纪要〔2024〕5号），不能退回" in refused.value.message
    assert "重新研究" in refused.value.message
    a.refresh_from_db()
    assert a.stage == Stage.FEEDBACK
    # The recorded re-decision is the way; afterwards stepping back is still refused, naming it.
    services.redecide(
        actor=staff,
        evaluation=evaluations[1],
        grade="较好",
        held_on=date(2024, 3, 1),
        minutes_reference="常委会纪要〔2024〕9号",
        reason="巡视反馈新发现问题",
    )
    with pytest.raises(StageBlocked) as again:
        campaign_services.reopen_assessment(actor=staff, assessment=a, reason="误操作")
    assert "常委会纪要〔2024〕9号" in again.value.message


def test_the_guard_also_covers_研究_and_nothing_before_approval(world):
    staff = world.organizer_staff
    campaign, evaluations = _proposed(world)
    _step(staff, campaign, StepKind.SECTION_DRAFT, evaluations, "科室拟定稿")
    a = Assessment.objects.get(pk=evaluations[1].assessment_id)
    assert a.stage == Stage.DECISION
    # Not yet approved: the organizer may still correct a mistaken move.
    assert blockers.decision_recorded(a) is None
    moved = campaign_services.reopen_assessment(actor=staff, assessment=a, reason="科室拟定前漏看材料")
    assert moved.stage == Stage.EVALUATION
    # Locked while at 研究 (e.g. the move on to 反馈 is still pending): refused as well.
    Evaluation.objects.filter(pk=evaluations[1].pk).update(is_locked=True)
    a.stage = Stage.DECISION
    assert "不能退回" in blockers.decision_recorded(a)
    # Past 反馈 the feedback app's own guard decides; this one stays out of it.
    a.stage = Stage.RECTIFICATION
    assert blockers.decision_recorded(a) is None

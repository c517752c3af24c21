"""EVA-1 … EVA-4 through the services: composites stored, proposals with override reasons, the decision
chain with quota, recusal, own-grade refusal, locking and re-decision, stage blockers."""

from __future__ import annotations

from datetime import date

import pytest

from shuping.audit.models import AuditEvent
from shuping.campaigns.choices import Stage
from shuping.campaigns.models import Assessment
from shuping.evaluations import providers, services
from shuping.evaluations.choices import EvaluationStatus, StepKind
from shuping.evaluations.models import Evaluation, GradeVersion
from shuping.evaluations.providers import Value

from .builders import campaign_at_evaluation

D = date(2024, 1, 20)


@pytest.fixture
def scores():
    """A provider standing in for the ballot: {organization name: score}."""
    table: dict[str, int] = {}

    @providers.provider("ballot", label="民主评议")
    def fake(assessment):
        if assessment.organization_name in table:
            return Value(score=table[assessment.organization_name], top_rate=None)
        return None

    yield table
    from shuping.evaluations import components

    providers.batch_provider("ballot", label="民主评议")(components.ballot_component)


def _all(campaign):
    return list(Evaluation.objects.filter(campaign=campaign).select_related("assessment").order_by("pk"))


def _chain(campaign, staff, evaluations, **committee):
    services.record_step(
        actor=staff,
        campaign=campaign,
        kind=StepKind.SECTION_DRAFT,
        evaluations=evaluations,
        held_on=D,
        minutes_reference="科室拟定稿",
    )
    services.record_step(
        actor=staff,
        campaign=campaign,
        kind=StepKind.DEPARTMENT_MEETING,
        evaluations=evaluations,
        held_on=D,
        minutes_reference="部务会纪要〔2024〕3号",
        body="部务会",
    )
    return services.record_step(
        actor=staff,
        campaign=campaign,
        kind=StepKind.COMMITTEE,
        evaluations=evaluations,
        held_on=D,
        minutes_reference="常委会纪要〔2024〕5号",
        body="省委常委会",
        **committee,
    )


@pytest.mark.req("EVA-1")
def test_composites_are_stored_with_redistribution_explained(world, scores):
    campaign = campaign_at_evaluation(world)
    scores["中共甲市委员会"] = 92
    evaluations = services.compute_composites(actor=world.organizer_staff, campaign=campaign)
    e = next(x for x in evaluations if x.assessment.organization_name == "中共甲市委员会")
    assert e.suggested_grade == "好" and str(e.composite_score) == "92.00"
    assert any("缺少得分，其权重按比例分配" in line for line in e.explanation)
    others = [x for x in evaluations if x.pk != e.pk]
    assert all(x.composite_score is None and x.suggested_grade == "" for x in others)


@pytest.mark.req("EVA-1", "EVA-2")
def test_a_proposal_differing_from_the_suggestion_needs_a_reason_and_keeps_both(world, scores):
    campaign = campaign_at_evaluation(world, extra=0)
    scores["中共甲市委员会"] = 95
    [e] = services.compute_composites(actor=world.organizer_staff, campaign=campaign)
    with pytest.raises(services.EvaluationError):
        services.propose_grade(actor=world.organizer_staff, evaluation=e, grade="较好")
    e = services.propose_grade(
        actor=world.organizer_staff, evaluation=e, grade="较好", reason="实地考核发现问题较多"
    )
    assert (e.suggested_at_proposal, e.proposed_grade, e.is_override) == ("好", "较好", True)
    assert GradeVersion.objects.filter(evaluation=e).count() == 1


@pytest.mark.req("EVA-2", "EVA-4")
def test_approval_refused_on_broken_quota_without_reasons_and_allowed_with_them(world):
    campaign = campaign_at_evaluation(world)  # 6 prefecture-level secretaries: 15 % → 1 must be 较好 or below
    staff = world.organizer_staff
    evaluations = services.start_evaluations(actor=staff, campaign=campaign)
    for e in evaluations:
        services.propose_grade(actor=staff, evaluation=e, grade="好")
    evaluations = _all(campaign)
    services.record_step(
        actor=staff,
        campaign=campaign,
        kind=StepKind.SECTION_DRAFT,
        evaluations=evaluations,
        held_on=D,
        minutes_reference="拟定稿",
    )
    services.record_step(
        actor=staff,
        campaign=campaign,
        kind=StepKind.DEPARTMENT_MEETING,
        evaluations=evaluations,
        held_on=D,
        minutes_reference="部务会纪要",
    )
    with pytest.raises(services.EvaluationConflict) as refused:
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=StepKind.COMMITTEE,
            evaluations=evaluations,
            held_on=D,
            minutes_reference="常委会纪要",
        )
    assert "须调整 1 人" in refused.value.message
    assert not Evaluation.objects.filter(campaign=campaign, is_locked=True).exists()
    group = "地方党委"
    step = services.record_step(
        actor=staff,
        campaign=campaign,
        kind=StepKind.COMMITTEE,
        evaluations=evaluations,
        held_on=D,
        minutes_reference="常委会纪要",
        quota_reasons={group: "各市工作均较突出，经研究不作调整"},
    )
    assert step.quota_reasons == {group: "各市工作均较突出，经研究不作调整"}
    assert step.quota_snapshot[0]["is_broken"] is True
    assert all(e.is_locked and e.final_grade == "好" for e in _all(campaign))


@pytest.mark.req("EVA-2", "EVA-4")
def test_approval_with_the_quota_met_needs_no_reason_and_moves_assessees_to_feedback(world):
    campaign = campaign_at_evaluation(world)
    staff = world.organizer_staff
    for i, e in enumerate(services.start_evaluations(actor=staff, campaign=campaign)):
        services.propose_grade(actor=staff, evaluation=e, grade="较好" if i == 0 else "好")
    step = _chain(campaign, staff, _all(campaign))
    assert step.quota_reasons == {}
    assert set(Assessment.objects.filter(campaign=campaign).values_list("stage", flat=True)) == {
        Stage.FEEDBACK
    }
    assert all(e.status == EvaluationStatus.APPROVED for e in _all(campaign))
    assert AuditEvent.objects.filter(action="evaluations.step.committee").exists()


@pytest.mark.req("EVA-4")
def test_the_chain_runs_in_order(world):
    campaign = campaign_at_evaluation(world, extra=0)
    staff = world.organizer_staff
    [e] = services.start_evaluations(actor=staff, campaign=campaign)
    with pytest.raises(services.EvaluationError):  # no proposed grade yet
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=StepKind.SECTION_DRAFT,
            evaluations=[e],
            held_on=D,
            minutes_reference="拟定稿",
        )
    services.propose_grade(actor=staff, evaluation=e, grade="较好")
    with pytest.raises(services.EvaluationConflict):  # the committee before the department meeting
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=StepKind.COMMITTEE,
            evaluations=[e],
            held_on=D,
            minutes_reference="常委会纪要",
        )
    with pytest.raises(services.EvaluationError):  # the minutes reference is required
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=StepKind.SECTION_DRAFT,
            evaluations=[e],
            held_on=D,
            minutes_reference=" ",
        )


@pytest.mark.req("EVA-4")
def test_a_locked_set_changes_only_by_a_recorded_redecision_and_history_is_kept(world):
    campaign = campaign_at_evaluation(world)
    staff = world.organizer_staff
    for i, e in enumerate(services.start_evaluations(actor=staff, campaign=campaign)):
        services.propose_grade(actor=staff, evaluation=e, grade="一般" if i == 0 else "好")
    _chain(campaign, staff, _all(campaign))
    e = _all(campaign)[1]
    with pytest.raises(services.EvaluationConflict):
        services.propose_grade(actor=staff, evaluation=e, grade="较好", reason="想改")
    with pytest.raises(services.EvaluationConflict):
        services.update_opinion(actor=staff, evaluation=e, achievements="改", problems=[])
    with pytest.raises(services.EvaluationError):
        services.redecide(
            actor=staff, evaluation=e, grade="较好", held_on=D, minutes_reference="纪要", reason=" "
        )
    # A re-decision without its date is refused with the field named (not a database error).
    with pytest.raises(services.EvaluationError) as missing_date:
        services.redecide(
            actor=staff, evaluation=e, grade="较好", held_on=None, minutes_reference="纪要", reason="巡视"
        )
    assert missing_date.value.field == "held_on"
    step = services.redecide(
        actor=staff,
        evaluation=e,
        grade="较好",
        held_on=date(2024, 3, 1),
        minutes_reference="常委会纪要〔2024〕9号",
        reason="巡视反馈新发现问题",
        body="省委常委会",
    )
    e.refresh_from_db()
    assert e.final_grade == "较好" and step.kind == StepKind.REDECISION
    assert [(v.kind, v.grade) for v in e.versions.all()] == [
        ("proposal", "好"),
        ("approval", "好"),
        ("redecision", "较好"),
    ]
    assert AuditEvent.objects.filter(action="evaluations.redecide", on_behalf_of="省委常委会").exists()


@pytest.mark.req("EVA-4")
def test_no_one_acts_on_a_set_containing_their_own_grade(world):
    campaign = campaign_at_evaluation(world, extra=1)
    staff = world.organizer_staff
    evaluations = services.start_evaluations(actor=staff, campaign=campaign)
    for e in evaluations:
        services.propose_grade(actor=staff, evaluation=e, grade="较好")
    own = next(e for e in evaluations if e.assessment.organization_id == world.prefecture.pk)
    with pytest.raises(services.EvaluationConflict):
        services.propose_grade(actor=world.assessee, evaluation=own, grade="好")
    with pytest.raises(services.EvaluationConflict):
        services.record_step(
            actor=world.assessee,
            campaign=campaign,
            kind=StepKind.SECTION_DRAFT,
            evaluations=_all(campaign),
            held_on=D,
            minutes_reference="拟定稿",
        )


@pytest.mark.req("EVA-4")
def test_recusals_are_recorded_and_the_entering_user_cannot_be_recused(world):
    campaign = campaign_at_evaluation(world, extra=0)
    staff = world.organizer_staff
    [e] = services.start_evaluations(actor=staff, campaign=campaign)
    services.propose_grade(actor=staff, evaluation=e, grade="较好")
    with pytest.raises(services.EvaluationConflict):
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=StepKind.SECTION_DRAFT,
            evaluations=[e],
            held_on=D,
            minutes_reference="拟定稿",
            recusals=[{"name": "王干事", "user": staff.pk}],
        )
    step = services.record_step(
        actor=staff,
        campaign=campaign,
        kind=StepKind.SECTION_DRAFT,
        evaluations=[e],
        held_on=D,
        minutes_reference="拟定稿",
        recusals=[{"name": "张某", "reason": "related", "detail": "与考核对象系夫妻关系"}],
    )
    assert [(r.name, r.reason) for r in step.recusals.all()] == [("张某", "related")]


@pytest.mark.req("EVA-4")
def test_stage_blockers_need_a_proposed_grade_and_the_committee(world):
    from shuping.campaigns import services as campaign_services

    campaign = campaign_at_evaluation(world, extra=0)
    staff = world.organizer_staff
    [e] = services.start_evaluations(actor=staff, campaign=campaign)
    with pytest.raises(campaign_services.StageBlocked) as blocked:
        campaign_services.transition_assessment(actor=staff, assessment=e.assessment, to_stage=Stage.DECISION)
    assert "综合评价尚未提出拟定等次。" in blocked.value.reasons
    services.propose_grade(actor=staff, evaluation=e, grade="较好")
    a = campaign_services.transition_assessment(actor=staff, assessment=e.assessment, to_stage=Stage.DECISION)
    with pytest.raises(campaign_services.StageBlocked):
        campaign_services.transition_assessment(actor=staff, assessment=a, to_stage=Stage.FEEDBACK)


@pytest.mark.req("EVA-3")
def test_opinion_is_drafted_from_sources_and_problems_keep_their_source(world):

    campaign = campaign_at_evaluation(world, extra=0)
    staff = world.organizer_staff
    [e] = services.start_evaluations(actor=staff, campaign=campaign)

    @providers.provider("commentary_test", label="点评")
    def commentary(assessment):
        return Value(problems=(providers.Problem("基层党组织书记队伍培训不够系统", "commentary"),))

    try:
        e = services.draft_opinion(actor=staff, evaluation=e)
        e = services.draft_opinion(actor=staff, evaluation=e)  # nothing doubled
    finally:
        providers.unregister("commentary_test")
    assert e.problems == [{"text": "基层党组织书记队伍培训不够系统", "source": "commentary"}]


@pytest.mark.req("EVA-2")
def test_the_calibration_screen_preselects_no_grade_where_there_is_no_suggestion(world, client):
    """A grade select that defaulted to 好 let one stray click propose 好 for an assessee with no composite;
    with neither a proposal nor a suggestion the select offers 请选择 and the form requires a choice."""
    from .builders import campaign_at_evaluation

    campaign = campaign_at_evaluation(world, extra=1)
    services.start_evaluations(actor=world.organizer_staff, campaign=campaign)
    client.force_login(world.organizer_staff)
    page = client.get(f"/evaluations/campaigns/{campaign.pk}/").content.decode()
    assert page.count('<option value="" selected>请选择</option>') == campaign.evaluations.count() == 2
    assert '<select name="grade" aria-label="拟定等次" required>' in page


@pytest.mark.req("EVA-2", "EVA-4")
def test_one_graded_of_seventeen_is_shown_not_applicable_and_needs_no_reason(world, client):
    """17 assessees, 16 switched to 只述职不定等次, 1 proposed 好: the calibration page says the share does not
    apply (with the reason, in Chinese) instead of "须调整 1 人", and the committee approves without a reason."""
    from shuping.campaigns import services as campaign_services

    campaign = campaign_at_evaluation(world, extra=16)
    staff = world.organizer_staff
    evaluations = services.start_evaluations(actor=staff, campaign=campaign)
    assert len(evaluations) == 17
    graded, *others = evaluations
    for e in others:
        campaign_services.set_grading(
            actor=staff, assessment=e.assessment, is_graded=False, reason="任职不满半年"
        )
    services.propose_grade(actor=staff, evaluation=graded, grade="好")
    client.force_login(staff)
    page = client.get(f"/evaluations/campaigns/{campaign.pk}/").content.decode()
    assert "比例要求不适用" in page and "定等仅 1 人" in page and "仍可" in page
    assert "须调整" not in page
    step = _chain(campaign, staff, [Evaluation.objects.get(pk=graded.pk)])
    assert step.quota_reasons == {} and step.quota_snapshot[0]["is_applicable"] is False


@pytest.mark.req("EVA-2")
def test_seventeen_graded_of_seventeen_still_ask_for_three(world, client):
    campaign = campaign_at_evaluation(world, extra=16)
    staff = world.organizer_staff
    for e in services.start_evaluations(actor=staff, campaign=campaign):
        services.propose_grade(actor=staff, evaluation=e, grade="好")
    client.force_login(staff)
    page = client.get(f"/evaluations/campaigns/{campaign.pk}/").content.decode()
    assert "“较好”及以下应不少于 3 人，现 0 人" in page and "须调整 3 人" in page
    assert "不适用" not in page.split("各组比例")[1].split("考核对象")[0]

"""EVA-4 (Art. 7): what a decided grade sets in motion goes through the decision-consequence registry — the
decision service (approval and re-decision) calls every registered consequence with the assessee, the
person who recorded the decision and the source, inside its own transaction; the decided grade is read
through the one selector `decided_grade` (and its SQL form for aggregates)."""

from __future__ import annotations

from datetime import date

import pytest

from shuping.campaigns.models import Assessment
from shuping.evaluations import consequences, selectors, services
from shuping.evaluations.choices import StepKind
from shuping.evaluations.models import DecisionStep, Evaluation

from .builders import campaign_at_evaluation

D = date(2024, 1, 20)


@pytest.fixture
def calls():
    """A consequence recording each call (and, when told to, refusing) — registered for the test only."""
    seen: list[tuple] = []

    def record(*, assessment, actor, source):
        grade = selectors.decided_grade(Assessment.objects.get(pk=assessment.pk))
        seen.append((assessment.organization_name, actor, source, grade))
        if getattr(record, "refuse", False):
            raise RuntimeError("consequence failed")

    consequences.register_decision_consequence(record)
    yield seen, record
    consequences.unregister_decision_consequence(record)


def _prepare(world):
    """A campaign through 部务会, ready for the committee: every assessee proposed 较好 except the last,
    report-only (只述职不定等次)."""
    campaign = campaign_at_evaluation(world, extra=1)
    last = Assessment.objects.filter(campaign=campaign).order_by("pk").last()
    Assessment.objects.filter(pk=last.pk).update(is_graded=False)
    staff = world.organizer_staff
    for e in services.start_evaluations(actor=staff, campaign=campaign):
        if e.assessment_id != last.pk:
            services.propose_grade(actor=staff, evaluation=e, grade="较好", reason="测试")
    evaluations = list(Evaluation.objects.filter(campaign=campaign).order_by("assessment_id"))
    for kind, ref in ((StepKind.SECTION_DRAFT, "拟定稿"), (StepKind.DEPARTMENT_MEETING, "部务会纪要")):
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=kind,
            evaluations=evaluations,
            held_on=D,
            minutes_reference=ref,
        )
    return campaign, evaluations


def _approve(world, campaign, evaluations):
    return services.record_step(
        actor=world.organizer_staff,
        campaign=campaign,
        kind=StepKind.COMMITTEE,
        evaluations=evaluations,
        held_on=D,
        minutes_reference="常委会纪要〔2024〕5号",
        quota_reasons={"__all__": "测试"},
        source="api",
    )


@pytest.mark.req("EVA-4")
def test_approval_and_redecision_call_every_registered_consequence_with_the_actor(world, calls):
    seen, _record = calls
    campaign, evaluations = _prepare(world)
    report_only = evaluations[-1].assessment.organization_name
    _approve(world, campaign, evaluations)
    staff = world.organizer_staff
    graded = [e.assessment.organization_name for e in evaluations[:-1]]
    # Each graded assessee once, with the decided grade already readable; a report-only one never.
    assert seen == [(name, staff, "api", "较好") for name in graded]
    assert report_only not in {name for name, *_ in seen}
    seen.clear()
    services.redecide(
        actor=staff,
        evaluation=evaluations[0],
        grade="一般",
        held_on=date(2024, 3, 1),
        minutes_reference="常委会纪要〔2024〕9号",
        reason="巡视反馈新发现问题",
    )
    assert seen == [(graded[0], staff, "web", "一般")]


@pytest.mark.req("EVA-4")
def test_a_failing_consequence_undoes_the_decision_with_it(world, calls):
    _seen, record = calls
    campaign, evaluations = _prepare(world)
    record.refuse = True
    with pytest.raises(RuntimeError):
        _approve(world, campaign, evaluations)
    assert not Evaluation.objects.filter(campaign=campaign, is_locked=True).exists()
    assert not DecisionStep.objects.filter(campaign=campaign, kind=StepKind.COMMITTEE).exists()


@pytest.mark.req("EVA-4")
def test_decided_grade_is_none_until_approval_and_follows_a_redecision_in_python_and_sql(world):
    campaign, evaluations = _prepare(world)

    def both():
        rows = Assessment.objects.filter(campaign=campaign).select_related("evaluation").order_by("pk")
        python = {a.pk: selectors.decided_grade(a) for a in rows}
        sql = dict(selectors.with_decided_grade(rows).values_list("pk", "decided_grade"))
        assert python == sql
        return python

    first, last = evaluations[0].assessment_id, evaluations[-1].assessment_id
    assert set(both().values()) == {None}  # proposed, reviewed, not yet decided
    _approve(world, campaign, evaluations)
    decided = both()
    assert decided[first] == "较好" and decided[last] is None  # report-only: no grade
    services.redecide(
        actor=world.organizer_staff,
        evaluation=evaluations[0],
        grade="一般",
        held_on=date(2024, 3, 1),
        minutes_reference="常委会纪要〔2024〕9号",
        reason="巡视反馈新发现问题",
    )
    assert both()[first] == "一般"

"""INT-2: a committee decision is pinned by a signed checkpoint, shipped to the sink outside the database
once the decision commits — so its audit row cannot later be cut off or rewritten unnoticed."""

from __future__ import annotations

import pytest

from shuping.audit import sink
from shuping.audit.models import AuditEvent, Checkpoint
from shuping.evaluations import services
from shuping.evaluations.choices import StepKind

from .builders import campaign_at_evaluation
from .test_services import D, _all, _chain

REASONS = {"地方党委": "各地考核结果均为好，经常委会研究同意。"}


@pytest.mark.req("INT-2", "EVA-4")
def test_a_committee_decision_signs_a_checkpoint_and_ships_it_on_commit(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SHUPING_AUDIT_SINK = str(tmp_path / "checkpoints.jsonl")
    campaign = campaign_at_evaluation(world, extra=0)
    staff = world.organizer_staff
    services.start_evaluations(actor=staff, campaign=campaign)
    for e in _all(campaign):
        services.propose_grade(actor=staff, evaluation=e, grade="好")
    evaluations = _all(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=StepKind.SECTION_DRAFT,
            evaluations=evaluations,
            held_on=D,
            minutes_reference="拟定稿",
        )
    assert not Checkpoint.objects.exists()  # only the committee's decision is pinned at once
    with django_capture_on_commit_callbacks(execute=True):
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=StepKind.DEPARTMENT_MEETING,
            evaluations=evaluations,
            held_on=D,
            minutes_reference="部务会纪要",
        )
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=StepKind.COMMITTEE,
            evaluations=evaluations,
            held_on=D,
            minutes_reference="常委会纪要〔2024〕5号",
            quota_reasons=REASONS,
        )
    decision = AuditEvent.objects.get(action="evaluations.step.committee")
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.sequence >= decision.sequence
    assert [c.sequence for c in sink.read()] == [checkpoint.sequence]


@pytest.mark.req("INT-2")
def test_without_a_commit_the_decision_ships_nothing(world, settings, tmp_path):
    settings.SHUPING_AUDIT_SINK = str(tmp_path / "checkpoints.jsonl")
    campaign = campaign_at_evaluation(world, extra=0)
    staff = world.organizer_staff
    services.start_evaluations(actor=staff, campaign=campaign)
    for e in _all(campaign):
        services.propose_grade(actor=staff, evaluation=e, grade="好")
    _chain(campaign, staff, _all(campaign), quota_reasons=REASONS)
    assert not (tmp_path / "checkpoints.jsonl").exists() and not Checkpoint.objects.exists()

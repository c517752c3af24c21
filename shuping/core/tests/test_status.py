"""One state machine (CONVENTIONS): every model with a status is a `core.status.StatusMachine` — its allowed
transitions declared in its app's choices.py beside the TextChoices, one `transition_to(new)` contract
(returns the fields changed, never saves) and one refusal, a DomainError with a Chinese message."""

from __future__ import annotations

import pytest
from django.apps import apps

from shuping.core.errors import DomainError
from shuping.core.status import StatusMachine, TransitionRefused

MACHINES = sorted((m for m in apps.get_models() if issubclass(m, StatusMachine)), key=lambda m: m._meta.label)


def test_every_model_with_a_transition_method_is_a_status_machine():
    labels = {m._meta.label for m in MACHINES}
    assert labels == {
        "ballots.BallotBox",
        "campaigns.Assessment",
        "evaluations.Evaluation",
        "feedback.ArchiveTransfer",
        "jobs.Job",
        "meetings.Meeting",
        "rectification.RectificationItem",
        "rectification.RectificationList",
        "reports.Report",
    }
    for model in apps.get_models():
        if "transition_to" in vars(model):
            pytest.fail(f"{model._meta.label} defines its own transition_to")


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m._meta.label)
def test_transitions_are_declared_for_every_status_and_only_between_statuses(model):
    values = {str(v) for v, _label in model._meta.get_field(model.STATUS_FIELD).flatchoices}
    assert set(model.TRANSITIONS) == values
    assert all(set(targets) <= values for targets in model.TRANSITIONS.values())


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m._meta.label)
def test_one_contract_allowed_moves_return_the_fields_and_others_are_refused_in_chinese(model):
    field = model.STATUS_FIELD
    labels = dict(model._meta.get_field(field).flatchoices)
    for current, targets in model.TRANSITIONS.items():
        for new in labels:
            obj = model(**{field: current})
            if new in targets:
                changed = obj.transition_to(new)
                assert getattr(obj, field) == new and changed[0] == field
                assert obj.pk is None  # never saves: the service saves `changed` and audits
            else:
                with pytest.raises(TransitionRefused) as refused:
                    obj.transition_to(new)
                assert isinstance(refused.value, DomainError) and refused.value.status == 409
                assert refused.value.message == (
                    f"{model.STATUS_NOUN}当前为“{labels[current]}”，不能变为“{labels[new]}”。"
                )
                assert getattr(obj, field) == current


def test_what_a_transition_stamps_is_among_the_fields_returned():
    from shuping.campaigns.choices import Stage
    from shuping.campaigns.models import Assessment
    from shuping.jobs.choices import JobStatus
    from shuping.jobs.models import Job

    assessment = Assessment(stage=Stage.REPORT)
    assert assessment.transition_to(Stage.FIELD) == ["stage", "stage_changed_at"]
    assert assessment.stage_changed_at is not None
    job = Job(status=JobStatus.QUEUED)
    assert job.transition_to(JobStatus.RUNNING) == ["status", "started_at"] and job.started_at
    assert job.transition_to(JobStatus.FAILED) == ["status", "finished_at"] and job.finished_at

"""Writes of the field assessment (FLD-1 … FLD-4): web views, the API, the demo and tests call these.

Each service is keyword-only, atomic, checks its preconditions (raising `FieldworkError`, a DomainError
with a Chinese message, before writing anything) and records its audit event in the same transaction.
Team grants go through the campaigns services; the mass survey's box through the ballots services.

A package (the file outgrew 600 lines): `base` holds what the modules share; every public name is
re-exported here, so `from shuping.fieldwork import services; services.foo(...)` keeps working.
"""

from __future__ import annotations

from .base import MAX_PHOTO_BYTES, MAX_SAMPLE, FieldworkConflict, FieldworkError
from .observations import record_observation
from .plans import (
    create_team,
    plan_field_assessment,
    plan_field_assessments,
    rederive_sample,
    sample_population,
)
from .records import (
    ScoreInput,
    SubmitResult,
    TalkInput,
    VisitInput,
    complete_field_assessment,
    override_warning,
    submit_record,
)
from .surveys import create_survey

__all__ = [
    "MAX_PHOTO_BYTES",
    "MAX_SAMPLE",
    "FieldworkConflict",
    "FieldworkError",
    "ScoreInput",
    "SubmitResult",
    "TalkInput",
    "VisitInput",
    "complete_field_assessment",
    "create_survey",
    "create_team",
    "override_warning",
    "plan_field_assessment",
    "plan_field_assessments",
    "record_observation",
    "rederive_sample",
    "sample_population",
    "submit_record",
]

"""DOC-2: the 综合评价意见表 of a grade decided at 01:00 Beijing time is signed that day, not UTC's."""

from __future__ import annotations

import datetime
import io

import docx
import pytest

from shuping.documents.services import render_form_docx
from shuping.evaluations import documents, services
from shuping.rectification import sources

from .builders import campaign_at_evaluation

# 2026-12-08 01:00 in Beijing is 2026-12-07 17:00 UTC.
BEIJING_1AM = datetime.datetime(2026, 12, 7, 17, 0, tzinfo=datetime.UTC)


@pytest.mark.req("DOC-2", "EVA-8")
def test_a_form_decided_at_1am_beijing_is_signed_that_day(world):
    campaign = campaign_at_evaluation(world, extra=0)
    evaluation = services.start_evaluations(actor=world.organizer_staff, campaign=campaign)[0]
    evaluation.decided_at = BEIJING_1AM
    form = documents.form_for(evaluation.assessment, evaluation)
    assert form.signed_on == datetime.date(2026, 12, 8)
    document = docx.Document(io.BytesIO(render_form_docx(form)))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert "2026年12月8日" in text


@pytest.mark.req("DOC-2")
def test_rectification_counts_from_the_beijing_day_of_a_1am_decision(world):
    campaign = campaign_at_evaluation(world, extra=0)
    evaluation = services.start_evaluations(actor=world.organizer_staff, campaign=campaign)[0]
    type(evaluation).objects.filter(pk=evaluation.pk).update(decided_at=BEIJING_1AM, is_locked=True)
    assessment = evaluation.assessment
    assert sources.approved_on(assessment) == datetime.date(2026, 12, 8)

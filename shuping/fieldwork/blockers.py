"""Stage precondition registered with the campaigns blocker registry (CMP-1): a planned field assessment
must be completed before the assessee leaves 实地考核 (Art. 6: 述职评议前 … 进行实地考核)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shuping.campaigns.blockers import batch_blocker
from shuping.campaigns.choices import Stage

from .choices import FieldStatus


@batch_blocker(Stage.FIELD)
def field_assessment_open(assessments: Sequence[Any]) -> dict[int, str]:
    from .models import FieldAssessment

    open_ids = (
        FieldAssessment.objects.filter(assessment__in=[a.pk for a in assessments])
        .exclude(status=FieldStatus.COMPLETED)
        .values_list("assessment_id", flat=True)
    )
    return {pk: "实地考核尚未完成：考核组完成记录后才能进入述职评议。" for pk in open_ids}

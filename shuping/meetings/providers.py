"""The meetings app's source for the problem matrix (REP-4): problems pointed out in last year's commentary.

Registered only when the reports app's matrix exists (it lands separately).
"""

from __future__ import annotations

import importlib.util
from typing import Any

if importlib.util.find_spec("shuping.reports.matrix") is not None:
    from shuping.reports.matrix import Problem, register_source

    @register_source("commentary", "上年度点评")
    def last_year_commentary(assessment: Any) -> list[Problem]:
        """Problems the commenters pointed out to this organization's secretary in earlier campaigns."""
        from .choices import CommentaryStatus
        from .models import CommentaryProblem

        rows = (
            CommentaryProblem.objects.filter(
                commentary__status=CommentaryStatus.FINAL,
                commentary__assessment__organization_id=assessment.organization_id,
                commentary__assessment__campaign__organizer_id=assessment.campaign.organizer_id,
                commentary__assessment__campaign__year__lt=assessment.campaign.year,
            )
            .select_related("commentary__commenter", "commentary__assessment__campaign")
            .order_by("-commentary__assessment__campaign__year", "pk")
        )
        return [
            Problem(
                "commentary",
                p.text,
                f"{p.commentary.assessment.campaign.year}年度 {p.commentary.commenter.name}点评",
            )
            for p in rows
        ]

"""The dashboard's results widgets over the apps that record results (OVS-2, EVA-9, RCT-2).

Oversight is the read-only rollup: it reads the evaluations and rectification apps, they never import it.
Each provider is registered by `OversightConfig.ready()` when its app is installed, receives the subtree's
assessments **past 研究** (stage 反馈 or later, already annotated with the child segment) and answers with
ONE aggregate query grouped by that child — no loop over assessments, no tree walk.

Grades: only grades the committee has decided (the evaluations app's `decided_grade`) are counted —
a proposal or a suggested grade never leaves the organizer's staff (EVA-9), even if an assessment's stage
were moved on without one. Rectification: items done (销号), open, and overdue — overdue computed on the
day with the rectification app's own definition (`overdue_q`), never stored (RCT-2).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from shuping.campaigns.models import Assessment


def approved_grades(assessments: QuerySet[Assessment], child_field: str) -> list[dict]:
    """[{child, grade, count}] of decided grades (`evaluations.selectors.with_decided_grade`, the SQL form of
    the one `decided_grade` selector). One query (a join to the evaluation, grouped)."""
    from shuping.evaluations.selectors import with_decided_grade

    return [
        {"child": row[child_field], "grade": row["decided_grade"], "count": row["count"]}
        for row in with_decided_grade(assessments)
        .filter(decided_grade__isnull=False)
        .values(child_field, "decided_grade")
        .annotate(count=Count("pk"))
        .order_by(child_field, "decided_grade")
    ]


def rectification_progress(assessments: QuerySet[Assessment], child_field: str, today: date) -> list[dict]:
    """[{child, items, done, open, overdue}]: items of the assessees' lists. One query."""
    from shuping.rectification.choices import ItemStatus
    from shuping.rectification.selectors import overdue_q

    items = "rectification_list__items"
    closed = Q(**{f"{items}__status": ItemStatus.CLOSED})
    rows = (
        assessments.values(child_field)
        .annotate(
            items=Count(f"{items}__pk"),
            done=Count(f"{items}__pk", filter=closed),
            open=Count(f"{items}__pk", filter=Q(**{f"{items}__isnull": False}) & ~closed),
            overdue=Count(f"{items}__pk", filter=overdue_q(today, f"{items}__")),
        )
        .filter(items__gt=0)
        .order_by(child_field)
    )
    return [
        {"child": r[child_field], **{k: r[k] for k in ("items", "done", "open", "overdue")}} for r in rows
    ]

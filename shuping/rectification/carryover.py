"""Carry-over into next year's campaign (RCT-6, CMP-5, Art. 4: 注重考核上年度述职评议考核整改清单落实情况).

Registered with campaigns' hook (`shuping.campaigns.findings.register_carry_over`): for each of next year's
assessments, every unfinished item of an earlier campaign of the same organizer at the same ORGANIZATION —
it follows the post, so a successor secretary inherits it. Only the latest earlier list's open items are
taken (an item already carried forward is represented by its successor item).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .choices import UNFINISHED_STATUSES


@dataclass(frozen=True)
class CarriedItem:
    """What campaigns' screens show (str) and what `start_list` copies (item)."""

    item: Any
    year: int

    def __str__(self) -> str:
        return (
            f"{self.item.problem}（{self.year} 年度整改事项，原时限 {self.item.deadline.isoformat()}，"
            f"{self.item.get_status_display()}）"
        )


def unfinished_for(assessments: Sequence[Any]) -> dict[int, list[CarriedItem]]:
    """{assessment pk: last years' unfinished items at the same organization and organizer} — one query."""
    from .models import RectificationItem

    assessments = [a for a in assessments if getattr(a, "campaign_id", None)]
    out: dict[int, list[CarriedItem]] = {a.pk: [] for a in assessments}
    if not assessments:
        return out
    org_ids = {a.organization_id for a in assessments}
    rows = (
        RectificationItem.objects.filter(organization_id__in=org_ids, status__in=UNFINISHED_STATUSES)
        .exclude(carried_into__isnull=False)
        .select_related("rectification_list__campaign")
        .prefetch_related("sources")
        .order_by("rectification_list__campaign__year", "position", "pk")
    )
    from shuping.campaigns.models import Campaign

    by_id = dict(
        (pk, (organizer, year))
        for pk, organizer, year in Campaign.objects.filter(
            pk__in={a.campaign_id for a in assessments}
        ).values_list("pk", "organizer_id", "year")
    )
    campaigns = {a.pk: by_id[a.campaign_id] for a in assessments}
    for item in rows:
        c = item.rectification_list.campaign
        for a in assessments:
            organizer, year = campaigns[a.pk]
            if a.organization_id == item.organization_id and c.organizer_id == organizer and c.year < year:
                out[a.pk].append(CarriedItem(item, c.year))
    return out


def carry_over_provider(assessments: Sequence[Any]) -> dict[int, list[Any]]:
    """The function registered with campaigns (CMP-5)."""
    return {pk: list(items) for pk, items in unfinished_for(assessments).items()}

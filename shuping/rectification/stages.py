"""Stage pages of 整改 (FLOW-1): the campaign's rectification board for its readers (`can_read_campaign`) and
each assessee's 整改清单 for whoever the list page admits (the drafters, staff, the board's readers)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from shuping.campaigns.choices import Stage
from shuping.campaigns.stages import StagePage, assessment_page, campaign_pages

from . import permissions
from .choices import ItemStatus
from .models import RectificationItem, RectificationList


@campaign_pages
def board_page(user, campaign) -> list[StagePage]:
    if not permissions.can_read_campaign(user, campaign):
        return []
    lists = RectificationList.objects.filter(campaign=campaign).count()
    items = RectificationItem.objects.filter(rectification_list__campaign=campaign).aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=ItemStatus.CLOSED)),
        waiting=Count("pk", filter=Q(status=ItemStatus.DONE_REPORTED)),
    )
    state = (
        f"整改清单 {lists} 份，事项 {items['total']} 项，已销号 {items['closed']} 项，待销号 {items['waiting']} 项"
        if lists
        else "尚无整改清单"
    )
    return [
        StagePage(
            Stage.RECTIFICATION,
            "整改",
            reverse("rectification:campaign", args=[campaign.pk]),
            state,
            is_attention=bool(items["waiting"]) and permissions.can_manage_rectification(user, campaign),
        )
    ]


@assessment_page(Stage.RECTIFICATION)
def list_page(user, assessment) -> str | None:
    if (
        permissions.can_draft_list(user, assessment)
        or permissions.can_manage_rectification(user, assessment.campaign)
        or permissions.can_read_campaign(user, assessment.campaign)
    ):
        return reverse("rectification:list", args=[assessment.pk])
    return None

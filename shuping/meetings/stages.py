"""Stage pages of 述职评议 (FLOW-1): each 述职评议会 of the campaign with its state, for those who see the
meeting (`meetings_visible_to`), and a way to arrange one for the staff who may (`can_create_meeting`)."""

from __future__ import annotations

from django.urls import reverse

from shuping.campaigns.choices import STAGE_ORDER, Stage
from shuping.campaigns.stages import StagePage, assessment_page, campaign_pages

from . import permissions, selectors
from .choices import MeetingStatus


@campaign_pages
def meeting_pages(user, campaign) -> list[StagePage]:
    pages = [
        StagePage(
            Stage.MEETING,
            f"述职评议会 {m.held_on:%Y-%m-%d}",
            reverse("meetings:detail", args=[m.pk]),
            f"{m.title} · {m.get_status_display()}",
            # Ahead and the viewer's to run (staff) or to attend (the guidance staff sent to it).
            is_attention=m.status != MeetingStatus.HELD
            and (permissions.can_manage_meeting(user, m) or permissions.can_see_meeting_internals(user, m)),
        )
        for m in selectors.meetings_visible_to(user)
        .filter(campaign=campaign)
        .select_related("campaign__organizer")
        .order_by("held_on", "pk")
    ]
    still_to_report = campaign.assessments.filter(
        is_excluded=False, stage__in=STAGE_ORDER[: STAGE_ORDER.index(Stage.MEETING) + 1]
    )
    if (
        permissions.can_create_meeting(user, campaign)
        and campaign.status != "closed"
        and still_to_report.exists()
    ):
        pages.append(
            StagePage(
                Stage.MEETING,
                "安排述职评议会",
                reverse("meetings:create", args=[campaign.pk]),
                "尚未安排" if not pages else "",
            )
        )
    return pages


@assessment_page(Stage.MEETING)
def meeting_page(user, assessment) -> str | None:
    pk = (
        selectors.meetings_visible_to(user)
        .filter(agenda__assessment=assessment)
        .values_list("pk", flat=True)
        .first()
    )
    return reverse("meetings:detail", args=[pk]) if pk is not None else None

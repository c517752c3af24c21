"""待办 of the guidance staff (FLOW-2, CMP-7, Art. 8): the lower campaigns they guide, with how many
assessees and meetings each has. A constant number of queries."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from shuping.core.todos import Todo, todo_provider

from . import selectors
from .choices import CampaignRole, CampaignStatus

#: A guidance grant over a large subtree reaches many campaigns; the home page names the first ones.
GUIDED_SHOWN = 10


@todo_provider
def campaigns_to_guide(user) -> list[Todo]:
    if CampaignRole.GUIDANCE_STAFF not in selectors.role_summary(user).roles:
        return []
    campaigns = list(
        selectors.campaigns_visible_to(user)
        .filter(status=CampaignStatus.OPEN)
        .select_related("organizer")
        .annotate(
            assessee_count=Count("assessments", filter=Q(assessments__is_excluded=False), distinct=True),
            meeting_count=Count("meetings", distinct=True),
        )
        .order_by("-year", "organizer__path")[: GUIDED_SHOWN * 3]
    )
    selectors.prime_campaign_roles(user, campaigns)
    guided = [c for c in campaigns if CampaignRole.GUIDANCE_STAFF in selectors.campaign_roles(user, c)]
    return [
        Todo(
            text=f"指导{c.organizer.display_name} {c.year} 年度述职评议考核",
            url=reverse("campaigns:detail", args=[c.pk]),
            note=f"考核对象 {c.assessee_count} 人，述职评议会 {c.meeting_count} 场",
        )
        for c in guided[:GUIDED_SHOWN]
    ]

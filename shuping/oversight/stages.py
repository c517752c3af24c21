"""The campaign's 向上级报告 (FLOW-1, OVS-1) among its stage pages: for the organizer staff who draft it
(`can_manage_campaign`, as the draft view asks); a drafted report links to its page, else the campaign
page's own panel (where it is drafted, or where it says why not yet)."""

from __future__ import annotations

from django.urls import reverse

from shuping.campaigns import permissions as campaign_permissions
from shuping.campaigns.stages import StagePage, campaign_pages

from . import selectors


@campaign_pages
def upward_report_page(user, campaign) -> list[StagePage]:
    if not campaign_permissions.can_manage_campaign(user, campaign):
        return []
    state = selectors.upward_report_state(campaign)
    if state is None:
        return []
    label = f"向{state.parent_name}报告"
    if state.report is not None:
        report = state.report
        return [
            StagePage(
                "",
                label,
                reverse("oversight:report", args=[report.pk]),
                "已报送" if report.is_submitted else "草稿，尚未报送",
                is_attention=not report.is_submitted,
            )
        ]
    url = reverse("campaigns:detail", args=[campaign.pk]) + "#ovs-upward"
    return [StagePage("", label, url, "尚不能起草" if state.refusal else "可以起草")]

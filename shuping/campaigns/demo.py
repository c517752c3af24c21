"""Demo campaigns (issue 4, item 9): an open provincial campaign and county campaigns started from the cascade.

Called by the demo generator (shuping/demo) after it has built the province's tree, people and
secretaryships. Everything goes through the same services as the pages.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.models import Organization

from . import cascade, indicators, services
from .choices import Stage
from .models import Campaign


def _open(campaign: Campaign, actor) -> Campaign:
    services.apply_scope_proposal(actor=actor, campaign=campaign, source="system")
    for a in campaign.assessments.filter(is_tenure_decided=False):
        services.set_grading(
            actor=actor,
            assessment=a,
            is_graded=False,
            reason="任职不满半年，只述职不定等次（演示）",
            source="system",
        )
    if campaign.assessments.exists():
        return services.confirm_scope(actor=actor, campaign=campaign, source="system")
    return campaign


def demo_schedule(today: date) -> dict[str, date]:
    """The demo round's dates relative to `today`: field work done, meetings under way (one held two weeks
    ago, the last three weeks ahead), the round closing two and a half months on."""
    return {
        "starts_on": today - timedelta(days=75),
        "field_starts_on": today - timedelta(days=60),
        "field_ends_on": today - timedelta(days=25),
        "meetings_start_on": today - timedelta(days=14),
        "meetings_end_on": today + timedelta(days=21),
        "ends_on": today + timedelta(days=75),
    }


@transaction.atomic
def build_demo_campaigns(
    *,
    province: Organization,
    year: int,
    actor: Any = None,
    county_limit: int = 4,
    advance: int = 3,
    hold: Collection[str] = (),
) -> dict[str, Any]:
    """Create the demo's campaigns for `year` and return them.

    - the province's campaign (prefecture secretaries + work committees), scope confirmed, indicator sets
      from the templates, a notice published to the levels below, the first `advance` assessees moved on
      to 实地考核 (none whose organization code is in `hold`: their report is still to come);
    - for the first prefecture under the province: its campaign started from the province's notice, and
      its own notice;
    - for up to `county_limit` counties under that prefecture: campaigns started from the prefecture's
      notice (schedule and indicator sets copied), scope confirmed, each with a meeting plan sent up.

    Returns {"province": Campaign, "prefecture": Campaign | None, "counties": [Campaign, …]}.
    Organizations without secretaries simply have no person yet (the board then shows 尚未确定述职的书记).
    """
    top = services.create_campaign(actor=actor, organizer=province, year=year, source="system")
    # Dates around today, so what the demo shows as done (field work, a held meeting) lies in the past and
    # what it shows as coming (the second meeting) in the future; the counties copy them from the notice.
    top = services.update_schedule(
        actor=actor, campaign=top, source="system", **demo_schedule(timezone.localdate())
    )
    for kind, level in (
        (OrgKind.LOCAL_COMMITTEE, AdminLevel.PREFECTURE),
        (OrgKind.TOWNSHIP_COMMITTEE, AdminLevel.TOWNSHIP),
    ):
        indicators.create_set_from_template(
            actor=actor, campaign=top, kind=kind, level=level, source="system"
        )
    indicators.create_set_from_template(
        actor=actor, campaign=top, kind=OrgKind.LOCAL_COMMITTEE, level=AdminLevel.COUNTY, source="system"
    )
    top = _open(top, actor)
    notice = cascade.publish_notice(
        actor=actor,
        campaign=top,
        title=f"关于开展{year}年度党委（党组）书记抓基层党建工作述职评议考核的通知",
        key_content="聚焦提升组织力、突出政治功能；注重上年度整改清单和巡视巡察反馈问题整改情况。",
        forms=["述职报告格式", "民主评议票样式"],
        statistics_tables=["基层党建工作基本情况统计表"],
        source="system",
    )
    moved = 0
    for a in (
        top.assessments.filter(is_excluded=False, person__isnull=False)
        .exclude(organization__code__in=list(hold))
        .order_by("organization_path")
    ):
        if moved >= advance:
            break
        try:
            services.transition_assessment(actor=actor, assessment=a, to_stage=Stage.FIELD, source="system")
            moved += 1
        except (services.CampaignError, services.CampaignConflict):
            break  # e.g. the field stage has not begun yet for a year still running
    prefecture = (
        Organization.objects.filter(
            parent=province, kind=OrgKind.LOCAL_COMMITTEE, admin_level=AdminLevel.PREFECTURE
        )
        .order_by("code")
        .first()
    )
    result: dict[str, Any] = {"province": top, "prefecture": None, "counties": []}
    if prefecture is None:
        return result
    middle = services.create_campaign(
        actor=actor, organizer=prefecture, year=year, notice=notice, source="system"
    )
    middle = _open(middle, actor)
    sub_notice = cascade.publish_notice(
        actor=actor,
        campaign=middle,
        title=f"转发：{notice.title}",
        key_content=notice.key_content,
        source="system",
    )
    result["prefecture"] = middle
    counties = Organization.objects.filter(
        parent=prefecture, kind=OrgKind.LOCAL_COMMITTEE, admin_level=AdminLevel.COUNTY
    ).order_by("code")[:county_limit]
    for i, county in enumerate(counties):
        c = services.create_campaign(
            actor=actor, organizer=county, year=year, notice=sub_notice, source="system"
        )
        c = _open(c, actor)
        cascade.submit_meeting_plan(
            actor=actor,
            campaign=c,
            planned_on=c.meetings_start_on + timedelta(days=2 * i),
            venue=f"{county.display_name}常委会议室",
            agenda="一、乡镇（街道）党（工）委书记现场述职；二、市委组织部点评；三、民主评议。",
            source="system",
        )
        result["counties"].append(c)
    return result

"""The demo's lower levels (FLOW-6): one prefecture and one county at other stages than the province.

- 青川市委 (the first prefecture, `shi_zuzhi`): reports in, some accepted and some still awaiting 审核; its
  述职评议会 planned ten days ahead, the 会议方案 sent up to the province, which has sent `zhidao` to guide
  (a campaign grant, Art. 8) — named at the meeting as 上级指导人员 and as one of its commenters.
- the first county under it (`xian_zuzhi`), assessing its township secretaries: reports accepted, the
  述职评议会 held two weeks ago with every reporter, votes counted and every 点评 final; the assessees at
  综合评价, composites computed, the grades still to be proposed on the calibration page.

Everything goes through the services the pages use, as the staff of each level.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from shuping.campaigns import cascade
from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import CampaignRole
from shuping.campaigns.models import Campaign

from .dating import date_held_meetings, date_reports


def _accept(campaign: Campaign, actor: Any, *, leave: int = 0) -> int:
    """Accept the submitted reports of `campaign` in tree order, leaving the last `leave` awaiting 审核."""
    from shuping.reports import services as report_services
    from shuping.reports.choices import ReportStatus
    from shuping.reports.models import Report

    reports = list(
        Report.objects.filter(assessment__campaign=campaign, status=ReportStatus.SUBMITTED).order_by(
            "assessment__organization_path"
        )
    )
    keep = reports[: max(0, len(reports) - leave)]
    for report in keep:
        report_services.accept_report(actor=actor, report=report, source="system")
    return len(keep)


def _prefecture(campaign: Campaign, *, staff: Any, province_staff: Any, guide: Any) -> dict[str, Any]:
    from shuping.meetings import commentary
    from shuping.meetings import services as meeting_services
    from shuping.meetings.choices import AttendeeCategory, CommenterRole
    from shuping.reports.demo import build_demo_reports

    today = timezone.localdate()
    # 青川市's round runs later than its counties' (lower levels hold their meetings first): its reports
    # were due a fortnight ago and its field work is under way; its meeting is ten days ahead.
    campaign = campaign_services.update_schedule(
        actor=staff,
        campaign=campaign,
        source="system",
        starts_on=today - timedelta(days=40),
        field_starts_on=today - timedelta(days=15),
        field_ends_on=today - timedelta(days=3),
        meetings_start_on=today + timedelta(days=5),
        meetings_end_on=today + timedelta(days=20),
    )
    build_demo_reports(campaign=campaign, actor=staff, seed=2101, review=False, copies=0)
    accepted = _accept(campaign, staff, leave=3)
    date_reports(campaign)
    held_on = min(today + timedelta(days=10), campaign.meetings_end_on)
    plan = cascade.submit_meeting_plan(
        actor=staff,
        campaign=campaign,
        planned_on=held_on,
        venue=f"{campaign.organizer.display_name}常委会议室",
        agenda="一、县（市、区）委书记和市直工委书记现场述职；二、市委书记逐一点评；三、民主评议。",
        source="system",
    )
    # The province sends its guidance officer to this round and its meeting (Art. 8: 派人参加 … 进行点评).
    campaign_services.grant_campaign_role(
        actor=province_staff, campaign=campaign, user=guide, role=CampaignRole.GUIDANCE_STAFF, source="system"
    )
    meeting = meeting_services.create_meeting(
        actor=staff,
        campaign=campaign,
        held_on=held_on,
        venue=f"{campaign.organizer.display_name}常委会议室",
        source="system",
    )
    reporters = list(
        campaign.assessments.filter(is_excluded=False, person__isnull=False).order_by("organization_path")
    )
    meeting_services.set_agenda(actor=staff, meeting=meeting, assessments=reporters, source="system")
    venue = meeting.venues.get(is_main=True)
    for category, headcount, named in (
        (AttendeeCategory.COMMITTEE_MEMBER, 11, ()),
        (AttendeeCategory.PARTY_CONGRESS, 8, ()),
        (AttendeeCategory.GRASSROOTS, 10, ()),
        (
            AttendeeCategory.GUIDANCE,
            1,
            (meeting_services.AttendeeInput(guide.full_name, guide.post),),
        ),
    ):
        meeting_services.set_attendance(
            actor=staff,
            meeting=meeting,
            venue=venue,
            category=category,
            headcount=headcount,
            attendees=named,
            source="system",
        )
    meeting_services.add_commenter(
        actor=staff,
        meeting=meeting,
        role=CommenterRole.GUIDANCE,
        name=guide.full_name,
        post=guide.post,
        portfolio="省委组织部派出指导",
        keywords=["组织", "党员", "支部"],
        source="system",
    )
    commentary.draft_commentaries(actor=staff, meeting=meeting, source="system")
    last_year = _prefecture_last_year(campaign, staff=staff, province_staff=province_staff)
    return {"meeting": meeting, "plan": plan, "accepted": accepted, **last_year}


def _prefecture_last_year(campaign: Campaign, *, staff: Any, province_staff: Any) -> dict[str, Any]:
    """青川市's round of last year, complete: decided in January, fed back, the county secretaries' files sent
    to the province that manages them (干部管理权限 per level: 县委书记由省委管理) and signed for there; the
    市直 work committees' secretaries' files kept by 青川市委 itself (本级存档, no transfer to itself)."""
    from shuping.evaluations.demo import decide_last_year
    from shuping.feedback.demo import build_demo_feedback

    from .dating import date_last_round

    previous = decide_last_year(campaign=campaign, actor=staff)
    made = build_demo_feedback(
        campaign=previous,
        actor=staff,
        holder_rules={"county": "upper"},
        receiver=province_staff,
        acknowledged_share=1.0,
    )
    date_last_round(previous)
    return {"last_year": previous, "transfers": made["transfers"]}


def _county(campaign: Campaign, *, staff: Any) -> dict[str, Any]:
    from shuping.evaluations import services as evaluation_services
    from shuping.evaluations.demo import DEMO_WEIGHTS, to_evaluation
    from shuping.meetings.demo import build_demo_meetings
    from shuping.reports.demo import build_demo_reports

    build_demo_reports(campaign=campaign, actor=staff, seed=2201, review=False, copies=0)
    _accept(campaign, staff)
    date_reports(campaign)
    reporters = campaign.assessments.filter(is_excluded=False, person__isnull=False).count()
    meetings = build_demo_meetings(campaign=campaign, actor=staff, per_meeting=reporters, seed=2202)
    date_held_meetings(campaign)
    evaluation_services.save_config(actor=staff, campaign=campaign, weights=DEMO_WEIGHTS, source="system")
    moved = to_evaluation(campaign, staff)
    evaluation_services.start_evaluations(actor=staff, campaign=campaign, source="system")
    evaluation_services.compute_composites(actor=staff, campaign=campaign, source="system")
    return {"meeting": meetings["held"], "at_evaluation": len(moved)}


@transaction.atomic
def build_lower_levels(
    *, campaigns: dict[str, Any], users: dict[str, Any], province_staff: Any
) -> dict[str, Any]:
    """Bring the prefecture's and the first county's campaigns to their stages (module docstring).

    `campaigns` is `build_demo_campaigns`' result; `users` the demo accounts by username."""
    out: dict[str, Any] = {}
    prefecture = campaigns.get("prefecture")
    if prefecture is not None:
        out["prefecture"] = _prefecture(
            prefecture, staff=users["shi_zuzhi"], province_staff=province_staff, guide=users["zhidao"]
        )
    counties = campaigns.get("counties") or []
    if counties:
        out["county"] = _county(counties[0], staff=users["xian_zuzhi"])
    return out

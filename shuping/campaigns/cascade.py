"""The cascade between levels (CMP-7, Art. 8): notices down, meeting plans up, guidance staff assigned.

An organizer publishes its campaign notice (schedule, key content, forms, statistics tables) to the levels
below; a lower organizer starts its campaign from it (`services.create_campaign(notice=…)` copies the
schedule and indicator sets). Lower campaigns send their meeting plans (会议方案) up; the upper level sees
them as a calendar and assigns guidance staff to attend and comment (Art. 8: 派人参加 … 述职评议会并进行点评),
which grants them the guidance role on the lower campaign.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from .choices import CampaignRole
from .models import Campaign, CampaignGrant, CampaignNotice, MeetingPlan
from .services import grant_campaign_role
from .services.base import CampaignConflict, CampaignError, audit, check_editable, schedule_of

if TYPE_CHECKING:
    from shuping.accounts.models import User


@transaction.atomic
def publish_notice(
    *,
    actor: User | None,
    campaign: Campaign,
    title: str,
    key_content: str = "",
    forms: list[str] | None = None,
    statistics_tables: list[str] | None = None,
    source: str = "web",
) -> CampaignNotice:
    """Publish the campaign's notice to the levels below; it carries the campaign's current schedule."""
    check_editable(campaign)
    if not title.strip():
        raise CampaignError("通知标题不能为空。", field="title")
    notice = CampaignNotice.objects.create(
        campaign=campaign,
        title=title.strip(),
        key_content=key_content.strip(),
        forms=[f.strip() for f in (forms or []) if f.strip()],
        statistics_tables=[t.strip() for t in (statistics_tables or []) if t.strip()],
        schedule=schedule_of(campaign).as_dict(),
        published_at=timezone.now(),
        published_by=actor if getattr(actor, "pk", None) else None,
    )
    audit(actor, "campaigns.notice.publish", notice, source, campaign=campaign.pk)
    # The notice is a 红头文件: its 文号 from the organizer's 发文 register (DOC-1).
    from django.urls import reverse

    from shuping.documents.services import register_document

    from .notice_document import subject

    register_document(
        actor=actor if getattr(actor, "pk", None) else None,
        organization=campaign.organizer,
        subject=subject(notice),
        kind="通知",
        title=notice.title,
        url=reverse("campaigns:notice_file", args=[campaign.pk, notice.pk, "pdf"]),
        source=source,
    )
    return notice


@transaction.atomic
def submit_meeting_plan(
    *,
    actor: User | None,
    campaign: Campaign,
    planned_on: date,
    venue: str,
    agenda: str = "",
    source: str = "web",
) -> MeetingPlan:
    """A lower campaign sends its 会议方案 up before the meeting (CMP-7)."""
    check_editable(campaign)
    if campaign.source_notice_id is None:
        raise CampaignConflict("本次考核不是依据上级通知开展的，无需向上级报送会议方案。")
    if not venue.strip():
        raise CampaignError("会议地点不能为空。", field="venue")
    if planned_on < campaign.starts_on or planned_on > campaign.ends_on:
        raise CampaignError("会议日期应在本次考核的时间安排之内。", field="planned_on")
    plan = MeetingPlan.objects.create(
        campaign=campaign,
        planned_on=planned_on,
        venue=venue.strip(),
        agenda=agenda.strip(),
        submitted_at=timezone.now(),
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )
    audit(actor, "campaigns.meeting_plan.submit", plan, source, planned_on=planned_on)
    return plan


@transaction.atomic
def assign_guidance_staff(
    *, actor: User | None, upper_campaign: Campaign, lower_campaign: Campaign, user: User, source: str = "web"
) -> CampaignGrant:
    """The level above sends `user` to attend and comment on a lower campaign's meeting (Art. 8)."""
    if lower_campaign.source_notice is None or lower_campaign.source_notice.campaign_id != upper_campaign.pk:
        raise CampaignError("只能向依据本级通知开展的下级考核派出指导人员。", field="lower_campaign")
    from . import selectors

    if not selectors.campaign_roles(user, upper_campaign) & {
        CampaignRole.ORGANIZER_STAFF,
        CampaignRole.DEPARTMENT_LEADER,
    }:
        raise CampaignError("指导人员应为本级组织部门的工作人员或部门领导。", field="user")
    grant = grant_campaign_role(
        actor=actor, campaign=lower_campaign, user=user, role=CampaignRole.GUIDANCE_STAFF, source=source
    )
    audit(actor, "campaigns.guidance.assign", lower_campaign, source, user=user.pk, upper=upper_campaign.pk)
    return grant

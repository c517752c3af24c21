"""Writes to meetings (MTG-1, MTG-2, MTG-4): every web view, API call, CLI command and the demo calls these.

Each is keyword-only, atomic, checks its preconditions, raises `MeetingError` (a DomainError with a Chinese
message) before writing anything, and writes its audit event in the same transaction.
Commentary is in `commentary.py`, ballot boxes and slips in `voting.py`, the offline venue pack in
`offline.py`, the document pack in `pack.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from shuping.audit.services import record
from shuping.campaigns import cascade
from shuping.campaigns.choices import ReportingMode
from shuping.campaigns.models import Assessment, Campaign, MeetingPlan
from shuping.core.errors import ConflictError, DomainError
from shuping.orgs.models import Person, Secretaryship

from .choices import (
    DEFAULT_VOTING_CATEGORIES,
    AttendeeCategory,
    CommentaryMode,
    CommenterRole,
    MeetingForm,
    MeetingStatus,
)
from .models import AgendaItem, Attendee, AttendeeGroup, Commenter, Meeting, Venue

if TYPE_CHECKING:
    from shuping.accounts.models import User


class MeetingError(DomainError):
    """A user-caused error in the meetings app."""


class MeetingConflict(ConflictError):
    """The meeting is not in a state that allows the action."""


def audit(
    actor: User | None,
    action: str,
    target: models.Model | None,
    source: str,
    *,
    on_behalf_of: str = "",
    **detail: Any,
) -> None:
    record(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target=target,
        source=source,
        on_behalf_of=on_behalf_of,
        detail={k: (v.isoformat() if isinstance(v, date) else v) for k, v in detail.items()},
    )


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("campaign__organizer").get(pk=meeting.pk)


def _require_planned(meeting: Meeting, what: str) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise MeetingConflict(f"会议已开始或已召开，不能再{what}。", code="not_planned")


def organizer_secretary(campaign: Campaign) -> Person | None:
    """The organizer's secretary in post on the campaign's start (presides by default, Art. 5)."""
    s = (
        Secretaryship.objects.filter(organization=campaign.organizer, started_on__lte=campaign.ends_on)
        .exclude(ended_on__lt=campaign.starts_on)
        .select_related("person")
        .order_by("-started_on")
        .first()
    )
    return s.person if s else None


# --- the meeting (MTG-1) ------------------------------------------------------------------------------


@transaction.atomic
def create_meeting(
    *,
    actor: User | None,
    campaign: Campaign,
    held_on: date,
    venue: str,
    form: str = MeetingForm.STANDING_COMMITTEE,
    presiding: Person | None = None,
    presiding_name: str = "",
    title: str = "",
    commentary_mode: str = CommentaryMode.ONE_BY_ONE,
    announces_on_spot: bool = False,
    source: str = "web",
) -> Meeting:
    """Plan a 述职评议会 of `campaign` (MTG-1); several per campaign are allowed.

    The presiding secretary defaults to the organizer's secretary (Art. 5: 听取述职的上级党组织书记应逐一进行
    点评) and becomes the meeting's first commenter. The main venue is created with the meeting.
    """
    if form not in MeetingForm.values:
        raise MeetingError("请选择会议形式。", field="form")
    if commentary_mode not in CommentaryMode.values:
        raise MeetingError("请选择点评方式。", field="commentary_mode")
    if not venue.strip():
        raise MeetingError("会议地点不能为空。", field="venue")
    if held_on < campaign.starts_on or held_on > campaign.ends_on:
        raise MeetingError("会议日期应在本次考核的时间安排之内。", field="held_on")
    presiding = presiding or organizer_secretary(campaign)
    name = (presiding_name or (presiding.name if presiding else "")).strip()
    if not name:
        raise MeetingError("请确定主持会议的书记。", field="presiding")
    number = campaign.meetings.count() + 1
    meeting = Meeting.objects.create(
        campaign=campaign,
        title=(
            title.strip()
            or f"{campaign.organizer.name}{campaign.year}年度党委（党组）书记抓基层党建工作述职评议会（第{number}场）"
        )[:200],
        form=form,
        held_on=held_on,
        venue=venue.strip()[:200],
        presiding=presiding,
        presiding_name=name[:64],
        commentary_mode=commentary_mode,
        announces_on_spot=announces_on_spot,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Venue.objects.create(meeting=meeting, name=meeting.venue, is_main=True)
    Commenter.objects.create(
        meeting=meeting,
        role=CommenterRole.PRESIDING,
        name=name[:64],
        post=(presiding.position if presiding else "")[:100],
        person=presiding,
    )
    audit(actor, "meetings.create", meeting, source, held_on=held_on, form=form)
    return meeting


@transaction.atomic
def update_meeting(
    *,
    actor: User | None,
    meeting: Meeting,
    held_on: date,
    venue: str,
    form: str,
    commentary_mode: str,
    announces_on_spot: bool,
    source: str = "web",
) -> Meeting:
    """Change a planned meeting's date, venue, form, commentary mode, or on-the-spot announcement."""
    meeting = _locked(meeting)
    _require_planned(meeting, "修改会议安排")
    if form not in MeetingForm.values:
        raise MeetingError("请选择会议形式。", field="form")
    if commentary_mode not in CommentaryMode.values:
        raise MeetingError("请选择点评方式。", field="commentary_mode")
    if not venue.strip():
        raise MeetingError("会议地点不能为空。", field="venue")
    campaign = meeting.campaign
    if held_on < campaign.starts_on or held_on > campaign.ends_on:
        raise MeetingError("会议日期应在本次考核的时间安排之内。", field="held_on")
    meeting.held_on, meeting.venue, meeting.form = held_on, venue.strip()[:200], form
    meeting.commentary_mode, meeting.announces_on_spot = commentary_mode, announces_on_spot
    meeting.save(update_fields=["held_on", "venue", "form", "commentary_mode", "announces_on_spot"])
    meeting.venues.filter(is_main=True).update(name=meeting.venue)
    audit(actor, "meetings.update", meeting, source, held_on=held_on, form=form)
    return meeting


@transaction.atomic
def set_agenda(
    *, actor: User | None, meeting: Meeting, assessments: Sequence[Assessment], source: str = "web"
) -> list[AgendaItem]:
    """Set the meeting's reporters: on-site ones in the order given, written ones listed (MTG-1, CMP-3).

    The mode is each assessment's reporting mode (Art. 5: 市、县、乡镇党委书记一般应现场述职). An assessment
    reports at one meeting of its campaign; excluded ones cannot be put on the agenda.
    """
    meeting = _locked(meeting)
    _require_planned(meeting, "调整议程")
    if meeting.boxes.exists():
        raise MeetingConflict("已为本次会议建立测评票箱，不能再调整述职人。", code="boxes_exist")
    ids = [a.pk for a in assessments]
    if len(set(ids)) != len(ids):
        raise MeetingError("述职人不能重复。", field="assessments")
    rows = {a.pk: a for a in Assessment.objects.filter(pk__in=ids).select_related("agenda_item")}
    for pk in ids:
        a = rows.get(pk)
        if a is None or a.campaign_id != meeting.campaign_id:
            raise MeetingError("只能安排本次考核的考核对象述职。", field="assessments")
        if a.is_excluded:
            raise MeetingError(f"{a.organization_name}已移出考核名单，不能安排述职。", field="assessments")
        item = getattr(a, "agenda_item", None)
        if item is not None and item.meeting_id != meeting.pk:
            raise MeetingError(
                f"{a.organization_name}{a.person_name}已安排在另一场述职评议会。", field="assessments"
            )
    meeting.agenda.all().delete()
    items = []
    counters: dict[str, int] = {ReportingMode.ON_SITE: 0, ReportingMode.WRITTEN: 0}
    for pk in ids:
        a = rows[pk]
        counters[a.reporting_mode] += 1
        items.append(
            AgendaItem(
                meeting=meeting, assessment=a, mode=a.reporting_mode, position=counters[a.reporting_mode]
            )
        )
    AgendaItem.objects.bulk_create(items)
    audit(actor, "meetings.agenda", meeting, source, on_site=counters["on_site"], written=counters["written"])
    return list(meeting.agenda.all())


@transaction.atomic
def send_plan_up(*, actor: User | None, meeting: Meeting, source: str = "web") -> MeetingPlan:
    """Send the 会议方案 up before the meeting (CMP-7) through campaigns' cascade; the meeting links to it.

    The agenda text names the reporters in order, so the level above sees who reports and can send guidance
    staff (Art. 8). Sending again (date or agenda changed) files a new plan that the meeting now supersedes.
    """
    meeting = _locked(meeting)
    _require_planned(meeting, "报送会议方案")
    agenda = list(meeting.agenda.select_related("assessment").order_by("mode", "position"))
    if not agenda:
        raise MeetingError("请先确定述职人，再报送会议方案。", field="agenda")
    lines = [
        f"会议形式：{meeting.get_form_display()}；主持：{meeting.presiding_name}；点评方式：{meeting.get_commentary_mode_display()}"
    ]
    for item in agenda:
        mode = "现场述职" if item.is_on_site else "书面述职"
        lines.append(
            f"{item.position}. {item.assessment.organization_name} {item.assessment.person_name}（{mode}）"
        )
    plan = cascade.submit_meeting_plan(
        actor=actor,
        campaign=meeting.campaign,
        planned_on=meeting.held_on,
        venue=meeting.venue,
        agenda="\n".join(lines),
        source=source,
    )
    meeting.plan = plan
    meeting.save(update_fields=["plan"])
    audit(actor, "meetings.plan_sent", meeting, source, plan=plan.pk)
    return plan


# --- attendees (MTG-2) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeInput:
    name: str
    post: str = ""
    person_id: int | None = None


@transaction.atomic
def add_venue(
    *, actor: User | None, meeting: Meeting, name: str, is_offline: bool = False, source: str = "web"
) -> Venue:
    """Add a sub-venue (分会场): its own box, consolidated into the meeting's one count (MTG-2)."""
    meeting = _locked(meeting)
    _require_planned(meeting, "增设分会场")
    if not name.strip():
        raise MeetingError("分会场名称不能为空。", field="name")
    if meeting.venues.filter(name=name.strip()).exists():
        raise MeetingError("已有同名会场。", field="name")
    venue = Venue.objects.create(
        meeting=meeting, name=name.strip()[:200], is_offline=is_offline, position=meeting.venues.count()
    )
    audit(actor, "meetings.venue_add", meeting, source, venue=venue.name, is_offline=is_offline)
    return venue


@transaction.atomic
def set_attendance(
    *,
    actor: User | None,
    meeting: Meeting,
    venue: Venue,
    category: str,
    headcount: int,
    is_voting: bool | None = None,
    attendees: Sequence[AttendeeInput] = (),
    source: str = "web",
) -> AttendeeGroup:
    """Record how many of `category` attend at `venue`, whether they vote, and optionally their names.

    Named attendees may be linked to a Person: one who is also a reporter of this meeting will get a slip
    without themselves (回避). The headcount is at least the number of names.
    """
    meeting = _locked(meeting)
    _require_planned(meeting, "调整参会人员")
    if meeting.boxes.exists():
        raise MeetingConflict("已为本次会议建立测评票箱，不能再调整参会人员。", code="boxes_exist")
    if venue.meeting_id != meeting.pk:
        raise MeetingError("会场不属于本次会议。", field="venue")
    if category not in AttendeeCategory.values:
        raise MeetingError("参会人员类别不正确。", field="category")
    if headcount < 0 or headcount > 5000:
        raise MeetingError("人数应在 0 到 5000 之间。", field="headcount")
    names = [a for a in attendees if a.name.strip()]
    if headcount < len(names):
        raise MeetingError("人数不能少于所列姓名数。", field="headcount")
    person_ids = [a.person_id for a in names if a.person_id]
    if len(set(person_ids)) != len(person_ids):
        raise MeetingError("同一人不能重复列入。", field="attendees")
    if person_ids and Person.objects.filter(pk__in=person_ids).count() != len(person_ids):
        raise MeetingError("所选人员不存在。", field="attendees")
    voting = category in DEFAULT_VOTING_CATEGORIES if is_voting is None else is_voting
    group, _created = AttendeeGroup.objects.update_or_create(
        venue=venue,
        category=category,
        defaults={"meeting": meeting, "headcount": headcount, "is_voting": voting},
    )
    group.attendees.all().delete()
    Attendee.objects.bulk_create(
        Attendee(
            group=group,
            name=a.name.strip()[:64],
            post=a.post.strip()[:200],
            person_id=a.person_id,
            position=i,
        )
        for i, a in enumerate(names)
    )
    audit(
        actor,
        "meetings.attendance",
        meeting,
        source,
        venue=venue.name,
        category=category,
        headcount=headcount,
        is_voting=voting,
        named=len(names),
    )
    return group


# --- commenters (MTG-3) ------------------------------------------------------------------------------


@transaction.atomic
def add_commenter(
    *,
    actor: User | None,
    meeting: Meeting,
    role: str,
    name: str,
    portfolio: str = "",
    keywords: Sequence[str] = (),
    person: Person | None = None,
    post: str = "",
    source: str = "web",
) -> Commenter:
    """Add a committee member (by portfolio, 分工) or upper-level guidance staff as a commenter (MTG-3)."""
    meeting = _locked(meeting)
    if role not in (CommenterRole.MEMBER, CommenterRole.GUIDANCE):
        raise MeetingError("主持会议的书记已是点评人；请选择班子成员或上级指导人员。", field="role")
    if not name.strip():
        raise MeetingError("点评人姓名不能为空。", field="name")
    if meeting.commenters.filter(name=name.strip()).exists():
        raise MeetingError("该点评人已在名单中。", field="name")
    commenter = Commenter.objects.create(
        meeting=meeting,
        role=role,
        name=name.strip()[:64],
        post=(post.strip() or (person.position if person else ""))[:100],
        person=person,
        portfolio=portfolio.strip()[:200],
        keywords=[k.strip() for k in keywords if k.strip()],
        position=meeting.commenters.count(),
    )
    audit(actor, "meetings.commenter_add", meeting, source, commenter=commenter.name, role=role)
    return commenter


# --- the day (MTG-4) ---------------------------------------------------------------------------------


@transaction.atomic
def start_meeting(*, actor: User | None, meeting: Meeting, source: str = "web") -> Meeting:
    """The meeting begins: the first on-site reporter is called."""
    meeting = _locked(meeting)
    if not meeting.agenda.exists():
        raise MeetingError("会议尚无述职人，不能开始。", field="agenda")
    changed = meeting.transition_to(MeetingStatus.IN_PROGRESS)
    first = meeting.agenda.filter(mode=ReportingMode.ON_SITE).order_by("position").first()
    meeting.current_position = first.position if first else None
    meeting.started_at = timezone.now()
    meeting.save(update_fields=[*changed, "current_position", "started_at"])
    audit(actor, "meetings.start", meeting, source)
    return meeting


@transaction.atomic
def advance_agenda(*, actor: User | None, meeting: Meeting, step: int = 1, source: str = "web") -> Meeting:
    """Who reports now: move to the next (or previous, step=-1) on-site reporter; the one done is marked."""
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise MeetingConflict("会议尚未开始或已结束。", code="not_in_progress")
    on_site = list(meeting.agenda.filter(mode=ReportingMode.ON_SITE).order_by("position"))
    positions = [i.position for i in on_site]
    if not positions:
        raise MeetingConflict("没有现场述职人。", code="no_on_site")
    current = meeting.current_position
    index = positions.index(current) if current in positions else -1
    if step > 0 and index >= 0:
        on_site[index].reported_at = on_site[index].reported_at or timezone.now()
        on_site[index].save(update_fields=["reported_at"])
    new_index = index + (1 if step > 0 else -1)
    meeting.current_position = positions[new_index] if 0 <= new_index < len(positions) else None
    meeting.save(update_fields=["current_position"])
    audit(actor, "meetings.advance", meeting, source, position=meeting.current_position)
    return meeting


@transaction.atomic
def end_meeting(*, actor: User | None, meeting: Meeting, source: str = "web") -> Meeting:
    """The meeting is held: every on-site reporter is marked as heard."""
    meeting = _locked(meeting)
    changed = meeting.transition_to(MeetingStatus.HELD)
    now = timezone.now()
    meeting.agenda.filter(mode=ReportingMode.ON_SITE, reported_at__isnull=True).update(reported_at=now)
    meeting.current_position = None
    meeting.ended_at = now
    meeting.save(update_fields=[*changed, "current_position", "ended_at"])
    audit(actor, "meetings.end", meeting, source)
    return meeting

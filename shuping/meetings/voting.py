"""民主测评 at the meeting (MTG-2, MTG-4) through the ballot engine — never its own ballot logic.

Boxes are made by `shuping.ballots.services`: one per venue (主会场 and each 分会场) with the meeting's
reporters as subjects (on-site section, then written section, CMP-3) and the voting attendee categories as
voter categories. An attendee who is also a reporter of the meeting must not rate themselves (回避): the
engine has no per-credential exclusion yet, so they vote in a box of their own whose subjects leave them
out (see the report to the ballots engineer: `Credential.excluded_subjects` would let them share the main
box). Every box consolidates into one count per reporter (BAL-8: boxes merge by addition), with subjects
mapped to assessments through `MeetingBox.subject_assessments`.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from shuping.ballots import selectors as ballot_selectors
from shuping.ballots import services as ballot_services
from shuping.ballots.choices import BoxStatus, Section
from shuping.ballots.tally import BallotData, Tally, tally

from . import rules
from .choices import AttendeeCategory
from .models import Attendee, Meeting, MeetingBox
from .services import MeetingConflict, MeetingError, _audit

if TYPE_CHECKING:
    from shuping.accounts.models import User


def _counting():
    """Ballot engine II (paper entry, reconciliation, 计票结果报告单) when it has landed, else None."""
    if importlib.util.find_spec("shuping.ballots.services_counting") is None:
        return None
    from shuping.ballots import services_counting

    return services_counting


def _category_label(category: str) -> str:
    return str(AttendeeCategory(category).label)


@transaction.atomic
def set_up_ballots(*, actor: User | None, meeting: Meeting, source: str = "web") -> list[MeetingBox]:
    """Create the meeting's boxes through the ballot engine (MTG-2): one per venue, one per 回避 attendee."""
    meeting = Meeting.objects.select_for_update().select_related("campaign__organizer").get(pk=meeting.pk)
    if meeting.boxes.exists():
        raise MeetingConflict("本次会议的测评票箱已建立。", code="boxes_exist")
    agenda = list(meeting.agenda.select_related("assessment").order_by("mode", "position"))
    if not agenda:
        raise MeetingError("请先确定述职人，再建立测评票箱。", field="agenda")
    groups = list(meeting.attendee_groups.filter(is_voting=True, headcount__gt=0).select_related("venue"))
    if not groups:
        raise MeetingError("请先登记参加测评的参会人员类别和人数。", field="attendance")
    attendees = list(Attendee.objects.filter(group__in=groups).select_related("group__venue"))
    found = rules.recusals(
        [(a.pk, a.person_id) for a in attendees], [(i.assessment_id, i.assessment.person_id) for i in agenda]
    )
    by_attendee = {a.pk: a for a in attendees}
    made: list[MeetingBox] = []
    by_venue: dict[int, list] = defaultdict(list)
    for g in groups:
        by_venue[g.venue_id].append(g)
    for venue_groups in by_venue.values():
        venue = venue_groups[0].venue
        made.append(
            _make_box(
                actor, meeting, venue, agenda, [g.category for g in venue_groups], title_suffix=venue.name
            )
        )
    for r in found:
        attendee = by_attendee[r.attendee]
        kept = [i for i in agenda if i.assessment_id != r.assessment]
        made.append(
            _make_box(
                actor,
                meeting,
                attendee.group.venue,
                kept,
                [attendee.group.category],
                title_suffix=f"{attendee.group.venue.name}·回避票",
                recusing=attendee,
            )
        )
    _audit(actor, "meetings.ballots_set_up", meeting, source, boxes=len(made), recusals=len(found))
    return made


def _make_box(actor, meeting, venue, agenda, categories, *, title_suffix: str, recusing=None) -> MeetingBox:
    box = ballot_services.create_box(
        actor=actor, organization=meeting.campaign.organizer, title=f"{meeting.title}（{title_suffix}）"[:200]
    )
    ballot_services.set_up_box(
        actor=actor,
        box=box,
        subjects=[
            ballot_services.SubjectInput(
                name=i.assessment.person_name or i.assessment.organization_name,
                post=f"{i.assessment.organization_name}书记",
                section=Section.ON_SITE if i.is_on_site else Section.WRITTEN,
            )
            for i in agenda
        ],
        categories=[ballot_services.CategoryInput(name=_category_label(c)) for c in categories],
    )
    subject_ids = list(box.subjects.order_by("position", "pk").values_list("pk", flat=True))
    mapping = {str(s): i.assessment_id for s, i in zip(subject_ids, agenda, strict=True)}
    return MeetingBox.objects.create(
        meeting=meeting, venue=venue, box=box, recusing_attendee=recusing, subject_assessments=mapping
    )


@dataclass(frozen=True)
class BoxSlips:
    meeting_box: MeetingBox
    slips: list


@transaction.atomic
def issue_slips(*, actor: User | None, meeting: Meeting, source: str = "web") -> list[BoxSlips]:
    """Generate the one-time slips of every box through the ballot engine (BAL-2): each voting category's
    headcount, less the attendees who vote in a 回避 box of their own. Returns the printable slips once."""
    boxes = list(meeting.boxes.select_related("box", "venue", "recusing_attendee__group"))
    if not boxes:
        raise MeetingError("请先建立测评票箱。", field="boxes")
    recusing_per_group: dict[int, int] = defaultdict(int)
    for mb in boxes:
        if mb.recusing_attendee_id:
            recusing_per_group[mb.recusing_attendee.group_id] += 1
    groups = {
        (g.venue_id, _category_label(g.category)): g for g in meeting.attendee_groups.filter(is_voting=True)
    }
    if any(mb.box.credentials.filter(is_rehearsal=False).exists() for mb in boxes):
        # A second batch would hand out more slips than attendees (BAL-4 reconciliation would not balance).
        raise MeetingConflict(
            "本次会议的凭条已经生成；如需补发，请在票箱页面单独生成并登记作废。", code="slips_exist"
        )
    out = []
    for mb in boxes:
        counts = {}
        for cat in mb.box.categories.all():
            if mb.recusing_attendee_id:
                counts[cat.pk] = 1
            else:
                g = groups[(mb.venue_id, cat.name)]
                counts[cat.pk] = max(0, g.headcount - recusing_per_group[g.pk])
        if sum(counts.values()) == 0:
            continue
        slips = ballot_services.generate_credentials(actor=actor, box=mb.box, counts=counts)
        out.append(BoxSlips(mb, slips))
    _audit(
        actor, "meetings.slips_issued", meeting, source, boxes=len(out), slips=sum(len(b.slips) for b in out)
    )
    return out


@transaction.atomic
def open_voting(*, actor: User | None, meeting: Meeting, source: str = "web") -> int:
    """Start voting in every box that has slips (MTG-4); the announcement choice is fixed before."""
    counting = _counting()
    opened = 0
    for mb in meeting.boxes.select_related("box"):
        box = mb.box
        if box.status != BoxStatus.DRAFT or not box.credentials.filter(is_rehearsal=False).exists():
            continue
        if counting is not None and box.announces_on_spot != meeting.announces_on_spot:
            counting.set_announcement(actor=actor, box=box, announces_on_spot=meeting.announces_on_spot)
        ballot_services.open_box(actor=actor, box=box)
        opened += 1
    if not opened:
        raise MeetingConflict("没有可以开始投票的票箱：请先生成凭条。", code="nothing_to_open")
    _audit(actor, "meetings.voting_open", meeting, source, boxes=opened)
    return opened


@transaction.atomic
def stop_phone_voting(*, actor: User | None, meeting: Meeting, source: str = "web") -> int:
    """Stop phone voting everywhere (计票中) so paper ballots can still be keyed in — ballot engine II."""
    if not hasattr(ballot_services, "start_counting"):
        raise MeetingConflict("当前版本不支持单独停止手机投票，请直接结束投票。", code="unsupported")
    n = 0
    for mb in meeting.boxes.select_related("box").filter(box__status=BoxStatus.OPEN):
        ballot_services.start_counting(actor=actor, box=mb.box)
        n += 1
    _audit(actor, "meetings.voting_counting", meeting, source, boxes=n)
    return n


@transaction.atomic
def close_voting(*, actor: User | None, meeting: Meeting, source: str = "web") -> int:
    """Close and seal every open box (BAL-6) — the engine's own close; nothing is accepted afterwards."""
    n = 0
    for mb in meeting.boxes.select_related("box"):
        if mb.box.status in (BoxStatus.OPEN, "counting"):
            ballot_services.close_box(actor=actor, box=mb.box)
            n += 1
    if not n:
        raise MeetingConflict("没有正在投票的票箱。", code="nothing_to_close")
    _audit(actor, "meetings.voting_closed", meeting, source, boxes=n)
    return n


# --- reads -------------------------------------------------------------------------------------------


def voting_state(meeting: Meeting) -> str:
    """not_set_up / draft / open / counting / closed — the least advanced box decides."""
    statuses = [s for s in meeting.boxes.values_list("box__status", flat=True)]
    if not statuses:
        return "not_set_up"
    for s in (BoxStatus.DRAFT, BoxStatus.REHEARSAL, BoxStatus.OPEN, "counting"):
        if s in statuses:
            return str(s)
    return str(BoxStatus.CLOSED)


def turnout(meeting: Meeting) -> dict[str, Any]:
    """Slips issued and used per box and in all (MTG-4) — ballot engine's turnout, never ballot contents."""
    read = getattr(ballot_selectors, "cached_turnout", ballot_selectors.turnout)
    rows = []
    for mb in meeting.boxes.select_related("box", "venue", "recusing_attendee"):
        t = read(mb.box)
        rows.append(
            {"meeting_box": mb, "name": mb.venue.name + ("·回避票" if mb.recusing_attendee_id else ""), **t}
        )
    issued = sum(r["issued"] for r in rows)
    used = sum(r["used"] for r in rows)
    return {
        "boxes": rows,
        "issued": issued,
        "used": used,
        "percent": round(100 * used / issued) if issued else 0,
    }


def _remapped(box_tally: Tally, mapping: dict[str, int]) -> Tally:
    """A box's tally with subjects renamed from box subject ids to assessment ids (so boxes can merge)."""
    counts = {}
    for (subject, category), value in box_tally.counts.items():
        counts[(str(mapping[subject]), category)] = value
    return Tally(
        box_tally.scale,
        tuple(str(mapping[s]) for s in box_tally.subjects),
        counts,
        dict(box_tally.ballots_by_category),
        box_tally.invalid_ballots,
    )


def consolidated_tally(meeting: Meeting) -> Tally | None:
    """One count per reporter over every box of the meeting (主会场, 分会场, 回避 boxes) and every imported
    offline results file (MTG-6). Callers decide whether the user may see it (EVA-9, MTG-4)."""
    merged: Tally | None = None
    subjects = [
        str(a) for a in meeting.agenda.order_by("mode", "position").values_list("assessment_id", flat=True)
    ]
    for mb in meeting.boxes.select_related("box"):
        one = _remapped(ballot_selectors.box_tally(mb.box), mb.subject_assessments)
        if merged is None:
            merged = tally([], subjects=subjects, scale=one.scale).merge(one)
        else:
            merged = merged.merge(one)
    for export in meeting.offline_exports.filter(imported_at__isnull=False):
        if merged is None:
            continue
        inputs = [BallotData(c, r) for c, r in export.tally_inputs]
        merged = merged.merge(tally(inputs, subjects=subjects, scale=merged.scale))
    return merged


def enter_paper_ballot(
    *,
    actor: User | None,
    meeting_box: MeetingBox,
    code: str,
    ratings_by_assessment: dict[int, str],
    is_spoiled: bool = False,
) -> str:
    """Key in a paper 测评表 through ballot engine II (BAL-4), ratings given per assessment."""
    counting = _counting()
    if counting is None:
        raise MeetingConflict("纸质票录入功能尚未启用。", code="unsupported")
    reverse = {int(a): s for s, a in meeting_box.subject_assessments.items()}
    ratings = {reverse[a]: g for a, g in ratings_by_assessment.items() if a in reverse}
    return counting.enter_paper_ballot(
        actor=actor,
        box=meeting_box.box,
        code=code,
        ratings=ratings,
        declared_count=len(ratings),
        is_spoiled=is_spoiled,
    )


def certify(*, actor: User | None, meeting: Meeting, scrutineers: str = "", counters: str = "") -> list:
    """计票结果报告单 for every sealed box of the meeting, through ballot engine II (BAL-4)."""
    counting = _counting()
    if counting is None:
        raise MeetingConflict("计票结果报告单功能尚未启用。", code="unsupported")
    out = []
    with transaction.atomic():
        for mb in meeting.boxes.select_related("box"):
            if hasattr(mb.box, "certificate"):
                out.append(mb.box.certificate)
                continue
            signed_in = mb.box.credentials.filter(is_rehearsal=False).count()
            if mb.box.attendees_signed_in is None:
                counting.record_attendance(actor=actor, box=mb.box, attendees=signed_in)
            out.append(
                counting.certify_box(actor=actor, box=mb.box, scrutineers=scrutineers, counters=counters)
            )
        _audit(actor, "meetings.certified", meeting, "web", boxes=len(out))
    return out

"""What a meeting's page and its meeting-day screen show (MTG-1 … MTG-4, DSC-1, EVA-9), shared by the views
that draw them: the GET views, and each write when it is refused (`core.forms.handle_form` draws the page
again with the form's error)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.ballots.models import BallotBox
from shuping.ballots.selectors import visible_boxes
from shuping.campaigns.models import Assessment

from . import offline, permissions, rules, selectors, voting
from .choices import AttendeeCategory
from .forms import AttendanceForm, CommenterForm
from .models import Venue


def managed_meeting(request: AuthenticatedHttpRequest, pk: int):
    """The meeting (404 out of scope) for its organizer staff (403 for anyone else)."""
    meeting = selectors.get_meeting_for(request.user, pk)
    if not permissions.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    return meeting


def reporter_name(assessment) -> str:
    return assessment.person_name or assessment.organization_name


def _visible_commentaries(user, meeting, drafts: bool) -> list:
    """Every commentary for those who see drafts (EVA-9); else the final ones the user may read."""
    if drafts:
        return selectors.commentaries_of(meeting)
    return [
        c
        for c in selectors.commentaries_of(meeting)
        if c.is_final and permissions.can_see_commentary(user, meeting, c.assessment)
    ]


@dataclass(frozen=True)
class BoxRow:
    """A meeting box on the meeting page: its ballot box, venue, whom it rates, where it votes."""

    box: BallotBox
    venue: Venue
    recused_assessment: Assessment | None
    is_legacy_recusal: bool
    label: str
    offline: str  # "", "waiting" (exported to an offline venue) or "imported"
    subject_names: list[str]


def _boxes(meeting, agenda, internals: bool) -> list[BoxRow]:
    """The box list names what each box rates, and a 单列 box whom (MTG-2)."""
    meeting_boxes = selectors.boxes_of(meeting) if internals else []
    if not meeting_boxes:
        return []
    # A box exported to an offline venue stays 草拟 on the server (ADR 0005): say where it votes instead.
    offline_state = {
        box_id: ("imported" if imported else "waiting")
        for box_id, imported in offline.active_exports(meeting).values_list("meeting_box_id", "imported_at")
    }
    names = {i.assessment_id: reporter_name(i.assessment) for i in agenda}
    return [
        BoxRow(
            box=mb.box,
            venue=mb.venue,
            recused_assessment=mb.recused_assessment,
            is_legacy_recusal=mb.is_legacy_recusal,
            label=voting.box_label(mb),
            offline=offline_state.get(mb.pk, ""),
            subject_names=[names.get(a, "") for a in mb.subject_assessments.values()],
        )
        for mb in meeting_boxes
    ]


def _results(meeting, boxes: list[BoxRow], drafts: bool):
    """DSC-1: the per-reporter results over every box, through the disclosure door; EVA-9: staff and
    leaders, once a box is closed or its offline result imported."""
    counted = any(mb.box.status == "closed" or mb.offline == "imported" for mb in boxes)
    return voting.meeting_results(meeting) if drafts and counted else None


def _candidates(user, meeting) -> list:
    if not permissions.can_manage_meeting(user, meeting):
        return []
    return list(
        Assessment.objects.filter(campaign=meeting.campaign, is_excluded=False)
        .exclude(agenda_item__meeting__in=meeting.campaign.meetings.exclude(pk=meeting.pk))
        .order_by("-reporting_mode", "organization_path")
    )


def _openable(user, boxes: list[BoxRow]) -> set:
    # FLOW-1: a box name links to the box page only for those who may open it (guidance staff see the
    # meeting and the boxes' state, but the box page is the organizer's: a link there would be a 404).
    if not boxes:
        return set()
    return set(visible_boxes(user).filter(pk__in=[mb.box.pk for mb in boxes]).values_list("pk", flat=True))


def detail_context(request: AuthenticatedHttpRequest, meeting) -> dict[str, Any]:
    user = request.user
    agenda = selectors.agenda_of(meeting)
    internals = permissions.can_see_meeting_internals(user, meeting)
    drafts = permissions.can_see_drafts(user, meeting)
    boxes = _boxes(meeting, agenda, internals)
    state = voting.voting_state(meeting)
    return {
        "meeting": meeting,
        "agenda": agenda,
        "candidates": _candidates(user, meeting),
        "on_agenda": {i.assessment_id for i in agenda},
        "groups": selectors.attendance_of(meeting) if internals else [],
        "venues": list(meeting.venues.all()) if internals else [],
        "commenters": list(meeting.commenters.all()),
        "commentaries": _visible_commentaries(user, meeting, drafts),
        "boxes": boxes,
        "openable_boxes": _openable(user, boxes),
        "reporter_persons": {i.assessment.person_id for i in agenda if i.assessment.person_id},
        "plan": voting.plan_summary(meeting) if internals else None,
        "can_manage": permissions.can_manage_meeting(user, meeting),
        "can_see_drafts": drafts,
        "can_see_internals": internals,
        "attendance_form": AttendanceForm(),
        "commenter_form": CommenterForm(),
        "categories": AttendeeCategory.choices,
        "voting_state": state,
        "phase": rules.meeting_phase(str(meeting.status), state),
        "results": _results(meeting, boxes, drafts),
    }


def day_context(meeting) -> dict[str, Any]:
    agenda = selectors.agenda_of(meeting)
    current = next((i for i in agenda if i.is_on_site and i.position == meeting.current_position), None)
    state = voting.voting_state(meeting)
    show_tally = meeting.announces_on_spot and state == "closed"
    results: dict = {}
    if show_tally:  # DSC-1: the same per-reporter lines as the meeting page, through the disclosure door
        results = voting.meeting_results(meeting)
    return {
        "meeting": meeting,
        "agenda": agenda,
        "current": current,
        "turnout": voting.turnout(meeting),
        "voting_state": state,
        "phase": rules.meeting_phase(str(meeting.status), state),
        "is_before_day": timezone.localdate() < meeting.held_on,
        "show_tally": show_tally,
        "results": results.get("rows", []),
        "grade_labels": results.get("grade_labels", []),
    }

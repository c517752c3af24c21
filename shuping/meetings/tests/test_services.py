"""Meetings, agenda, attendance and the plan sent up (MTG-1, MTG-2), through services."""

from __future__ import annotations

import pytest

from shuping.audit.models import AuditEvent
from shuping.campaigns.choices import ReportingMode
from shuping.meetings import services
from shuping.meetings.choices import AttendeeCategory, CommenterRole, MeetingStatus
from shuping.meetings.services import MeetingError


@pytest.mark.req("MTG-1")
def test_a_meeting_is_presided_by_the_organizers_secretary_and_hears_reporters_in_order(scene, world):
    meeting = scene.meeting
    assert meeting.presiding == scene.presiding
    assert meeting.commenters.get().role == CommenterRole.PRESIDING
    items = services.set_agenda(
        actor=world.organizer_staff, meeting=meeting, assessments=[scene.county2, scene.organs, scene.county]
    )
    on_site = [(i.assessment_id, i.position) for i in items if i.mode == ReportingMode.ON_SITE]
    written = [i.assessment_id for i in items if i.mode == ReportingMode.WRITTEN]
    assert on_site == [(scene.county2.pk, 1), (scene.county.pk, 2)]
    assert written == [scene.organs.pk]


@pytest.mark.req("MTG-1")
def test_a_campaign_holds_several_meetings_but_an_assessee_reports_at_one(scene, world):
    staff = world.organizer_staff
    services.set_agenda(actor=staff, meeting=scene.meeting, assessments=[scene.county])
    second = services.create_meeting(
        actor=staff, campaign=scene.campaign, held_on=scene.campaign.meetings_end_on, venue="市委常委会议室"
    )
    with pytest.raises(MeetingError, match="另一场"):
        services.set_agenda(actor=staff, meeting=second, assessments=[scene.county])
    services.set_agenda(actor=staff, meeting=second, assessments=[scene.county2])
    assert scene.campaign.meetings.count() == 2


@pytest.mark.req("MTG-1")
def test_the_meeting_plan_goes_up_and_the_meeting_supersedes_it(scene, world):
    services.set_agenda(
        actor=world.organizer_staff, meeting=scene.meeting, assessments=[scene.county, scene.organs]
    )
    plan = services.send_plan_up(actor=world.organizer_staff, meeting=scene.meeting)
    scene.meeting.refresh_from_db()
    assert scene.meeting.plan == plan
    assert "陈志远" in plan.agenda and "书面述职" in plan.agenda
    from shuping.campaigns.selectors import lower_meeting_calendar

    assert list(lower_meeting_calendar(scene.upper)) == [plan]


@pytest.mark.req("MTG-1")
def test_a_meeting_outside_the_schedule_is_refused_and_nothing_is_written(scene, world):
    from datetime import date

    before = AuditEvent.objects.count()
    with pytest.raises(MeetingError):
        services.create_meeting(
            actor=world.organizer_staff, campaign=scene.campaign, held_on=date(2030, 1, 1), venue="x"
        )
    assert AuditEvent.objects.count() == before


@pytest.mark.req("MTG-2")
def test_attendance_by_category_defaults_voting_to_the_invited_categories(scene, world):
    venue = scene.meeting.venues.get()
    staff = world.organizer_staff
    deputies = services.set_attendance(
        actor=staff, meeting=scene.meeting, venue=venue, category=AttendeeCategory.PARTY_CONGRESS, headcount=8
    )
    guidance = services.set_attendance(
        actor=staff, meeting=scene.meeting, venue=venue, category=AttendeeCategory.GUIDANCE, headcount=2
    )
    assert deputies.is_voting and not guidance.is_voting
    with pytest.raises(MeetingError):
        services.set_attendance(
            actor=staff,
            meeting=scene.meeting,
            venue=venue,
            category=AttendeeCategory.OBSERVER,
            headcount=1,
            attendees=[services.AttendeeInput("甲"), services.AttendeeInput("乙")],
        )


@pytest.mark.req("MTG-4")
def test_the_agenda_advances_through_the_on_site_reporters(scene, world):
    staff = world.organizer_staff
    services.set_agenda(
        actor=staff, meeting=scene.meeting, assessments=[scene.county, scene.county2, scene.organs]
    )
    meeting = services.start_meeting(actor=staff, meeting=scene.meeting)
    assert meeting.status == MeetingStatus.IN_PROGRESS and meeting.current_position == 1
    meeting = services.advance_agenda(actor=staff, meeting=meeting)
    assert meeting.current_position == 2
    meeting = services.advance_agenda(actor=staff, meeting=meeting)
    assert meeting.current_position is None
    assert meeting.agenda.filter(mode="on_site", reported_at__isnull=False).count() == 2

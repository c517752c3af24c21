"""Placeholders for the meetings rows of docs/permissions.md (SEC-2, EVA-9).

- meetings_campaign: 甲市委's 2024 campaign (started from 示范省委's notice); the organizer_staff persona is
  its organizer staff and department_leader its department leader by campaign grants; guidance_staff holds a
  guidance grant on 甲市委's subtree; 乙县委's secretary (the assessee persona, liaison persona as liaison)
  reports at the meeting.
- meeting_in_scope: its meeting, agenda set, attendance recorded, boxes set up, 点评稿 drafted.
- meeting_commentary: the presiding secretary's 点评稿 on 乙县委's secretary (hidden from assessee/liaison).
- meeting_box: the main venue's box of the meeting.
"""

from __future__ import annotations


def _built(world):
    cache = world.__dict__.setdefault("_meeting_targets", {})
    if cache:
        return cache
    from shuping.meetings import commentary, services, voting
    from shuping.meetings.choices import AttendeeCategory, CommenterRole
    from shuping.meetings.tests.conftest import build_scene

    scene = build_scene(world)
    staff = world.organizer_staff
    meeting = scene.meeting
    services.set_agenda(actor=staff, meeting=meeting, assessments=[scene.county, scene.county2, scene.organs])
    services.set_attendance(
        actor=staff,
        meeting=meeting,
        venue=meeting.venues.get(),
        category=AttendeeCategory.PARTY_CONGRESS,
        headcount=5,
    )
    voting.set_up_ballots(actor=staff, meeting=meeting)
    commentary.draft_commentaries(actor=staff, meeting=meeting)
    cache["meetings_campaign"] = scene.campaign.pk
    cache["meeting_in_scope"] = meeting.pk
    cache["meeting_commentary"] = meeting.commentaries.get(
        assessment=scene.county, commenter__role=CommenterRole.PRESIDING
    ).pk
    cache["meeting_box"] = meeting.boxes.get().pk
    return cache


TARGETS = {
    name: (lambda world, name=name: _built(world)[name])
    for name in ("meetings_campaign", "meeting_in_scope", "meeting_commentary", "meeting_box")
}

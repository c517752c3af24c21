"""A full 述职评议会 in one test (MTG-1 … MTG-5), 回避 (MTG-2), the presiding-commentary blocker (MTG-3) and
the confidentiality of 点评稿 (EVA-9) — through services only, like the pages."""

from __future__ import annotations

import pytest

from shuping.audit.models import AuditEvent
from shuping.ballots import services as ballot_services
from shuping.ballots.choices import BoxStatus
from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import Stage
from shuping.campaigns.services import StageBlocked
from shuping.core.errors import DomainError
from shuping.meetings import commentary, services, voting
from shuping.meetings.choices import AttendeeCategory, CommentaryStatus, CommenterRole, MeetingStatus
from shuping.meetings.commentary import ProblemInput
from shuping.meetings.models import MeetingBox
from shuping.orgs.models import Person


def prepare(scene, world, *, recusing: bool = True):
    """Agenda, attendance (main room and one 分会场), commenters, plan sent up, boxes and slips."""
    staff = world.organizer_staff
    meeting = scene.meeting
    services.set_agenda(actor=staff, meeting=meeting, assessments=[scene.county, scene.county2, scene.organs])
    main = meeting.venues.get()
    sub = services.add_venue(actor=staff, meeting=meeting, name="丁县分会场")
    lin = Person.objects.get(name="林海")
    services.set_attendance(
        actor=staff,
        meeting=meeting,
        venue=main,
        category=AttendeeCategory.COMMITTEE_MEMBER,
        headcount=3,
        attendees=[
            services.AttendeeInput("马建国", "市委书记"),
            services.AttendeeInput("王伟", "市委组织部部长"),
        ],
    )
    services.set_attendance(
        actor=staff,
        meeting=meeting,
        venue=main,
        category=AttendeeCategory.GRASSROOTS,
        headcount=2,
        attendees=[services.AttendeeInput("林海", "丁县委书记", person_id=lin.pk if recusing else None)],
    )
    services.set_attendance(
        actor=staff, meeting=meeting, venue=main, category=AttendeeCategory.GUIDANCE, headcount=1
    )
    services.set_attendance(
        actor=staff, meeting=meeting, venue=sub, category=AttendeeCategory.PARTY_CONGRESS, headcount=2
    )
    services.add_commenter(
        actor=staff,
        meeting=meeting,
        role=CommenterRole.MEMBER,
        name="王伟",
        portfolio="组织工作",
        keywords=["党员", "支部"],
    )
    services.add_commenter(actor=staff, meeting=meeting, role=CommenterRole.GUIDANCE, name="上级指导 周")
    plan = services.send_plan_up(actor=staff, meeting=meeting)
    boxes = voting.set_up_ballots(actor=staff, meeting=meeting)
    slips = voting.issue_slips(actor=staff, meeting=meeting)
    return meeting, plan, boxes, {b.meeting_box.pk: b.slips for b in slips}


def phone_vote(code: str, ratings: dict) -> str:
    session = ballot_services.start_session(code=code)
    return ballot_services.submit_ballot(token=session.token, ratings=ratings)


def grade_all(meeting_box: MeetingBox, grade: str) -> dict[str, str]:
    return {subject: grade for subject in meeting_box.subject_assessments}


@pytest.mark.req("MTG-1", "MTG-2", "MTG-3", "MTG-4", "MTG-5")
def test_a_full_meeting_plan_slips_reports_phone_and_paper_votes_commentary_and_certified_count(scene, world):
    staff = world.organizer_staff
    meeting, plan, _boxes, slips = prepare(scene, world)
    meeting.refresh_from_db()
    assert meeting.plan == plan  # the plan went up and the meeting supersedes it
    main, sub, recusal = (
        meeting.boxes.get(venue__is_main=True, recusing_attendee__isnull=True),
        meeting.boxes.get(venue__is_main=False),
        meeting.boxes.get(recusing_attendee__isnull=False),
    )
    # Slips: main room 3 committee members + 2 grassroots, one of whom (林海) votes in his own 回避 box.
    assert len(slips[main.pk]) == 4 and len(slips[sub.pk]) == 2 and len(slips[recusal.pk]) == 1
    # Guidance staff do not vote by default.
    assert set(main.box.categories.values_list("name", flat=True)) == {
        "党委（党组）班子成员",
        "基层党员干部群众代表",
    }

    drafts = commentary.draft_commentaries(actor=staff, meeting=meeting)
    presiding = [d for d in drafts if d.commenter.role == CommenterRole.PRESIDING]
    assert {d.assessment_id for d in presiding} == {scene.county.pk, scene.county2.pk, scene.organs.pk}
    assert [d.is_written for d in presiding if d.assessment_id == scene.organs.pk] == [True]

    # The day: reports heard in order, voting on phones (main, sub-venue) and paper (main).
    meeting = services.start_meeting(actor=staff, meeting=meeting)
    for _ in range(2):
        meeting = services.advance_agenda(actor=staff, meeting=meeting)
    assert meeting.current_position is None
    assert voting.voting_state(meeting) == BoxStatus.DRAFT
    voting.open_voting(actor=staff, meeting=meeting)
    main_codes = [s.code for s in slips[main.pk]]
    for code in main_codes[:2]:
        phone_vote(code, grade_all(main, "good"))
    for code in [s.code for s in slips[sub.pk]]:
        phone_vote(code, grade_all(sub, "fairly_good"))
    phone_vote(slips[recusal.pk][0].code, grade_all(recusal, "good"))
    turnout = voting.turnout(meeting)
    assert (turnout["used"], turnout["issued"]) == (5, 7)
    if voting._counting() is not None:
        voting.stop_phone_voting(actor=staff, meeting=meeting)
        voting.enter_paper_ballot(
            actor=staff,
            meeting_box=main,
            code=main_codes[2],
            ratings_by_assessment={
                scene.county.pk: "average",
                scene.county2.pk: "good",
                scene.organs.pk: "good",
            },
        )
        voting.enter_paper_ballot(
            actor=staff,
            meeting_box=main,
            code=main_codes[3],
            ratings_by_assessment={
                scene.county.pk: "good",
                scene.county2.pk: "good",
                scene.organs.pk: "poor",
            },
        )
    else:  # ballot engine II not landed: the last two vote on phones
        for code in main_codes[2:]:
            phone_vote(code, grade_all(main, "good"))
    voting.close_voting(actor=staff, meeting=meeting)
    meeting = services.end_meeting(actor=staff, meeting=meeting)
    assert meeting.status == MeetingStatus.HELD

    # Every reporter commented on by the presiding secretary, entered on his behalf (代录).
    for d in presiding:
        commentary.finalise_commentary(
            actor=staff,
            commentary=d,
            remarks=f"{d.assessment.person_name}同志抓基层党建思路清晰。",
            direction="聚焦薄弱环节持续用力。",
            problems=[
                ProblemInput("软弱涣散党组织整顿转化不够彻底"),
                ProblemInput("理论学习不够深入", "political"),
            ],
        )
    final = meeting.commentaries.filter(
        commenter__role=CommenterRole.PRESIDING, status=CommentaryStatus.FINAL
    )
    assert final.count() == 3
    problem = final.first().problems.order_by("position").first()
    assert problem.category == "key_work"  # structured item, classified under Art. 4 (三)
    event = AuditEvent.objects.filter(action="meetings.commentary_final").order_by("-pk").first()
    assert event.on_behalf_of == "马建国" and event.actor_id == staff.pk

    # One count over three boxes; 林海 (丁县委) is rated by everybody except himself.
    result = voting.consolidated_tally(meeting)
    assert result.valid_ballots == 7
    lin = result.result(str(scene.county2.pk))
    chen = result.result(str(scene.county.pk))
    assert lin.valid == 6 and chen.valid == 7
    assert chen.grade_counts["good"] == 4 and chen.grade_counts["fairly_good"] == 2
    if voting._counting() is not None:
        certificates = voting.certify(actor=staff, meeting=meeting, scrutineers="张三", counters="李四")
        assert len(certificates) == 3
        assert sum(c.figures["cast"] for c in certificates) == 7
        assert sum(c.figures["paper"] for c in certificates) == 2


@pytest.mark.req("MTG-2")
def test_an_assessed_attendee_cannot_rate_themselves(scene, world):
    meeting, _plan, _boxes, slips = prepare(scene, world)
    recusal = meeting.boxes.get(recusing_attendee__isnull=False)
    main = meeting.boxes.get(venue__is_main=True, recusing_attendee__isnull=True)
    assert recusal.recusing_attendee.name == "林海"
    assert scene.county2.pk not in recusal.subject_assessments.values()
    assert scene.county2.pk in main.subject_assessments.values()
    voting.open_voting(actor=world.organizer_staff, meeting=meeting)
    own_subject_in_main_box = next(s for s, a in main.subject_assessments.items() if a == scene.county2.pk)
    session = ballot_services.start_session(code=slips[recusal.pk][0].code)
    with pytest.raises(DomainError):
        ballot_services.submit_ballot(
            token=session.token, ratings={**grade_all(recusal, "good"), own_subject_in_main_box: "poor"}
        )
    ballot_services.submit_ballot(token=session.token, ratings=grade_all(recusal, "good"))
    result = voting.consolidated_tally(meeting)
    assert result.result(str(scene.county2.pk)).valid == 0
    assert result.result(str(scene.county.pk)).valid == 1


@pytest.mark.req("MTG-2")
def test_without_a_linked_person_no_recusal_box_is_made(scene, world):
    meeting, _plan, boxes, _slips = prepare(scene, world, recusing=False)
    assert not meeting.boxes.filter(recusing_attendee__isnull=False).exists()
    assert len(boxes) == 2  # main room and the 分会场


def _to_meeting_stage(assessment, staff):
    for stage in (Stage.FIELD, Stage.MEETING):
        assessment = campaign_services.transition_assessment(
            actor=staff, assessment=assessment, to_stage=stage
        )
    return assessment


@pytest.mark.req("MTG-3", "CMP-1")
def test_missing_presiding_commentary_blocks_that_assessees_evaluation_only(scene, world):
    staff = world.organizer_staff
    meeting, _plan, _boxes, _slips = prepare(scene, world)
    drafts = commentary.draft_commentaries(actor=staff, meeting=meeting)
    county = _to_meeting_stage(scene.county, staff)
    county2 = _to_meeting_stage(scene.county2, staff)
    with pytest.raises(StageBlocked) as refused:
        campaign_services.transition_assessment(actor=staff, assessment=county, to_stage=Stage.EVALUATION)
    assert any("主持会议的书记" in r for r in refused.value.reasons)
    # The meeting itself is not held up: it starts and ends without the commentary.
    services.start_meeting(actor=staff, meeting=meeting)
    services.end_meeting(actor=staff, meeting=meeting)
    for d in drafts:
        if d.commenter.role == CommenterRole.PRESIDING and d.assessment_id == county2.pk:
            commentary.finalise_commentary(
                actor=staff, commentary=d, remarks="好。", direction="继续。", problems=[]
            )
    county2 = campaign_services.transition_assessment(
        actor=staff, assessment=county2, to_stage=Stage.EVALUATION
    )
    assert county2.stage == Stage.EVALUATION
    with pytest.raises(StageBlocked):
        campaign_services.transition_assessment(actor=staff, assessment=county, to_stage=Stage.EVALUATION)


@pytest.mark.req("MTG-3")
def test_commentary_is_only_finalised_once_the_meeting_has_begun(scene, world):
    meeting, *_ = prepare(scene, world)
    draft = commentary.draft_commentaries(actor=world.organizer_staff, meeting=meeting)[0]
    with pytest.raises(DomainError, match="会议尚未召开"):
        commentary.finalise_commentary(
            actor=world.organizer_staff, commentary=draft, remarks="x", direction="y", problems=[]
        )
    assert not draft.problems.exists() or draft.status == CommentaryStatus.DRAFT

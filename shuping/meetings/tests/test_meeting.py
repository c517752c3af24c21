"""A full 述职评议会 in one test (MTG-1 … MTG-5), 回避 (MTG-2), the presiding-commentary blocker (MTG-3) and
the confidentiality of 点评稿 (EVA-9) — through services only, like the pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from shuping.audit.models import AuditEvent
from shuping.ballots import selectors as ballot_selectors
from shuping.ballots import services as ballot_services
from shuping.ballots.choices import BoxStatus
from shuping.ballots.models import Ballot
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


def boxes_of(meeting, scene):
    """main (主会场 main box), single (主会场 单列 box for 林海), sub (丁县分会场 main box)."""
    return (
        meeting.boxes.get(venue__is_main=True, recused_assessment__isnull=True),
        meeting.boxes.get(venue__is_main=True, recused_assessment=scene.county2),
        meeting.boxes.get(venue__is_main=False),
    )


@pytest.mark.req("MTG-1", "MTG-2", "MTG-3", "MTG-4", "MTG-5", "BAL-8")
def test_a_full_meeting_plan_slips_reports_phone_and_paper_votes_commentary_and_certified_count(scene, world):
    staff = world.organizer_staff
    meeting, plan, _boxes, slips = prepare(scene, world)
    meeting.refresh_from_db()
    assert meeting.plan == plan  # the plan went up and the meeting supersedes it
    main, single, sub = boxes_of(meeting, scene)
    assert meeting.boxes.count() == 3
    # Main room: 3 committee members + 2 grassroots, one of whom (林海) is a reporter. The main box rates
    # everybody but 林海 (5 slips); his 单列 box rates him alone, with a slip for everybody but him (4).
    assert len(slips[main.pk]) == 5 and len(slips[single.pk]) == 4 and len(slips[sub.pk]) == 2
    assert set(main.subject_assessments.values()) == {scene.county.pk, scene.organs.pk}
    assert list(single.subject_assessments.values()) == [scene.county2.pk]
    assert set(sub.subject_assessments.values()) == {scene.county.pk, scene.county2.pk, scene.organs.pk}
    # Guidance staff do not vote by default.
    assert set(main.box.categories.values_list("name", flat=True)) == {
        "党委（党组）班子成员",
        "基层党员干部群众代表",
    }

    drafts = commentary.draft_commentaries(actor=staff, meeting=meeting)
    presiding = [d for d in drafts if d.commenter.role == CommenterRole.PRESIDING]
    assert {d.assessment_id for d in presiding} == {scene.county.pk, scene.county2.pk, scene.organs.pk}
    assert [d.is_written for d in presiding if d.assessment_id == scene.organs.pk] == [True]

    # The day: reports heard in order, voting on phones (all boxes) and paper (main, 单列).
    meeting = services.start_meeting(actor=staff, meeting=meeting)
    for _ in range(2):
        meeting = services.advance_agenda(actor=staff, meeting=meeting)
    assert meeting.current_position is None
    assert voting.voting_state(meeting) == BoxStatus.DRAFT
    voting.open_voting(actor=staff, meeting=meeting)
    main_codes = [s.code for s in slips[main.pk]]
    single_codes = [s.code for s in slips[single.pk]]
    for code in main_codes[:2]:
        phone_vote(code, grade_all(main, "good"))
    phone_vote(main_codes[4], grade_all(main, "fairly_good"))
    for code in [s.code for s in slips[sub.pk]]:
        phone_vote(code, grade_all(sub, "fairly_good"))
    for code in single_codes[:3]:
        phone_vote(code, grade_all(single, "good"))
    turnout = voting.turnout(meeting)
    assert (turnout["used"], turnout["issued"]) == (8, 11)
    assert [r["name"] for r in turnout["boxes"]] == [
        "市委第一会议室",
        "市委第一会议室·单列：林海",
        "丁县分会场",
    ]
    paper = [
        (main, main_codes[2], {scene.county.pk: "average", scene.organs.pk: "good"}),
        (main, main_codes[3], {scene.county.pk: "good", scene.organs.pk: "poor"}),
        (single, single_codes[3], {scene.county2.pk: "average"}),
    ]
    if voting._counting() is not None:
        voting.stop_phone_voting(actor=staff, meeting=meeting)
        with pytest.raises(DomainError, match="不包含所录的述职人"):  # 林海 is not on the main 测评表
            voting.enter_paper_ballot(
                actor=staff,
                meeting_box=main,
                code=main_codes[2],
                ratings_by_assessment={scene.county.pk: "good", scene.county2.pk: "good"},
            )
        for box, code, ratings in paper:
            voting.enter_paper_ballot(actor=staff, meeting_box=box, code=code, ratings_by_assessment=ratings)
    else:  # ballot engine II not landed: the same marks on phones
        for box, code, ratings in paper:
            reverse = {a: s for s, a in box.subject_assessments.items()}
            phone_vote(code, {reverse[a]: g for a, g in ratings.items()})
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

    # One count over three boxes, exact per reporter: 7 voters; 林海 is rated by the 6 others.
    result = voting.consolidated_tally(meeting)
    chen, lin, zhou = (result.result(str(a.pk)) for a in (scene.county, scene.county2, scene.organs))
    assert chen.valid == 7 and chen.grade_counts == {"good": 3, "fairly_good": 3, "average": 1, "poor": 0}
    assert zhou.valid == 7 and zhou.grade_counts == {"good": 3, "fairly_good": 3, "average": 0, "poor": 1}
    assert lin.valid == 6 and lin.grade_counts == {"good": 3, "fairly_good": 2, "average": 1, "poor": 0}
    assert lin.abstentions == 0  # no box lists 林海 without him being rated there
    # The evaluations ballot component reads the same boxes by BoxSubject.assessment and adds them up.
    from shuping.evaluations.components import ballot_component

    component = ballot_component([scene.county, scene.county2, scene.organs])
    assert component[scene.county2.pk].facts["valid"] == 6
    assert component[scene.county2.pk].facts["grade_counts"] == lin.grade_counts
    assert component[scene.county.pk].facts["grade_counts"] == chen.grade_counts
    assert component[scene.organs.pk].facts["grade_counts"] == zhou.grade_counts
    if voting._counting() is not None:
        certificates = voting.certify(actor=staff, meeting=meeting, scrutineers="张三", counters="李四")
        assert len(certificates) == 3
        assert sum(c.figures["cast"] for c in certificates) == 11
        assert sum(c.figures["paper"] for c in certificates) == 3


@pytest.mark.req("MTG-2", "BAL-6")
def test_an_assessed_attendee_cannot_rate_themselves(scene, world):
    """林海 holds the main slip and no slip of the box that rates him: no credential of his can rate him."""
    meeting, _plan, _boxes, slips = prepare(scene, world)
    main, single, _sub = boxes_of(meeting, scene)
    # The only box at his venue that rates 林海 is his 单列 box, whose slips are one fewer than the
    # venue's voters in his category (基层代表 2 → 1): the slip he would have held does not exist.
    rating_boxes = [
        mb
        for mb in meeting.boxes.filter(venue=main.venue)
        if scene.county2.pk in mb.subject_assessments.values()
    ]
    assert rating_boxes == [single]
    counts = {c: n for c, n in _issued_per_category(single)}
    assert counts == {"党委（党组）班子成员": 3, "基层党员干部群众代表": 1}
    assert dict(_issued_per_category(main)) == {"党委（党组）班子成员": 3, "基层党员干部群众代表": 2}
    # A main-box slip cannot rate 林海: the box has no subject for him, and the engine refuses marks for a
    # subject it does not list.
    voting.open_voting(actor=world.organizer_staff, meeting=meeting)
    own_subject_elsewhere = next(s for s, a in single.subject_assessments.items() if a == scene.county2.pk)
    session = ballot_services.start_session(code=slips[main.pk][0].code)
    with pytest.raises(DomainError):
        ballot_services.submit_ballot(
            token=session.token, ratings={**grade_all(main, "good"), own_subject_elsewhere: "poor"}
        )
    ballot_services.submit_ballot(token=session.token, ratings=grade_all(main, "good"))
    result = voting.consolidated_tally(meeting)
    assert result.result(str(scene.county2.pk)).valid == 0
    assert result.result(str(scene.county.pk)).valid == 1


def _issued_per_category(mb):
    return [(t["name"], t["issued"]) for t in ballot_selectors.turnout(mb.box)["categories"]]


@pytest.mark.req("MTG-2", "BAL-6")
def test_every_box_has_many_voters_and_the_recused_reporters_main_ballot_looks_like_everyone_elses(
    scene, world
):
    meeting, _plan, _boxes, slips = prepare(scene, world)
    main, single, _sub = boxes_of(meeting, scene)
    # No box of the main room is a single voter's: main 5 slips, 单列 4.
    assert min(len(slips[mb.pk]) for mb in (main, single)) >= 4
    # Every main-box slip — 林海's included, whichever it is — draws the same ballot and stores a ballot
    # rating the same subjects: after sealing, the main box's rows differ only by category and marks.
    voting.open_voting(actor=world.organizer_staff, meeting=meeting)
    client = Client()
    offered = set()
    for n, slip in enumerate(slips[main.pk]):
        started = client.post("/v/session", {"code": slip.code}, content_type="application/json").json()
        offered.add(tuple(s["id"] for s in started["box"]["subjects"]))
        grades = ["good", "fairly_good", "average"]
        ratings = {s: grades[(n + i) % 3] for i, s in enumerate(main.subject_assessments)}
        ballot_services.submit_ballot(token=started["token"], ratings=ratings)
    assert len(offered) == 1
    assert {main.subject_assessments[str(s)] for s in next(iter(offered))} == {
        scene.county.pk,
        scene.organs.pk,
    }
    voting.close_voting(actor=world.organizer_staff, meeting=meeting)
    rows = list(Ballot.objects.filter(box=main.box).values_list("ratings", flat=True))
    assert len(rows) == 5 and {tuple(sorted(r)) for r in rows} == {tuple(sorted(main.subject_assessments))}
    main.box.refresh_from_db()
    single.box.refresh_from_db()
    assert main.box.is_sealed and single.box.is_sealed  # the meeting's boxes are sealed together


@pytest.mark.req("MTG-2", "BAL-6")
def test_a_recused_reporter_alone_in_their_category_is_warned_and_that_category_never_shows_alone(
    scene, world, client
):
    """林海 is the only 基层代表 in the room: his 单列 box has no 基层代表 slip (nobody else holds one), the
    main box's 基层代表 line would be his ballot alone — hidden below k (BAL-6) — and the set-up page says
    so before the boxes are made. The per-reporter count is still exact."""
    staff = world.organizer_staff
    meeting = scene.meeting
    services.set_agenda(actor=staff, meeting=meeting, assessments=[scene.county, scene.county2, scene.organs])
    room = meeting.venues.get()
    lin = Person.objects.get(name="林海")
    services.set_attendance(
        actor=staff, meeting=meeting, venue=room, category=AttendeeCategory.COMMITTEE_MEMBER, headcount=6
    )
    services.set_attendance(
        actor=staff,
        meeting=meeting,
        venue=room,
        category=AttendeeCategory.GRASSROOTS,
        headcount=1,
        attendees=[services.AttendeeInput("林海", "丁县委书记", person_id=lin.pk)],
    )
    client.force_login(staff)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "林海同志是市委第一会议室“基层党员干部群众代表”中唯一参加测评的人" in page
    assert "单列票箱（林海本人不领）" in page  # the plan is shown before the boxes are made

    voting.set_up_ballots(actor=staff, meeting=meeting)
    issued = {b.meeting_box.pk: b.slips for b in voting.issue_slips(actor=staff, meeting=meeting)}
    main = meeting.boxes.get(recused_assessment__isnull=True)
    single = meeting.boxes.get(recused_assessment=scene.county2)
    assert list(single.box.categories.values_list("name", flat=True)) == ["党委（党组）班子成员"]
    assert dict(_issued_per_category(single)) == {"党委（党组）班子成员": 6}
    assert dict(_issued_per_category(main)) == {"党委（党组）班子成员": 6, "基层党员干部群众代表": 1}

    voting.open_voting(actor=staff, meeting=meeting)
    for slip in issued[main.pk]:
        grade = "poor" if slip.category == "基层党员干部群众代表" else "good"
        phone_vote(slip.code, grade_all(main, grade))
    for slip in issued[single.pk]:
        phone_vote(slip.code, grade_all(single, "fairly_good"))
    voting.close_voting(actor=staff, meeting=meeting)

    # DSC-1: the lone 基层代表 ballot is never a line of its own, and never hidden either (the box total
    # minus the 班子成员 line would give it): it merges with the smallest published category.
    report = ballot_selectors.tally_report(main.box)
    lone = [g for g in report["groups"] if "基层党员干部群众代表" in g.categories]
    assert (
        len(lone) == 1
        and not lone[0].is_hidden
        and lone[0].categories
        == (
            "党委（党组）班子成员",
            "基层党员干部群众代表",
        )
    )
    for row in report["rows"]:
        assert all(len(g.categories) == 2 for g in row["release"].groups)
    api = client.get(f"/api/v1/ballot-boxes/{main.box.pk}/tally").json()
    assert api["categories"] == [
        {
            "label": "其他类别（合并）",
            "categories": ["党委（党组）班子成员", "基层党员干部群众代表"],
            "ballots": 7,
            "is_hidden": False,
        }
    ]
    result = voting.consolidated_tally(meeting)
    assert result.result(str(scene.county2.pk)).grade_counts == {
        "good": 0,
        "fairly_good": 6,
        "average": 0,
        "poor": 0,
    }
    assert result.result(str(scene.county.pk)).grade_counts == {
        "good": 6,
        "fairly_good": 0,
        "average": 0,
        "poor": 1,
    }


@pytest.mark.req("MTG-2")
def test_a_recused_reporter_alone_at_a_venue_is_rated_by_nobody_there_and_warned(scene, world):
    staff = world.organizer_staff
    meeting = scene.meeting
    services.set_agenda(actor=staff, meeting=meeting, assessments=[scene.county, scene.county2])
    sub = services.add_venue(actor=staff, meeting=meeting, name="丁县分会场")
    lin = Person.objects.get(name="林海")
    services.set_attendance(
        actor=staff,
        meeting=meeting,
        venue=meeting.venues.get(is_main=True),
        category=AttendeeCategory.COMMITTEE_MEMBER,
        headcount=7,
    )
    services.set_attendance(
        actor=staff,
        meeting=meeting,
        venue=sub,
        category=AttendeeCategory.GRASSROOTS,
        headcount=1,
        attendees=[services.AttendeeInput("林海", "丁县委书记", person_id=lin.pk)],
    )
    summary = voting.plan_summary(meeting)
    assert "林海同志是丁县分会场唯一参加测评的人：该会场没有人对其评价。" in summary["warnings"]
    boxes = voting.set_up_ballots(actor=staff, meeting=meeting)
    at_sub = [mb for mb in boxes if mb.venue_id == sub.pk]
    # One box at the 分会场: the main one, rating 陈志远 only; no box at all rates 林海 there.
    assert [list(mb.subject_assessments.values()) for mb in at_sub] == [[scene.county.pk]]


@pytest.mark.req("MTG-2", "BAL-6")
def test_a_meeting_whose_only_voter_is_the_recused_reporter_gets_no_box_and_says_why(scene, world):
    staff = world.organizer_staff
    meeting = scene.meeting
    services.set_agenda(actor=staff, meeting=meeting, assessments=[scene.county2])
    lin = Person.objects.get(name="林海")
    services.set_attendance(
        actor=staff,
        meeting=meeting,
        venue=meeting.venues.get(is_main=True),
        category=AttendeeCategory.COMMITTEE_MEMBER,
        headcount=1,
        attendees=[services.AttendeeInput("林海", "丁县委书记", person_id=lin.pk)],
    )
    with pytest.raises(DomainError, match="没有人可以参加测评") as refused:
        voting.set_up_ballots(actor=staff, meeting=meeting)
    assert refused.value.field == "attendance"
    assert not meeting.boxes.exists()


@pytest.mark.req("MTG-2")
def test_without_a_linked_person_there_is_no_single_box(scene, world):
    meeting, _plan, boxes, _slips = prepare(scene, world, recusing=False)
    assert not meeting.boxes.filter(recused_assessment__isnull=False).exists()
    assert len(boxes) == 2  # main room and the 分会场, each rating all three reporters
    assert all(len(mb.subject_assessments) == 3 for mb in boxes)


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

"""参照执行: a township runs 述职评议 of its village and community secretaries (一述一评, on-site rating,
民主测评) following the regulation; a county may take its villages in too. The scope proposal says 参照执行
instead of an Art. 3 paragraph, the township's shorter indicator set applies, and everything downstream —
meeting, ballot, grade, feedback, 整改 — runs unchanged (CMP-2, CMP-4)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from shuping.campaigns import indicators, rules, services
from shuping.campaigns.choices import CampaignRole, ReportingMode, Stage
from shuping.evaluations.tests.builders import advance
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization, create_person, create_secretaryship

VILLAGES = ("东村", "西村", "南村", "北村", "新华社区")


def _villages(world):
    secretary = create_person(actor=None, name="镇委赵书记")
    create_secretaryship(
        actor=None, person=secretary, organization=world.township, started_on=date(2020, 1, 1)
    )
    out = []
    for i, name in enumerate(VILLAGES):
        org = create_organization(
            name=f"中共{name}委员会" if "社区" in name else f"中共{name}支部委员会",
            short_name=f"{name}党组织",
            code=f"T-VIL-{i}",
            kind=OrgKind.VILLAGE_COMMITTEE,
            admin_level=AdminLevel.VILLAGE,
            parent=world.township,
        )
        person = create_person(actor=None, name=f"{name}书记")
        create_secretaryship(actor=None, person=person, organization=org, started_on=date(2019, 1, 1))
        out.append(org)
    return out


def _township_campaign(world):
    _villages(world)
    staff = world.organizer_staff
    campaign = services.create_campaign(actor=staff, organizer=world.township, year=2024)
    services.grant_campaign_role(actor=None, campaign=campaign, user=staff, role=CampaignRole.ORGANIZER_STAFF)
    return campaign


@pytest.mark.req("CMP-2", "CMP-3")
def test_a_townships_scope_proposes_its_village_secretaries_under_reference(world, login):
    campaign = _township_campaign(world)
    staff = world.organizer_staff
    client = login(staff)
    url = reverse("campaigns:wizard_scope", args=[campaign.pk])
    assert "参照《办法》执行" in client.get(url).content.decode()
    client.post(url + "propose/", {})
    rows = list(campaign.assessments.all())
    assert len(rows) == len(VILLAGES)
    for a in rows:
        assert a.rule_code == rules.RULE_VILLAGES_BY_REFERENCE and a.paragraph == "参照执行"
        assert "第三条" not in a.rule_text and "参照《办法》执行" in a.rule_text
        assert a.is_graded and a.reporting_mode == ReportingMode.ON_SITE  # 一述一评
    page = client.get(url).content.decode()
    assert "参照《办法》执行" in page and "《办法》参照执行" not in page


@pytest.mark.req("CMP-2")
def test_a_county_may_take_in_its_villages_by_reference_beside_its_townships(world, login):
    _villages(world)
    staff = world.organizer_staff
    campaign = services.create_campaign(actor=staff, organizer=world.county, year=2024)
    services.grant_campaign_role(actor=None, campaign=campaign, user=staff, role=CampaignRole.ORGANIZER_STAFF)
    client = login(staff)
    url = reverse("campaigns:wizard_scope", args=[campaign.pk])
    assert f"纳入全部 {len(VILLAGES)} 名村（社区）党组织书记" in client.get(url).content.decode()
    services.apply_scope_proposal(actor=staff, campaign=campaign)
    assert not campaign.assessments.filter(rule_code=rules.RULE_VILLAGES_BY_REFERENCE).exists()
    assert campaign.assessments.filter(
        organization=world.township, paragraph="第三条第二款（参照进行）"
    ).exists()
    client.post(url + "propose/", {"villages": "1"})
    villages = campaign.assessments.filter(rule_code=rules.RULE_VILLAGES_BY_REFERENCE)
    assert villages.count() == len(VILLAGES) and set(villages.values_list("paragraph", flat=True)) == {
        "参照执行"
    }


@pytest.mark.req("CMP-4")
def test_village_secretaries_get_the_townships_shorter_indicator_set(world):
    campaign = _township_campaign(world)
    village_set = indicators.create_set_from_template(
        actor=world.organizer_staff,
        campaign=campaign,
        kind=OrgKind.VILLAGE_COMMITTEE,
        level=AdminLevel.VILLAGE,
    )
    township = indicators.template_for(OrgKind.TOWNSHIP_COMMITTEE, AdminLevel.TOWNSHIP)
    general = indicators.load_templates()[-1]
    assert village_set.name == indicators.VILLAGE_SET_NAME
    assert [i.text for i in village_set.indicators.order_by("position")] == [
        t[1] for t in township["indicators"]
    ]
    assert village_set.indicators.count() <= len(general["indicators"])


@pytest.mark.req("CMP-2", "MTG-1", "BAL-1", "EVA-2", "EVA-5", "RCT-1")
def test_a_village_campaign_runs_downstream_unchanged(world):
    """Meeting with 一述一评 and 民主测评, grades (quota group 村（社区）), feedback and a closed 整改 item."""
    from shuping.ballots import services as ballot_services
    from shuping.evaluations import services as evaluation_services
    from shuping.evaluations.choices import StepKind
    from shuping.feedback import services as feedback_services
    from shuping.meetings import commentary, voting
    from shuping.meetings import services as meeting_services
    from shuping.meetings.choices import AttendeeCategory, CommenterRole, MeetingStatus
    from shuping.meetings.commentary import ProblemInput
    from shuping.rectification import services as rectification_services

    staff = world.organizer_staff
    campaign = _township_campaign(world)
    services.apply_scope_proposal(actor=staff, campaign=campaign)
    campaign = services.confirm_scope(actor=staff, campaign=campaign)
    assessments = list(campaign.assessments.order_by("organization_path"))
    assert {(a.paragraph, a.reporting_mode, a.is_graded) for a in assessments} == {
        ("参照执行", ReportingMode.ON_SITE, True)
    }
    for a in assessments:
        advance(a, Stage.MEETING, staff)

    meeting = meeting_services.create_meeting(
        actor=staff, campaign=campaign, held_on=campaign.meetings_start_on, venue="镇党委会议室"
    )
    assert meeting.presiding_name == "镇委赵书记"
    meeting_services.set_agenda(actor=staff, meeting=meeting, assessments=assessments)
    meeting_services.set_attendance(
        actor=staff,
        meeting=meeting,
        venue=meeting.venues.get(),
        category=AttendeeCategory.GRASSROOTS,
        headcount=8,
    )
    voting.set_up_ballots(actor=staff, meeting=meeting)
    [slips] = voting.issue_slips(actor=staff, meeting=meeting)
    meeting = meeting_services.start_meeting(actor=staff, meeting=meeting)
    voting.open_voting(actor=staff, meeting=meeting)
    box = meeting.boxes.get()
    for slip in slips.slips:
        session = ballot_services.start_session(code=slip.code)
        ballot_services.submit_ballot(
            token=session.token, ratings={subject: "good" for subject in box.subject_assessments}
        )
    voting.close_voting(actor=staff, meeting=meeting)
    meeting = meeting_services.end_meeting(actor=staff, meeting=meeting)
    assert meeting.status == MeetingStatus.HELD
    for draft in commentary.draft_commentaries(actor=staff, meeting=meeting):
        if draft.commenter.role == CommenterRole.PRESIDING:
            commentary.finalise_commentary(
                actor=staff,
                commentary=draft,
                remarks="履职尽责，村级组织建设有进步。",
                direction="抓好集体经济。",
                problems=[ProblemInput("村集体经济增收渠道单一")],
            )
    for a in assessments:
        a.refresh_from_db()
        advance(a, Stage.EVALUATION, staff)

    evaluations = evaluation_services.start_evaluations(actor=staff, campaign=campaign)
    evaluation_services.compute_composites(actor=staff, campaign=campaign)
    for i, e in enumerate(evaluations):
        evaluation_services.propose_grade(
            actor=staff, evaluation=e, grade="较好" if i == 0 else "好", reason="综合研判"
        )
    for kind, ref in (
        (StepKind.SECTION_DRAFT, "拟定稿"),
        (StepKind.DEPARTMENT_MEETING, "组织委员会议记录"),
        (StepKind.COMMITTEE, "镇党委会议纪要〔2025〕1号"),
    ):
        evaluation_services.record_step(
            actor=staff,
            campaign=campaign,
            kind=kind,
            evaluations=evaluations,
            held_on=date(2025, 1, 20),
            minutes_reference=ref,
        )  # the 村（社区） group of 5 meets the 15 % share with one 较好: no reason needed
    released, refused = feedback_services.release_all(actor=staff, campaign=campaign)
    assert released == len(VILLAGES) and refused == []
    first = campaign.assessments.order_by("organization_path").first()
    assert first.stage == Stage.RECTIFICATION and first.evaluation.final_grade == "较好"
    assert first.evaluation.components["ballot"]["score"] is not None

    rectification = rectification_services.start_list(actor=staff, assessment=first)
    item = rectification.items.first()
    assert item is not None and "集体经济" in item.problem
    rectification_services.update_item(
        actor=staff,
        item=item,
        problem=item.problem,
        measures="发展村级合作社",
        responsible=first.person_name,
        deadline=item.deadline,
    )
    rectification_services.submit_list(actor=staff, rectification_list=rectification)
    rectification_services.confirm_list(actor=staff, rectification_list=rectification)
    services.add_liaison(actor=staff, assessment=first, user=world.liaison)  # the village's 联络员
    rectification_services.add_progress(
        actor=world.liaison, item=item, text="合作社已注册运营", marks_done=True
    )
    rectification_services.close_items(actor=staff, items=[item])
    item.refresh_from_db()
    assert item.status == "closed"

"""Pages: 点评稿 hidden from the assessee and liaison (EVA-9), the meeting-day screen shows no tally unless
announced on the spot (MTG-4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuping.meetings import commentary, services, views, voting
from shuping.meetings.choices import CommenterRole

from .test_meeting import grade_all, phone_vote, prepare

SECRET = "请重点指出其软弱涣散党组织整顿不彻底"


def _drafted(scene, world):
    meeting, _plan, _boxes, slips = prepare(scene, world)
    drafts = commentary.draft_commentaries(actor=world.organizer_staff, meeting=meeting)
    target = next(
        d
        for d in drafts
        if d.assessment_id == scene.county.pk and d.commenter.role == CommenterRole.PRESIDING
    )
    commentary.save_draft(actor=world.organizer_staff, commentary=target, draft_text=SECRET)
    return meeting, target, slips


@pytest.mark.req("EVA-9", "MTG-3")
def test_drafts_are_hidden_from_the_assessee_and_liaison(scene, world, client):
    meeting, target, _slips = _drafted(scene, world)
    url = reverse("meetings:commentary", args=[meeting.pk, target.pk])
    for persona in ("assessee", "liaison", "guidance_staff"):
        client.force_login(world.users[persona])
        page = client.get(reverse("meetings:detail", args=[meeting.pk]))
        assert page.status_code == 200
        assert SECRET not in page.content.decode()
        assert "点评稿 / 录入" not in page.content.decode()
        assert client.get(url).status_code == 403
        api = client.get(f"/api/v1/meetings/{meeting.pk}")
        assert api.status_code == 200 and SECRET not in api.content.decode()
    for persona in ("organizer_staff", "department_leader"):
        client.force_login(world.users[persona])
        assert SECRET in client.get(url).content.decode()


@pytest.mark.req("EVA-9", "MTG-3")
def test_final_commentary_stays_hidden_from_the_assessee_until_the_decision(scene, world, client):
    meeting, target, _slips = _drafted(scene, world)
    services.start_meeting(actor=world.organizer_staff, meeting=meeting)
    commentary.finalise_commentary(
        actor=world.organizer_staff,
        commentary=target,
        remarks="思路清晰，抓得有力。",
        direction="持续用力。",
        problems=[],
    )
    client.force_login(world.assessee)
    assert "思路清晰" not in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    client.force_login(world.guidance_staff)
    assert "思路清晰" in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()


@pytest.mark.req("MTG-4")
def test_the_day_screen_shows_turnout_but_no_tally_unless_announced(scene, world, client):
    meeting, _target, slips = _drafted(scene, world)
    staff = world.organizer_staff
    client.force_login(staff)
    assert client.post(reverse("meetings:day_start", args=[meeting.pk])).status_code == 302
    client.post(reverse("meetings:day_open_voting", args=[meeting.pk]))
    main = meeting.boxes.get(venue__is_main=True, recused_assessment__isnull=True)
    phone_vote(slips[main.pk][0].code, grade_all(main, "good"))
    live = client.get(reverse("meetings:day_live", args=[meeting.pk])).content.decode()
    assert "1 / 11" in live and "陈志远" in live
    client.post(reverse("meetings:day_close_voting", args=[meeting.pk]))
    page = client.get(reverse("meetings:day", args=[meeting.pk])).content.decode()
    assert "测评结果在党委研究前保密" in page and "测评结果（当场公布）" not in page
    assert voting.voting_state(meeting) == "closed"


@pytest.mark.req("MTG-4")
def test_announcing_on_the_spot_shows_the_count_once_sealed(scene, world, client):
    staff = world.organizer_staff
    scene.meeting.announces_on_spot = True
    scene.meeting.save(update_fields=["announces_on_spot"])
    meeting, _target, slips = _drafted(scene, world)
    voting.open_voting(actor=staff, meeting=meeting)
    main = meeting.boxes.get(venue__is_main=True, recused_assessment__isnull=True)
    phone_vote(slips[main.pk][0].code, grade_all(main, "good"))
    voting.close_voting(actor=staff, meeting=meeting)
    client.force_login(staff)
    page = client.get(reverse("meetings:day", args=[meeting.pk])).content.decode()
    assert "测评结果（当场公布）" in page


def test_the_list_and_plan_pages_render(scene, world, client):
    client.force_login(world.organizer_staff)
    assert "市委第一会议室" in client.get(reverse("meetings:list")).content.decode()
    page = client.post(
        reverse("meetings:create", args=[scene.campaign.pk]),
        {
            "form": "committee",
            "held_on": scene.campaign.meetings_end_on.isoformat(),
            "venue": "二号会议室",
            "commentary_mode": "concentrated",
        },
    )
    assert page.status_code == 302
    assert scene.campaign.meetings.count() == 2
    refused = client.post(
        reverse("meetings:create", args=[scene.campaign.pk]),
        {"form": "committee", "held_on": "", "venue": "三号会议室", "commentary_mode": "concentrated"},
    )
    assert refused.status_code == 400 and 'value="三号会议室"' in refused.content.decode()
    assert scene.campaign.meetings.count() == 2


@pytest.mark.req("MTG-2", "BAL-2")
def test_the_slips_page_prints_the_single_slips_apart_and_says_who_does_not_take_them(scene, world, client):
    staff = world.organizer_staff
    meeting = scene.meeting
    # Everything up to the boxes, then the slips through the page (prepare issues them itself).
    services.set_agenda(actor=staff, meeting=meeting, assessments=[scene.county, scene.county2])
    lin = scene.county2.person
    services.set_attendance(
        actor=staff,
        meeting=meeting,
        venue=meeting.venues.get(),
        category="committee_member",
        headcount=6,
        attendees=[services.AttendeeInput(lin.name, "丁县委书记", person_id=lin.pk)],
    )
    voting.set_up_ballots(actor=staff, meeting=meeting)
    client.force_login(staff)
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "（述职人，回避本人）" in detail and "市委第一会议室·单列：林海" in detail
    page = client.post(reverse("meetings:slips", args=[meeting.pk]))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "不领对本人的单列测评票" in html
    assert "对<strong>林海</strong>同志的单列测评票：除林海同志本人外" in html
    assert "测评表不列林海" in html
    assert html.count('class="slip"') == 6 + 5  # main: all six; 单列: all but 林海


@pytest.mark.req("BAL-2")
def test_a_slips_page_that_fails_to_render_leaves_no_slips_behind(scene, world, client, monkeypatch):
    """The codes exist only in that response: if rendering fails, the issue is rolled back, so the clerk can
    simply print again instead of holding credentials whose codes nobody saw."""
    from shuping.ballots.models import Credential

    staff = world.organizer_staff
    meeting = scene.meeting
    services.set_agenda(actor=staff, meeting=meeting, assessments=[scene.county, scene.county2])
    services.set_attendance(
        actor=staff, meeting=meeting, venue=meeting.venues.get(), category="committee_member", headcount=4
    )
    voting.set_up_ballots(actor=staff, meeting=meeting)
    client.force_login(staff)

    def broken(_text):
        raise RuntimeError("QR 生成失败")

    monkeypatch.setattr(views, "qr_svg", broken)
    client.raise_request_exception = False
    failed = client.post(reverse("meetings:slips", args=[meeting.pk]))
    assert failed.status_code == 500
    assert not Credential.objects.filter(box__meeting_link__meeting=meeting).exists()
    monkeypatch.undo()
    page = client.post(reverse("meetings:slips", args=[meeting.pk]))
    assert page.status_code == 200 and page.content.decode().count('class="slip"') == 4
    assert Credential.objects.filter(box__meeting_link__meeting=meeting).count() == 4


@pytest.mark.req("MTG-2", "BAL-1")
def test_a_meeting_box_page_links_back_to_its_meeting_and_says_what_it_rates(scene, world, client):
    meeting, _plan, _boxes, _slips = prepare(scene, world)
    single = meeting.boxes.get(recused_assessment=scene.county2)
    main = meeting.boxes.get(venue__is_main=True, recused_assessment__isnull=True)
    client.force_login(world.organizer_staff)
    page = client.get(reverse("ballots:detail", args=[single.box.pk])).content.decode()
    assert reverse("meetings:detail", args=[meeting.pk]) in page
    assert "单列：林海，本人回避" in page
    page = client.get(reverse("ballots:detail", args=[main.box.pk])).content.decode()
    assert "·主票箱" in page and reverse("meetings:detail", args=[meeting.pk]) in page


@pytest.mark.req("BAL-6", "MTG-2")
def test_a_meeting_box_with_fewer_than_k_ballots_shows_no_tally_of_its_own(scene, world, client):
    """A 分会场 with two voters: its own tally would single them out, so the box's tally page and API give
    no results — its ballots count only in the meeting's consolidated result, which includes them."""
    staff = world.organizer_staff
    meeting, _plan, _boxes, slips = prepare(scene, world)
    sub = meeting.boxes.get(venue__is_main=False)
    voting.open_voting(actor=staff, meeting=meeting)
    for slip in slips[sub.pk]:
        phone_vote(slip.code, grade_all(sub, "good"))
    voting.close_voting(actor=staff, meeting=meeting)
    client.force_login(staff)
    page = client.get(reverse("ballots:tally", args=[sub.box.pk])).content.decode()
    assert "合并计票的一部分" in page and 'id="tally"' not in page
    assert reverse("meetings:detail", args=[meeting.pk]) + "#results" in page
    api = client.get(f"/api/v1/ballot-boxes/{sub.box.pk}/tally")
    assert api.status_code == 409 and "只计入合并结果" in api.json()["detail"]
    combined = voting.consolidated_tally(meeting)
    assert combined.result(str(scene.county.pk)).grade_counts["good"] == 2  # counted in the meeting's result


@pytest.mark.req("FLOW-1", "SEC-2")
def test_box_names_link_only_for_those_who_may_open_the_box(scene, world, client):
    """Every link a persona is shown opens: guidance staff see the boxes' state, not a link to a 404."""
    import re

    meeting, _target, _slips = _drafted(scene, world)
    box_links = re.compile(r'href="/ballots/(\d+)/"')
    client.force_login(world.guidance_staff)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "主票箱" in page and not box_links.search(page)
    client.force_login(world.organizer_staff)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    links = box_links.findall(page)
    assert links and all(client.get(f"/ballots/{pk}/").status_code == 200 for pk in links)

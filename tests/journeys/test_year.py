"""One campaign year in Chromium, phase by phase, each role in its own browser context (issue 15).

Each phase builds its own preconditions through services and then walks the year's user actions through
the pages, asserting what each page shows. The phases run in the order of the year; the last test reads
the grassroots burden the phases counted (为基层减负).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from shuping.campaigns import services as campaign_services
from shuping.campaigns.models import Campaign
from shuping.fieldwork.models import FieldAssessment
from shuping.reports.models import Report

from .cast import YEAR, build_county
from .conftest import BURDEN

pytestmark = [pytest.mark.journey, pytest.mark.req("FLOW-1")]

#: The roles whose year is counted (为基层减负): the township secretary, the liaison, the county clerk.
SECRETARY, LIAISON, CLERK = "乡镇党委书记", "联络员", "县委组织部干事"


def _open_campaign(actor, campaign):
    """Home → 述职评议考核 → the campaign's row: the campaign's page (its stage board)."""
    actor.menu("述职评议考核")
    return actor.click(campaign.title, exact=True)


def _open_meeting(actor, meeting):
    """Home → 述职评议会 → the meeting's row."""
    actor.menu("述职评议会")
    return actor.click(meeting.title, exact=True)


def _open_report(actor, organization):
    """Home → 述职报告 → 打开 on the organization's row."""
    page = actor.menu("述职报告")
    return actor.click("打开", within=page.locator("tr", has_text=organization.name))


REPORT = {
    "achievements": "全年主持召开镇党委党建专题会议6次，推动2个软弱涣散村党组织完成整顿，新建村级党群服务站3个。",
    "problems": "对软弱涣散村党组织整顿跟踪问效不够，青石村整顿后班子仍不团结。\n发展党员把关不严，抽查的12份档案中有2份程序不全。",
    "causes": "对基层党建工作的复杂性认识不足，督导以听汇报为主，到村现场看得少。",
    "measures": "建立镇领导包村联系制度，每月到村一次；对发展党员档案开展全面复查。",
}


def test_the_county_year_from_the_province_notice_to_reports_and_the_meeting_plan(world, actors):
    county = build_county(world)
    top = campaign_services.create_campaign(actor=world.organizer_staff, organizer=world.province, year=YEAR)

    province = actors(world.organizer_staff)
    page = _open_campaign(province, top)
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(YEAR))
    title = f"关于开展{YEAR}年度党委（党组）书记抓基层党建工作述职评议考核的通知"
    province.fill(page.get_by_label("通知标题"), title)
    province.fill(page.get_by_label("重点内容"), "聚焦提升组织力；注重上年度整改清单落实情况。")
    province.shot("staff-campaign-notice")
    page.get_by_role("button", name="发布通知").click()
    expect(page.get_by_text("工作通知已发布")).to_be_visible()
    expect(page.get_by_text(f"《{title}》")).to_be_visible()

    staff = actors(county.staff, burden=CLERK)
    staff.menu("述职评议考核")
    page = staff.click("开展年度述职评议考核")
    page.get_by_label("组织单位").select_option(label=county.county.name)
    staff.fill(page.get_by_label("考核年度"), str(YEAR))
    page.get_by_label("依据上级通知（可选）").select_option(index=1)
    expect(page.get_by_label("依据上级通知（可选）")).to_contain_text(title)
    staff.shot("staff-wizard-start")
    page.get_by_role("button", name="下一步：审核考核对象").click()
    expect(page.get_by_text("请审核考核对象名单")).to_be_visible()
    staff.check()
    page.get_by_role("button", name="生成建议名单").click()
    for township in county.townships:
        expect(page.get_by_text(township.name).first).to_be_visible()
    expect(page.get_by_text("刘洋").first).to_be_visible()
    staff.check()
    staff.shot("staff-wizard-scope")
    page.get_by_role("button", name="确认考核对象名单").click()
    expect(page.get_by_text("考核对象名单已确认").first).to_be_visible()

    campaign = Campaign.objects.get(organizer=world.county, year=YEAR)
    assert campaign.source_notice.title == title
    assert campaign.is_scope_confirmed
    assert campaign.assessments.filter(is_excluded=False).count() == len(county.townships)
    page = _open_campaign(staff, campaign)
    expect(page.get_by_text(f"依据 {world.province.display_name}《{title}》")).to_be_visible()
    staff.shot("staff-campaign-board")

    # The liaison drafts 丙镇's report online; names, organization and post are already on the page.
    liaison = actors(county.liaison, burden=LIAISON)
    page = liaison.menu("述职报告")
    row = page.locator("tr", has_text=county.township.name)
    expect(row).to_contain_text("刘洋")
    expect(row).to_contain_text("未开始")
    liaison.shot("liaison-reports")
    liaison.click("打开", within=row)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{county.township.name} · 刘洋")
    for label, key in (
        ("一、工作成效", "achievements"),
        ("二、存在的突出问题（必填）", "problems"),
        ("三、原因分析", "causes"),
        ("四、破解措施", "measures"),
    ):
        liaison.fill(page.get_by_label(label, exact=True), REPORT[key])
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("草稿")).to_be_visible()
    liaison.shot("liaison-report-draft")
    page.get_by_role("button", name="提交组织部门").click()
    expect(page.get_by_text("述职报告已提交组织部门")).to_be_visible()
    expect(page.get_by_text("（第 1 次）")).to_be_visible()

    # The county returns it: the problems are not specific enough.
    assessment = campaign.assessments.get(organization=county.township)
    page = _open_report(staff, county.township)
    expect(page.get_by_role("heading", name="审核")).to_be_visible()
    staff.fill(
        page.get_by_label("退回修改意见（退回时必填）"), "问题查摆要写清村名和数字，第二条请补充整改时限。"
    )
    staff.shot("staff-report-review")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_text("已退回修改，并通知起草人。")).to_be_visible()

    # The liaison sees why, changes only the problems (the rest is kept) and resubmits.
    page = liaison.todo("修改并重新提交")
    expect(page.get_by_role("heading", name="组织部门退回意见")).to_be_visible()
    expect(page.get_by_text("问题查摆要写清村名和数字")).to_be_visible()
    expect(page.get_by_label("一、工作成效", exact=True)).to_have_value(REPORT["achievements"])
    expect(page.get_by_label("四、破解措施", exact=True)).to_have_value(REPORT["measures"])
    liaison.shot("liaison-report-returned")
    liaison.fill(
        page.get_by_label("二、存在的突出问题（必填）", exact=True),
        "青石村党支部整顿后班子仍不团结，2024年两次换届推荐未达半数。\n"
        "发展党员把关不严，抽查的12份档案中有2份缺少政审材料，2025年3月底前全部补齐。",
    )
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="提交组织部门").click()
    expect(page.get_by_text("述职报告已提交组织部门")).to_be_visible()
    expect(page.get_by_text("（第 2 次）")).to_be_visible()

    page = _open_report(staff, county.township)
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("述职报告已审核通过")).to_be_visible()
    report = Report.objects.get(assessment=assessment)
    assert report.status == "accepted" and report.submission_count == 2

    # The township secretary reads the accepted report without typing anything.
    secretary = actors(county.secretary, burden=SECRETARY)
    page = _open_report(secretary, county.township)
    expect(page.get_by_text("青石村党支部整顿后班子仍不团结")).to_be_visible()
    expect(page.get_by_role("button", name="提交组织部门")).to_have_count(0)
    secretary.shot("assessee-report")

    # The meeting plan goes up to the province, which sees it on its calendar of lower meetings.
    page = _open_campaign(staff, campaign)
    staff.fill(page.get_by_label("会议日期"), campaign.meetings_start_on.isoformat())
    staff.fill(page.get_by_label("地点"), "乙县委常委会议室")
    staff.fill(page.get_by_label("议程"), "一、乡镇党委书记现场述职；二、县委书记点评；三、民主评议。")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_text("会议方案已报送上级")).to_be_visible()
    expect(page.get_by_text("乙县委常委会议室")).to_be_visible()

    # One field team covers the fifteen townships: one submit for the team, one for all its assessees (FLOW-4).
    _open_campaign(staff, campaign)
    page = staff.click("实地考核安排")
    page.get_by_label("组长").select_option(label=county.leader.display_name)
    page.get_by_role("button", name="组建").click()
    expect(page.get_by_text("已组建“第1考核组”。")).to_be_visible()
    staff.check()
    picks = page.get_by_role("group", name=re.compile("考核对象（可多选"))
    for township in county.townships:
        picks.get_by_label(township.name).check()
    staff.shot("staff-field-plan")
    before = BURDEN[CLERK].submits
    page.get_by_role("button", name="为勾选的对象安排实地考核").click()
    expect(
        page.get_by_text(f"已为“第1考核组”安排 {len(county.townships)} 个考核对象的实地考核。")
    ).to_be_visible()
    assert FieldAssessment.objects.filter(team__campaign=campaign).count() == len(county.townships)
    assert BURDEN[CLERK].submits - before == 1  # fifteen assessees, one submit
    _open_campaign(province, top)
    page = province.click("下级述职评议会日程")
    expect(page.get_by_text(world.county.display_name).first).to_be_visible()
    province.shot("staff-lower-meetings-calendar")


PHONE_VOTERS = 30
PAPER_SLIPS = 5
GRADES = ["good", "fairly_good", "average", "poor"]


def _grade(voter: int, subject: int) -> int:
    """Voter i's choice for subject j: mostly 好, spread so every subject's counts differ."""
    return 0 if voter % 3 == 0 else (voter + subject) % 4


def _tab_until(page, script: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(script):
            return
    raise AssertionError(f"Tab never reached: {script}")


def test_the_meeting_runs_with_thirty_phones_a_stack_of_paper_slips_and_every_reporter_commented_on(
    world, actors
):
    from shuping.ballots import selectors as ballot_selectors
    from shuping.meetings import services as meeting_services
    from shuping.meetings import voting
    from shuping.meetings.choices import AttendeeCategory, CommenterRole
    from shuping.meetings.tests.conftest import build_scene

    scene = build_scene(world)
    staff_user = world.organizer_staff
    meeting = scene.meeting
    reporters = [scene.county, scene.county2, scene.organs]
    main = meeting.venues.get()
    meeting_services.set_agenda(actor=staff_user, meeting=meeting, assessments=reporters)
    meeting_services.set_attendance(
        actor=staff_user, meeting=meeting, venue=main, category=AttendeeCategory.COMMITTEE_MEMBER, headcount=7
    )
    meeting_services.set_attendance(
        actor=staff_user, meeting=meeting, venue=main, category=AttendeeCategory.GRASSROOTS, headcount=28
    )
    meeting_services.add_commenter(
        actor=staff_user, meeting=meeting, role=CommenterRole.MEMBER, name="王伟", portfolio="组织工作"
    )

    staff = actors(staff_user)
    page = staff.todo("筹备述职评议会")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("button", name="按述职人和参会人员建立票箱").click()
    expect(page.get_by_text("已建立测评票箱")).to_be_visible()
    page.get_by_role("button", name="按问题对照表起草点评稿").click()
    expect(page.get_by_text("已起草点评稿")).to_be_visible()
    staff.check()
    staff.shot("staff-meeting")
    page.get_by_role("button", name="生成并打印凭条").click()
    expect(page.get_by_role("heading", name="投票凭条")).to_be_visible()
    codes = [c.replace("-", "") for c in page.locator(".slip code").all_inner_texts()]
    assert len(codes) == PHONE_VOTERS + PAPER_SLIPS
    staff.shot("staff-meeting-slips")

    _open_meeting(staff, meeting)
    page = staff.click("会议当天操作屏")
    page.get_by_role("button", name="开始会议").click()
    expect(page.locator(".now-name")).to_contain_text(reporters[0].person_name)
    page.get_by_role("button", name="开始投票").click()
    expect(page.get_by_text("已开始投票")).to_be_visible()
    meeting_box = meeting.boxes.get()
    box = meeting_box.box
    subjects = list(box.subjects.all())
    assert len(subjects) == len(reporters)

    # Thirty phones, each its own context at 360 px; voter 0 uses the keyboard only.
    receipts = []
    for voter, code in enumerate(codes[:PHONE_VOTERS]):
        phone = actors(phone=True)
        vote = phone.page
        if voter == 0:
            phone.visit("/v/")
            phone.check()
            phone.shot("voter-code")
            vote.locator("#code").focus()
            vote.keyboard.type(code.lower())
            vote.keyboard.press("Enter")
        else:
            phone.visit(f"/v/#{code}")  # what the printed slip's QR code opens
        vote.wait_for_selector("#step-ballot:not([hidden])")
        assert "#" not in vote.url  # the credential left the address bar
        if voter == 0:
            phone.check()
            for index, subject in enumerate(subjects):
                _tab_until(
                    vote,
                    f"document.activeElement.name && document.activeElement.closest('#subject-{subject.pk}') !== null",
                )
                for _ in range(_grade(voter, index)):
                    vote.keyboard.press("ArrowDown")
                vote.keyboard.press("Space")
            phone.shot("voter-ballot")
            _tab_until(vote, "document.activeElement.textContent.includes('下一步：核对')")
            vote.keyboard.press("Enter")
            vote.wait_for_selector("#step-review:not([hidden])")
            phone.check()
            phone.shot("voter-review")
            _tab_until(vote, "document.activeElement.id === 'submit'")
            vote.keyboard.press("Enter")
        else:
            for index, subject in enumerate(subjects):
                vote.locator(f"#subject-{subject.pk} .grades label").nth(_grade(voter, index)).click()
            vote.click("text=下一步：核对")
            vote.wait_for_selector("#step-review:not([hidden])")
            vote.click("#submit")
        vote.wait_for_selector("#step-done:not([hidden])")
        receipts.append(vote.inner_text("#receipt").strip())
        if voter == 0:
            phone.check()
            phone.shot("voter-done")
        phone.close()
    assert len(set(receipts)) == PHONE_VOTERS

    # The day screen stayed open on the organizer's screen; its turnout refreshes itself.
    expect(page.get_by_text(f"{PHONE_VOTERS} / {PHONE_VOTERS + PAPER_SLIPS}")).to_be_visible(timeout=12000)
    staff.shot("staff-meeting-day")
    page.get_by_role("button", name="停止手机投票（继续录入纸质票）").click()

    # The paper slips are keyed in with the keyboard alone: code, one number key per reporter, count, Enter.
    page = staff.click("录入纸质票")
    expect(page.get_by_role("heading", level=1)).to_contain_text("纸质票录入")
    paper_grades = []
    for n, code in enumerate(codes[PHONE_VOTERS:]):
        keys = [str(1 + (n + j) % 4) for j in range(len(subjects))]
        paper_grades.append(keys)
        page.locator("#code").focus() if n == 0 else None
        page.keyboard.type(code)
        expect(page.locator("#step-marks")).to_be_visible()
        for key in keys:
            page.keyboard.press(key)
        expect(page.locator("#count")).to_be_focused()
        expect(page.locator("#current-label")).to_have_text("本张已录完，填写核对数后按 Enter 保存")
        page.keyboard.type(str(len(subjects)))
        if n == 0:
            staff.shot("staff-paper-entry")
        page.keyboard.press("Enter")
        expect(page.locator("#status")).to_contain_text("已录入")
        expect(page.locator("#mine")).to_have_text(str(n + 1))
        expect(page.locator("#code")).to_be_focused()
    staff.check()

    _open_meeting(staff, meeting)
    page = staff.click("会议当天操作屏")
    page.get_by_role("button", name="结束投票并封箱").click()
    expect(page.get_by_text("测评结果在党委研究前保密")).to_be_visible()
    page.get_by_role("button", name="会议结束").click()
    expect(page.get_by_text("已召开")).to_be_visible()

    result = voting.consolidated_tally(meeting)
    assert result.valid_ballots == PHONE_VOTERS + PAPER_SLIPS
    for index, assessment in enumerate(reporters):
        expected = {g: 0 for g in GRADES}
        for voter in range(PHONE_VOTERS):
            expected[GRADES[_grade(voter, index)]] += 1
        for keys in paper_grades:
            expected[GRADES[int(keys[index]) - 1]] += 1
        assert result.result(str(assessment.pk)).grade_counts == expected
    assert ballot_selectors  # tallies are read only through the meeting's consolidated count

    # Every reporter's 点评 finalised on one page: the drafts are prefilled, each row entered on its commenter's
    # behalf (代录), one submit for the meeting (FLOW-4).
    presiding = meeting.commentaries.filter(commenter__role=CommenterRole.PRESIDING)
    assert presiding.count() == len(reporters)
    _open_meeting(staff, meeting)
    page = staff.click("在一页录入全部点评定稿")
    rows = _finalise_all(staff, page)
    staff.shot("staff-commentary")
    page.get_by_role("button", name="保存勾选的点评定稿").click()
    expect(page.get_by_text(f"已代录 {rows} 条点评定稿。")).to_be_visible()
    expect(page.get_by_text("由 " + staff_user.display_name + " 代马建国录入").first).to_be_visible()
    assert presiding.filter(status="final").count() == len(reporters)


DIRECTIONS = ("聚焦", "持续", "着力", "抓实", "压实")


def _finalise_all(actor, page) -> int:
    """On the 点评定稿 page: keep each prefilled draft, write each row's 努力方向 (different for each
    reporter); every row is ticked 定稿 already. Returns the number of rows."""
    rows = page.locator("fieldset.cb-row")
    count = rows.count()
    assert count > 0
    for n in range(count):
        row = rows.nth(n)
        expect(row.get_by_role("checkbox", name="定稿")).to_be_checked()
        remarks = row.get_by_label("点评意见")
        if not remarks.input_value().strip():
            actor.fill(remarks, f"第{n + 1}位述职人抓基层党建思路清晰，措施有力（{n + 1}）。")
        actor.fill(
            row.get_by_label("努力方向"),
            f"{DIRECTIONS[n % len(DIRECTIONS)]}软弱涣散党组织整顿和发展党员质量，第{n + 1}项限期见效。",
        )
    return count


@pytest.mark.req("FLOW-4")
def test_the_county_clerk_finalises_the_fifteen_townships_commentaries_on_one_page(world, actors):
    """After the county's meeting the clerk enters every township secretary's final 点评 at once: the drafts
    are there, each row is entered on the county secretary's behalf (代录), and it is one submit."""
    from shuping.meetings import commentary as commentary_services
    from shuping.meetings import services as meeting_services
    from shuping.meetings.models import Commentary

    county = build_county(world)
    campaign = campaign_services.create_campaign(actor=county.staff, organizer=world.county, year=YEAR)
    campaign_services.apply_scope_proposal(actor=county.staff, campaign=campaign)
    campaign = campaign_services.confirm_scope(actor=county.staff, campaign=campaign)
    meeting = meeting_services.create_meeting(
        actor=county.staff,
        campaign=campaign,
        held_on=campaign.meetings_start_on,
        venue="乙县委常委会议室",
        presiding_name="周明",
    )
    reporters = list(campaign.assessments.filter(is_excluded=False).order_by("organization_path"))
    assert len(reporters) == len(county.townships)
    meeting_services.set_agenda(actor=county.staff, meeting=meeting, assessments=reporters)
    commentary_services.draft_commentaries(actor=county.staff, meeting=meeting)
    meeting_services.start_meeting(actor=county.staff, meeting=meeting)
    meeting_services.end_meeting(actor=county.staff, meeting=meeting)

    clerk = actors(county.staff, burden=CLERK)
    _open_meeting(clerk, meeting)
    page = clerk.click("在一页录入全部点评定稿")
    rows = _finalise_all(clerk, page)
    assert rows == len(county.townships)
    before = BURDEN[CLERK].submits
    page.get_by_role("button", name="保存勾选的点评定稿").click()
    expect(page.get_by_text(f"已代录 {rows} 条点评定稿。")).to_be_visible()
    final = Commentary.objects.filter(meeting=meeting, status="final")
    assert final.count() == len(county.townships)
    assert {c.entered_by_id for c in final} == {county.staff.pk}
    assert BURDEN[CLERK].submits - before == 1  # fifteen reporters' 点评, one submit


def _row(page, organization_name: str):
    return page.locator(
        "table.eva-table tr", has=page.get_by_role("link", name=organization_name, exact=True)
    )


def test_grades_are_calibrated_decided_fed_back_and_the_rectification_list_closed(world, actors):
    from shuping.campaigns.findings import add_finding
    from shuping.evaluations import components, providers
    from shuping.evaluations import services as evaluation_services
    from shuping.evaluations.models import Evaluation
    from shuping.evaluations.providers import Value
    from shuping.evaluations.tests.builders import campaign_at_evaluation
    from shuping.rectification.models import RectificationItem

    # The county's round over its fifteen townships, at 综合评价: the clerk, 丙镇's liaison and secretary.
    county = build_county(world)
    campaign = campaign_at_evaluation(
        world, organizer=world.county, year=YEAR, extra=0, assessee_org=county.township
    )
    assert campaign.assessments.filter(is_excluded=False).count() == len(county.townships)
    assessment = campaign.assessments.get(organization=county.township)
    add_finding(
        actor=county.staff,
        assessment=assessment,
        source_kind="circuit_inspection",
        description="党支部“三会一课”落实不到位，部分支部组织生活不规范",
    )
    scores = {a.pk: 95 - i for i, a in enumerate(campaign.assessments.order_by("organization_path"))}
    scores[assessment.pk] = 70  # the weakest this year

    @providers.provider("ballot", label="民主评议")
    def ballot(a):
        return Value(score=scores.get(a.pk))

    @providers.provider("field", label="实地考核")
    def field(a):
        return Value(score=scores.get(a.pk))

    try:
        evaluation_services.compute_composites(actor=county.staff, campaign=campaign)
    finally:
        providers.batch_provider("ballot", label="民主评议")(components.ballot_component)
        providers.batch_provider("field", label="实地考核")(components.field_component)

    # Calibration against the quota: the suggestions first, then the weakest moved to 一般 with a reason.
    staff = actors(county.staff, burden=CLERK)
    page = staff.todo("等次校准")
    expect(page.get_by_role("heading", name="综合评价与等次校准")).to_be_visible()
    page.get_by_role("button", name="未提出的按建议等次提出").click()
    expect(page.locator(".eva-group").first).to_contain_text("应不少于")
    # The weakest composite is proposed 一般 by the quota rule; the proposal carries it without retyping.
    row = _row(page, assessment.organization_name)
    expect(row.get_by_label("拟定等次")).to_have_value("一般")
    expect(row.get_by_role("button", name="修改")).to_be_visible()
    for group in page.locator(".eva-group").all():
        expect(group.locator(".eva-status")).to_have_text("符合要求")
    staff.check()
    staff.shot("staff-calibration")

    # 科室拟定 → 部务会 → 常委会, each entered with its minutes (代录), all fifteen ticked in one submit.
    page = staff.click("研究环节")
    for kind, day, body, minutes in (
        ("科室拟定", "2025-01-10", "组织股", "拟定稿"),
        ("部务会审议", "2025-01-15", "乙县委组织部部务会", "部务会纪要〔2025〕3号"),
        ("党委（党组）研究", "2025-01-20", "乙县委常委会第8次会议", "常委会纪要〔2025〕5号"),
    ):
        page.get_by_label("环节").select_option(label=kind)
        staff.fill(page.get_by_label("日期"), day)
        staff.fill(page.get_by_label("会议", exact=True), body)
        staff.fill(page.get_by_label("会议纪要"), minutes)
        for box in page.locator("input[name=evaluations]:not([disabled])").all():
            box.check()
        if kind == "党委（党组）研究":
            staff.shot("staff-decisions")
        page.get_by_role("button", name="录入").click()
        expect(page.get_by_text(f"已录入“{kind}”（{minutes}）。")).to_be_visible()
    expect(page.locator("table.data")).to_contain_text("常委会纪要〔2025〕5号")
    evaluation = Evaluation.objects.get(assessment=assessment)
    assert evaluation.is_locked and evaluation.final_grade == "一般"

    # The department leader reads the record of the decisions.
    leader = actors(county.leader)
    _open_campaign(leader, campaign)
    page = leader.click("研究（部务会、常委会）")
    expect(page.locator("table.data")).to_contain_text("部务会纪要〔2025〕3号")
    leader.shot("leader-decisions")

    # Feedback: the organizer writes 丙镇's summary, then sends every decided township's feedback at once;
    # the secretary signs it on a phone.
    _open_campaign(staff, campaign)
    staff.click("反馈", exact=True)
    page = staff.click(assessment.organization_name, exact=True)
    staff.fill(
        page.get_by_label("民主评议意见归纳", exact=False),
        "与会同志认为抓基层党建有思路；希望加强对“三会一课”落实情况的督促检查。",
    )
    page.get_by_role("button", name="保存意见归纳").click()
    staff.check()
    staff.shot("staff-feedback")
    _open_campaign(staff, campaign)
    page = staff.click("反馈", exact=True)
    page.get_by_role("button", name="向已研究确定的考核对象送达反馈").click()
    expect(page.get_by_text(f"已送达 {len(county.townships)} 份反馈意见。")).to_be_visible()
    secretary = actors(county.secretary, phone=True, burden=SECRETARY)
    page = secretary.menu("考核反馈")
    expect(page.get_by_text("待签收")).to_be_visible()
    page.get_by_role("link", name=campaign.title).click()
    secretary.check()
    expect(page.locator(".fb-grade")).to_contain_text("一般")
    secretary.shot("assessee-feedback")
    page.get_by_role("button", name="签收").click()
    expect(page.locator(".fb-done")).to_contain_text("已签收")
    secretary.check()

    # Rectification: the liaison starts the list — the problems are already there — and files it.
    liaison = actors(county.liaison, burden=LIAISON)
    page = liaison.todo("制定并报备")
    page.get_by_role("button", name="建立整改清单").click()
    expect(page.locator(".rct-item").first).to_contain_text("三会一课")
    liaison.check()
    liaison.shot("liaison-rectification")
    # Each item card on the draft list has its measures form; the problem is already written.
    cards = page.locator(".rct-item")
    for n in range(cards.count()):
        card = page.locator(".rct-item").nth(n)
        liaison.fill(card.get_by_label("整改措施"), f"逐项对照检查，建立台账销号（{n + 1}）")
        expect(card.get_by_label("责任人")).to_have_value(assessment.person_name)  # 第一责任人, not typed
        card.get_by_role("button", name="保存整改措施").click()
        expect(page.get_by_text(f"已保存第 {n + 1} 项的整改措施。")).to_be_visible()
    expect(page.get_by_text("尚未填写整改措施")).to_have_count(0)
    page.get_by_role("button", name="报备上级组织部门").click()
    expect(page.get_by_text("已报备上级组织部门。")).to_be_visible()

    staff.menu("整改")
    page = staff.click(f"{assessment.organization_name} {assessment.person_name}")
    page.get_by_role("button", name="确认清单").click()
    expect(page.locator(".rct-summary .badge").first).to_have_text("已确认")
    expect(page.get_by_role("heading", name="约谈提醒")).to_be_visible()
    staff.fill(page.get_by_label("约谈人"), "乙县委组织部 孙部长")
    staff.fill(page.get_by_label("约谈日期"), date.today().isoformat())  # after the feedback, sent today
    staff.fill(page.get_by_label("约谈记录"), "指出“三会一课”问题，提出限期整改要求。")
    page.get_by_role("button", name="录入约谈").click()
    expect(page.get_by_text("由 乙县委组织部 孙部长 约谈")).to_be_visible()
    staff.shot("staff-rectification-list")

    # The secretary reports each item done from the phone, without any upload (Art. 6).
    items = list(RectificationItem.objects.filter(rectification_list__assessment=assessment).order_by("pk"))
    assert items
    progress = [
        "已对全部支部“三会一课”记录逐一检查并通报。",
        "已完成整顿，班子调整到位。",
        "已建立台账逐项销号。",
    ]
    for n, item in enumerate(items):
        secretary.todo("整改进展")
        page = secretary.click(item.problem.splitlines()[0].strip(), exact=True)
        secretary.fill(page.get_by_label("进展情况"), progress[n % len(progress)] + f"（{n + 1}）")
        if n == 0:
            secretary.shot("assessee-rectification-item")
        page.get_by_role("button", name="报告完成").click()
        expect(page.locator(".messages")).to_contain_text("等待上级销号")
        expect(page.get_by_role("button", name="销号")).to_have_count(0)

    # The organizer closes them in one batch.
    page = staff.todo("整改销号")
    expect(page.locator(".rct-check input[type=checkbox]")).to_have_count(len(items))
    staff.shot("staff-rectification-board")
    page.get_by_role("button", name="批量销号").click()
    expect(page.get_by_text("没有已报告完成待销号的事项。")).to_be_visible()
    assert all(i.status == "closed" for i in RectificationItem.objects.filter(pk__in=[i.pk for i in items]))


def test_a_field_team_member_records_a_visit_on_a_phone(world, actors):
    from shuping.fieldwork.models import FieldRecord
    from shuping.fieldwork.tests.conftest import build_field

    field = build_field(world)
    indicator = list(field.fa.indicator_set.indicators.order_by("position", "pk"))[1]
    member = actors(field.member, phone=True)
    page = member.menu("实地考核")
    member.shot("field-home")
    page.get_by_role("link", name="中共甲市委员会").click()
    member.check()
    expect(page.get_by_text("考核表：")).to_be_visible()
    page.locator("#f-unit").select_option(index=1)
    member.fill(page.get_by_label("地点"), "一区党群服务中心")
    member.fill(page.get_by_label("看到的具体情况"), "便民窗口有人值守，公开栏列出今年为群众办成的 12 件实事")
    member.fill(page.locator(f"#s-{indicator.pk}"), "90")
    page.locator(f"input[name=ev_{indicator.pk}][value=new_visit]").check()
    member.shot("field-record")
    page.get_by_role("button", name="提交记录").click()
    expect(page.locator(".fw-total")).not_to_have_text("—")
    member.check()
    assert FieldRecord.objects.count() == 1


def test_the_upward_report_reaches_the_prefecture_and_its_dashboard_shows_the_year(world, actors):
    from shuping.accounts.choices import Role
    from shuping.accounts.models import RoleGrant
    from shuping.oversight.models import UpwardReport
    from shuping.oversight.tests.builders import decided, opened

    county = build_county(world)
    campaign = decided(opened(world.county, YEAR), "rectification")
    decided(opened(world.prefecture, YEAR), "decision")
    prefecture_staff = type(county.staff)(username="shi_zuzhi", full_name="甲市委组织部 组织科 赵干事")
    prefecture_staff.set_unusable_password()
    prefecture_staff.save()
    RoleGrant.objects.create(
        user=prefecture_staff, role=Role.ORGANIZER_STAFF, organization=world.prefecture, include_subtree=True
    )

    # The organizer drafts the report from the campaign's page once every assessee is past 研究.
    staff = actors(county.staff, burden=CLERK)
    page = _open_campaign(staff, campaign)
    expect(page.get_by_role("heading", name="向上级党组织报告")).to_be_visible()
    page.get_by_role("button", name="起草向上级报告").click()
    expect(page).to_have_url(re.compile(r"/oversight/reports/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    staff.check()
    expect(page.get_by_label("考核范围")).to_have_value(
        re.compile(f"共有 {len(county.townships)} 名党组织书记")
    )  # derived, not typed
    expect(page.get_by_label("等次分布")).not_to_have_value(re.compile("自动填入"))  # not placeholder text
    staff.fill(
        page.get_by_label("主要问题"), "个别乡镇“三会一课”落实不到位；软弱涣散村党组织整顿进度不平衡。"
    )
    page.get_by_role("button", name="保存").click()
    staff.shot("staff-upward-report")
    page.get_by_role("button", name=f"报送{world.prefecture.display_name}").click()
    expect(page.get_by_text(f"已报送{world.prefecture.display_name}。")).to_be_visible()
    report = UpwardReport.objects.get(campaign=campaign)

    upper = actors(prefecture_staff)
    upper.menu("监督指导")
    page = upper.click(report.title, exact=True)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    upper.menu("监督指导")
    page = upper.click(world.prefecture.name, exact=True)
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.prefecture.name)
    expect(page.locator("html")).to_have_attribute("data-charts-ready", "3")
    expect(page.locator("main")).to_contain_text(world.county.display_name)
    upper.check()
    upper.shot("staff-dashboard")

    guidance = actors(world.guidance_staff)
    # The guidance officer (sent to the prefecture and below) has no 监督指导 menu: the guided campaigns
    # are under 述职评议考核, where the county's year is open to read.
    home = guidance.home()
    expect(home.locator("main .cards").get_by_role("link", name="监督指导")).to_have_count(0)
    page = _open_campaign(guidance, campaign)
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(YEAR))
    guidance.shot("guidance-campaign")
    phone = actors(prefecture_staff, phone=True)
    phone.menu("监督指导")
    phone.click(world.prefecture.name, exact=True)
    expect(phone.page.locator("html")).to_have_attribute("data-charts-ready", "3")
    phone.check()
    phone.shot("staff-dashboard-phone")


def test_party_members_read_the_reports_and_send_an_opinion_from_a_phone(world, actors):
    from datetime import timedelta

    from django.utils import timezone

    from shuping.reports import publication
    from shuping.reports import services as report_services
    from shuping.reports.models import Opinion
    from shuping.reports.tests.conftest import GOOD

    county = build_county(world)
    campaign = campaign_services.create_campaign(actor=county.staff, organizer=world.county, year=YEAR)
    campaign_services.apply_scope_proposal(actor=county.staff, campaign=campaign)
    campaign = campaign_services.confirm_scope(actor=county.staff, campaign=campaign)
    assessment = campaign.assessments.get(organization=county.township)
    report_services.save_report(actor=county.liaison, assessment=assessment, **GOOD)
    report = report_services.submit_report(actor=county.liaison, assessment=assessment)
    now = timezone.now()
    pub = publication.publish_reports(
        actor=county.staff,
        campaign=campaign,
        audience=county.township,
        reports=[report],
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=7),
    )
    member = actors(phone=True)
    page = member.visit(f"/p/{pub.token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("述职报告公开")
    member.shot("public-reports")
    page.get_by_label("针对").select_option(str(report.pk))
    page.get_by_label("您的意见").fill("建议把青山村整改时限公开，接受群众监督。")
    page.get_by_role("button", name="提交意见").click()
    expect(page.get_by_role("status")).to_contain_text("意见已收到")
    member.check()
    member.shot("public-opinion-sent")
    assert Opinion.objects.filter(report=report).count() == 1


def test_the_three_administrators_each_see_only_their_own_pages(world, actors):
    system = actors(world.system_admin)
    page = system.home()
    expect(page.locator("main")).to_be_visible()
    system.shot("admin-system-home")
    security = actors(world.security_admin)
    page = security.menu("账号安全")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    security.check()
    security.shot("admin-security-accounts")
    audit = actors(world.audit_admin)
    page = audit.menu("审计日志")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    audit.check()
    audit.shot("admin-audit-events")
    anonymous = actors()
    page = anonymous.visit("/accounts/login/")
    expect(page.get_by_label("用户名")).to_be_visible()
    anonymous.shot("login")


#: What the county clerk's batch forms replaced, per assessee: one submit to put a township on a field team
#: (fieldwork plan before 5d78697) and one submit per reporter's final 点评 (the per-commentary form, before
#: fced121). For fifteen townships those forms alone cost 2 × 15 submits.
OLD_SUBMITS_PER_TOWNSHIP = 2


@pytest.mark.req("FLOW-4")
def test_the_grassroots_burden_over_the_year_is_counted_and_nothing_is_typed_twice():
    """Runs last: the phases above counted what the township secretary, the liaison and the county clerk did
    over the year (为基层减负) — pages opened, submits, fields typed — and nobody typed the same thing twice."""
    from .cast import TOWNSHIPS

    assert set(BURDEN) >= {SECRETARY, LIAISON, CLERK}, "run the whole module: the phases count the burden"
    lines = ["角色 | 页面 | 提交 | 填写字段"]
    for role in (SECRETARY, LIAISON, CLERK):
        b = BURDEN[role]
        lines.append(f"{role} | {b.pages} | {b.submits} | {b.fields}")
        assert not b.repeats, f"{role} typed something twice: {b.repeats}"
    print("\n为基层减负：" + "；".join(lines))
    townships = len(TOWNSHIPS) + 1
    clerk = BURDEN[CLERK]
    # The whole year of the county clerk costs fewer submits than the old one-at-a-time team assignment
    # and commentary forms alone would have for fifteen townships.
    assert clerk.submits < OLD_SUBMITS_PER_TOWNSHIP * townships, clerk
    assert BURDEN[SECRETARY].submits <= 10 and BURDEN[LIAISON].submits <= 15

"""One campaign year in Chromium, phase by phase, each role in its own browser context (issue 15).

Each phase builds its own preconditions through services and then walks the year's user actions through
the pages, asserting what each page shows. The phases run in the order of the year; the last test reads
the grassroots burden the phases counted (为基层减负).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shuping.campaigns import services as campaign_services
from shuping.campaigns.models import Campaign
from shuping.reports.models import Report

from .cast import YEAR, build_county

pytestmark = pytest.mark.journey

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
    page = province.visit(f"/campaigns/{top.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(YEAR))
    title = f"关于开展{YEAR}年度党委（党组）书记抓基层党建工作述职评议考核的通知"
    province.fill(page.get_by_label("通知标题"), title)
    province.fill(page.get_by_label("重点内容"), "聚焦提升组织力；注重上年度整改清单落实情况。")
    province.shot("staff-campaign-notice")
    page.get_by_role("button", name="发布通知").click()
    expect(page.get_by_text("工作通知已发布")).to_be_visible()
    expect(page.get_by_text(f"《{title}》")).to_be_visible()

    staff = actors(county.staff)
    page = staff.visit("/campaigns/")
    page.get_by_role("link", name="开展年度述职评议考核").click()
    staff.check()
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
    page = staff.visit(f"/campaigns/{campaign.pk}/")
    expect(page.get_by_text(f"依据 {world.province.display_name}《{title}》")).to_be_visible()
    staff.shot("staff-campaign-board")

    # The liaison drafts 丙镇's report online; names, organization and post are already on the page.
    liaison = actors(county.liaison, burden="联络员")
    page = liaison.visit("/reports/")
    row = page.locator("tr", has_text=county.township.name)
    expect(row).to_contain_text("刘洋")
    expect(row).to_contain_text("未开始")
    liaison.shot("liaison-reports")
    row.get_by_role("link", name="打开").click()
    liaison.check()
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
    page = staff.visit(f"/reports/assessments/{assessment.pk}/")
    expect(page.get_by_role("heading", name="审核")).to_be_visible()
    staff.fill(
        page.get_by_label("退回修改意见（退回时必填）"), "问题查摆要写清村名和数字，第二条请补充整改时限。"
    )
    staff.shot("staff-report-review")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_text("已退回修改，并通知起草人。")).to_be_visible()

    # The liaison sees why, changes only the problems (the rest is kept) and resubmits.
    page = liaison.visit(f"/reports/assessments/{assessment.pk}/")
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

    page = staff.visit(f"/reports/assessments/{assessment.pk}/")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("述职报告已审核通过")).to_be_visible()
    report = Report.objects.get(assessment=assessment)
    assert report.status == "accepted" and report.submission_count == 2

    # The township secretary reads the accepted report without typing anything.
    secretary = actors(county.secretary, burden="乡镇党委书记")
    page = secretary.visit(f"/reports/assessments/{assessment.pk}/")
    expect(page.get_by_text("青石村党支部整顿后班子仍不团结")).to_be_visible()
    expect(page.get_by_role("button", name="提交组织部门")).to_have_count(0)
    secretary.shot("assessee-report")

    # The meeting plan goes up to the province, which sees it on its calendar of lower meetings.
    page = staff.visit(f"/campaigns/{campaign.pk}/")
    staff.fill(page.get_by_label("会议日期"), campaign.meetings_start_on.isoformat())
    staff.fill(page.get_by_label("地点"), "乙县委常委会议室")
    staff.fill(page.get_by_label("议程"), "一、乡镇党委书记现场述职；二、县委书记点评；三、民主评议。")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_text("会议方案已报送上级")).to_be_visible()
    expect(page.get_by_text("乙县委常委会议室")).to_be_visible()
    page = province.visit(f"/campaigns/{top.pk}/calendar/")
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
    page = staff.visit(f"/meetings/{meeting.pk}/")
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

    page = staff.visit(f"/meetings/{meeting.pk}/day/")
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
            vote.goto(f"{phone.base}/v/")
            phone.check()
            phone.shot("voter-code")
            vote.locator("#code").focus()
            vote.keyboard.type(code.lower())
            vote.keyboard.press("Enter")
        else:
            vote.goto(f"{phone.base}/v/#{code}")
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

    page = staff.visit(f"/meetings/{meeting.pk}/day/")
    expect(page.get_by_text(f"{PHONE_VOTERS} / {PHONE_VOTERS + PAPER_SLIPS}")).to_be_visible(timeout=12000)
    staff.shot("staff-meeting-day")
    page.get_by_role("button", name="停止手机投票（继续录入纸质票）").click()

    # The paper slips are keyed in with the keyboard alone: code, one number key per reporter, count, Enter.
    page = staff.visit(f"/ballots/{box.pk}/paper/")
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
        page.keyboard.type(str(len(subjects)))
        if n == 0:
            staff.shot("staff-paper-entry")
        page.keyboard.press("Enter")
        expect(page.locator("#status")).to_contain_text("已录入")
        expect(page.locator("#mine")).to_have_text(str(n + 1))
        expect(page.locator("#code")).to_be_focused()
    staff.check()

    page = staff.visit(f"/meetings/{meeting.pk}/day/")
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

    # Every reporter commented on by the presiding secretary, entered on his behalf (代录).
    presiding = meeting.commentaries.filter(commenter__role=CommenterRole.PRESIDING).order_by("pk")
    assert presiding.count() == len(reporters)
    for n, item in enumerate(presiding):
        page = staff.visit(f"/meetings/{meeting.pk}/commentary/{item.pk}/")
        staff.fill(
            page.get_by_label("点评意见"), f"{item.assessment.person_name}同志抓基层党建思路清晰，措施有力。"
        )
        staff.fill(page.get_by_label("努力方向"), "聚焦软弱涣散党组织整顿，持续用力。")
        if n == 0:
            staff.shot("staff-commentary")
        page.get_by_role("button", name="确认定稿").click()
        expect(page.get_by_text("已代马建国录入点评定稿")).to_be_visible()
    assert meeting.commentaries.filter(commenter__role=CommenterRole.PRESIDING, status="final").count() == 3

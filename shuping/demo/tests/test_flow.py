"""FLOW-6: the demo tells one coherent year. One small demo is built for the module and read by every test.

The province mid-round, 青川市 and its first county at other stages, the guidance officer assigned to a lower
campaign and meeting, the liaison's report in draft, last year complete; no record dated in the future;
report texts that pass the product's own checks; people named by name and post; files transferred only to
the organization that keeps them.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from shuping.accounts.models import User
from shuping.campaigns import lint
from shuping.campaigns.choices import CampaignRole, Stage
from shuping.campaigns.models import Campaign
from shuping.campaigns.selectors import campaign_roles, campaigns_visible_to
from shuping.reports import quality

#: Columns that hold a plan or a deadline, not something that happened: they may lie ahead of today. Every
#: other date or time column of every model must not.
PLANS = {
    ("campaigns", "campaign", "ends_on"),
    ("campaigns", "campaign", "meetings_start_on"),  # 青川市's meetings are ahead
    ("campaigns", "campaign", "meetings_end_on"),
    ("campaigns", "meetingplan", "planned_on"),
    ("meetings", "meeting", "held_on"),  # only a meeting still 筹备中 (checked below)
    ("rectification", "rectificationlist", "due_on"),
    ("rectification", "rectificationlist", "rectify_by"),
    ("rectification", "rectificationitem", "deadline"),
    ("feedback", "feedback", "acknowledge_by_on"),
    ("reports", "report", "due_on"),  # the liaison's draft is due ahead (checked in its own test)
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("demo", "--no-serve", "--scale", "small", stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


def _user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.mark.req("FLOW-6")
@pytest.mark.django_db
def test_no_record_is_dated_in_the_future(demo):
    today = timezone.localdate()
    end_of_today = timezone.make_aware(datetime.combine(today, time.max))
    checked, ahead = 0, []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.DateField | models.DateTimeField):
                continue
            key = (model._meta.app_label, model._meta.model_name, f.name)
            limit = end_of_today if isinstance(f, models.DateTimeField) else today
            rows = model._default_manager.filter(**{f"{f.name}__gt": limit})
            if key == ("meetings", "meeting", "held_on"):
                rows = rows.exclude(status="planned")  # a meeting ahead is still being prepared
            elif key in PLANS:
                continue
            checked += 1
            if rows.exists():
                ahead.append(f"{key}: {list(rows.values_list(f.name, flat=True)[:3])}")
    assert checked > 50
    assert not ahead, ahead


@pytest.mark.req("FLOW-6")
@pytest.mark.django_db
def test_each_level_is_at_its_own_stage(demo):
    province = Campaign.objects.filter(organizer__code="SF").latest("year")
    stages = set(province.assessments.values_list("stage", flat=True))
    assert {Stage.REPORT, Stage.DECISION} <= stages  # mid-round: some reporting, some awaiting 研究
    assert (
        province.meetings.filter(status="held").exists()
        and province.meetings.filter(status="planned").exists()
    )

    # The prefecture and the county organizers each see a campaign in progress, at other stages.
    shi, xian = _user("shi_zuzhi"), _user("xian_zuzhi")
    prefecture = campaigns_visible_to(shi).get(organizer__code="SF01", year=province.year)
    county = campaigns_visible_to(xian).get(organizer__code="SF0101", year=province.year)
    from shuping.reports.models import Report

    assert Report.objects.filter(assessment__campaign=prefecture, status="submitted").exists()  # to 审核
    assert prefecture.meetings.filter(status="planned").exists()
    assert set(county.assessments.filter(is_excluded=False).values_list("stage", flat=True)) == {
        Stage.EVALUATION
    }
    assert county.meetings.filter(status="held").exists()
    assert county.assessments.filter(organization_level="township").count() >= 3  # its township secretaries

    # The guidance officer is assigned to the prefecture's campaign and named at its meeting (Art. 8).
    guide = _user("zhidao")
    assert CampaignRole.GUIDANCE_STAFF in campaign_roles(guide, prefecture)
    assert prefecture.grants.filter(user=guide, role=CampaignRole.GUIDANCE_STAFF).exists()
    meeting = prefecture.meetings.get(status="planned")
    assert meeting.commenters.filter(role="guidance", name=guide.full_name, post=guide.post).exists()
    assert meeting.attendee_groups.filter(category="guidance", attendees__name=guide.full_name).exists()

    # The liaison's report is a draft: their next step.
    liaison = _user("lianluoyuan")
    own = Report.objects.filter(assessment__campaign=province, assessment__organization__code="SF01")
    assert own.get().status == "draft"
    assert province.pk in set(campaigns_visible_to(liaison).values_list("pk", flat=True))


@pytest.mark.req("FLOW-6", "EVA-4", "EVA-5", "RCT-1")
@pytest.mark.django_db
def test_last_year_is_complete_and_decided_within_its_window(demo):
    from shuping.evaluations.models import DecisionStep
    from shuping.feedback.models import ArchiveTransfer, Feedback
    from shuping.rectification.models import RectificationList
    from shuping.reports.models import Report

    year = Campaign.objects.filter(organizer__code="SF").latest("year").year - 1
    last = Campaign.objects.get(organizer__code="SF", year=year)
    assert last.status == "closed"  # the round is over; its 整改 goes on
    included = last.assessments.filter(is_excluded=False, person__isnull=False)
    assert included.count() == Report.objects.filter(assessment__campaign=last, status="accepted").count()
    steps = DecisionStep.objects.filter(campaign=last)
    assert steps.filter(kind="committee").exists()
    for step in steps:
        assert last.starts_on <= step.held_on <= last.ends_on, step
    this_year = Campaign.objects.get(organizer__code="SF", year=year + 1)
    for step in DecisionStep.objects.filter(campaign=this_year):
        assert this_year.starts_on <= step.held_on <= timezone.localdate(), step
    released = Feedback.objects.filter(campaign=last, released_at__isnull=False)
    assert released.count() == included.count()
    # Everything of last year's round happened within its window, not this week (dating.date_last_round).
    for moment in [
        *released.values_list("released_at", flat=True),
        *Report.objects.filter(assessment__campaign=last).values_list("submitted_at", flat=True),
        *ArchiveTransfer.objects.filter(campaign__year=year).values_list("sent_at", flat=True),
    ]:
        assert last.starts_on <= timezone.localdate(moment) <= last.ends_on, moment
    assert not released.filter(acknowledged_at__isnull=True).exists()  # every result signed for
    lists = RectificationList.objects.filter(assessment__campaign=last)
    assert lists.exists()
    for rlist in lists:  # counted from last winter's feedback, not from the day the demo was built
        assert rlist.starts_on == timezone.localdate(released.get(assessment=rlist.assessment).released_at)
    # The assessee persona has an 整改清单 of their own to report progress on, and the home page says so.
    assert lists.filter(assessment__person__user__username="shuji").exists()
    from shuping.core.todos import todos_for

    assert any("整改" in t.text for t in todos_for(User.objects.get(username="shuji")))
    # This year's reports were handed in before their deadline, not all stamped late at build time.
    submitted = Report.objects.filter(assessment__campaign__year=year + 1, submitted_at__isnull=False)
    assert submitted.exists() and not submitted.filter(is_late=True).exists()


_WHOLE_AND_PART = re.compile(r"(\d+)(?:名|个|份)[^，。；\d]{0,12}中(?:有|仍有)?(\d+)(?:名|个|份)")
_MEETING_COUNT = re.compile(r"(会议|会|发文|文件|讲话|批示|简报|信息)\D{0,6}\d+\s*(次|场|份|篇|期)")


@pytest.mark.req("FLOW-6", "REP-2", "CMP-6")
@pytest.mark.django_db
def test_every_report_text_passes_the_products_own_checks(demo):
    from shuping.reports.models import Report

    reports = list(Report.objects.all())
    assert len(reports) > 20
    for report in reports:
        problems = report.problem_texts
        findings = quality.check(
            quality.ReportText(
                problems=problems,
                achievements=report.achievements,
                causes=report.causes,
                measures=report.measures,
            )
        )
        assert not findings, (report.pk, [f.message for f in findings])
        text = "\n".join([report.achievements, *problems, report.causes, report.measures])
        for sentence in re.split(r"[。\n]", text):
            if sentence.strip():
                assert not lint.lint_indicator(sentence).is_flagged, sentence
        assert not _MEETING_COUNT.search(text), text
        for whole, part in _WHOLE_AND_PART.findall(text):
            assert int(part) < int(whole), text


@pytest.mark.req("FLOW-6", "REP-2")
@pytest.mark.django_db
def test_the_quality_page_flags_only_the_planted_near_copy(demo):
    """The campaign 质量 page's own checks (selectors.quality_table: length, specifics, causes and measures,
    near-copies against peers, last year's peers and the same person's earlier reports) over every demo
    campaign: nothing is flagged but the one near-copy the demo plants on purpose (one report given another's
    achievements and causes), and that pair is flagged as a near-copy and for nothing else."""
    from shuping.reports.models import Report
    from shuping.reports.selectors import quality_table

    province = Campaign.objects.filter(organizer__code="SF").latest("year")
    planted = [
        (a, b)
        for a in Report.objects.filter(assessment__campaign=province).exclude(status="draft")
        for b in Report.objects.filter(assessment__campaign=province, pk__gt=a.pk).exclude(status="draft")
        if a.achievements == b.achievements
    ]
    assert len(planted) == 1, planted
    expected = {r.pk for r in planted[0]}
    flagged: dict[int, list[str]] = {}
    reports = 0
    for campaign in Campaign.objects.all():
        for row in quality_table(campaign):
            if row.report is None or row.report.status == "draft":
                continue
            reports += 1
            if row.findings:
                flagged[row.report.pk] = [f.code for f in row.findings]
    assert reports >= 30
    assert set(flagged) == expected, {pk: codes for pk, codes in flagged.items() if pk not in expected}
    for codes in flagged.values():
        assert set(codes) <= {"copy_of_peer", "partial_copy_of_peer"}, codes


@pytest.mark.req("FLOW-6", "FLOW-2", "REP-1")
@pytest.mark.django_db
def test_the_liaisons_home_lists_this_years_draft_due_ahead_with_a_link_to_the_editor(demo):
    from django.test import Client
    from django.urls import reverse

    from shuping.reports.models import Report

    province = Campaign.objects.filter(organizer__code="SF").latest("year")
    draft = Report.objects.select_related("assessment").get(
        assessment__campaign=province, assessment__organization__code="SF01"
    )
    assert draft.status == "draft" and draft.assessment.stage == Stage.REPORT
    assert draft.due_on > timezone.localdate()  # actionable: not 已逾期
    # Heard at the meeting still to come, not at the one already held; not visited by the field team yet.
    assert province.meetings.get(status="planned").agenda.filter(assessment=draft.assessment).exists()
    assert not province.meetings.get(status="held").agenda.filter(assessment=draft.assessment).exists()
    client = Client()
    client.force_login(_user("lianluoyuan"))
    page = client.get("/").content.decode()
    todos = page[page.index('id="todo-title"') :]
    editor = reverse("reports:edit", args=[draft.assessment_id])
    item = re.search(
        rf'<a href="{re.escape(editor)}">([^<]*)</a>(?:<span class="todo-note">([^<]*)</span>)?', todos
    )
    assert item, todos[:2000]
    assert f"撰写并提交 {province.year} 年度述职报告" in item.group(1)
    assert "逾期" not in (
        item.group(2) or ""
    ) and f"截止 {draft.due_on.month}月{draft.due_on.day}日" in item.group(2)


@pytest.mark.req("FLOW-6", "MTG-3", "FLD-5", "EVA-7")
@pytest.mark.django_db
def test_documents_name_people_by_name_and_post_and_files_go_to_their_holder(demo):
    from shuping.documents.content import Heading, Paragraph
    from shuping.feedback.models import ArchiveTransfer
    from shuping.fieldwork import report as field_report
    from shuping.fieldwork.models import FieldAssessment
    from shuping.meetings.models import Commenter

    fa = FieldAssessment.objects.filter(status="completed").select_related("team__leader").first()
    document = field_report.build(fa)
    blocks = list(document.body)
    appendix = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.text.startswith("附"))
    body = "".join(b.text for b in blocks[:appendix] if isinstance(b, Paragraph))
    leader = fa.team.leader
    assert f"组长：{leader.full_name}（{leader.post}）" in body
    for member in fa.team.members.exclude(pk=leader.pk):
        assert f"{member.full_name}（{member.post}）" in body
    assert "成员：无" not in body and "种子" not in body
    assert "考核组 组长" not in body  # no account display names
    # Every commenter is recorded with a post, never a bare title as the name.
    assert Commenter.objects.exists()
    assert not Commenter.objects.filter(post="").exists()
    assert not Commenter.objects.filter(name__endswith="部长").exists()
    # Transfers go only to another organization that keeps the files, never from the organizer to itself.
    transfers = list(ArchiveTransfer.objects.select_related("campaign__organizer", "holder"))
    assert transfers
    for t in transfers:
        assert t.holder_id != t.campaign.organizer_id
    assert any(t.holder.code == "SF" and t.campaign.organizer.code == "SF01" for t in transfers)


@pytest.mark.req("FLOW-6", "SEC-3")
@pytest.mark.django_db
def test_passwords_are_generated_per_run_and_printed_once(demo):
    from pathlib import Path

    import shuping.demo as package

    printed = dict(
        re.findall(r"^\s+([a-z_]+)\s+([A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4})\s", demo, re.M)
    )
    assert {"xitong", "anquan", "shenji", "sheng_zuzhi", "shuji"} <= printed.keys()
    for username, password in printed.items():
        assert _user(username).check_password(password), username
    source = "".join(p.read_text() for p in Path(package.__file__).parent.rglob("*.py"))
    assert not any(password in source for password in printed.values())
    # A second run builds nothing and cannot show the passwords again: it says so.
    again = io.StringIO()
    call_command("demo", "--no-serve", "--scale", "small", stdout=again)
    assert "演示数据已存在" in again.getvalue() and "只在生成时显示一次" in again.getvalue()
    assert not any(password in again.getvalue() for password in printed.values())

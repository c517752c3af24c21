"""Pages and API: near-copy view (REP-2), publication and opinions (REP-3), matrix (REP-4), API (PERF-5)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuping.campaigns import findings as campaign_findings
from shuping.campaigns import services as campaign_services
from shuping.orgs.services import create_person, create_secretaryship
from shuping.reports import matrix, publication, services
from shuping.reports.models import Opinion, Publication

from .conftest import GOOD

COPIED = (
    "全年主持召开党建专题会议六次，研究解决青山村等四个村集体经济薄弱问题，"
    "选派驻村第一书记十二名，帮助柳林社区争取项目资金八十万元，群众满意度明显提升"
)


def _submit(assessment, actor, **overrides):
    services.save_report(actor=actor, assessment=assessment, **{**GOOD, **overrides})
    return services.submit_report(actor=actor, assessment=assessment)


def _peer(world, setup, org, name):
    person = create_person(actor=None, name=name)
    create_secretaryship(actor=None, person=person, organization=org, started_on=date(2019, 1, 1))
    return campaign_services.add_assessment(
        actor=world.organizer_staff, campaign=setup.campaign, organization=org, reason="试点"
    )


@pytest.mark.req("REP-2")
def test_near_copy_view_shows_the_shared_passages_side_by_side(setup, world, login):
    mine = _submit(setup.assessment, world.assessee, achievements=COPIED + "。本单位另有特色做法。")
    peer = _peer(world, setup, world.county, "乙县 刘书记")
    _submit(
        peer,
        None,
        achievements="开头不同。" + COPIED + "。",
        problems=["柳林社区流动党员28名中有9名全年未参加组织生活。"],
        causes="教育方式单一。",
        measures="建立流动党员微信群。",
    )
    client = login(world.organizer_staff)
    page = client.get(reverse("reports:similar", args=[setup.assessment.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "乙县 刘书记" in html and "<mark>" in html
    assert COPIED[:30] in html.split("重合段落")[-1]
    quality = client.get(reverse("reports:quality", args=[setup.campaign.pk])).content.decode()
    assert "高度雷同" in quality
    # Confidential to the organizer: the assessee cannot open it.
    assert (
        login(world.assessee).get(reverse("reports:similar", args=[setup.assessment.pk])).status_code == 403
    )
    assert mine.pk


@pytest.mark.req("REP-1")
def test_pasting_from_word_keeps_paragraphs_and_fills_sections(setup, world, login):
    client = login(world.liaison)
    pasted = "一、工作成效\n第一段成效。\n第二段成效。\n二、存在的突出问题\n一是青山村班子不团结，3名委员长期缺席。\n三、原因分析\n认识不足。\n四、下一步措施\n包村联系。"
    response = client.post(reverse("reports:edit", args=[setup.assessment.pk]), {"paste": pasted})
    assert response.status_code == 302
    report = setup.assessment.__class__.objects.get(pk=setup.assessment.pk).report
    assert report.achievements == "第一段成效。\n第二段成效。"
    assert report.problem_texts == ["一是青山村班子不团结，3名委员长期缺席。"]
    assert client.post(reverse("reports:submit", args=[setup.assessment.pk])).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.req("REP-1")
def test_the_organizer_cannot_write_the_report(setup, world, login):
    response = login(world.organizer_staff).post(
        reverse("reports:edit", args=[setup.assessment.pk]), {"problems": "x"}
    )
    assert response.status_code == 403


@pytest.mark.req("REP-3")
def test_published_page_takes_an_anonymous_opinion_that_reaches_the_organizer(setup, world, client, login):
    report = _submit(setup.assessment, world.assessee)
    now = timezone.now()
    pub = publication.publish_reports(
        actor=world.organizer_staff,
        campaign=setup.campaign,
        audience=world.prefecture,
        reports=[report],
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=3),
    )
    page = client.get(f"/p/{pub.token}/")
    assert page.status_code == 200 and "青山村等3个村" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    sent = client.post(f"/p/{pub.token}/opinion/", {"text": "希望公开整改进度。", "report": report.pk})
    assert sent.status_code == 302
    assert "意见已收到" in client.get(sent["Location"]).content.decode()
    opinion = Opinion.objects.get()
    assert opinion.report == report and opinion.status == "pending"
    assert {f.name for f in Opinion._meta.get_fields()}.isdisjoint(
        {"ip", "ip_address", "address", "user_agent"}
    )
    staff = login(world.organizer_staff)
    assert "希望公开整改进度。" in staff.get(reverse("reports:publication", args=[pub.pk])).content.decode()
    staff.post(reverse("reports:opinion_moderate", args=[opinion.pk]), {"status": "kept", "note": "转交整改"})
    opinion.refresh_from_db()
    assert opinion.status == "kept" and opinion.moderated_by == world.organizer_staff
    assert staff.get(reverse("reports:publication_export", args=[pub.pk])).status_code == 200
    assert staff.get(reverse("reports:publication_qr", args=[pub.pk]))["Content-Type"] == "image/svg+xml"


@pytest.mark.req("REP-3", "SEC-6")
def test_publishing_from_the_page_keeps_a_refused_form_and_redirects_on_success(setup, world, login):
    report = _submit(setup.assessment, world.assessee)
    staff = login(world.organizer_staff)
    url = reverse("reports:publications", args=[setup.campaign.pk])
    fields = {
        "title": "述职报告公开",
        "audience": world.prefecture.pk,
        "reports": [report.pk],
        "opens_at": "2030-01-01T09:00",
        "closes_at": "2029-12-01T09:00",
    }
    refused = staff.post(url, fields)  # the period ends before it starts: the service refuses
    assert refused.status_code == 400 and "述职报告公开" in refused.content.decode()
    assert not Publication.objects.exists()
    done = staff.post(url, {**fields, "closes_at": "2030-01-08T09:00"})
    pub = Publication.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("reports:publication", args=[pub.pk])


@pytest.mark.req("REP-3", "SEC-6")
def test_withdrawing_a_publication_goes_through_its_form_and_a_second_withdrawal_is_refused_on_the_page(
    setup, world, login
):
    report = _submit(setup.assessment, world.assessee)
    now = timezone.now()
    pub = publication.publish_reports(
        actor=world.organizer_staff,
        campaign=setup.campaign,
        audience=world.prefecture,
        reports=[report],
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=3),
    )
    staff = login(world.organizer_staff)
    url = reverse("reports:publication", args=[pub.pk])
    unknown = staff.post(url, {"action": "erase"})
    assert unknown.status_code == 400 and "未知操作" in unknown.content.decode()
    pub.refresh_from_db()
    assert not pub.is_withdrawn
    done = staff.post(url, {"action": "withdraw"})
    assert done.status_code == 302 and done["Location"] == url
    pub.refresh_from_db()
    assert pub.is_withdrawn
    again = staff.post(url, {"action": "withdraw"})
    assert again.status_code == 400 and "该公布已撤回" in again.content.decode()


@pytest.mark.req("REP-3")
def test_closed_publication_shows_a_friendly_message_and_refuses_opinions(setup, world, client):
    report = _submit(setup.assessment, world.assessee)
    now = timezone.now()
    pub = publication.publish_reports(
        actor=world.organizer_staff,
        campaign=setup.campaign,
        audience=world.prefecture,
        reports=[report],
        opens_at=now - timedelta(days=9),
        closes_at=now - timedelta(days=2),
    )
    page = client.get(f"/p/{pub.token}/")
    assert page.status_code == 200 and "公布期已结束" in page.content.decode()
    assert "青山村" not in page.content.decode()
    client.post(f"/p/{pub.token}/opinion/", {"text": "迟到的意见"})
    assert not Opinion.objects.exists()


@pytest.mark.req("REP-3")
def test_the_opinion_box_is_rate_limited_per_address(setup, world):
    report = _submit(setup.assessment, world.assessee)
    now = timezone.now()
    pub = publication.publish_reports(
        actor=world.organizer_staff,
        campaign=setup.campaign,
        audience=world.prefecture,
        reports=[report],
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=1),
    )
    for n in range(publication.RATE_PER_ADDRESS_HOUR):
        publication.post_opinion(publication=pub, text=f"意见{n}", address="10.0.0.1")
    with pytest.raises(publication.RateLimited):
        publication.post_opinion(publication=pub, text="再一条", address="10.0.0.1")
    publication.post_opinion(publication=pub, text="另一台手机", address="10.0.0.2")
    assert Opinion.objects.count() == publication.RATE_PER_ADDRESS_HOUR + 1


@pytest.mark.req("REP-4")
def test_problem_matrix_flags_what_the_report_leaves_out_and_drafts_commentary(setup, world, login):
    _submit(setup.assessment, world.assessee)
    campaign_findings.add_finding(
        actor=world.organizer_staff,
        assessment=setup.assessment,
        source_kind="circuit_inspection",
        description="发展党员把关不严，部分档案程序不全",
    )
    campaign_findings.add_finding(
        actor=world.organizer_staff,
        assessment=setup.assessment,
        source_kind="audit",
        description="党费收缴使用管理不规范，3个支部未按月收缴",
    )
    built = matrix.build(setup.assessment)
    assert [r.is_left_out for r in built.rows] == [False, True]
    drafts = matrix.draft_commentaries(
        built,
        person_name="陈书记",
        commenters=[("张书记", "主持全面工作", []), ("李部长", "分管组织工作", ["党费", "支部"])],
    )
    assert "发展党员把关不严" in drafts[0].text and "党费收缴" in drafts[0].text
    assert "党费收缴" in drafts[1].text and "述职报告未涉及" in drafts[1].text
    assert "发展党员把关不严，部分" not in drafts[1].text
    page = login(world.organizer_staff).get(
        reverse("reports:matrix", args=[setup.assessment.pk]), {"commenters": "李部长｜分管组织工作｜党费"}
    )
    html = page.content.decode()
    assert "报告未涉及" in html and "李部长同志点评" in html


@pytest.mark.req("REP-4")
def test_later_apps_register_their_problem_sources(setup, world):
    @matrix.register_source("field", "实地考核")
    def field(assessment):
        return [matrix.Problem("field", "青山村整顿后反弹，班子不团结")]

    try:
        _submit(setup.assessment, world.assessee)
        built = matrix.build(setup.assessment)
        assert built.rows[0].source_label == "实地考核" and not built.rows[0].is_left_out
    finally:
        matrix.unregister_source("field")


@pytest.mark.req("REP-1", "SEC-2", "PERF-5")
def test_api_lists_scoped_reports_with_a_constant_number_of_queries(setup, world, login):
    _submit(setup.assessment, world.assessee)
    client = login(world.organizer_staff)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/reports").json()) == 1
    for org, name in ((world.county, "乙县 刘书记"), (world.township, "丙镇 吴书记")):
        _submit(_peer(world, setup, org, name), None)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get("/api/v1/reports").json()) == 3
    assert len(three) == len(one)
    assert login(world.liaison).get("/api/v1/reports").json()[0]["organization_name"] == "中共甲市委员会"
    assert len(login(world.liaison).get("/api/v1/reports").json()) == 1
    assert login(world.outsider).get("/api/v1/reports").json() == []


@pytest.mark.req("REP-1", "PERF-5")
def test_report_overview_and_quality_pages_keep_query_counts_constant(setup, world, login):
    _submit(setup.assessment, world.assessee)
    client = login(world.organizer_staff)
    url = reverse("reports:quality", args=[setup.campaign.pk])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
        assert client.get(reverse("reports:list")).status_code == 200
    for org, name in ((world.county, "乙县 刘书记"), (world.township, "丙镇 吴书记")):
        _submit(_peer(world, setup, org, name), None, problems=[f"{name}：5个支部组织生活不规范。"])
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
        assert client.get(reverse("reports:list")).status_code == 200
    assert len(three) == len(one)

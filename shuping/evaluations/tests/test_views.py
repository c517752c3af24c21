"""The pages' writes (EVA-1 … EVA-4): one small view per operation, each through the shared form handler —
success flashes and redirects; a refusal shows the service's message on the page again, 400, with what was
typed kept and nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from shuping.evaluations import services
from shuping.evaluations.choices import StepKind
from shuping.evaluations.models import DecisionStep, Evaluation

from .builders import campaign_at_evaluation


def _evaluations(campaign):
    return list(Evaluation.objects.filter(campaign=campaign).select_related("assessment").order_by("pk"))


def _messages(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


@pytest.fixture
def opened(world, client):
    campaign = campaign_at_evaluation(world, extra=2)
    client.force_login(world.organizer_staff)
    return campaign


@pytest.mark.req("EVA-1", "EVA-3")
def test_calibration_buttons_each_post_to_their_own_route(world, client, opened):
    campaign = opened
    base = f"/evaluations/campaigns/{campaign.pk}/"
    page = client.get(base).content.decode()
    for route in ("compute/", "link-by-name/", "accept-all/", "forms/"):
        assert f'action="{base}{route}"' in page
    assert client.post(base).status_code == 405  # the screen itself only reads
    done = client.post(base + "compute/")
    assert done.status_code == 302 and done["Location"] == base
    assert "已重新计算 3 名考核对象的综合得分。" in _messages(done)
    assert Evaluation.objects.filter(campaign=campaign).count() == 3
    linked = client.post(base + "link-by-name/")
    assert linked.status_code == 302 and "已按姓名关联 0 个测评对象" in _messages(linked)
    accepted = client.post(base + "accept-all/")
    assert accepted.status_code == 302 and "已按建议等次提出 0 人的拟定等次。" in _messages(accepted)
    # Every 综合评价意见表 at once, from the same screen (DOC-4's batch: a job with progress, FLOW-1).
    assert "批量生成综合评价意见表" in page
    batch = client.post(base + "forms/")
    assert batch.status_code == 302 and batch["Location"].startswith("/jobs/")
    assert "已开始批量生成综合评价意见表" in _messages(batch)


@pytest.mark.req("EVA-3")
def test_a_refused_proposal_comes_back_with_its_row_as_typed(world, client, opened):
    campaign = opened
    services.start_evaluations(actor=world.organizer_staff, campaign=campaign)
    first, second = _evaluations(campaign)[:2]
    url = f"/evaluations/campaigns/{campaign.pk}/propose/"
    refused = client.post(url, {"evaluation": first.pk, "grade": "优异", "reason": "典型经验突出"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "等次" in body and 'value="典型经验突出"' in body
    first.refresh_from_db()
    assert first.proposed_grade == ""
    other = client.post(url, {"evaluation": 10**9, "grade": "好"})
    assert other.status_code == 400 and "未找到该考核对象。" in other.content.decode()
    made = client.post(url, {"evaluation": second.pk, "grade": "较好", "reason": ""})
    assert made.status_code == 302 and "的拟定等次。" in _messages(made)
    second.refresh_from_db()
    assert second.proposed_grade == "较好"


@pytest.mark.req("EVA-4")
def test_a_refused_decision_step_keeps_the_entry(world, client, opened):
    campaign = opened
    staff = world.organizer_staff
    evaluations = services.start_evaluations(actor=staff, campaign=campaign)
    for e in evaluations:
        services.propose_grade(actor=staff, evaluation=e, grade="好")
    url = f"/evaluations/campaigns/{campaign.pk}/decisions/"
    entry = {
        "kind": StepKind.SECTION_DRAFT,
        "held_on": "2024-01-20",
        "minutes_reference": "",
        "body": "干部一科",
        "evaluations": [evaluations[0].pk],
        "recusals": "李四，亲属关系",
        "note": "先拟定一人",
    }
    refused = client.post(url, entry)
    body = refused.content.decode()
    assert refused.status_code == 400 and "请填写会议纪要" in body
    assert 'value="2024-01-20"' in body and 'value="干部一科"' in body and 'value="先拟定一人"' in body
    assert f'value="{evaluations[0].pk}" checked>' in body and f'value="{evaluations[1].pk}">' in body
    assert "李四，亲属关系</textarea>" in body
    assert not DecisionStep.objects.exists()
    bad_date = client.post(url, {**entry, "held_on": "2024-13-01", "minutes_reference": "拟定稿"})
    assert bad_date.status_code == 400 and "日期：请检查日期。" in bad_date.content.decode()
    made = client.post(url, {**entry, "minutes_reference": "拟定稿"})
    assert made.status_code == 302 and "已录入“科室拟定”（拟定稿）。" in _messages(made)
    step = DecisionStep.objects.get()
    assert step.held_on == date(2024, 1, 20) and step.body == "干部一科" and step.note == "先拟定一人"
    assert [(r.name, r.reason) for r in step.recusals.all()] == [("李四", "related")]


@pytest.mark.req("EVA-3")
def test_the_opinion_before_and_after_the_evaluation_is_opened(world, client, opened):
    campaign = opened
    assessment = campaign.assessments.get(organization=world.prefecture)
    url = f"/evaluations/assessments/{assessment.pk}/"
    typed = {"achievements": "抓党建责任落实", "problems": "基层阵地建设不足\n"}
    early = client.post(url + "opinion/", typed)
    assert early.status_code == 400 and "尚未开始综合评价：请先在等次校准页面计算综合得分。" in (
        early.content.decode()
    )
    services.start_evaluations(actor=world.organizer_staff, campaign=campaign)
    page = client.get(url).content.decode()
    for route in ("opinion/", "opinion/draft/", "flags/"):  # 加减分: tested in test_adjustments.py
        assert f'action="{url}{route}"' in page
    saved = client.post(url + "opinion/", typed)
    assert saved.status_code == 302 and "综合评价意见已保存。" in _messages(saved)
    evaluation = Evaluation.objects.get(assessment=assessment)
    assert evaluation.achievements == "抓党建责任落实"
    assert evaluation.problems == [{"text": "基层阵地建设不足", "source": "organizer"}]
    drafted = client.post(url + "opinion/draft/")
    assert drafted.status_code == 302 and "已从各来源汇集问题" in _messages(drafted)


@pytest.mark.req("EVA-1")
def test_a_veto_fact_is_recorded_and_withdrawn(world, client, opened):
    campaign = opened
    services.start_evaluations(actor=world.organizer_staff, campaign=campaign)
    assessment = campaign.assessments.get(organization=world.prefecture)
    url = f"/evaluations/assessments/{assessment.pk}/flags/"
    refused = client.post(url, {"flag": "serious_incident", "note": " "})
    assert refused.status_code == 400 and "请写明情况。" in refused.content.decode()
    recorded = client.post(url, {"flag": "serious_incident", "note": "发生安全事故"})
    assert recorded.status_code == 302 and "已记录，请重新计算综合得分。" in _messages(recorded)
    evaluation = Evaluation.objects.get(assessment=assessment)
    assert evaluation.flags == {"serious_incident": "发生安全事故"}
    assert client.post(url, {"flag": "serious_incident", "is_set": "0"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.flags == {}


@pytest.mark.req("EVA-4")
def test_a_refused_redecision_keeps_the_entry(world, client, opened):
    campaign = opened
    staff = world.organizer_staff
    evaluations = services.start_evaluations(actor=staff, campaign=campaign)
    for e in evaluations:
        services.propose_grade(actor=staff, evaluation=e, grade="一般")
    for kind, ref in (
        (StepKind.SECTION_DRAFT, "拟定稿"),
        (StepKind.DEPARTMENT_MEETING, "部务会纪要"),
        (StepKind.COMMITTEE, "常委会纪要"),
    ):
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=kind,
            evaluations=evaluations,
            held_on=date(2024, 1, 20),
            minutes_reference=ref,
        )
    assessment = evaluations[0].assessment
    url = f"/evaluations/assessments/{assessment.pk}/redecide/"
    entry = {"grade": "较好", "held_on": "2024-03-01", "minutes_reference": "常委会纪要〔2024〕9号"}
    refused = client.post(url, {**entry, "reason": " ", "body": "省委常委会"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "重新研究须写明理由。" in body
    assert 'value="常委会纪要〔2024〕9号"' in body and 'value="省委常委会"' in body
    assert '<option value="较好" selected>' in body
    made = client.post(url, {**entry, "reason": "巡视反馈新发现问题"})
    assert made.status_code == 302 and "已录入重新研究结果。" in _messages(made)
    assert Evaluation.objects.get(pk=evaluations[0].pk).final_grade == "较好"


@pytest.mark.req("EVA-9")
def test_the_leader_reads_but_every_write_is_refused(world, client, opened):
    campaign = opened
    services.start_evaluations(actor=world.organizer_staff, campaign=campaign)
    assessment = campaign.assessments.get(organization=world.prefecture)
    client.force_login(world.users["department_leader"])
    base = f"/evaluations/campaigns/{campaign.pk}/"
    page = f"/evaluations/assessments/{assessment.pk}/"
    assert client.get(base).status_code == 200 and client.get(page).status_code == 200
    for url in (base + "compute/", base + "propose/", base + "accept-all/", base + "decisions/"):
        assert client.post(url).status_code == 403, url
    for route in ("opinion/", "opinion/draft/", "flags/", "redecide/", "adjustments/"):
        assert client.post(page + route).status_code == 403, route

"""The rectification pages driven by POST, as a browser would (RCT-1, RCT-2): draft, 报备, confirm or return,
progress with optional evidence, the assessee marks done, the organizer closes singly / in a batch / by
sampling or sends back with a reason. Every refusal changes nothing and says why in Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuping.core.crypto import sm3_hex
from shuping.rectification import services
from shuping.rectification.choices import ClosureMethod, ItemStatus, ListStatus, NotificationKind
from shuping.rectification.models import ClosureBatch, Notification, ProgressUpdate, RectificationList

from .builders import SHARED_PROBLEM, campaign_with_problems, prefecture_assessment
from .test_services import confirmed_list


def text(response) -> str:
    return response.content.decode()


def post(client, url, **data):
    return client.post(url, data, follow=True)


def act(client, name, *args, **data):
    """POST to one of the pages' write views (`rectification:<name>`), following the redirect."""
    return client.post(reverse(f"rectification:{name}", args=args), data, follow=True)


@pytest.mark.req("RCT-1")
def test_the_liaison_drafts_and_files_a_list_through_the_page(world, login):
    campaign = campaign_with_problems(world)
    assessment = prefecture_assessment(campaign, world)
    client = login(world.liaison)
    url = reverse("rectification:list", args=[assessment.pk])
    assert "建立整改清单" in text(client.get(url))

    page = act(client, "list_start", assessment.pk)
    rlist = RectificationList.objects.get(assessment=assessment)
    assert rlist.status == ListStatus.DRAFT and SHARED_PROBLEM in text(page)
    assert "巡视巡察" in text(page) and "实地考核" in text(page)  # the sources, by their names

    deadline = (rlist.starts_on + timedelta(days=40)).isoformat()
    act(
        client,
        "list_add_item",
        assessment.pk,
        problem="自查：台账不规范",
        measures="建立台账",
        deadline=deadline,
    )
    assert rlist.items.count() == 3
    # Filing refuses items without measures, says so, and leaves the list a draft.
    page = act(client, "list_submit", assessment.pk)
    assert "每项整改事项都应写明整改措施" in text(page)
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.DRAFT
    for item in rlist.items.filter(measures=""):
        act(
            client,
            "item_update",
            item.pk,
            problem=item.problem,
            measures="逐项整改",
            responsible="陈书记",
            deadline=deadline,
        )
    page = act(client, "list_submit", assessment.pk)
    assert "已报备上级组织部门" in text(page)
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.SUBMITTED and rlist.submitted_by == world.liaison


@pytest.mark.req("RCT-1")
def test_only_the_organizer_confirms_or_returns_and_a_return_needs_remarks(world, login):
    campaign = campaign_with_problems(world)
    assessment = prefecture_assessment(campaign, world)
    rlist = services.start_list(actor=world.liaison, assessment=assessment)
    rlist.items.update(measures="整改")
    services.submit_list(actor=world.liaison, rectification_list=rlist)
    url = reverse("rectification:list", args=[assessment.pk])

    confirm = reverse("rectification:list_confirm", args=[assessment.pk])
    assert login(world.assessee).post(confirm).status_code == 403
    client = login(world.organizer_staff)
    page = act(client, "list_return", assessment.pk, remarks="  ")
    assert "退回须写明修改意见" in text(page)
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.SUBMITTED
    act(client, "list_return", assessment.pk, remarks="措施不够具体")
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.RETURNED
    assert "措施不够具体" in text(login(world.liaison).get(url))

    services.submit_list(actor=world.liaison, rectification_list=rlist)
    page = act(login(world.organizer_staff), "list_confirm", assessment.pk)
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.CONFIRMED and "已确认整改清单" in text(page)


@pytest.mark.req("RCT-2")
def test_progress_is_reported_with_or_without_evidence(world, login):
    _campaign, _assessment, rlist = confirmed_list(world)
    item = rlist.items.order_by("position").first()
    client = login(world.assessee)
    url = reverse("rectification:item", args=[item.pk])
    page = text(client.get(url))
    assert "佐证材料（可不上传）" in page and "销号</button>" not in page

    act(client, "item_progress", item.pk, text="召开专题会议")
    content = "整改方案".encode()
    act(
        client,
        "item_progress",
        item.pk,
        text="印发整改方案",
        evidence=SimpleUploadedFile("方案.txt", content, content_type="text/plain"),
    )
    without, with_file = ProgressUpdate.objects.filter(item=item).order_by("pk")
    assert not without.evidence and without.evidence_sm3 == ""
    assert with_file.evidence_sm3 == sm3_hex(content) and with_file.evidence_name == "方案.txt"
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS
    page = text(client.get(url))
    assert "方案.txt" in page and with_file.evidence_sm3[:16] in page
    download = client.get(reverse("rectification:evidence", args=[with_file.pk]))
    assert b"".join(download.streaming_content) == content
    # An empty update is refused with a reason and records nothing.
    assert "请填写进展情况" in text(act(client, "item_progress", item.pk, text=" "))
    assert ProgressUpdate.objects.filter(item=item).count() == 2


@pytest.mark.req("RCT-2")
def test_the_assessee_marks_done_but_only_the_organizer_closes_and_each_source_is_told(world, login):
    _campaign, _assessment, rlist = confirmed_list(world)
    item = rlist.items.get(problem=SHARED_PROBLEM)
    url = reverse("rectification:item", args=[item.pk])
    assessee = login(world.assessee)
    act(assessee, "item_done", item.pk, text="已完成整改")
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE_REPORTED
    assert assessee.post(reverse("rectification:item_close", args=[item.pk])).status_code == 403
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE_REPORTED

    organizer = login(world.organizer_staff)
    assert "销号</button>" in text(organizer.get(url))
    page = act(organizer, "item_close", item.pk)
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED and item.closure.method == ClosureMethod.SINGLE
    assert "已销号，并已向各问题来源通报" in text(page)
    assert Notification.objects.filter(item=item, kind=NotificationKind.CLOSURE).count() == 3
    assert text(page).count("销号已通报") == 3


@pytest.mark.req("RCT-2")
def test_the_organizer_sends_an_item_back_only_with_a_reason(world, login):
    _campaign, _assessment, rlist = confirmed_list(world)
    item = rlist.items.order_by("position").first()
    services.add_progress(actor=world.liaison, item=item, text="完成", marks_done=True)
    url = reverse("rectification:item", args=[item.pk])
    client = login(world.organizer_staff)
    assert "退回须写明理由" in text(act(client, "item_send_back", item.pk, reason=""))
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE_REPORTED
    act(client, "item_send_back", item.pk, reason="佐证不足，制度尚未印发")
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS
    assert "退回理由：佐证不足，制度尚未印发" in text(login(world.assessee).get(url))
    assert Notification.objects.filter(recipient=world.assessee, kind=NotificationKind.RETURNED).exists()


@pytest.mark.req("RCT-2")
def test_the_board_closes_in_a_batch_and_by_a_recorded_sample(world, login):
    campaign, _assessment, rlist = confirmed_list(world)
    first, second = rlist.items.order_by("position")
    for item in (first, second):
        services.add_progress(actor=world.liaison, item=item, text="完成", marks_done=True)
    url = reverse("rectification:campaign", args=[campaign.pk])
    close = reverse("rectification:campaign_close", args=[campaign.pk])
    assert login(world.liaison).post(close, {"items": [first.pk]}).status_code == 403

    client = login(world.organizer_staff)
    page = text(client.get(url))
    assert first.problem[:20] in page and "抽查后销号" in page
    page = text(act(client, "campaign_sample", campaign.pk, items=[first.pk, second.pk], size="1"))
    batch = ClosureBatch.objects.get(campaign=campaign)
    assert batch.method == ClosureMethod.SAMPLE and len(batch.sampled) == 1 and batch.seed is not None
    assert f"随机种子 {batch.seed}" in page
    assert set(rlist.items.values_list("status", flat=True)) == {ItemStatus.CLOSED}


@pytest.mark.req("RCT-2")
def test_a_batch_needs_a_selection_and_closes_every_selected_item(world, login):
    campaign, _assessment, rlist = confirmed_list(world)
    items = list(rlist.items.order_by("position"))
    for item in items:
        services.add_progress(actor=world.liaison, item=item, text="完成", marks_done=True)
    client = login(world.organizer_staff)
    assert "请至少选择一项" in text(act(client, "campaign_close", campaign.pk))
    page = text(act(client, "campaign_close", campaign.pk, items=[i.pk for i in items], note="核查属实"))
    assert f"已销号 {len(items)} 项" in page
    batch = ClosureBatch.objects.get(campaign=campaign)
    assert batch.method == ClosureMethod.BATCH and batch.note == "核查属实"


@pytest.mark.req("RCT-6")
def test_last_years_unfinished_items_show_on_the_page_before_a_list_is_started(world, login):
    from shuping.campaigns import services as campaign_services

    _campaign, _assessment, rlist = confirmed_list(world)
    first, second = rlist.items.order_by("position")
    services.add_progress(actor=world.liaison, item=second, text="完成", marks_done=True)
    services.close_items(actor=world.organizer_staff, items=[second])
    nxt = campaign_services.create_campaign(actor=world.organizer_staff, organizer=world.province, year=2024)
    campaign_services.apply_scope_proposal(actor=world.organizer_staff, campaign=nxt)
    next_assessment = nxt.assessments.get(organization=world.prefecture)
    page = text(login(world.organizer_staff).get(reverse("rectification:list", args=[next_assessment.pk])))
    assert "上年度未完成的整改事项" in page and "2023 年度" in page
    assert first.problem in page and second.problem not in page


@pytest.mark.req("RCT-1")
def test_the_drafter_merges_items_keeping_every_source(world, login):
    campaign = campaign_with_problems(world)
    assessment = prefecture_assessment(campaign, world)
    rlist = services.start_list(actor=world.liaison, assessment=assessment)
    first, second = rlist.items.order_by("position")
    kinds = {s.kind for s in first.sources.all()} | {s.kind for s in second.sources.all()}
    url = reverse("rectification:list", args=[assessment.pk])
    client = login(world.liaison)
    assert "合并所选事项" in text(client.get(url))
    assert "请至少选择两项" in text(act(client, "list_merge", assessment.pk, items=[first.pk]))
    assert rlist.items.count() == 2
    page = act(client, "list_merge", assessment.pk, items=[first.pk, second.pk])
    assert "已合并为一项" in text(page)
    (kept,) = rlist.items.all()
    assert kept.pk == first.pk and {s.kind for s in kept.sources.all()} == kinds


@pytest.mark.req("RCT-1")
def test_an_item_added_with_a_milestone_has_it_ticked_on_the_item_page(world, login):
    campaign = campaign_with_problems(world)
    assessment = prefecture_assessment(campaign, world)
    rlist = services.start_list(actor=world.liaison, assessment=assessment)
    client = login(world.liaison)
    on = rlist.starts_on + timedelta(days=20)
    act(
        client,
        "list_add_item",
        assessment.pk,
        problem="制度不健全",
        measures="修订制度",
        deadline=(rlist.starts_on + timedelta(days=40)).isoformat(),
        milestone_text="起草制度初稿",
        milestone_on=on.isoformat(),
    )
    item = rlist.items.get(problem="制度不健全")
    milestone = item.milestones.get()
    assert (milestone.text, milestone.due_on, milestone.is_done) == ("起草制度初稿", on, False)
    url = reverse("rectification:item", args=[item.pk])
    assert "标记完成" in text(client.get(url))
    assert (
        login(world.organizer_staff)
        .post(reverse("rectification:item_milestone", args=[item.pk, milestone.pk]))
        .status_code
        == 403
    )
    page = act(login(world.assessee), "item_milestone", item.pk, milestone.pk)
    milestone.refresh_from_db()
    assert milestone.is_done and "已标记阶段目标完成" in text(page)


@pytest.mark.req("RCT-1")
def test_the_liaison_writes_measures_on_the_list_page_and_the_problem_stays_as_pointed_out(world, login):
    campaign = campaign_with_problems(world)
    assessment = prefecture_assessment(campaign, world)
    rlist = services.start_list(actor=world.liaison, assessment=assessment)
    client = login(world.liaison)
    url = reverse("rectification:list", args=[assessment.pk])
    page = text(client.get(url))
    assert page.count(f"/assessments/{assessment.pk}/items/") == rlist.items.count() + 1  # + 添加
    assert "尚未填写整改措施" in page

    deadline = (rlist.starts_on + timedelta(days=20)).isoformat()
    milestone_on = (rlist.starts_on + timedelta(days=10)).isoformat()
    first, *others = rlist.items.order_by("position")
    response = client.post(
        reverse("rectification:list_update_item", args=[assessment.pk, first.pk]),
        {
            "problem": "改掉的问题",  # ignored: the problem is read-only
            "measures": "逐支部检查会议记录",
            "responsible": "陈书记",
            "deadline": deadline,
            "milestone_text": "完成自查",
            "milestone_on": milestone_on,
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#rct-item-{first.pk}")
    problem = first.problem
    first.refresh_from_db()
    assert (first.problem, first.measures, first.responsible) == (problem, "逐支部检查会议记录", "陈书记")
    assert first.deadline.isoformat() == deadline
    assert [(m.text, m.due_on.isoformat()) for m in first.milestones.all()] == [("完成自查", milestone_on)]

    # A missing deadline is refused with a reason and changes nothing.
    page = act(client, "list_update_item", assessment.pk, others[0].pk, measures="整改", deadline="")
    assert "请填写完成时限" in text(page)
    others[0].refresh_from_db()
    assert others[0].measures == ""
    for other in others:
        act(client, "list_update_item", assessment.pk, other.pk, measures="逐项整改", deadline=deadline)
    assert "已报备上级组织部门" in text(act(client, "list_submit", assessment.pk))
    # Filed: no more measures forms.
    assert "保存整改措施" not in text(client.get(url))


@pytest.mark.req("RCT-1")
def test_the_item_page_offers_the_measures_form_only_to_drafters_of_an_editable_list(world, login):
    campaign = campaign_with_problems(world)
    assessment = prefecture_assessment(campaign, world)
    rlist = services.start_list(actor=world.liaison, assessment=assessment)
    item = rlist.items.order_by("position").first()
    url = reverse("rectification:item", args=[item.pk])
    assert "保存整改措施" in text(login(world.assessee).get(url))
    assert "保存整改措施" not in text(login(world.organizer_staff).get(url))
    deadline = (rlist.starts_on + timedelta(days=20)).isoformat()
    page = act(login(world.assessee), "item_update", item.pk, measures="建立台账", deadline=deadline)
    assert "已保存第 1 项的整改措施" in text(page)
    item.refresh_from_db()
    assert item.measures == "建立台账"
    # An item that is not on this list cannot be reached through this list's page.
    response = login(world.liaison).post(
        reverse("rectification:list_update_item", args=[assessment.pk, 999999]), {"measures": "整改"}
    )
    assert response.status_code == 404

"""Rectification services (RCT-1, RCT-2, RCT-5): lists from every source, one item several sources closed
once, the assessee cannot close, batch and sampled closure, referrals leave items open."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shuping.rectification import consequences, notify, rules, selectors, services
from shuping.rectification.choices import ClosureMethod, ItemStatus, ListStatus, NotificationKind, SourceKind
from shuping.rectification.models import Notification, RectificationItem

from .builders import SHARED_PROBLEM, campaign_with_problems, prefecture_assessment


def confirmed_list(world, grade="较好"):
    campaign = campaign_with_problems(world, grade=grade)
    assessment = prefecture_assessment(campaign, world)
    rlist = services.start_list(actor=world.liaison, assessment=assessment)
    for item in rlist.items.all():
        services.update_item(
            actor=world.liaison,
            item=item,
            problem=item.problem,
            measures="制定计划，逐项整改",
            responsible="陈书记",
            deadline=rlist.rectify_by or rlist.starts_on + timedelta(days=60),
        )
    services.submit_list(actor=world.assessee, rectification_list=rlist)
    services.confirm_list(actor=world.organizer_staff, rectification_list=rlist)
    rlist.refresh_from_db()
    return campaign, assessment, rlist


@pytest.mark.req("RCT-1")
def test_list_is_drafted_from_every_source_and_one_problem_keeps_all_its_sources(world):
    campaign = campaign_with_problems(world)
    assessment = prefecture_assessment(campaign, world)
    rlist = services.start_list(actor=world.assessee, assessment=assessment)
    items = list(rlist.items.prefetch_related("sources"))
    assert [i.problem for i in items] == [SHARED_PROBLEM, "软弱涣散村党组织整顿进度偏慢"]
    assert {s.kind for s in items[0].sources.all()} == {
        SourceKind.INSPECTION,
        SourceKind.OPINION,
        SourceKind.FIELD,
    }
    # Due 30 days after approval while no feedback has been released, filed with the organizer.
    assert rlist.starts_from == "approval" and rlist.starts_on == date(2024, 1, 20)
    assert rlist.due_on == date(2024, 2, 19)
    assert rlist.filed_with == campaign.organizer


@pytest.mark.req("RCT-1")
def test_organizer_returns_with_remarks_and_the_liaison_files_again(world):
    campaign = campaign_with_problems(world)
    assessment = prefecture_assessment(campaign, world)
    rlist = services.start_list(actor=world.liaison, assessment=assessment)
    services.add_item(
        actor=world.liaison,
        rectification_list=rlist,
        problem="自查问题",
        measures="整改",
        deadline=date(2024, 3, 1),
    )
    with pytest.raises(services.RectificationError):
        services.submit_list(actor=world.liaison, rectification_list=rlist)  # items without measures
    RectificationItem.objects.filter(rectification_list=rlist).update(measures="措施")
    services.submit_list(actor=world.liaison, rectification_list=rlist)
    with pytest.raises(services.RectificationConflict):
        services.confirm_list(actor=world.assessee, rectification_list=rlist)
    services.return_list(actor=world.organizer_staff, rectification_list=rlist, remarks="措施不具体")
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.RETURNED and rlist.return_remarks == "措施不具体"
    assert Notification.objects.filter(recipient=world.assessee, kind=NotificationKind.RETURNED).exists()
    services.submit_list(actor=world.liaison, rectification_list=rlist)
    services.confirm_list(actor=world.organizer_staff, rectification_list=rlist)
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.CONFIRMED


@pytest.mark.req("RCT-2")
def test_assessee_cannot_close_their_own_item_only_mark_it_done(world):
    _c, _a, rlist = confirmed_list(world)
    item = rlist.items.first()
    services.add_progress(actor=world.assessee, item=item, text="已整改完毕", marks_done=True)
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE_REPORTED
    for user in (world.assessee, world.liaison):
        with pytest.raises(services.RectificationConflict):
            services.close_items(actor=user, items=[item])
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE_REPORTED
    services.close_items(actor=world.organizer_staff, items=[item])
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED


@pytest.mark.req("RCT-2")
def test_evidence_is_optional_and_sm3_stamped(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuping.core.crypto import sm3_hex

    _c, _a, rlist = confirmed_list(world)
    item = rlist.items.first()
    plain = services.add_progress(actor=world.liaison, item=item, text="召开专题会")
    assert not plain.evidence and plain.evidence_sm3 == ""
    data = "会议纪要".encode()
    stamped = services.add_progress(
        actor=world.liaison, item=item, text="附纪要", evidence=SimpleUploadedFile("纪要.txt", data)
    )
    assert stamped.evidence_sm3 == sm3_hex(data)
    assert stamped.evidence.read() == data


@pytest.mark.req("RCT-1", "RCT-2")
def test_an_item_with_three_sources_is_closed_once_and_each_source_is_told(world):
    _c, _a, rlist = confirmed_list(world)
    item = rlist.items.get(problem=SHARED_PROBLEM)
    assert item.sources.count() == 3
    services.add_progress(actor=world.assessee, item=item, text="已完成", marks_done=True)
    services.close_items(actor=world.organizer_staff, items=[item])
    notices = Notification.objects.filter(item=item, kind=NotificationKind.CLOSURE)
    assert notices.count() == 3
    assert {n.source.kind for n in notices} == {SourceKind.INSPECTION, SourceKind.OPINION, SourceKind.FIELD}
    assert not item.sources.filter(closure_reported_at__isnull=True).exists()
    with pytest.raises(services.RectificationConflict):
        services.close_items(actor=world.organizer_staff, items=[item])  # closed once


@pytest.mark.req("RCT-2")
def test_batch_and_sampled_closure_record_method_and_seed(world):
    _c, _a, rlist = confirmed_list(world)
    items = list(rlist.items.all())
    for item in items:
        services.add_progress(actor=world.liaison, item=item, text="完成", marks_done=True)
    batch = services.close_by_sampling(actor=world.organizer_staff, items=items, size=1, seed=42)
    assert batch.method == ClosureMethod.SAMPLE and batch.seed == 42
    assert batch.sampled == rules.sample([i.pk for i in items], 1, 42)
    assert set(batch.population) == {i.pk for i in items}
    assert all(
        i.status == ItemStatus.CLOSED for i in RectificationItem.objects.filter(pk__in=batch.population)
    )


@pytest.mark.req("RCT-2")
def test_batch_closure_and_send_back(world):
    _c, _a, rlist = confirmed_list(world)
    first, second = list(rlist.items.all())
    for item in (first, second):
        services.add_progress(actor=world.liaison, item=item, text="完成", marks_done=True)
    services.send_back_item(actor=world.organizer_staff, item=second, reason="佐证不足")
    second.refresh_from_db()
    assert second.status == ItemStatus.IN_PROGRESS and second.return_reason == "佐证不足"
    batch = services.close_items(actor=world.organizer_staff, items=[first])
    assert batch.method == ClosureMethod.SINGLE
    services.add_progress(actor=world.liaison, item=second, text="补充", marks_done=True)
    third = services.close_items(actor=world.organizer_staff, items=[second])
    assert third.method == ClosureMethod.SINGLE


@pytest.mark.req("RCT-2")
def test_overdue_is_computed_from_today_without_any_stored_flag(world, monkeypatch):
    _c, _a, rlist = confirmed_list(world)
    item = rlist.items.first()
    assert not any(f.name in ("is_overdue", "overdue") for f in RectificationItem._meta.get_fields())
    monkeypatch.setattr(selectors, "today", lambda: item.deadline)
    assert not selectors.list_detail(rlist).get(pk=item.pk).is_overdue
    monkeypatch.setattr(selectors, "today", lambda: item.deadline + timedelta(days=1))
    assert selectors.list_detail(rlist).get(pk=item.pk).is_overdue
    services.add_progress(actor=world.liaison, item=item, text="完成", marks_done=True)
    services.close_items(actor=world.organizer_staff, items=[item])
    assert not selectors.list_detail(rlist).get(pk=item.pk).is_overdue


@pytest.mark.req("RCT-2")
def test_reminders_and_overdue_notices_go_through_the_file_sender_once(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    _c, _a, rlist = confirmed_list(world)
    item = rlist.items.first()
    with django_capture_on_commit_callbacks(execute=True):
        made = notify.send_reminders(today=item.deadline - timedelta(days=3))
    assert made >= 2  # the assessee and the liaison
    files = list((tmp_path / "outbox").glob("*.txt"))
    assert files and "到期" in files[0].read_text(encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.send_reminders(today=item.deadline - timedelta(days=3)) == 0  # never twice
        assert notify.send_overdue_notices(today=item.deadline + timedelta(days=1)) >= 2
    assert Notification.objects.filter(kind=NotificationKind.OVERDUE, recipient=world.assessee).exists()
    assert len(list((tmp_path / "outbox").glob("*.txt"))) > len(files)


@pytest.mark.req("RCT-5")
def test_a_referral_leaves_the_items_open(world):
    _c, assessment, rlist = confirmed_list(world, grade="差")
    consequences.refer_for_accountability(
        actor=world.organizer_staff,
        assessment=assessment,
        referred_to="市纪委监委",
        reason="问题严重",
        referred_on=date(2024, 2, 1),
    )
    assert rlist.items.count() == 2
    assert not rlist.items.filter(status=ItemStatus.CLOSED).exists()


@pytest.mark.req("RCT-5")
def test_poor_grade_opens_an_admonition_and_sets_the_deadline(world):
    campaign = campaign_with_problems(world, grade="一般")
    assessment = prefecture_assessment(campaign, world)
    assert assessment.admonitions.count() == 1
    rlist = services.start_list(actor=world.assessee, assessment=assessment)
    assert rlist.rectify_by == date(2024, 1, 20) + timedelta(days=rules.DEFAULT_RECTIFY_DAYS)
    with pytest.raises(services.RectificationError, match="限期整改"):
        services.add_item(
            actor=world.assessee,
            rectification_list=rlist,
            problem="x",
            measures="y",
            deadline=rlist.rectify_by + timedelta(days=1),
        )
    admonition = consequences.record_admonition(
        actor=world.organizer_staff,
        assessment=assessment,
        conducted_by="组织部 李部长",
        held_on=date(2024, 2, 2),
        record_text="指出问题，提出要求。",
    )
    assert admonition.is_held and assessment.admonitions.count() == 1


@pytest.mark.req("RCT-1")
def test_the_period_counts_from_feedback_once_it_is_released(world):
    from django.utils import timezone

    from shuping.feedback import services as feedback_services

    campaign = campaign_with_problems(world)
    assessment = prefecture_assessment(campaign, world)
    feedback_services.release_feedback(actor=world.organizer_staff, assessment=assessment)
    rlist = services.start_list(actor=world.liaison, assessment=assessment)
    today = timezone.localdate()
    assert rlist.starts_from == "feedback" and rlist.starts_on == today
    assert rlist.due_on == today + timedelta(days=30)


@pytest.mark.req("RCT-5")
def test_the_admonition_period_is_a_campaign_setting_set_on_the_board(world, login):
    from django.urls import reverse

    campaign = campaign_with_problems(world, grade="一般")
    assert services.admonition_days(campaign) == 90
    client = login(world.organizer_staff)
    url = reverse("rectification:campaign", args=[campaign.pk])
    assert 'name="admonition_deadline_days" min="1" max="730" value="90"' in client.get(url).content.decode()
    settings_url = reverse("rectification:campaign_settings", args=[campaign.pk])
    client.post(settings_url, {"days": "30", "admonition_deadline_days": "60"})
    campaign.refresh_from_db()
    assert campaign.settings["admonition_deadline_days"] == 60
    rlist = services.start_list(actor=world.assessee, assessment=prefecture_assessment(campaign, world))
    assert rlist.rectify_by == date(2024, 1, 20) + timedelta(days=60)
    with pytest.raises(services.RectificationError, match="限期整改期限"):
        services.set_rectification_settings(
            actor=world.organizer_staff, campaign=campaign, days=30, admonition_deadline_days=0
        )

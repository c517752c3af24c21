"""EVA-5 … EVA-7 through the services: feedback only after 研究, 签收 and the overdue list, the 通报 with
密级 and 份号, transfers to whoever holds the personnel file, a person's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shuping.audit.models import AuditEvent
from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import Stage
from shuping.documents.models import RegisteredDocument
from shuping.evaluations.tests.builders import campaign_at_evaluation
from shuping.feedback import selectors, services
from shuping.feedback.choices import AcknowledgementMethod, TransferStatus
from shuping.feedback.models import Feedback

from .builders import decide, decided_campaign


def _mine(campaign, world):
    return campaign.assessments.select_related("campaign__organizer").get(organization=world.prefecture)


@pytest.mark.req("EVA-5")
def test_feedback_cannot_be_released_before_the_committee_has_decided(world):
    campaign = campaign_at_evaluation(world, extra=3)
    decide(campaign, world.organizer_staff, approve=False)  # section draft and 部务会 only
    assessment = _mine(campaign, world)
    services.draft_feedback(actor=world.organizer_staff, assessment=assessment, summary="群众认可度较高。")
    with pytest.raises(services.FeedbackConflict) as refused:
        services.release_feedback(actor=world.organizer_staff, assessment=assessment)
    assert "第六条" in refused.value.message
    assessment.refresh_from_db()
    assert assessment.stage == Stage.DECISION
    assert not Feedback.objects.get(assessment=assessment).is_released
    assert selectors.feedback_released_on(assessment) is None


@pytest.mark.req("EVA-5")
def test_release_copies_the_decided_result_and_moves_the_assessee_on_to_rectification(world):
    campaign = decided_campaign(world)
    assessment = _mine(campaign, world)
    feedback = services.release_feedback(actor=world.organizer_staff, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.stage == Stage.RECTIFICATION
    assert feedback.grade == assessment.evaluation.final_grade == "较好"
    assert feedback.problems == [{"text": "软弱涣散党组织整顿进度不平衡", "source": "field"}]
    assert selectors.feedback_released_on(assessment) == timezone.localdate()
    assert feedback.acknowledge_by_on == timezone.localdate() + timedelta(days=7)
    # 反馈 cannot be skipped by hand for the others, nor stepped back once released.
    other = campaign.assessments.exclude(pk=assessment.pk).first()
    with pytest.raises(campaign_services.StageBlocked):
        campaign_services.transition_assessment(
            actor=world.organizer_staff, assessment=other, to_stage=Stage.RECTIFICATION
        )
    with pytest.raises(campaign_services.StageBlocked):
        campaign_services.reopen_assessment(
            actor=world.organizer_staff, assessment=assessment, reason="误操作"
        )
    assert AuditEvent.objects.filter(action="feedback.release").exists()
    with pytest.raises(services.FeedbackConflict):
        services.draft_feedback(actor=world.organizer_staff, assessment=assessment, summary="改")


@pytest.mark.req("EVA-5")
def test_acknowledgement_online_and_on_paper_and_the_overdue_list(world):
    campaign = decided_campaign(world, extra=2)
    released, refused = services.release_all(actor=world.organizer_staff, campaign=campaign)
    assert released == 3 and not refused
    mine = Feedback.objects.get(assessment__organization=world.prefecture)
    services.acknowledge_feedback(actor=world.assessee, feedback=mine)
    mine.refresh_from_db()
    assert (
        mine.acknowledgement_method == AcknowledgementMethod.ONLINE and mine.acknowledged_by == world.assessee
    )
    with pytest.raises(services.FeedbackConflict):
        services.acknowledge_feedback(actor=world.liaison, feedback=mine)
    paper, late = Feedback.objects.exclude(pk=mine.pk).order_by("pk")
    with pytest.raises(services.FeedbackError):
        services.record_paper_acknowledgement(actor=world.organizer_staff, feedback=paper, on_behalf_of=" ")
    services.record_paper_acknowledgement(
        actor=world.organizer_staff, feedback=paper, on_behalf_of=paper.assessment.person_name
    )
    paper.refresh_from_db()
    assert paper.acknowledgement_method == AcknowledgementMethod.PAPER
    assert paper.acknowledged_by == world.organizer_staff and paper.on_behalf_of
    event = AuditEvent.objects.filter(action="feedback.acknowledge.paper").latest("pk")
    assert event.on_behalf_of == paper.assessment.person_name
    # Overdue is computed: nothing late today; eight days on, only the unsigned one.
    assert selectors.overdue_feedback(campaign) == []
    later = timezone.localdate() + timedelta(days=8)
    assert [f.pk for f in selectors.overdue_feedback(campaign, today=later)] == [late.pk]
    assert selectors.overdue_feedback(campaign, today=later)[0].days_overdue == 1


@pytest.mark.req("EVA-6")
def test_a_circular_waits_for_feedback_and_numbers_one_copy_per_audience_organization(world):
    campaign = decided_campaign(world, extra=1)
    audience = [world.province, world.prefecture]
    kwargs = dict(
        campaign=campaign,
        title="关于2023年度党委（党组）书记抓基层党建工作述职评议考核结果的通报",
        audience=audience,
        classification="秘密",
        classification_period="1年",
    )
    with pytest.raises(services.FeedbackConflict) as refused:
        services.publish_circular(actor=world.organizer_staff, **kwargs)
    assert "尚未反馈" in refused.value.message
    services.release_all(actor=world.organizer_staff, campaign=campaign)
    with pytest.raises(services.FeedbackError):
        services.publish_circular(
            actor=world.organizer_staff, **{**kwargs, "audience": [world.other_province]}
        )
    circular = services.publish_circular(actor=world.organizer_staff, **kwargs)
    assert circular.classification_text == "秘密★1年"
    entry = RegisteredDocument.objects.get(subject=f"feedback.circular:{circular.pk}")
    assert circular.document_number == entry.number and entry.copies == 2 and entry.kind == "通报"
    assert [(c.organization_id, c.copy_number) for c in circular.copies.order_by("copy_number")] == [
        (world.province.pk, 1),
        (world.prefecture.pk, 2),
    ]


@pytest.mark.req("EVA-7")
def test_a_transfer_reaches_whoever_holds_the_file_not_the_organizer_and_its_signature_is_recorded(world):
    # 甲市委 runs the campaign over 乙县委's secretary, whose file the province keeps (省管干部).
    campaign = decided_campaign(world, organizer=world.prefecture, assessee_org=world.county, extra=2)
    services.release_all(actor=world.organizer_staff, campaign=campaign)
    county = campaign.assessments.get(organization=world.county)
    services.set_file_authority(
        actor=world.organizer_staff,
        person=county.person,
        holder=world.province,
        post_organization=world.county,
        note="省委管理干部",
    )
    transfers = services.seal_transfers(actor=world.organizer_staff, campaign=campaign)
    by_holder = {t.holder_id: t for t in transfers}
    # Never from 甲市委's department to itself: the files it keeps stay in its archive (本级存档).
    assert set(by_holder) == {world.province.pk}
    to_province = by_holder[world.province.pk]
    assert [i.assessment_id for i in to_province.items.all()] == [county.pk]
    rows = {r["assessment"].pk: r for r in selectors.authorities_of(campaign)}
    assert not rows[county.pk]["is_self"] and rows[county.pk]["basis"] == "按本人干部管理权限设置"
    assert all(r["is_self"] and r["item"] is None for pk, r in rows.items() if pk != county.pk)
    kinds = list(to_province.items.get().materials.values_list("kind", flat=True))
    assert kinds == ["evaluation_form", "feedback_letter"]
    # The province's department (the staff persona's grants are on 示范省委) signs in Shuping.
    assert to_province in selectors.transfer_inbox(world.organizer_staff)
    services.acknowledge_transfer(actor=world.organizer_staff, transfer=to_province)
    to_province.refresh_from_db()
    assert to_province.status == TransferStatus.ACKNOWLEDGED and to_province.acknowledged_at
    assert AuditEvent.objects.filter(action="feedback.transfer.acknowledge").exists()
    with pytest.raises(services.FeedbackConflict):
        services.acknowledge_transfer(actor=world.organizer_staff, transfer=to_province)
    with pytest.raises(services.FeedbackConflict):  # nothing left to seal
        services.seal_transfers(actor=world.organizer_staff, campaign=campaign)


@pytest.mark.req("EVA-7")
def test_a_persons_history_shows_every_decided_year_and_never_one_before_research(world):
    old = decided_campaign(world, year=2022, extra=1)
    new = campaign_at_evaluation(world, year=2023, extra=1)
    decide(new, world.organizer_staff, approve=False)  # 2023 awaits 研究
    person = _mine(old, world).person
    _who, rows = selectors.person_history_for(world.organizer_staff, person.pk)
    assert [r["assessment"].campaign.year for r in rows] == [2022]
    decide_rest = new.assessments.first().evaluation.decision_steps.count()
    assert decide_rest == 2
    from shuping.evaluations import services as evaluation_services
    from shuping.evaluations.choices import StepKind

    evaluation_services.record_step(
        actor=world.organizer_staff,
        campaign=new,
        kind=StepKind.COMMITTEE,
        evaluations=list(new.evaluations.all()),
        held_on=timezone.localdate(),
        minutes_reference="常委会纪要〔2024〕4号",
    )
    _who, rows = selectors.person_history_for(world.organizer_staff, person.pk)
    assert [(r["assessment"].campaign.year, r["evaluation"].final_grade) for r in rows] == [
        (2023, "较好"),
        (2022, "较好"),
    ]
    for outsider in (world.outsider, world.assessee, world.liaison):
        with pytest.raises(Exception) as missing:
            selectors.person_history_for(outsider, person.pk)
        assert missing.type.__name__ == "Http404"

"""Placeholders for the feedback rows of docs/permissions.md (EVA-5 … EVA-7, SEC-2, REL-3).

- fb_campaign: 示范省委's 2021 campaign, decided (科室拟定 → 部务会 → 常委会), feedback released to 甲市委's
  secretary (the assessee persona), a circular to 示范省委 and 甲市委 (份号 1, 2), and a sealed transfer to 甲市委,
  recorded as keeping that secretary's file (干部管理权限, EVA-7: never a transfer to the organizer itself).
- fb_released_assessment / fb_feedback: that assessee and their released feedback.
- fb_unreleased_feedback: the feedback drafted, not yet released, for 甲市委's secretary in the 2022 campaign
  (decided, at 反馈; evaluations' targets).
- fb_circular / fb_transfer / fb_person: the circular, the transfer, the secretary's Person.
"""

from __future__ import annotations


def _built(world):
    cache = world.__dict__.setdefault("_feedback_targets", {})
    if cache:
        return cache
    from shuping.campaigns.models import Assessment
    from shuping.evaluations.tests.builders import campaign_at_evaluation
    from shuping.feedback import services
    from shuping.feedback.tests.builders import decide
    from tests.access.targets_evaluations import _built as evaluation_targets

    staff = world.organizer_staff
    base = evaluation_targets(world)
    unreleased = services.draft_feedback(
        actor=staff,
        assessment=Assessment.objects.get(pk=base["eva_decided_assessment"]),
        summary="与会同志普遍认为抓党建责任落实较好。",
    )
    campaign = decide(campaign_at_evaluation(world, year=2021, extra=0), staff)
    services.release_all(actor=staff, campaign=campaign)
    mine = campaign.assessments.select_related("feedback").get(organization=world.prefecture)
    circular = services.publish_circular(
        actor=staff,
        campaign=campaign,
        title="关于2021年度党委（党组）书记抓基层党建工作述职评议考核结果的通报",
        audience=[world.province, world.prefecture],
        classification="秘密",
        classification_period="1年",
    )
    # EVA-7: files the organizer keeps itself stay in its archive; record another holder so there is a transfer.
    services.set_file_authority(actor=staff, person=mine.person, holder=world.prefecture)
    [transfer] = services.seal_transfers(actor=staff, campaign=campaign)
    cache.update(
        fb_campaign=campaign.pk,
        fb_released_assessment=mine.pk,
        fb_feedback=mine.feedback.pk,
        fb_unreleased_feedback=unreleased.pk,
        fb_circular=circular.pk,
        fb_transfer=transfer.pk,
        fb_person=mine.person_id,
    )
    return cache


TARGETS = {
    name: (lambda world, name=name: _built(world)[name])
    for name in (
        "fb_campaign",
        "fb_released_assessment",
        "fb_feedback",
        "fb_unreleased_feedback",
        "fb_circular",
        "fb_transfer",
        "fb_person",
    )
}

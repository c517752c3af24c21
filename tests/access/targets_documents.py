"""Placeholders for the 发文登记 rows of docs/permissions.md (DOC-1, SEC-2).

- doc_register_organ: 示范省委 (the organizer staff persona's organization) with one registered document.
- doc_other_register_organ: 邻省委 (the outsider's organization) with one registered document.
- doc_notice_campaign / doc_notice: 示范省委's 2019 campaign (no assessees) and its published 工作通知.
"""

from __future__ import annotations


def _built(world):
    cache = world.__dict__.setdefault("_documents_targets", {})
    if cache:
        return cache
    from shuping.documents.services import register_document

    for key, organ in (
        ("doc_register_organ", world.province),
        ("doc_other_register_organ", world.other_province),
    ):
        register_document(
            actor=None,
            organization=organ,
            subject=f"access.{key}",
            kind="通知",
            title="关于开展述职评议考核工作的通知",
        )
        cache[key] = organ.pk
    from shuping.campaigns import cascade
    from shuping.campaigns import services as campaign_services

    campaign = campaign_services.create_campaign(
        actor=world.organizer_staff, organizer=world.province, year=2019
    )
    notice = cascade.publish_notice(
        actor=world.organizer_staff, campaign=campaign, title="关于开展2019年度述职评议考核工作的通知"
    )
    cache.update(doc_notice_campaign=campaign.pk, doc_notice=notice.pk)
    return cache


TARGETS = {
    name: (lambda world, name=name: _built(world)[name])
    for name in ("doc_register_organ", "doc_other_register_organ", "doc_notice_campaign", "doc_notice")
}

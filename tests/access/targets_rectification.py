"""Placeholders for the rectification rows of docs/permissions.md (SEC-2, REL-3, RCT-1, RCT-2).

- rct_assessment / rct_campaign / rct_person: 甲市委's secretary in 示范省委's 2022 campaign, decided 较好 through
  the full chain (the evaluations targets), at 反馈; the liaison drafted the list, the organizer confirmed it.
- rct_item: its first item; rct_evidence: a progress update on it with an uploaded file.
"""

from __future__ import annotations

from datetime import timedelta


def _built(world):
    cache = world.__dict__.setdefault("_rectification_targets", {})
    if cache:
        return cache
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuping.campaigns.models import Assessment
    from shuping.rectification import services
    from tests.access.targets_evaluations import _built as evaluation_targets

    assessment = Assessment.objects.select_related("campaign", "person").get(
        pk=evaluation_targets(world)["eva_decided_assessment"]
    )
    rlist = services.start_list(actor=world.liaison, assessment=assessment)
    item = services.add_item(
        actor=world.liaison,
        rectification_list=rlist,
        problem="组织生活不规范",
        measures="开展专项整治",
        responsible="陈书记",
        deadline=rlist.starts_on + timedelta(days=60),
    )
    for other in rlist.items.exclude(pk=item.pk):
        services.update_item(
            actor=world.liaison,
            item=other,
            problem=other.problem,
            measures="整改",
            responsible="",
            deadline=rlist.starts_on + timedelta(days=60),
        )
    services.submit_list(actor=world.liaison, rectification_list=rlist)
    services.confirm_list(actor=world.organizer_staff, rectification_list=rlist)
    update = services.add_progress(
        actor=world.liaison,
        item=item,
        text="召开专题会",
        evidence=SimpleUploadedFile("纪要.txt", "纪要".encode()),
    )
    cache.update(
        rct_assessment=assessment.pk,
        rct_campaign=assessment.campaign_id,
        rct_person=assessment.person_id,
        rct_item=item.pk,
        rct_evidence=update.pk,
    )
    return cache


TARGETS = {
    name: (lambda world, name=name: _built(world)[name])
    for name in ("rct_assessment", "rct_campaign", "rct_person", "rct_item", "rct_evidence")
}

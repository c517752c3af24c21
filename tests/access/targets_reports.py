"""Placeholders for the reports rows of docs/permissions.md (SEC-2, REL-3, REP-1 … REP-4).

Built on the campaigns targets (tests/access/targets_campaigns.py):
- report_in_scope / assessment_with_report: a submitted report (with an uploaded original) on `assessment_in_scope` — 示范省委's
  2024 campaign, 甲市委's secretary is the `assessee` persona, the `liaison` holds a liaison grant on 甲市委.
- report_out_of_scope / assessment_with_draft: a draft on `assessment_out_of_scope` (邻省委's campaign): only the outsider, as that
  campaign's organizer staff, sees the assessment — and a draft's content stays with its drafters (403).
- publication_in_scope / opinion_in_scope: report_in_scope published to 甲市委's members, open now, with one
  opinion; publication_token is its public token, publication_closed_token one whose period has ended.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from shuping.campaigns.models import Assessment, Campaign
from shuping.reports import publication, services
from tests.access.targets_campaigns import _built as campaign_targets


def _built(world):
    cache = world.__dict__.setdefault("_report_targets", {})
    if cache:
        return cache
    campaigns = campaign_targets(world)
    assessment = Assessment.objects.select_related("campaign").get(pk=campaigns["assessment_in_scope"])
    services.save_report(
        actor=world.assessee,
        assessment=assessment,
        achievements="全年主持召开党建专题会议6次。",
        problems=["青山村等3个村整顿后反弹。"],
        causes="到村现场看得少。",
        measures="每季度到村一次。",
    )
    report = services.submit_report(actor=world.assessee, assessment=assessment)
    from django.core.files.base import ContentFile

    report.original_file.save(f"target-{report.pk}.docx", ContentFile(b"PK"), save=False)
    report.original_name = "report.docx"
    report.save()
    cache["report_in_scope"] = report.pk
    cache["assessment_with_report"] = assessment.pk
    out = Assessment.objects.select_related("campaign").get(pk=campaigns["assessment_out_of_scope"])
    draft = services.save_report(
        actor=None, assessment=out, achievements="草稿", problems=["草稿问题"], causes="", measures=""
    )
    cache["report_out_of_scope"] = draft.pk
    cache["assessment_with_draft"] = out.pk
    now = timezone.now()
    campaign = Campaign.objects.get(pk=campaigns["campaign_in_scope"])
    pub = publication.publish_reports(
        actor=world.organizer_staff,
        campaign=campaign,
        audience=world.prefecture,
        reports=[report],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
    )
    cache["publication_in_scope"] = pub.pk
    cache["publication_token"] = pub.token
    cache["opinion_in_scope"] = publication.post_opinion(publication=pub, text="建议公开整改时限。").pk
    closed = publication.publish_reports(
        actor=world.organizer_staff,
        campaign=campaign,
        audience=world.prefecture,
        reports=[report],
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=3),
    )
    cache["publication_closed_token"] = closed.token
    return cache


TARGETS = {
    name: (lambda world, name=name: _built(world)[name])
    for name in (
        "report_in_scope",
        "report_out_of_scope",
        "assessment_with_report",
        "assessment_with_draft",
        "publication_in_scope",
        "publication_token",
        "publication_closed_token",
        "opinion_in_scope",
    )
}

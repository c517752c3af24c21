"""Demo feedback (issue 11, item 5c): on a decided campaign, feedback released with a de-identified 意见归纳 and
partly acknowledged (online and 代录 from paper), a 通报 with 密级 and 份号, one person's file held by another
organization (干部管理权限), and the sealed transfers — one of them signed. Through the services the pages use.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shuping.campaigns.models import Campaign
from shuping.orgs.models import Organization

from . import selectors, services, tasks  # noqa: F401  (tasks: the jobs the demo's pages start)
from .models import Feedback

SUMMARIES = (
    "与会同志普遍认为抓基层党建思路清晰、措施有力，希望在推动基层治理上再出实招。",
    "多数同志肯定其履行第一责任人职责情况，建议加强对年轻党员干部的培养。",
    "与会同志认为基层党建工作有进步，希望进一步改进作风，多到基层听取党员群众意见。",
)


@transaction.atomic
def build_demo_feedback(
    *,
    campaign: Campaign,
    actor: Any,
    holder: Organization | None = None,
    holder_rules: dict[str, str] | None = None,
    receiver: Any = None,
    acknowledged_share: float = 0.5,
) -> dict[str, Any]:
    """Feed back, circulate and transfer a decided campaign (`build_demo_evaluations`' "approved").

    `actor` is the organizer's staff. `holder`, when given, keeps the first assessee's file instead of the
    organizer (a person's own 干部管理权限 record); `holder_rules` sets it per level (e.g. {"county":
    "upper"}: county secretaries managed by the province). Files the organizer keeps itself stay in its
    archive (本级存档); the others are sealed and transferred, the last transfer signed by `receiver` (the
    holder's staff) when given. About `acknowledged_share` of the feedback is signed, alternately online (as
    the assessee, where they have an account) and 代录 from paper.
    Returns {"released": int, "acknowledged": int, "circular": Circular, "transfers": [ArchiveTransfer]}.
    """
    assessments = list(
        campaign.assessments.filter(is_excluded=False, stage="feedback", evaluation__is_locked=True)
        .select_related("person__user")
        .order_by("organization_path")
    )
    for i, a in enumerate(assessments):
        services.draft_feedback(
            actor=actor, assessment=a, summary=SUMMARIES[i % len(SUMMARIES)], source="system"
        )
    released, _refused = services.release_all(actor=actor, campaign=campaign, source="system")
    rows = list(
        Feedback.objects.filter(campaign=campaign, released_at__isnull=False)
        .select_related("assessment__person__user")
        .order_by("assessment__organization_path")
    )
    signed = 0
    for i, f in enumerate(rows[: int(len(rows) * acknowledged_share)]):
        person = f.assessment.person
        user = person.user if person is not None else None
        if user is not None and i % 2 == 0:
            services.acknowledge_feedback(actor=user, feedback=f, source="system")
        else:
            services.record_paper_acknowledgement(
                actor=actor, feedback=f, on_behalf_of=f.assessment.person_name or "本人", source="system"
            )
        signed += 1
    circular = None
    if (
        rows
        and released
        and not campaign.assessments.filter(is_excluded=False, feedback__isnull=True).exists()
    ):
        # Every candidate: the 主送 then names every organization in the 通报's own table (DOC-3).
        audience = list(selectors.audience_candidates(campaign))
        circular = services.publish_circular(
            actor=actor,
            campaign=campaign,
            title=f"关于{campaign.year}年度党委（党组）书记抓基层党建工作述职评议考核结果的通报",
            audience=audience,
            classification="内部",
            source="system",
        )
    transfers = []
    if rows:
        first = rows[0].assessment
        if holder is not None and first.person is not None:
            services.set_file_authority(
                actor=actor,
                person=first.person,
                holder=holder,
                post_organization=first.organization,
                note="上级党委管理干部",
                source="system",
            )
        if holder_rules:
            services.save_holder_rules(
                actor=actor, campaign=campaign, holder_rules=holder_rules, source="system"
            )
        try:
            transfers = services.seal_transfers(actor=actor, campaign=campaign, source="system")
        except services.FeedbackConflict:
            transfers = []  # every file kept by the organizer itself: 本级存档, nothing to transfer
        if transfers and receiver is not None:
            services.acknowledge_transfer(actor=receiver, transfer=transfers[-1], source="system")
    return {"released": released, "acknowledged": signed, "circular": circular, "transfers": transfers}

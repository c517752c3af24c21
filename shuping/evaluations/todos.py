"""待办 of 综合评价 and 研究 (FLOW-2): for organizer staff, the assessees still to calibrate (等次校准) and
whether the Art. 6 quota holds; for organizer staff and department leaders, the assessees awaiting the
committee's 研究 and any quota breach. Per open campaign; a constant number of queries per provider."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignStatus, Stage
from shuping.core.todos import Todo, todo_provider

from . import permissions, quota, selectors
from .choices import EvaluationStatus
from .models import Evaluation, EvaluationConfig


def quota_breaches(campaigns) -> dict[int, int | None]:
    """campaign pk → how many assessees must move for the Art. 6 quota to hold (0 = it holds; None = no
    grade proposed or suggested yet, so there is nothing to hold against the quota). Evaluations
    and stored rules of all the campaigns in two queries; a campaign without stored rules reads last year's
    or the defaults (`config_for`)."""
    ids = [c.pk for c in campaigns]
    if not ids:
        return {}
    configs = {c.campaign_id: c for c in EvaluationConfig.objects.filter(campaign_id__in=ids)}
    by_campaign: dict[int, list[Evaluation]] = defaultdict(list)
    for e in (
        Evaluation.objects.filter(campaign_id__in=ids, assessment__is_excluded=False)
        .select_related("assessment")
        .order_by("assessment__organization_path")
    ):
        by_campaign[e.campaign_id].append(e)
    out: dict[int, int | None] = {}
    for campaign in campaigns:
        if not any(e.grade for e in by_campaign[campaign.pk]):
            out[campaign.pk] = None
            continue
        config = configs.get(campaign.pk) or selectors.config_for(campaign)
        groups = quota.check_quota(
            selectors.quota_entries(by_campaign[campaign.pk], config), selectors.quota_rule(campaign, config)
        )
        out[campaign.pk] = sum(g.must_move for g in groups if g.is_broken)
    return out


def _quota_note(must_move: int | None) -> str:
    if must_move is None:
        return "尚未拟定等次；拟定时“较好”及以下等次须符合《办法》第六条的比例"
    if must_move:
        return f"等次比例不符合《办法》第六条，须调整 {must_move} 人"
    return "等次比例符合要求"


@todo_provider
def evaluations_to_calibrate(user) -> list[Todo]:
    """Organizer staff: assessees at 综合评价 whose grade is still 拟定中 (none proposed to the section yet);
    those still before their meeting are not counted — there is nothing of theirs to calibrate."""
    campaigns = campaign_selectors.campaigns_with_waiting(
        user,
        Count(
            "evaluations",
            # Only those whose meeting is held (at 综合评价): the others have nothing to calibrate yet.
            filter=Q(
                evaluations__status=EvaluationStatus.OPEN,
                evaluations__assessment__is_excluded=False,
                evaluations__assessment__stage=Stage.EVALUATION,
            ),
        ),
        permissions.can_manage_evaluations,
        status=CampaignStatus.OPEN,
    )
    breaches = quota_breaches(campaigns)
    return [
        Todo(
            text=f"等次校准：{c.organizer.display_name} {c.year} 年度，{c.waiting} 人待拟定等次",
            url=reverse("evaluations:calibration", args=[c.pk]),
            note=_quota_note(breaches[c.pk]),
            urgent=bool(breaches[c.pk]),
        )
        for c in campaigns
    ]


@todo_provider
def evaluations_to_decide(user) -> list[Todo]:
    """Organizer staff and department leaders: grades proposed (科室拟定, 部务会审议) and not yet decided by
    the committee — the leader's 研究, the staff's entry of its outcome."""
    campaigns = campaign_selectors.campaigns_with_waiting(
        user,
        Count(
            "evaluations",
            filter=Q(
                evaluations__status__in=[
                    EvaluationStatus.SECTION_DRAFT,
                    EvaluationStatus.DEPARTMENT_REVIEWED,
                ],
                evaluations__assessment__is_excluded=False,
            ),
        ),
        permissions.can_view_calibration,
        status=CampaignStatus.OPEN,
    )
    breaches = quota_breaches(campaigns)
    out = []
    for c in campaigns:
        note = "" if not breaches[c.pk] else _quota_note(breaches[c.pk])
        out.append(
            Todo(
                text=f"党委（党组）研究：{c.organizer.display_name} {c.year} 年度，{c.waiting} 人待研究确定等次",
                url=reverse("evaluations:decisions", args=[c.pk]),
                note=note,
                urgent=bool(breaches[c.pk]),
            )
        )
    return out

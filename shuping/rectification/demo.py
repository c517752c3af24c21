"""Demo 整改 (issue 12, item 8): lists in progress, some items overdue, some closed in a batch, one 约谈提醒,
one item with three sources — everything through the same services as the pages.

`build_demo_rectification` needs assessees whose grade the committee has approved (EVA-4). When the campaign
has none yet (the evaluations demo has not run), it approves a small set itself through the evaluations
services: assessees moved on to 综合评价 where no stage precondition blocks them, an opinion with problems,
a proposed grade each (one 一般, so the Art. 7 consequences show), and the three steps of the chain dated
`approved_on` (default 45 days ago, so that some deadlines are already past and overdue shows).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from shuping.campaigns.choices import Stage, stage_index
from shuping.campaigns.models import Assessment, Campaign
from shuping.core.errors import DomainError

from . import consequences, notify, services, sources
from .choices import ItemStatus, ListStatus, SourceKind
from .models import RectificationItem, RectificationList

SHARED_PROBLEM = "基层党组织“三会一课”落实不到位，部分党支部组织生活不规范"
PROBLEMS = (
    "软弱涣散基层党组织整顿进度偏慢，个别村党组织书记履职能力不足",
    "党员教育管理针对性不强，流动党员管理存在薄弱环节",
    "村级集体经济发展不平衡，部分村“空壳村”问题仍未解决",
    "基层党建工作责任落实层层递减，个别党组织书记抓党建意识不强",
)
MEASURES = (
    "制定专项整改方案，明确责任人和完成时限，逐月调度",
    "开展专题培训，建立问题台账，整改一项销号一项",
    "结合年度考核督导检查，对整改情况开展“回头看”",
)


def _decided(campaign: Campaign) -> list[Assessment]:
    """Assessees with an approved grade and no 整改清单 yet, in tree order."""
    rows = (
        campaign.assessments.filter(is_excluded=False, person__isnull=False, rectification_list__isnull=True)
        .select_related("campaign", "person", "organization")
        .order_by("organization_path")
    )
    return [
        a for a in rows if stage_index(a.stage) >= stage_index(Stage.FEEDBACK) and sources.approved_grade(a)
    ]


def _approve_small_set(*, campaign: Campaign, actor: Any, count: int, approved_on: date) -> int:
    """Bring up to `count` assessees through 综合评价 and the committee's approval (EVA-2 … EVA-4).

    Returns how many were approved; assessees a stage precondition blocks (no accepted report, field
    assessment not begun …) are left where they are."""
    from shuping.campaigns import services as campaign_services
    from shuping.campaigns.findings import add_finding
    from shuping.evaluations import services as evaluation_services
    from shuping.evaluations.choices import EvaluationStatus, StepKind

    ready: list[Assessment] = []
    candidates = campaign.assessments.filter(
        is_excluded=False, is_graded=True, person__isnull=False
    ).order_by("organization_path")
    for assessment in candidates:
        if len(ready) >= count:
            break
        try:
            with transaction.atomic():
                while stage_index(assessment.stage) < stage_index(Stage.EVALUATION):
                    following = Stage.values[stage_index(assessment.stage) + 1]
                    assessment = campaign_services.transition_assessment(
                        actor=actor, assessment=assessment, to_stage=following, source="system"
                    )
        except DomainError:
            continue
        if assessment.stage == Stage.EVALUATION:
            ready.append(assessment)
    if not ready:
        return 0
    evaluation_services.start_evaluations(actor=actor, campaign=campaign, source="system")
    evaluations = []
    for i, assessment in enumerate(ready):
        evaluation = assessment.evaluation
        if evaluation.status != EvaluationStatus.OPEN or evaluation.is_locked:
            continue
        problems = [{"text": PROBLEMS[i % len(PROBLEMS)], "source": "organizer"}]
        if i == 0:
            # One problem pointed out by a 巡察 finding, the opinion and the field assessment: three sources.
            add_finding(
                actor=actor,
                assessment=assessment,
                source_kind="circuit_inspection",
                description=SHARED_PROBLEM,
                source="system",
            )
            problems.insert(0, {"text": SHARED_PROBLEM, "source": "field"})
        evaluation_services.update_opinion(
            actor=actor,
            evaluation=evaluation,
            achievements="抓基层党建工作责任意识较强，基层组织建设有新进展。",
            problems=problems,
            source="system",
        )
        evaluation_services.propose_grade(
            actor=actor,
            evaluation=evaluation,
            grade="一般" if i == 1 else ("较好" if i % 2 == 0 else "好"),
            reason="综合实地考核、述职评议和民主评议情况拟定（演示）",
            source="system",
        )
        evaluations.append(evaluation)
    if not evaluations:
        return 0
    for kind, reference in (
        (StepKind.SECTION_DRAFT, "干部考核科拟定稿（演示）"),
        (StepKind.DEPARTMENT_MEETING, f"部务会议纪要〔{approved_on.year}〕3号"),
        (StepKind.COMMITTEE, f"常委会议纪要〔{approved_on.year}〕5号"),
    ):
        evaluation_services.record_step(
            actor=actor,
            campaign=campaign,
            kind=kind,
            evaluations=evaluations,
            held_on=approved_on,
            minutes_reference=reference,
            quota_reasons={"__all__": "演示数据，参加人数少"},
            source="system",
        )
    return len(evaluations)


def _drafter(assessment: Assessment) -> Any:
    """Who reports progress: the assessee's account, else a liaison, else the system (attributed as such)."""
    people = notify.drafters_of(assessment)
    own = [u for u in people if assessment.person and u.pk == assessment.person.user_id]
    return (own or people or [None])[0]


def _age(rlist: RectificationList, starts_on: date) -> RectificationList:
    """Demo only: show a list as it stands some weeks into its period.

    When feedback (or approval) was today, no deadline can already be past — services refuse a deadline
    before the period's start, rightly. So that the demo can show overdue items (computed, RCT-2), the
    demo moves a fresh draft list's start back; the only write here that bypasses a service, and only
    on a draft with no deadlines chosen yet."""
    shift = rlist.starts_on - starts_on
    RectificationList.objects.filter(pk=rlist.pk, status=ListStatus.DRAFT).update(
        starts_on=starts_on,
        due_on=rlist.due_on - shift,
        rectify_by=rlist.rectify_by - shift if rlist.rectify_by else None,
    )
    rlist.refresh_from_db()
    return rlist


def _fill(rlist: RectificationList, *, actor: Any, rng: random.Random, overdue_on: date | None) -> None:
    """Measures, responsible person and deadline for every drafted item; the first one is due already when
    `overdue_on` is given (a date before today and not before the list's start)."""
    items = list(rlist.items.order_by("position", "pk"))
    for n, item in enumerate(items):
        if n == 0 and overdue_on is not None:
            # A 一般/差 list must be done by its 限期 (Art. 7): overdue then means past that date.
            deadline = min(overdue_on, rlist.rectify_by) if rlist.rectify_by else overdue_on
        else:
            deadline = max(rlist.starts_on + timedelta(days=60), timezone.localdate() + timedelta(days=20))
            deadline += timedelta(days=15 * n)
            if rlist.rectify_by:
                deadline = min(deadline, rlist.rectify_by)
        services.update_item(
            actor=actor,
            item=item,
            problem=item.problem,
            measures=rng.choice(MEASURES),
            responsible=rlist.assessment.person_name or "党组织书记",
            deadline=deadline,
            source="system",
        )


@transaction.atomic
def build_demo_rectification(
    *,
    campaign: Campaign,
    actor: Any,
    count: int = 5,
    approved_on: date | None = None,
    seed: int = 2025,
    conducted_by: str = "",
) -> dict[str, int]:
    """Write the demo's rectification for `campaign`; `actor` is the campaign's organizer staff user.

    Up to `count` decided assessees get a 整改清单 (approving a small set first if the campaign has no decided
    assessee — see the module docstring). The first list has an item with three sources and is closed in a
    batch with the second list's reported-done items; two lists have an overdue item (when their period
    began before today); one list stays filed awaiting confirmation, one in draft; the 一般 assessee's
    约谈提醒 is recorded, by `conducted_by` (name and post; default the organizer's 组织部 leader). Deterministic for a given `seed`. Returns counts of what was written.
    """
    rng = random.Random(seed)
    today = timezone.localdate()
    approved_on = approved_on or today - timedelta(days=45)
    approved = 0
    decided = _decided(campaign)
    if len(decided) < 2:
        approved = _approve_small_set(campaign=campaign, actor=actor, count=count, approved_on=approved_on)
        decided = _decided(campaign)
    # Assessees with someone to report progress (own account or a liaison) first: they show the full cycle.
    decided = sorted(decided, key=lambda a: _drafter(a) is None)[:count]
    lists: list[RectificationList] = []
    for assessment in decided:
        lists.append(services.start_list(actor=actor, assessment=assessment, source="system"))
    if not lists:
        return {"approved": approved, "lists": 0, "items": 0, "overdue": 0, "closed": 0, "admonitions": 0}

    # One item with three sources (RCT-1): drafted that way from the sources when they exist, else added.
    first = lists[0]
    if not any(i.sources.count() >= 3 for i in first.items.all()):
        services.add_item(
            actor=actor,
            rectification_list=first,
            problem=SHARED_PROBLEM,
            measures=MEASURES[0],
            responsible=first.assessment.person_name,
            deadline=first.rectify_by or first.starts_on + timedelta(days=60),
            item_sources=[
                {"kind": SourceKind.INSPECTION, "reference": "巡察反馈〔演示〕1号", "text": SHARED_PROBLEM},
                {"kind": SourceKind.AUDIT, "reference": "审计报告〔演示〕2号", "text": SHARED_PROBLEM},
                {"kind": SourceKind.SUPERVISION, "reference": "督查通报〔演示〕3号", "text": SHARED_PROBLEM},
            ],
            source="system",
        )

    if first.items.count() < 2:  # the batch 销号 below closes at least two of the first list's items
        services.add_item(
            actor=actor,
            rectification_list=first,
            problem=PROBLEMS[1],
            measures=MEASURES[1],
            responsible=first.assessment.person_name,
            deadline=first.rectify_by or max(first.starts_on, today) + timedelta(days=30),
            item_sources=[{"kind": SourceKind.OPINION, "reference": "", "text": PROBLEMS[1]}],
            source="system",
        )
    # A problem the assessee found themself (自行查摆), with no source: stays in progress.
    services.add_item(
        actor=actor,
        rectification_list=first,
        problem="整改台账不够规范，部分事项整改措施不够具体",
        measures=MEASURES[2],
        responsible=first.assessment.person_name,
        deadline=first.rectify_by or max(first.starts_on, today) + timedelta(days=45),
        source="system",
    )

    overdue_made = 0
    for n, rlist in enumerate(lists):
        if n in (1, 2) and rlist.starts_on > today - timedelta(days=15):
            rlist = _age(rlist, today - timedelta(days=40))
        if not rlist.items.exists():
            services.add_item(
                actor=actor,
                rectification_list=rlist,
                problem=PROBLEMS[n % len(PROBLEMS)],
                measures=MEASURES[n % len(MEASURES)],
                responsible=rlist.assessment.person_name,
                deadline=rlist.starts_on + timedelta(days=60),
                source="system",
            )
        # Overdue on the second and third lists, when their period began before today.
        overdue_on = None
        if n in (1, 2) and rlist.starts_on < today:
            overdue_on = max(rlist.starts_on, today - timedelta(days=10))
        _fill(rlist, actor=actor, rng=rng, overdue_on=overdue_on)
        if n == len(lists) - 1 and len(lists) >= 4:
            continue  # left in draft: the liaison is still writing it
        services.submit_list(actor=actor, rectification_list=rlist, source="system")
        if n == len(lists) - 2 and len(lists) >= 4:
            continue  # filed, awaiting the organizer's confirmation
        services.confirm_list(actor=actor, rectification_list=rlist, source="system")
        overdue_made += 1 if overdue_on is not None else 0

    # Progress: every confirmed list's items are in hand; on the first two, some reported done.
    to_close: list[RectificationItem] = []
    for n, rlist in enumerate(lists):
        rlist.refresh_from_db()
        if rlist.status != ListStatus.CONFIRMED:
            continue
        drafter = _drafter(rlist.assessment)
        if drafter is None:
            continue  # nobody can report progress for this assessee (no account, no liaison)
        items_of = list(rlist.items.order_by("position", "pk"))
        count_items = len(items_of)
        for m, item in enumerate(items_of):
            overdue = item.deadline < today
            # The first list: all but its last item reported done; elsewhere one item that is not overdue.
            done = (n == 0 and m < count_items - 1) or (n == 1 and not overdue and m == 1)
            services.add_progress(
                actor=drafter,
                item=item,
                text="已召开专题会议研究部署，制定整改方案，正在逐项推进。",
                source="system",
            )
            if done:
                services.add_progress(
                    actor=drafter,
                    item=item,
                    text="整改措施已落实到位，相关制度已修订印发，请予销号。",
                    marks_done=True,
                    source="system",
                )
                to_close.append(item)
    closed = 0
    if to_close:
        batch = services.close_items(
            actor=actor, items=to_close, note="经核查，整改到位，批量销号（演示）", source="system"
        )
        closed = len(batch.population)

    # 约谈提醒 (RCT-5): opened on approval for 一般 / 差; the talk is recorded for the first such assessee.
    admonitions = 0
    for rlist in lists:
        assessment = rlist.assessment
        if sources.approved_grade(assessment) in ("一般", "差"):
            consequences.record_admonition(
                actor=actor,
                assessment=assessment,
                conducted_by=conducted_by or f"{campaign.organizer.display_name}组织部部长",
                held_on=max(rlist.starts_on, today - timedelta(days=30)),
                record_text="指出述职评议考核中反映的主要问题，提出限期整改要求；本人表示认领问题、立行立改。",
                source="system",
            )
            admonitions += 1
            break
    items = RectificationItem.objects.filter(rectification_list__in=lists)
    return {
        "approved": approved,
        "lists": len(lists),
        "items": items.count(),
        "overdue": items.exclude(status=ItemStatus.CLOSED).filter(deadline__lt=today).count(),
        "closed": closed,
        "admonitions": admonitions,
        "overdue_lists": overdue_made,
    }

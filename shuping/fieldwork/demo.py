"""Demo field assessments (issue 9, item 7): completed field assessments for part of the demo campaign.

Called by the demo generator after `build_demo_campaigns`; everything goes through the same services as
the pages: a team (its members get FIELD_ASSESSOR on the campaign), seeded samples, visits with concrete
facts, talks with counts and categories, indicator scores resting on what was seen and heard, one paper-only
score kept with a reason (so the Art. 6 warning is visible), observations, then completion.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.utils import timezone

from shuping.campaigns.models import Campaign

from . import selectors, services

FACTS = (
    "党群服务中心工作日有人值守，便民窗口能办社保、医保业务，墙上公开了今年为群众办成的实事清单",
    "支部活动室整洁，群众说晚上常有党员志愿者教老人用手机",
    "整顿后的村党支部按月开展主题党日，村集体经济今年新增光伏收益",
    "活动室门锁着，问附近群众，说平时很少开放",
)
SAID = (
    "群众说村里路灯修好了，办事不用跑镇上",
    "党员反映支部书记常到田间地头，有事能找到人",
    "有群众说红白喜事大操大办仍有，希望加强引导",
)


@transaction.atomic
def build_demo_fieldwork(
    *,
    campaign: Campaign,
    leader,
    members: list | tuple = (),
    actor=None,
    count: int = 2,
    seed: int = 2024,
    exclude: Collection[int] = (),
) -> list:
    """Plan and complete field assessments for the first `count` assessees of `campaign`.

    `actor` must be organizer staff of the campaign (defaults to none → pass the demo's staff user);
    `leader` and `members` are the team; assessments in `exclude` (pks) are not visited. Deterministic for a given `seed`. Returns the FieldAssessments.
    """
    rng = random.Random(seed)
    team = campaign.field_teams.first() or services.create_team(
        actor=actor,
        campaign=campaign,
        name="第一考核组",
        leader=leader,
        members=list(members),
        starts_on=campaign.field_starts_on,
        ends_on=campaign.field_ends_on,
        source="system",
    )
    done: list[Any] = []
    assessments = (
        campaign.assessments.filter(is_excluded=False, person__isnull=False, field_assessment__isnull=True)
        .exclude(pk__in=list(exclude))
        .order_by("organization_path")[:count]
    )
    for assessment in assessments:
        fa = services.plan_field_assessment(
            actor=actor,
            team=team,
            assessment=assessment,
            visit_starts_on=team.starts_on,
            visit_ends_on=team.ends_on,
            sample_size=3,
            seed=rng.randrange(2**40),
            source="system",
        )
        indicators = selectors.form_indicators(fa)
        units = list(fa.sampled_units.all())
        for i, indicator in enumerate(indicators):
            paper_only = indicator.method == "data"
            unit = units[i % len(units)] if units else None
            services.submit_record(
                actor=leader,
                field_assessment=fa,
                client_uuid=uuid.UUID(int=rng.getrandbits(128)),
                visit=None
                if paper_only
                else services.VisitInput(
                    place=(unit.organization_name if unit else assessment.organization_name),
                    facts=FACTS[i % len(FACTS)],
                    unit_id=unit.pk if unit else None,
                ),
                talk=services.TalkInput(
                    summary=SAID[i % len(SAID)],
                    members_count=rng.randint(2, 6),
                    masses_count=rng.randint(3, 10),
                    categories=("members", "masses"),
                )
                if i % 2 == 0
                else None,
                scores=[
                    services.ScoreInput(
                        indicator_id=indicator.pk,
                        percent=rng.choice((70, 80, 85, 90, 95)),
                        evidence_kinds=("document_review",) if paper_only else (),
                        with_new_visit=not paper_only,
                        with_new_talk=i % 2 == 0,
                        override_reason="数据比对类指标，以统计数据为准（演示）" if paper_only else "",
                    )
                ],
                source="system",
            )
        if assessment.person_id and actor is not None:
            services.record_observation(
                actor=actor,
                organizer=campaign.organizer,
                assessment=assessment,
                observed_on=min(campaign.field_starts_on.replace(month=6, day=15), timezone.localdate()),
                source_kind="research",
                text="年中调研：书记带头走访软弱涣散村，推动解决了村级活动场所问题（演示）",
                score=rng.choice((80, 85, 90)),
                source="system",
            )
        done.append(services.complete_field_assessment(actor=leader, field_assessment=fa, source="system"))
    return done

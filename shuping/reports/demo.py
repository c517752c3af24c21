"""Demo reports (REP-1 … REP-3) for the demo engineer: `build_demo_reports(campaign=…, actor=…)`.

Through the services only: every assessee with a secretary gets a submitted report; one is returned with
remarks and submitted again; two are planted near-copies (a peer's achievements copied, and last
paragraphs shared) so the quality page and the near-copy view have something to show. Idempotent: an
assessment that already has a report is left alone.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from shuping.campaigns.models import Campaign

from . import services
from .models import Report

if TYPE_CHECKING:
    from shuping.accounts.models import User

_PLACES = ("青山", "柳林", "石桥", "龙泉", "白沙", "新华", "东坝", "南湖", "北塘", "高坪", "城关", "河西")
_WORKS = (
    "全年主持召开党建工作专题会议{n}次，研究解决{p}村集体经济薄弱等问题{m}个",
    "整顿软弱涣散村党组织{n}个，调整{p}村党支部班子成员{m}人",
    "选派驻村第一书记{n}名，帮助{p}社区争取项目资金{m}万元",
    "发展党员{n}名，其中35岁以下{m}名，{p}村实现三年未发展党员问题清零",
    "新建党群服务中心{n}个，{p}社区服务中心全年接待群众{m}人次",
)
_PROBLEMS = (
    "对软弱涣散党组织整顿跟踪问效不够，{p}村等{n}个村整顿后出现反弹。",
    "发展党员把关不严，抽查的{n}份档案中有{m}份程序不全。",
    "村级后备力量不足，{p}村等{n}个村没有35岁以下后备人选。",
    "流动党员管理松散，{p}社区流动党员{n}名中{m}名全年未参加组织生活。",
)


def _report_text(rng: random.Random) -> dict:
    def fill(t: str) -> str:
        return t.format(n=rng.randint(2, 40), m=rng.randint(1, 30), p=rng.choice(_PLACES))

    return {
        "achievements": "\n".join(fill(w) + "。" for w in rng.sample(_WORKS, 4)),
        "problems": [fill(p) for p in rng.sample(_PROBLEMS, 2)],
        "causes": fill("对抓基层党建是本职、不抓是失职认识不够到位，全年{n}次调研中到{p}村现场看得少。"),
        "measures": fill("建立县级领导包村联系制度，{n}月底前完成{p}村等{m}个村的整改销号。"),
    }


def build_demo_reports(*, campaign: Campaign, actor: User | None = None, seed: int = 2025) -> dict[str, int]:
    """Fill the campaign's reports for the demo and return counts
    {"submitted", "returned_and_resubmitted", "near_copies", "skipped"}.

    `actor` reviews (returns) as organizer staff; drafts are written as the system (actor None), as a
    liaison would through the same services.
    """
    rng = random.Random(seed)  # demo data, not security
    assessments = list(
        campaign.assessments.filter(is_excluded=False)
        .exclude(person=None)
        .select_related("campaign")
        .order_by("organization_path")
    )
    have = set(Report.objects.filter(assessment__in=assessments).values_list("assessment_id", flat=True))
    todo = [a for a in assessments if a.pk not in have]
    counts = {"submitted": 0, "returned_and_resubmitted": 0, "near_copies": 0, "skipped": len(have)}
    texts = [_report_text(rng) for _ in todo]
    # Two planted near-copies: the 2nd copies the 1st's achievements and causes; the 4th the 3rd's.
    for source, copy in ((0, 1), (2, 3)):
        if copy < len(texts):
            texts[copy]["achievements"] = texts[source]["achievements"]
            texts[copy]["causes"] = texts[source]["causes"]
            counts["near_copies"] += 1
    for index, (assessment, text) in enumerate(zip(todo, texts, strict=True)):
        services.save_report(actor=None, assessment=assessment, source="system", **text)
        report = services.submit_report(actor=None, assessment=assessment, source="system")
        counts["submitted"] += 1
        if index == len(todo) - 1 and len(todo) > 4:
            services.return_report(
                actor=actor,
                report=report,
                remarks="问题查摆不够具体，请补充数字和事例后重新提交。",
                source="system",
            )
            text = {**text, "problems": [*text["problems"], "党费收缴不规范，3个支部未按月收缴。"]}
            services.save_report(actor=None, assessment=assessment, source="system", **text)
            services.submit_report(actor=None, assessment=assessment, source="system")
            counts["returned_and_resubmitted"] += 1
    return counts

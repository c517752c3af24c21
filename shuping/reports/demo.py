"""Demo reports (REP-1 … REP-3) for the demo engineer: `build_demo_reports(campaign=…, actor=…)`.

Through the services only: every assessee with a secretary gets a submitted report; one is returned with
remarks and submitted again; two are planted near-copies (a peer's achievements copied, and last
paragraphs shared) so the quality page and the near-copy view have something to show. Idempotent: an
assessment that already has a report is left alone.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from shuping.campaigns.models import Assessment, Campaign

from . import services
from .models import Report

if TYPE_CHECKING:
    from shuping.accounts.models import User

_PLACES = ("青山", "柳林", "石桥", "龙泉", "白沙", "新华", "东坝", "南湖", "北塘", "高坪", "城关", "河西")
_UNITS = ("发展改革", "财政", "教育", "卫生健康", "住房城乡建设", "交通运输", "农业农村", "自然资源")


def _local_text(rng: random.Random) -> dict:
    """A local committee secretary's report (市、县、乡): figures drawn once and reused, so that every part
    agrees with every other (a village re-listed as a problem is one of those said to be rectified; a part is
    never larger than its whole). Outcomes, not counts of meetings held or documents issued (Art. 6)."""
    p, q, r = rng.sample(_PLACES, 3)
    weak = rng.randint(4, 9)  # 软弱涣散村党组织 under rectification
    passed = rng.randint(2, weak - 1)  # of which passed the county's acceptance check
    relapsed = rng.randint(1, passed - 1) if passed > 2 else 1
    recruits = rng.randint(24, 60)
    young = rng.randint(recruits // 2, recruits - 4)
    income_villages = rng.randint(6, 15)
    income = rng.choice((10, 15, 20))
    mobile = rng.randint(30, 80)
    absent = rng.randint(5, mobile // 4)
    checked = rng.randint(20, 40)
    incomplete = rng.randint(2, 5)
    no_reserve = rng.randint(3, 8)
    works = [
        f"整顿软弱涣散村党组织{weak}个，{passed}个已通过县级验收，其余{weak - passed}个由县级领导包联、"
        f"年底前完成转化。",
        f"发展党员{recruits}名，其中35岁以下{young}名；{p}村三年未发展党员的问题已经解决。",
        f"推动{q}村等{income_villages}个村发展光伏、民宿和农产品加工项目，这些村集体经济年收入均超过{income}万元。",
        f"{r}社区党群服务中心开设医保、社保代办窗口，群众办事不再往返镇上，走访中群众反映满意。",
    ]
    problems = [
        f"软弱涣散党组织整顿跟踪问效不够，已验收的{passed}个村中有{relapsed}个（{p}村等）又出现班子不团结的问题。",
        f"发展党员把关不严，抽查的{checked}份入党材料中有{incomplete}份程序不全。",
        f"村级后备力量不足，{q}村等{no_reserve}个村没有35岁以下后备人选。",
        f"流动党员管理松散，{r}社区流动党员{mobile}名中有{absent}名全年未参加组织生活。",
    ]
    return {
        "achievements": "\n".join(rng.sample(works, 3)),
        "problems": rng.sample(problems, 2),
        "causes": f"对抓基层党建是本职、不抓是失职认识不够到位，下村调研时听汇报多，到{p}村等后进村现场看得少。",
        "measures": f"建立县级领导包村联系制度，明年6月底前完成{p}村等{weak - passed}个村的整顿转化，"
        f"对{q}村等{no_reserve}个村逐村物色后备人选。",
    }


def _organs_text(rng: random.Random) -> dict:
    """A work committee's or a department's secretary (机关、国企、高校): the same rules, their own work."""
    units = rng.randint(18, 40)
    weak_branches = rng.randint(3, 7)
    fixed = rng.randint(1, weak_branches - 1)
    unit = rng.choice(_UNITS)
    members = rng.randint(120, 400)
    overdue = rng.randint(4, 12)
    checked = rng.randint(15, 30)
    missing = rng.randint(2, 5)
    return {
        "achievements": "\n".join(
            (
                f"指导{units}个单位党组织完成换届，{weak_branches}个后进党支部中{fixed}个已整改提升。",
                f"组织机关党员到社区报到服务，{unit}系统党员帮助结对社区解决了老旧小区加装电梯等实际问题。",
                f"推动党建和业务融合，{unit}部门窗口服务事项办理时限平均压缩三分之一，服务对象评价提高。",
            )
        ),
        "problems": [
            f"后进党支部整改不彻底，{weak_branches}个后进党支部中仍有{weak_branches - fixed}个没有达到整改要求。",
            f"党员教育管理不够严格，{members}名在职党员中有{overdue}名未按期转接组织关系；抽查的{checked}个支部中"
            f"{missing}个没有按规定开展谈心谈话。",
        ],
        "causes": f"重业务轻党建的问题在{unit}系统仍然存在，对党支部书记的培训和督促不够经常。",
        "measures": f"明年一季度对{weak_branches - fixed}个后进党支部逐个派驻指导员，"
        f"年内对{members}名党员组织关系逐一核对。",
    }


def _report_text(rng: random.Random, assessment: Assessment | None = None) -> dict:
    kind = getattr(assessment, "organization_kind", "")
    local = kind in ("local_committee", "township_committee", "village_committee") or assessment is None
    return _local_text(rng) if local else _organs_text(rng)


def build_demo_reports(
    *,
    campaign: Campaign,
    actor: User | None = None,
    seed: int = 2025,
    review: bool = True,
    drafts: set[int] | frozenset[int] = frozenset(),
    copies: bool = True,
) -> dict[str, int]:
    """Fill the campaign's reports for the demo and return counts
    {"submitted", "returned_and_resubmitted", "near_copies", "skipped", "drafts"}.

    `actor` reviews (returns) as organizer staff when `review`; drafts are written as the system (actor
    None), as a liaison would through the same services. Assessments in `drafts` (pks) keep their report
    as a saved draft, not submitted — the liaison's next step. `copies` plants the two near-copies.
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
    counts = {
        "submitted": 0,
        "returned_and_resubmitted": 0,
        "near_copies": 0,
        "skipped": len(have),
        "drafts": 0,
    }
    texts = [_report_text(rng, a) for a in todo]
    # Two planted near-copies: the 2nd copies the 1st's achievements and causes; the 4th the 3rd's.
    for source, copy in ((0, 1), (2, 3)) if copies else ():
        if copy < len(texts) and todo[source].organization_kind == todo[copy].organization_kind:
            texts[copy]["achievements"] = texts[source]["achievements"]
            texts[copy]["causes"] = texts[source]["causes"]
            counts["near_copies"] += 1
    for index, (assessment, text) in enumerate(zip(todo, texts, strict=True)):
        services.save_report(actor=None, assessment=assessment, source="system", **text)
        if assessment.pk in drafts:
            counts["drafts"] += 1
            continue
        report = services.submit_report(actor=None, assessment=assessment, source="system")
        counts["submitted"] += 1
        if review and index == len(todo) - 1 and len(todo) > 4:
            services.return_report(
                actor=actor,
                report=report,
                remarks="问题查摆不够具体，请补充数字和事例后重新提交。",
                source="system",
            )
            text = {
                **text,
                "problems": [*text["problems"], "党费收缴不规范，抽查的12个党支部中有3个未按月收缴。"],
            }
            services.save_report(actor=None, assessment=assessment, source="system", **text)
            services.submit_report(actor=None, assessment=assessment, source="system")
            counts["returned_and_resubmitted"] += 1
    return counts

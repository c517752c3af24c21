"""Demo reports (REP-1 … REP-3) for the demo engineer: `build_demo_reports(campaign=…, actor=…)`.

Through the services only: every assessee with a secretary gets a submitted report; one is returned with
remarks and submitted again; `copies` planted near-copies (a peer's achievements and causes copied) give
the quality page and the near-copy view something to show. Every other text is the secretary's own: its
place, villages and units named, figures drawn for it, sentences chosen from larger pools per section, so
that the product's own checks (quality.check, the near-copy detection, the formalism lint) pass it — the
demo's test (shuping/demo/tests/test_flow.py) runs them over every demo report. Deterministic per seed,
organization and year. Idempotent: an assessment that already has a report is left alone.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from shuping.campaigns.models import Assessment, Campaign

from . import services, similarity
from .models import Report

if TYPE_CHECKING:
    from shuping.accounts.models import User

#: Syllables for the villages, communities and companies the reports name (two make a plausible name).
_SYL1 = "东西南北上下金石云青白安长永兴丰和平清沙龙凤桃柳松杉梅竹新古双高宝仁义太明华富红黄马杨樟槐"
_SYL2 = "山川河湖岭阳江溪口坪坝桥林原峰泉塘湾洲台田岗沟堡营店寨庄铺源浦亭"
_COMPANIES = ("建设投资", "水务", "城市发展", "交通建设", "粮食储备", "文化旅游", "供销", "农业发展", "燃气")
_SCHOOLS = ("实验中学", "第一中学", "第二中学", "实验小学", "职业中学", "民族中学", "第三小学", "外国语学校")
_ORGANS = (
    "发展和改革委员会",
    "财政局",
    "教育局",
    "卫生健康委员会",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "自然资源局",
    "民政局",
    "人力资源和社会保障局",
    "市场监督管理局",
    "应急管理局",
)
_CROPS = ("茶叶", "中药材", "食用菌", "柑橘", "蔬菜", "油茶", "生猪", "蜂蜜", "竹笋", "小龙虾")
_LOCAL_KINDS = ("local_committee", "township_committee", "village_committee")


def _names(rng: random.Random, count: int, suffix: str, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        name = rng.choice(_SYL1) + rng.choice(_SYL2) + suffix
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


_ALTERNATIVES = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")


def _one(rng: random.Random, *variants: str) -> str:
    """One of the variants, with each "[a|b|c]" in it resolved to one of its alternatives: the same fact in
    the secretary's own wording, so two reports built from the same pool rarely share a phrase."""
    text = rng.choice(variants)
    return _ALTERNATIVES.sub(lambda m: rng.choice(m.group(1).split("|")), text)


_REGION = re.compile(r"^中共(.+?[省市区县旗])")
_TOWNSHIP = re.compile(r"([^区县市旗]{1,6}(?:街道|镇|乡))(?:工作)?委员会$")


def _region_of(name: str) -> str:
    """The place an organization stands for: 中共杉江区西岭街道工作委员会 → 西岭街道, 中共青川市委员会 → 青川市,
    中共青川市直属机关工作委员会 → 青川市 (the region whose organs it leads)."""
    m = _TOWNSHIP.search(name)
    if m:
        return m.group(1)
    m = _REGION.match(name)
    return m.group(1) if m else name.removeprefix("中共")[:4]


def _area_word(place: str) -> str:
    """全街道 / 全镇 / 全区 / 全县 / 全市 / 全省."""
    for suffix in ("街道", "镇", "乡", "区", "县", "旗", "市", "省"):
        if place.endswith(suffix):
            return suffix
    return "市"


@dataclass
class _Setting:
    """What one report talks about: its place, the units below it, a few named villages, and figures drawn
    once for this report (so that every part agrees with every other)."""

    place: str
    area: str  # 全街道 / 全县 / 全市
    level: str
    subs: list[str]  # the units below: villages, townships or counties
    villages: list[str]
    community: str


def _setting(rng: random.Random, assessment: Assessment | None) -> _Setting:
    name = getattr(assessment, "organization_name", "") or "中共示范县委员会"
    level = getattr(assessment, "organization_level", "") or "county"
    place = _region_of(name)
    taken: set[str] = set()
    children: list[str] = []
    if assessment is not None and getattr(assessment, "organization_id", None):
        from shuping.orgs.models import Organization

        rows = Organization.objects.filter(
            parent_id=assessment.organization_id, kind__in=_LOCAL_KINDS
        ).values_list("name", flat=True)
        children = [_region_of(n).removeprefix(place) or _region_of(n) for n in rows]
        children = [c for c in children if c and c != place]
    if level == "township":
        subs = [c if c.endswith(("村", "社区")) else c + "村" for c in children]
        subs += _names(rng, max(0, 4 - len(subs)), "村", taken)
    elif level == "county":
        subs = children + _names(rng, max(0, 4 - len(children)), rng.choice(("镇", "乡")), taken)
    else:
        subs = children + _names(rng, max(0, 4 - len(children)), rng.choice(("县", "区")), taken)
    rng.shuffle(subs)
    taken.update(subs)
    return _Setting(
        place=place,
        area="全" + _area_word(place),
        level=level,
        subs=subs,
        villages=_names(rng, 4, "村", taken),
        community=_names(rng, 1, "社区", taken)[0],
    )


def _scale(level: str) -> dict[str, tuple[int, int]]:
    """Ranges of the figures by the reporting committee's level (a township, a county, a prefecture)."""
    if level == "township":
        return {"units": (9, 22), "members": (480, 1500), "recruits": (9, 30), "first_secretaries": (3, 8)}
    if level == "county":
        return {
            "units": (120, 320),
            "members": (8000, 24000),
            "recruits": (150, 420),
            "first_secretaries": (40, 90),
        }
    return {
        "units": (900, 2600),
        "members": (60000, 180000),
        "recruits": (1200, 3400),
        "first_secretaries": (260, 640),
    }


def _local_text(rng: random.Random, assessment: Assessment | None = None) -> dict:
    """A local committee secretary's report (市、县、乡): achievements chosen from a larger pool, problems each
    with the measure that answers it, causes in the secretary's own words. Figures drawn once per report and
    reused, a part never larger than its whole, named villages and units of its own place. Outcomes, not
    counts of meetings held or documents issued (Art. 6)."""
    s = _setting(rng, assessment)
    size = _scale(s.level)
    n = {k: rng.randint(*v) for k, v in size.items()}
    a, b, c, d = s.villages
    sub1, sub2 = s.subs[0], s.subs[1]
    unit = (
        "村（社区）" if s.level == "township" else ("乡镇（街道）" if s.level == "county" else "县（市、区）")
    )
    weak = max(3, n["units"] // rng.randint(12, 20))
    passed = rng.randint(2, weak - 1)
    relapsed = rng.randint(1, max(1, passed - 1))
    young = rng.randint(n["recruits"] // 2, n["recruits"] - 2)
    crop = rng.choice(_CROPS)
    households = rng.randint(60, 480)
    per_house = rng.randrange(1800, 6800, 100)
    income_line = rng.choice((5, 10, 15, 20))
    rich = (
        rng.randint(max(2, n["units"] // 4), max(3, n["units"] // 2))
        if s.level == "township"
        else rng.randint(30, 85)
    )
    cases = rng.randint(40, 260)
    settled = rng.randint(int(cases * 0.8), cases - 1)
    mobile = rng.randint(max(20, n["members"] // 40), max(30, n["members"] // 12))
    absent = rng.randint(3, max(4, mobile // 9))
    checked = rng.randint(16, 48)
    incomplete = rng.randint(2, max(3, checked // 8))
    no_reserve = rng.randint(2, max(3, weak))
    age = rng.randint(61, 68)
    grids = rng.randint(max(12, n["units"] * 2), max(20, n["units"] * 4))
    part_time = rng.randint(25, 60)
    firsts = n["first_secretaries"]
    away = rng.randint(1, max(2, firsts // 6))
    returned_talent = rng.randint(max(3, n["units"] // 6), max(6, n["units"] // 3))
    degree_now = rng.randint(38, 72)
    degree_up = rng.randint(6, 19)
    stalled = rng.randint(120, 680)
    month = rng.choice(("3", "4", "5", "6"))
    lead = {"township": "班子成员", "county": "县级领导", "prefecture": "市级领导"}.get(s.level, "县级领导")
    achievements = {
        "weak": _one(
            rng,
            f"[{s.area}|{s.place}]排查出软弱涣散{unit}党组织{weak}个，[逐个明确包联领导|一个一个落实{lead}包联|"
            f"每个都由{lead}包联]，其中{passed}个已[通过验收|验收合格]，{a}的班子[补齐了年轻委员|配上了35岁以下委员]。",
            f"[软弱涣散党组织整顿上|整顿后进党组织方面|抓后进整顿]，{weak}个整顿对象中{passed}个[验收合格|摘了帽]；"
            f"{a}两委[换了带头人|选出新书记]，[年内|今年]解决了[拖欠多年的村道硬化问题|群众盼了多年的饮水问题|"
            f"排涝渠年久失修的问题]。",
        ),
        "recruits": _one(
            rng,
            f"[发展党员|新发展党员|全年发展党员]{n['recruits']}名，其中35岁以下{young}名；"
            f"{b}[多年没有发展党员|连续几年未发展党员]的[情况|局面]已经[改变|扭转]。",
            f"[今年|本年度]发展党员{n['recruits']}名，[35岁以下的|年轻党员]{young}名，"
            f"{b}等[后进村|偏远村]补上了[青年党员断档|年轻党员的空缺]。",
        ),
        "economy": _one(
            rng,
            f"{c}党支部[领办|牵头办起]{crop}[专业合作社|合作社]，带动{households}户[增收|群众增收]，"
            f"户均[增收|多收入]{per_house}元。",
            f"[推广|复制]{c}党支部领办合作社的[做法|路子]，{crop}[产业|种植]带动{households}户"
            f"[群众|农户]户均增收{per_house}元。",
        ),
        "income": _one(
            rng,
            f"集体经营性收入[超过|达到]{income_line}万元的{unit}[达到|有]{rich}个，"
            f"{sub1}的[光伏电站|标准化厂房|冷库]今年开始[分红|产生收益]。",
            f"{sub1}、{sub2}等{rich}个{unit}集体经营性收入超过{income_line}万元，"
            f"[比上年多出一批|比上年有明显增加|空壳村基本消除]。",
        ),
        "service": _one(
            rng,
            f"{s.community}党群服务中心[开设|增设]医保、社保代办窗口，群众在家门口[办成了|就能办]"
            f"过去要[跑到|去]{s.place}才能办的事。",
            f"把[医保、社保代办|养老认证和医保报销]延伸到{s.community}，老人[办理待遇认证|报销]不再往返{s.place}，"
            f"[走访中群众普遍认可|回访的居民都说方便]。",
        ),
        "grid": _one(
            rng,
            f"[划分网格|全域划分网格]{grids}个、党员网格员包片，{s.place}[全年|今年]排查矛盾纠纷{cases}起，"
            f"[化解|就地化解]{settled}起。",
            f"[推行|全面推行]党员进网格，{grids}个网格里化解[邻里和土地纠纷|各类矛盾纠纷]{settled}起，"
            f"{d}的[宅基地纠纷|山林权属纠纷|土地流转纠纷]在村里[就地化解|调处到位]。",
        ),
        "talent": _one(
            rng,
            f"[回引|引回]在外[能人|人才]{returned_talent}名进入村两委班子，村党组织书记大专以上学历的占{degree_now}%，"
            f"比上届[提高|高出]{degree_up}个百分点。",
            f"村党组织书记中大专以上学历的[提高到|达到]{degree_now}%，比上届高{degree_up}个百分点，"
            f"{returned_talent}名[返乡创业青年|回乡大学生]进入村两委。",
        ),
        "first": _one(
            rng,
            f"[选派|派出]驻村第一书记{firsts}名，{a}第一书记[争取的|跑来的]冷链仓库已投入使用，"
            f"{crop}不再[压价外销|低价卖给中间商]。",
            f"{firsts}名驻村第一书记[吃住在村|常驻村里]，{b}第一书记牵头修通的产业路让{crop}收购车"
            f"[直接开进村|开到了地头]。",
        ),
        "burden": _one(
            rng,
            f"[清理|规范]村级组织挂牌和证明事项，{sub2}村干部用在填表报数上的时间[明显减少|少了一大半]，"
            f"[走访的村干部都有感受|村干部反映负担轻了]。",
            f"[为基层减负|给村干部减负]，取消村级不必要的证明事项，{c}[村干部说|的支部书记说]现在能把[更多时间|精力]"
            f"用在[田间地头|群众身上]。",
        ),
        "elderly": _one(
            rng,
            f"在{c}等村办起[老年食堂|互助幸福院]，由党员志愿者[轮流值守|轮班服务]，"
            f"{rng.randint(30, 180)}名[独居|留守]老人[吃上了热饭|有了日间照料]。",
            f"[党员志愿者|村党支部]牵头在{c}[开办|建成]互助养老点，[留守老人|空巢老人]有了[日间照料|吃饭的地方]。",
        ),
        "ecology": _one(
            rng,
            f"{d}党支部带领群众[整治|清理]河塘沟渠，[人居环境|村容村貌]明显[改善|好转]，"
            f"[今年|年内]被评为{s.place}[美丽乡村示范村|人居环境示范村]。",
            f"以党建带[人居环境整治|环境整治]，{d}[拆除|清理]乱搭乱建{rng.randint(20, 140)}处，"
            f"[群众自发|村民主动]出工出力。",
        ),
    }
    issues = [
        (
            _one(
                rng,
                f"[软弱涣散党组织整顿跟踪问效不够|后进村整顿后续跟踪跟不上|整顿后的巩固抓得松]，[已验收的|验收过的]{passed}个中有{relapsed}个"
                f"（{a}等）[又出现|重新出现|年内又冒出]班子[不团结|不和|闹矛盾]、[议事推不动|事情议不下来|项目推不动]的[问题|情况]。",
                f"[整顿成果不稳固|整顿效果没有巩固住]：{passed}个[验收合格的对象|摘帽的村]中，{a}等{relapsed}个[年内出现反复|又滑了回去|又回到老样子]，[群众有意见|村民反映强烈]。",
            ),
            _one(
                rng,
                f"[对{a}等{relapsed}个反复的村|{a}等{relapsed}个出现反复的村]由{lead}[重新包联|再次包联]，明年{month}月底前[再次验收|重新验收]，"
                f"[不合格的调整带头人|仍不合格的调整书记]。",
                f"{a}等{relapsed}个村[明年{month}月前|半年内]再过一遍验收，{lead}[每月到村一次|驻村督导]。",
            ),
        ),
        (
            _one(
                rng,
                f"[发展党员把关不严|发展党员程序执行不严|入党关口守得不牢]，[抽查的|随机抽取的|复查的]{checked}份入党材料中有{incomplete}份[程序不全|手续缺项|环节缺失]，"
                f"{d}[有发展对象|有的发展对象|的发展对象]{rng.choice(('未经集中培训', '没有参加集中培训', '跳过了培训环节'))}。",
                f"[入党程序执行有偏差|新党员发展质量有隐患]，[随机抽查|逐份复查]{checked}名新党员的入党材料，{incomplete}名的政治审查[不完整|缺少函调|走了过场]。",
            ),
            _one(
                rng,
                f"[对{s.area}近三年发展的党员逐人复核程序|{s.place}近三年的新党员逐人过一遍程序]，[抽查发现问题的|有问题的]{incomplete}份材料[本月内|年底前|限期]补正，"
                f"{d}的发展对象[补上集中培训|培训合格后再讨论|重新走一遍培训考察]。",
                f"[发展党员全程纪实|发展党员实行预审]，{incomplete}名政治审查不完整的新党员[限期补齐|一个月内补齐|由县委组织部督办补齐]，{d}[暂停发展一批次|明年从严把关]。",
            ),
        ),
        (
            _one(
                rng,
                f"[村级后备力量不足|村级后备干部储备不足|年轻干部断档]，{b}等{no_reserve}个村[没有|找不到|至今没有]35岁以下后备人选，{c}[党支部书记|的老书记]已经{age}岁。",
                f"[带头人队伍老化|村党组织书记年龄偏大]，{no_reserve}个村[找不出|选不出]35岁以下后备人选，{c}的支部书记年满{age}岁[仍在任|还在岗位上]。",
            ),
            _one(
                rng,
                f"[对{b}等{no_reserve}个村逐村物色后备人选|{b}等{no_reserve}个村逐村摸排后备人选]，从[返乡青年和退役军人|致富能手和返乡大学生]中选人，"
                f"明年{month}月前每村[至少储备一名|配上一名35岁以下后备]。",
                f"{no_reserve}个缺后备的村[由组织委员逐村走访|逐村摸底]，{c}[明年换届时|年内]配上年轻书记。",
            ),
        ),
        (
            _one(
                rng,
                f"[流动党员管理松散|流动党员管理存在盲区|对流动党员管得松]，{s.place}流动党员{mobile}名中有{absent}名[全年未参加组织生活|一年没有参加过组织生活|今年没有过组织生活]。",
                f"对[外出务工党员|流动党员]联系不紧，{mobile}名流动党员中有{absent}名[失去联系超过半年|半年以上联系不上]。",
            ),
            _one(
                rng,
                f"[给|为]{mobile}名流动党员逐一[建立联系人|明确联系干部]，在务工集中地[设立|建立]流动党员党支部，"
                f"{absent}名失联党员春节前全部[找回|联系上]。",
                f"春节返乡期间对{absent}名失联的流动党员逐一[上门|见面]，[外出党员|流动党员]编入务工地的党支部。",
            ),
        ),
        (
            _one(
                rng,
                f"[第一书记管理偏松|对驻村第一书记管得不严]，{firsts}名驻村第一书记中有{away}名每月在村[时间|天数]不足20天，{d}群众[反映找人难|说见不到人]。",
                f"[个别|少数]驻村第一书记在村时间不够，{firsts}名中有{away}名被查出长期不在村，{d}的项目因此推进缓慢。",
            ),
            _one(
                rng,
                f"对{away}名在村时间不足的第一书记[约谈提醒|谈话提醒]，[由派出单位和{s.place}共同考勤|考勤由派出单位和{s.place}共管]，"
                f"{d}的项目[明确完成时限|倒排工期]。",
                f"[第一书记|驻村干部]在村情况[由群众评议|请村民代表评议]，{away}名不在岗的[召回调整|调整人选]。",
            ),
        ),
        (
            _one(
                rng,
                f"[产业项目收益不稳|村集体产业项目风险大|集体经济项目论证不足]，{sub2}的{crop}[加工|深加工|仓储]项目投入{stalled}万元，[因销路不畅|由于销路没打开|因市场价格下跌]收益至今[没有到账|分文未得]。",
                f"[部分|有的]集体经济项目[选得不准|盲目上马]，{sub2}投入{stalled}万元的{crop}项目[去年起亏损|连续两年亏损]，[村集体背上了债务|群众意见较大]。",
            ),
            _one(
                rng,
                f"请农业部门对{sub2}的{crop}项目[评估|重新论证]，[年内|明年上半年]引入龙头企业包销，保底收益写进合同。",
                f"{sub2}的{crop}项目[改由合作社经营|引入企业托管]，村集体按保底加分红取得收益。",
            ),
        ),
        (
            _one(
                rng,
                f"[网格员力量不实|网格化管理存在空档|党员进网格落得不实]，{grids}个网格中兼职网格员占{part_time}%，{s.community}有网格[长期无人走访|半年没人入户]。",
                f"[党员进网格存在挂名现象|网格员挂名不管事]，{s.community}的网格员多为兼职（{s.place}兼职的占{part_time}%），[居民找不到人|群众反映入户少]。",
            ),
            _one(
                rng,
                f"[在{s.community}先配齐专职网格员|{s.community}先行配备专职网格员]，{s.place}兼职网格员的比例明年降到[三成|两成]以下。",
                f"[网格员|网格长]每月入户情况由居民评议，{s.community}[先行试点|率先推行]专职网格员。",
            ),
        ),
    ]
    causes = [
        _one(
            rng,
            f"[对抓基层党建是本职、不抓是失职认识不深|第一责任人的担子扛得不够实|抓党建的责任没有时时放在心上]，[到|去]{a}等后进村[现场看得少|实地走得少|蹲点少]，[问题发现得晚|问题发现得不及时|对问题心中无数]。",
            f"[把主要精力放在|精力更多用在][项目和招商|经济工作|项目建设]上，对{s.place}基层组织建设的薄弱处[心中无数|掌握不准]，{a}的问题[反复后才发现|到了群众上访才知道]。",
            f"[抓整顿重验收轻巩固|整顿只盯着验收]，验收[之后|过后]对{a}等村的[跟踪|指导]停了下来，[没有建立长效机制|后续帮扶没跟上]。",
        ),
        _one(
            rng,
            f"[选人用人视野不宽|选人渠道窄]，村级带头人多从本村老党员中产生，{b}这样的村[长期没有新人|多年不换人]。",
            f"[对村级后备力量缺少长远打算|培养后备干部没有早谋划]，回引人才的政策在{b}等[偏远村|山区村]落得不实。",
            f"[制度执行打了折扣|规矩立了没有守住]，[发展党员和流动党员管理的规定|党员管理的规定]在{c}等村没有一抓到底。",
        ),
    ]
    chosen = rng.sample(list(achievements), rng.randint(3, 4))
    picked = rng.sample(issues, rng.randint(2, 3))
    return {
        "achievements": "\n".join(achievements[k] for k in chosen),
        "problems": [p for p, _m in picked],
        "causes": "".join(rng.sample(causes, rng.randint(1, 2))),
        "measures": "\n".join(m for _p, m in picked),
    }


def _organs_text(rng: random.Random, assessment: Assessment | None = None) -> dict:
    """A work committee's or a department's secretary (机关、国企、高校、两新): the same rules, their own work —
    units, schools or companies of its own region by name, figures drawn once per report."""
    kind = getattr(assessment, "organization_kind", "") or "organs_work_committee"
    name = getattr(assessment, "organization_name", "") or "中共示范县直属机关工作委员会"
    region = _region_of(name)
    taken: set[str] = set()
    organ1, organ2 = (f"{region}{o}" for o in rng.sample(_ORGANS, 2))
    company1, company2 = (f"{region}{c}集团" for c in rng.sample(_COMPANIES, 2))
    school1, school2 = (f"{region}{s}" for s in rng.sample(_SCHOOLS, 2))
    community = _names(rng, 1, "社区", taken)[0]
    park = _names(rng, 1, "工业园", taken)[0]
    units = rng.randint(18, 64)
    weak = rng.randint(3, 8)
    fixed = rng.randint(1, weak - 1)
    members = rng.randint(260, 2400)
    overdue = rng.randint(3, max(4, members // 120))
    checked = rng.randint(14, 36)
    missing = rng.randint(2, max(3, checked // 6))
    cut = rng.choice(("三分之一", "四成", "一半", "两成"))
    firms = rng.randint(120, 900)
    covered = rng.randint(int(firms * 0.55), int(firms * 0.85))
    riders = rng.randint(300, 2600)
    rider_members = rng.randint(12, max(13, riders // 40))
    schools = rng.randint(24, 160)
    teachers = rng.randint(40, 90)
    month = rng.choice(("3", "4", "5", "6"))
    volunteers = rng.randint(40, 300)
    pool = {
        "renewal": _one(
            rng,
            f"[指导|督促]{units}个基层党组织按期完成换届，{weak}个后进党支部中{fixed}个已[整改提升|摘帽]。",
            f"所属{units}个党组织[全部按期换届|换届无一延期]，排查出的{weak}个后进党支部有{fixed}个[摘帽|转化为先进]。",
        ),
        "community": _one(
            rng,
            f"组织在职党员到{community}报到服务，帮助解决了[老旧小区加装电梯、停车难|楼道照明和积水]等实际问题。",
            f"[机关党员下沉|党员干部下沉]{community}，{organ1}的党员帮助居民协调解决了[小区积水|物业失管|加装电梯]的老问题。",
        ),
        "service": _one(
            rng,
            f"推动党建和业务融合，{organ2}窗口服务事项办理时限平均压缩{cut}，[办事群众评价提高|群众回访满意]。",
            f"{organ2}党支部牵头梳理审批流程，企业办事时限压缩{cut}，[回访企业满意|企业反映明显方便]。",
        ),
        "volunteer": _one(
            rng,
            f"{volunteers}名党员志愿者[轮流|分批]到{community}值守，[为老人代购代办|帮助困难家庭]的事情群众记得住。",
            f"[开展|组织]党员[结对帮扶|认领微心愿]，{volunteers}名党员与{community}困难家庭结成对子。",
        ),
        "secretaries": _one(
            rng,
            f"党支部书记[由业务骨干担任|多由处室负责人兼任]的比例[提高到|达到]{rng.randint(70, 96)}%，"
            f"[{organ2}|{organ1}]的支部书记[带头攻坚|牵头解决]了[积压件清理|跨部门审批]难题。",
            f"[选优配强|调整充实]党支部书记，{organ2}新任支部书记[上任后|到岗后]把[群众投诉|积压事项]逐件[清零|办结]。",
        ),
    }
    issues = [
        (
            _one(
                rng,
                f"[后进党支部整改不彻底|后进支部转化慢]，{weak}个后进党支部中仍有{weak - fixed}个没有达到整改要求，"
                f"{organ1}机关党支部是其中之一。",
                f"{organ1}[等|等单位的]党支部[整改走过场|整改不到位]，{weak}个后进党支部中{weak - fixed}个[还没摘帽|仍未转化]。",
            ),
            _one(
                rng,
                f"[明年一季度|明年上半年]对{weak - fixed}个后进党支部逐个派驻指导员，{organ1}机关党支部{month}月底前完成整改。",
                f"{organ1}[等|等单位的]{weak - fixed}个支部由机关党委[委员包联|班子成员包联]，{month}月底前[验收|复查]。",
            ),
        ),
        (
            _one(
                rng,
                f"[党员教育管理失之于宽|党员管理有漏洞]，{members}名在职党员中有{overdue}名未按期转接组织关系。",
                f"组织关系管理不规范，{overdue}名党员[调动后|调离后]没有及时转接组织关系（{members}名党员中）。",
            ),
            _one(
                rng,
                f"[年内|春节前]对{members}名党员的组织关系逐一核对，{overdue}名未转接的[限期办结|一个月内办结]。",
                f"{overdue}名未转接组织关系的党员[由所在支部逐一联系|逐人督办]，[调动时|人事调动时]同步转接。",
            ),
        ),
        (
            _one(
                rng,
                f"[组织生活质量不高|组织生活流于形式]，[抽查的|随机抽查的]{checked}个党支部中{missing}个没有按规定开展谈心谈话。",
                f"谈心谈话[落得不实|走了过场]，{checked}个抽查支部里{missing}个的支部书记没有和党员逐一谈过。",
            ),
            _one(
                rng,
                f"对{missing}个未开展谈心谈话的党支部书记约谈，{checked}个抽查支部[明年再回访一遍|半年后回访]。",
                f"[支部书记|党支部书记]与党员谈心谈话[年内|半年内]全覆盖，{missing}个问题支部由机关党委跟进。",
            ),
        ),
        (
            _one(
                rng,
                f"[机构改革后|单位合并后]党组织设置调整滞后，{organ2}有{rng.randint(2, 6)}个内设机构的党员[仍挂在原支部|没有编入支部]。",
                f"{organ2}[合并|调整]处室后，{rng.randint(2, 6)}个处室的党员[仍在原支部过组织生活|长期没有编入支部]。",
            ),
            _one(
                rng,
                f"{organ2}党组织设置{month}月底前[调整到位|按新处室重新设置]，党员全部编入支部。",
                f"[按新的机构设置|随处室调整]重建{organ2}党支部，[空挂的党员|未编入支部的党员]逐一编入。",
            ),
        ),
    ]
    if kind in ("sasac_committee", "soe_committee"):
        pool["soe"] = _one(
            rng,
            f"{company1}等企业把党委前置研究讨论重大经营事项落到实处，{company2}混改后党组织同步调整到位。",
            f"{company1}党委领办的保供项目今年冬季稳住了{region}的供应，{company2}完成党建入章。",
        )
        issues.append(
            (
                _one(
                    rng,
                    f"[国企党建与生产经营结合不紧|项目一线党建薄弱]，{company2}的{rng.randint(3, 9)}个[项目部|在建项目]"
                    f"[没有成立党组织|没有党组织覆盖]。",
                ),
                _one(rng, f"由{company2}党委牵头，{month}月底前在项目部[全部建立党组织|派驻党建指导员]。"),
            )
        )
    elif kind in ("education_work_committee", "university_committee", "college_committee"):
        pool["school"] = _one(
            rng,
            f"{region}{schools}所中小学全部实行党组织领导的校长负责制，{school1}党组织书记和校长分设到位。",
            f"在{schools}所中小学推行党组织领导的校长负责制，{school1}的教师党员带头承担课后服务。",
        )
        issues.append(
            (
                _one(
                    rng,
                    f"[教师党员发展偏慢|青年教师入党积极性没有调动起来]，{school2}{teachers}名青年教师中"
                    f"[近三年|三年来]只发展了{rng.randint(1, 3)}名党员。",
                ),
                _one(
                    rng,
                    f"在{school2}等学校为优秀青年教师逐人确定入党培养联系人，明年{month}月前确定发展对象。",
                ),
            )
        )
    elif kind == "non_public_work_committee":
        pool["coverage"] = _one(
            rng,
            f"{region}{firms}家规模以上非公企业中{covered}家建立党组织，{park}实现党的组织和工作全覆盖。",
            f"在{park}推行园区联合党委，{firms}家企业中有{covered}家建立了党组织。",
        )
        pool["riders"] = _one(
            rng,
            f"为{riders}名快递员、外卖骑手建起{community}暖心驿站，其中{rider_members}名党员亮身份参与社区服务。",
            f"新就业群体党建有突破，{riders}名骑手和快递员中的{rider_members}名党员编入{community}的网格。",
        )
        issues.append(
            (
                _one(
                    rng,
                    f"[非公企业党组织有形无实|企业党组织“空壳”现象仍有]，{park}的{rng.randint(4, 12)}家企业"
                    f"党组织书记长期在外，组织生活[停摆|基本停止]。",
                ),
                _one(
                    rng, f"对{park}的停摆企业党组织逐一派驻党建指导员，明年{month}月前[选出|配齐]在岗书记。"
                ),
            )
        )
    chosen = rng.sample(list(pool), min(len(pool), 3))
    picked = rng.sample(issues, 2)
    causes = _one(
        rng,
        f"在{organ1}等单位，重业务轻党建的问题仍然存在，对党支部书记的培训和督促不够经常。",
        f"把党建工作交给机关党委办公室去抓，自己到{organ1}等基层党支部去得少，问题掌握不及时。",
        f"考核指挥棒作用发挥不够，党建考核结果和{region}单位评先评优挂钩不紧。",
    )
    return {
        "achievements": "\n".join(pool[k] for k in chosen),
        "problems": [p for p, _m in picked],
        "causes": causes,
        "measures": "\n".join(m for _p, m in picked),
    }


def _report_text(rng: random.Random, assessment: Assessment | None = None) -> dict:
    kind = getattr(assessment, "organization_kind", "")
    local = kind in _LOCAL_KINDS or assessment is None
    return _local_text(rng, assessment) if local else _organs_text(rng, assessment)


#: A generated text is redrawn while it shares this much with a report it will be compared with: well below
#: the quality page's 部分相似 (similarity.PARTIAL_AT, 0.25), so no demo report is flagged unless planted.
DISTINCT_BELOW = 0.18
_ATTEMPTS = 16


def _full_text(text: dict) -> str:
    return "\n".join([text["achievements"], *text["problems"], text["causes"], text["measures"]])


def _neighbours(campaign: Campaign) -> list[str]:
    """The texts the near-copy check will set this campaign's reports against, in any year: reports of the
    same organizer's campaigns and the same persons' reports elsewhere (selectors._corpus, both ways)."""
    persons = campaign.assessments.exclude(person=None).values("person_id")
    rows = Report.objects.filter(
        Q(assessment__campaign__organizer_id=campaign.organizer_id) | Q(assessment__person_id__in=persons)
    )
    return [r.full_text for r in rows]


def _most_shared(prints: frozenset[str], others: list[frozenset[str]]) -> float:
    """The highest share of `prints` (or of the other, whichever is smaller) found in any of `others` —
    every fingerprint counted, stock phrases too, so it is never lower than what the near-copy detection
    (which drops stock phrases) would find in practice."""
    return max(
        (len(prints & other) / (min(len(prints), len(other)) or 1) for other in others),
        default=0.0,
    )


def _distinct_texts(campaign: Campaign, todo: list[Assessment], seed: int) -> list[dict]:
    """One text per assessment, each drawn by its own generator (seeded by seed, organization and year: the
    same secretary writes anew each year) and redrawn, up to `_ATTEMPTS` times, while it shares
    `DISTINCT_BELOW` or more with a text it will be compared with (the best draw is kept otherwise).
    Deterministic for a given seed and database."""
    sample = similarity.DENSE_SAMPLE
    seen = [similarity.fingerprints(t, sample=sample) for t in _neighbours(campaign)]
    out = []
    for a in todo:
        best: tuple[float, dict, frozenset[str]] | None = None
        for attempt in range(_ATTEMPTS):
            rng = random.Random(f"{seed}:{a.organization_path}:{a.campaign.year}:{attempt}")  # demo data
            text = _report_text(rng, a)
            prints = similarity.fingerprints(_full_text(text), sample=sample)
            shared = _most_shared(prints, seen)
            if best is None or shared < best[0]:
                best = (shared, text, prints)
            if shared < DISTINCT_BELOW:
                break
        assert best is not None
        seen.append(best[2])
        out.append(best[1])
    return out


def _copy_pairs(todo: list[Assessment], drafts: Collection[int]) -> list[tuple[int, int]]:
    """Where to plant near-copies, as (source, copy) positions in `todo`: each submitted report paired with
    the next submitted one of the same family — local committees, or the others (work committees,
    departments) — in order (a draft is compared with nothing)."""
    pairs: list[tuple[int, int]] = []
    waiting: dict[bool, int] = {}
    for n, a in enumerate(todo):
        if a.pk in drafts:
            continue
        family = a.organization_kind in _LOCAL_KINDS
        if family in waiting:
            pairs.append((waiting.pop(family), n))
        else:
            waiting[family] = n
    return pairs


def build_demo_reports(
    *,
    campaign: Campaign,
    actor: User | None = None,
    seed: int = 2025,
    review: bool = True,
    drafts: set[int] | frozenset[int] = frozenset(),
    copies: int = 2,
) -> dict[str, int]:
    """Fill the campaign's reports for the demo and return counts
    {"submitted", "returned_and_resubmitted", "near_copies", "skipped", "drafts"}.

    `actor` reviews (returns) as organizer staff when `review`; drafts are written as the system (actor
    None), as a liaison would through the same services. Assessments in `drafts` (pks) keep their report
    as a saved draft, not submitted — the liaison's next step. `copies` (0, 1 or 2) plants that many
    near-copies (`_copy_pairs`: a submitted report copies the achievements and causes of the previous one
    of its kind).
    """
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
    texts = _distinct_texts(campaign, todo, seed)
    for source, copy in _copy_pairs(todo, drafts)[: max(0, int(copies))]:
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
            rng = random.Random(f"{seed}:returned:{assessment.organization_path}")  # demo data
            branches = rng.randint(10, 24)
            text = {
                **text,
                "problems": [
                    *text["problems"],
                    f"党费收缴不规范，抽查的{branches}个党支部中有{rng.randint(2, 5)}个未按月收缴。",
                ],
            }
            services.save_report(actor=None, assessment=assessment, source="system", **text)
            services.submit_report(actor=None, assessment=assessment, source="system")
            counts["returned_and_resubmitted"] += 1
    return counts

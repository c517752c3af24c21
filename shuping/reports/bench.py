"""`shuping bench similarity` — PERF-6: near-copy detection over 40,000 reports.

Target (SPEC §12): all 40 k in < 60 s; ≥ 50 × faster than exact character 5-gram Jaccard measured on a
2,000-report sample and extrapolated to 40,000 (n² pairs); recall ≥ 0.95 on planted copies.

The corpus is generated: realistic 述职报告 built from many sentence patterns with numbers, places and
names, so unrelated reports share stock phrases but not passages — plus planted copies of three kinds:
whole (a copied report under another name), partial (about half the paragraphs taken) and lightly edited
(characters replaced, sentences reordered, punctuation changed). Detection is the project's own
`similarity.find_near_copies` over `similarity.fingerprints`, single process, as the quality page runs it.

No Django import: registered with the documents app's bench registry through `BENCHES`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from . import similarity

REPORTS = 40_000
SAMPLE = 2_000
TARGET_SECONDS = 60.0
TARGET_RATIO = 50.0
TARGET_RECALL = 0.95
COPY_SHARE = 0.03  # 3% of reports are planted copies: 1,200 of 40,000

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
_GIVEN = "建国华明军平志强伟芳秀英海燕立新永红春玲德胜文斌晓东丽娟宏涛思远佳欣浩然子涵宇轩梓萱"
_PLACE_A = "青白红黄金银石柳桃李杏梅竹松柏东西南北上下前后大小新老高低龙凤马牛羊"
_PLACE_B = "山水河湖坪桥塘湾沟岭坡岗庄营寨镇店集堡峪滩口林园"
_UNITS = ("村", "社区", "村", "村", "居委会")
_VERBS = ("推动", "组织", "指导", "督促", "带领", "协调", "部署", "牵头")
_ACTIONS = (
    "召开党建工作专题会议{n}次，研究解决{place}等{m}个村集体经济薄弱问题",
    "整顿软弱涣散党组织{n}个，其中{place}{unit}党支部班子调整{m}人",
    "新建党群服务中心{n}个，{place}{unit}服务中心全年接待群众{m}人次",
    "选派驻村第一书记{n}名，帮助{place}{unit}争取项目资金{m}万元",
    "开展“{topic}”主题活动{n}场，覆盖党员{m}名",
    "发展党员{n}名，其中35岁以下{m}名，{place}{unit}实现三年未发展党员问题清零",
    "培训村级后备干部{n}名，{m}名进入{place}{unit}两委班子",
    "建立“{topic}”工作机制，在{place}{unit}等{n}个点试行，化解矛盾纠纷{m}件",
    "落实“四议两公开”，{place}{unit}公开村务{n}项，群众满意度提升{m}个百分点",
    "推行党员积分管理，{n}名党员参与，{place}{unit}评出先锋党员{m}名",
    "投入党建经费{n}万元，改造{place}{unit}等{m}个活动场所",
    "走访困难党员{n}户，为{place}{unit}解决饮水、道路等实事{m}件",
)
_TOPICS = (
    "党员先锋岗",
    "支部联建",
    "红色物业",
    "三亮三比",
    "网格党建",
    "乡村振兴先锋",
    "清廉村居",
    "强基固本",
)
_PROBLEMS = (
    "{place}{unit}党支部组织生活不规范，抽查{n}次会议记录有{m}次为补记",
    "对{place}{unit}等{n}个后进党组织跟踪问效不够，整顿后有{m}个出现反弹",
    "发展党员把关不严，抽查{n}份档案有{m}份程序不全",
    "村级后备干部储备不足，{place}{unit}等{n}个村没有35岁以下后备人选",
    "党建与产业结合不紧，{place}{unit}集体经济收入仍低于{n}万元",
    "党员教育方式单一，{place}{unit}流动党员{n}名中{m}名全年未参加组织生活",
)
_CAUSES = (
    "对抓基层党建是本职、不抓是失职的认识还有偏差，{n}次调研中到{place}{unit}现场看得少",
    "考核指标偏重台账，{place}{unit}等{n}个单位迎检材料多、解决问题少",
    "督导力量不足，乡镇组织委员{n}人中{m}人兼职其他工作",
)
_MEASURES = (
    "建立县级领导包村制度，{n}月底前完成{place}{unit}等{m}个村的整改销号",
    "实行发展党员全程纪实，{n}月前对{m}份档案逐一复查",
    "实施“{topic}”计划，{n}年内为每个村储备{m}名后备干部",
    "开展集体经济“消薄”行动，{place}{unit}等{n}个村年底前收入超过{m}万元",
)


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


def _place(rng: random.Random) -> str:
    return rng.choice(_PLACE_A) + rng.choice(_PLACE_B)


def _fill(pattern: str, rng: random.Random) -> str:
    return (
        rng.choice(_VERBS)
        + pattern.format(
            n=rng.randint(2, 300),
            m=rng.randint(1, 120),
            place=_place(rng),
            unit=rng.choice(_UNITS),
            topic=rng.choice(_TOPICS),
        )
        + _detail(rng)
        + "。"
    )


def make_report(rng: random.Random) -> str:
    """One synthetic report of about 1,200–1,800 characters in the four sections."""
    paragraphs = ["一、工作成效"]
    for _ in range(rng.randint(5, 7)):
        paragraphs.append("".join(_fill(rng.choice(_ACTIONS), rng) for _ in range(rng.randint(3, 4))))
    paragraphs.append("二、存在的突出问题")
    for number, pattern in enumerate(rng.sample(_PROBLEMS, 3), start=1):
        paragraphs.append(f"{'一二三'[number - 1]}是" + _fill(pattern, rng))
    paragraphs.append("三、原因分析")
    paragraphs.append("".join(_fill(p, rng) for p in rng.sample(_CAUSES, 2)))
    paragraphs.append("四、下一步措施")
    paragraphs += [_fill(p, rng) for p in rng.sample(_MEASURES, 3)]
    return "\n".join(paragraphs)


_REPLACEMENTS = "的了和在是有对把将与及并"

#: Words for each sentence's own detail — what makes real reports differ beyond their stock phrases.
_WORDS = (
    "群众 党员 支部 书记 村民 干部 产业 项目 资金 道路 饮水 养老 教育 医疗 矛盾 纠纷 土地 合作社 "
    "集体 经济 收入 就业 培训 技能 网格 楼栋 物业 业主 志愿 服务 帮扶 脱贫 巩固 振兴 乡风 文明 "
    "治理 自治 法治 德治 平安 安全 生产 环境 整治 垃圾 污水 厕所 改造 危房 搬迁 安置 社保 低保 "
    "残疾 留守 儿童 老人 妇女 青年 人才 返乡 创业 电商 直播 茶叶 果园 蔬菜 养殖 旅游 民宿 "
    "文化 广场 书屋 讲堂 夜校 党课 学习 研讨 调研 走访 座谈 恳谈 议事 公开 监督 评议 考评 "
    "积分 超市 红黑榜 承诺 践诺 亮诺 示范 样板 试点 推广 清单 台账 销号 督办 回访 满意 "
    "流动 外出 务工 企业 园区 两新 组织 社会 工会 团委 妇联 民兵 退役 军人 统战 宗教 民族"
).split()


def _detail(rng: random.Random) -> str:
    return "，" + "".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 9)))


def light_edit(text: str, rng: random.Random) -> str:
    """A lightly edited copy: ~3% of characters replaced, two sentences swapped, punctuation changed."""
    chars = list(text.replace("。", "；", rng.randint(1, 4)))
    for _ in range(max(1, len(chars) * 3 // 100)):
        chars[rng.randrange(len(chars))] = rng.choice(_REPLACEMENTS)
    lines = "".join(chars).split("\n")
    if len(lines) > 4:
        i = rng.randrange(1, len(lines) - 1)
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return "\n".join(lines)


def partial_copy(source: str, rng: random.Random) -> str:
    """Half the source's paragraphs (chosen at random), the rest the copier's own."""
    own = make_report(rng).split("\n")
    theirs = source.split("\n")
    taken = set(rng.sample(range(len(theirs)), len(theirs) // 2))
    return "\n".join(t if i in taken else own[i % len(own)] for i, t in enumerate(theirs))


def whole_copy(source: str, rng: random.Random) -> str:
    """The same report, a new name on top."""
    return f"{_name(rng)}同志述职报告\n" + source


COPIERS: dict[str, Callable[[str, random.Random], str]] = {
    "whole": whole_copy,
    "partial": partial_copy,
    "light": light_edit,
}


def corpus(
    count: int, *, seed: int = 6, copy_share: float = COPY_SHARE
) -> tuple[list[str], list[tuple[int, int, str]]]:
    """`count` reports and the planted copies [(source index, copy index, kind)]."""
    rng = random.Random(seed)  # sample data, not security
    copies = int(count * copy_share)
    originals = count - copies
    texts = [make_report(rng) for _ in range(originals)]
    planted = []
    kinds = list(COPIERS)
    for number in range(copies):
        source = rng.randrange(originals)
        kind = kinds[number % len(kinds)]
        texts.append(COPIERS[kind](texts[source], rng))
        planted.append((source, len(texts) - 1, kind))
    return texts, planted


def detect(texts: list[str]) -> list[similarity.Match]:
    sample = similarity.sample_for(len(texts))
    documents = [(i, similarity.fingerprints(t, sample=sample)) for i, t in enumerate(texts)]
    return similarity.find_near_copies(documents)


def recall(
    matches: list[similarity.Match], planted: list[tuple[int, int, str]]
) -> tuple[float, dict[str, float]]:
    found = {(min(m.a, m.b), max(m.a, m.b)) for m in matches}  # type: ignore[type-var]
    hits: dict[str, list[bool]] = {}
    for source, copy, kind in planted:
        hits.setdefault(kind, []).append((min(source, copy), max(source, copy)) in found)
    total = [h for v in hits.values() for h in v]
    by_kind = {k: round(sum(v) / len(v), 4) for k, v in hits.items()}
    return (sum(total) / len(total) if total else 1.0), by_kind


def run(*, log: Callable[[str], None], size: int | None = None, rounds: int | None = None) -> dict[str, Any]:
    """The bench: generate, detect over all, time the exhaustive baseline on a sample, compare."""
    count = size or REPORTS
    sample = min(SAMPLE, count) if size is None else min(max(size // 20, 50), count)
    started = time.perf_counter()
    log(f"生成 {count} 份述职报告（含 {int(count * COPY_SHARE)} 份植入的雷同报告）……")
    texts, planted = corpus(count)
    log(f"  生成用时 {time.perf_counter() - started:.1f} 秒")

    log("检测：指纹 + 倒排索引（全部报告）……")
    t0 = time.perf_counter()
    documents = []
    density = similarity.sample_for(count)
    for i, text in enumerate(texts):
        documents.append((i, similarity.fingerprints(text, sample=density)))
        if (i + 1) % 10_000 == 0:
            log(f"  指纹 {i + 1}/{count}")
    matches = similarity.find_near_copies(documents)
    detection = time.perf_counter() - t0
    rate, by_kind = recall(matches, planted)
    planted_pairs = {(min(s, c), max(s, c)) for s, c, _k in planted}
    extra = sum(1 for m in matches if (min(m.a, m.b), max(m.a, m.b)) not in planted_pairs)  # type: ignore[type-var]
    log(f"  检测用时 {detection:.1f} 秒，候选雷同 {len(matches)} 对，召回率 {rate:.4f} {by_kind}")

    log(f"基准：{sample} 份样本两两精确计算 5 字 Jaccard ……")
    rng = random.Random(1)  # sample choice, not security
    chosen = rng.sample(range(count), sample)
    t1 = time.perf_counter()
    sets = [similarity.shingles(texts[i]) for i in chosen]
    pairs = 0
    for x in range(sample):
        a = sets[x]
        for y in range(x + 1, sample):
            similarity.exact_jaccard(a, sets[y])
            pairs += 1
        if (x + 1) % 500 == 0:
            log(f"  样本 {x + 1}/{sample}")
    exhaustive_sample = time.perf_counter() - t1
    full_pairs = count * (count - 1) / 2
    extrapolated = exhaustive_sample * full_pairs / pairs
    ratio = extrapolated / detection
    met = detection < TARGET_SECONDS and ratio >= TARGET_RATIO and rate >= TARGET_RECALL
    log(f"  样本 {pairs} 对用时 {exhaustive_sample:.1f} 秒，外推至 {count} 份约 {extrapolated:.0f} 秒")
    return {
        "bench": "similarity",
        "seconds": round(detection, 2),
        "ratio": round(ratio, 1),
        "recall": round(rate, 4),
        "target": "seconds < 60, ratio >= 50, recall >= 0.95",
        "met": met,
        "reports": count,
        "planted": len(planted),
        "recall_by_kind": by_kind,
        "pairs_flagged": len(matches),
        "flagged_not_planted": extra,
        "sample": sample,
        "sample_pairs": pairs,
        "sample_exhaustive_seconds": round(exhaustive_sample, 2),
        "extrapolated_exhaustive_seconds": round(extrapolated, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
    }


BENCHES = {"similarity": run}

"""Formalism lint for indicator texts (CMP-6, Art. 6). Pure: no Django import.

Art. 6: 对可以通过现场查看、走访党员群众等作出评价的，一般不以听汇报、查资料、看台账的方式进行考核，
不以开会发文、领导批示、记录留痕、信息宣传数量等评判工作好坏，防止形式主义，切实为基层减负。

The lint reads an indicator as patterns over verbs, objects and measurement words rather than a list of
known bad sentences, so that it generalises to texts it has never seen:

- COUNT: a quantity measure (次数、份数、篇数、数量, "不少于 4 次" …) in the same clause as a formalism object
  (meetings, documents, leaders' instructions, records, publicity items, reports/materials);
- PAPER: the assessment method is hearing reports or reading files (听取汇报、查阅资料/台账/记录), or the
  indicator judges paperwork itself (台账齐全、资料完整、留痕、有记录有签到);
- counter-signals (seeing the site, talking to members, outcomes such as 满意度、解决率、整改完成) show the
  indicator already judges real results; then a count or a file check is only supporting evidence, and
  no warning is given.

A warning is advice: the organizer may keep the indicator with a reason, which the campaigns app stores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CITATION = "《办法》第六条"

COUNT = "count"
PAPER = "paper"

#: Clause separators: a count and its object must sit in the same clause (or the one just before it, as in
#: “印发…文件，每件加0.5分”).
_CLAUSE = re.compile(r"[，,；;。！？!?\n]")

_NUMERAL = r"[0-9０-９.一二三四五六七八九十两百千万]+"
#: Points for each item: 每件加 0.5 分, 加 5 分, 少开一次扣 0.5 分, 每缺一份扣 1 分, 按次数计分.
_POINTS = (
    rf"(?:[加扣计得]\s*{_NUMERAL}\s*分|每[^，；。]{{0,6}}[加扣计]\s*{_NUMERAL}|按次(?:数)?计分"
    r"|(?:每少|少[开记报发]?一|每缺一|缺一)[^，；。]{0,6}扣)"
)
#: Measurement words that make an indicator a tally.
_MEASURE = re.compile(
    r"(次数|场次|频次|数量|份数|篇数|条数|件数|个数|期数|字数|人次|多少|排名"
    rf"|(?:不少于|不低于|不得少于|至少|达到|累计|每[年季月周旬]|全年)\s*{_NUMERAL}\s*[次份篇条件期场个字]"
    rf"|每[年季月周旬][^，；。]{{0,8}}{_NUMERAL}\s*[次场期篇条份]"
    rf"|{_NUMERAL}\s*[次份篇条期场件]\s*(?:以上|及以上)"
    rf"|{_POINTS}"
    r")"
)
#: What Art. 6 says must not be counted: 开会发文、领导批示、记录留痕、信息宣传 — by category.
_FORMAL_OBJECTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("开会", re.compile(r"(会议|(?<![社机协学工商都])会(?![员计同商上])|召开|开会|委员会|党委会|支委会)")),
    ("发文", re.compile(r"(发文|文件|通知|方案|意见|制度|印发|出台|讲话)")),
    ("领导批示", re.compile(r"(批示|指示)")),
    ("信息宣传", re.compile(r"(宣传|信息|简报|报道|稿件|标语|展板|宣传栏|专栏|刊发|发表|公众号|媒体|报刊)")),
    ("看台账", re.compile(r"台账")),
    (
        "记录留痕",
        re.compile(r"(记录|纪要|留痕|痕迹|签到|笔记|心得|照片|图片|影像|视频|资料|材料|总结|报告|文章|稿)"),
    ),
)
#: Methods of judging from paper: hearing reports, reading files and ledgers.
_PAPER_METHOD = re.compile(
    r"(听[取了]?[^，；。]{0,20}汇报|听汇报|汇报(?:情况|内容|材料)[^，；。]{0,8}(?:评|打分|计分|依据)"
    r"|(?:查阅|查看|翻阅|检查|调阅|核查|看)[^，；。]{0,14}(?:资料|台账|记录|档案|材料|手册|笔记|纪要|文件|簿|本子)"
    r"|查资料|看台账)"
)
#: Judging the paperwork itself: complete, tidy, filed, leaving traces.
_PAPER_OBJECT = r"(?:台账|资料|材料|档案|记录|纪要|痕迹|手册|簿册|佐证|笔记|签到表|讲话稿|文件|总结)"
_PAPER_STATE = re.compile(
    rf"({_PAPER_OBJECT}[^，；。]{{0,10}}(?:齐全|完整|完备|规范|归档|健全|翔实|详实|整洁|上报及时)"
    rf"|(?:齐全|完备)[^，；。]{{0,4}}{_PAPER_OBJECT}"
    r"|装订成册|留痕|有记录|有签到|有图片|有照片|有影像|痕迹管理)"
)
#: Judging the work by its records: 以会议记录判断…, 以签到表为准计分, 以…材料的完整程度评定.
_RECORD_BASIS = re.compile(
    rf"(?:以|凭|根据|依据|按照?)[^，；。]{{0,14}}{_PAPER_OBJECT}[^，；。]{{0,10}}"
    r"(?:为准|为依据|判断|评定|评分|计分|打分|衡量|认定)"
)
#: Leaders' written instructions as a score: 获领导批示加 3 分, 批示次数, 批示 1 次计 1 分 (Art. 6 领导批示).
_INSTRUCTION = re.compile(
    r"批示[^，；。]{0,12}(?:[加计得]\s*[0-9０-９.一二三四五]+\s*分|次数|按次|每次|计\s*[0-9０-９.]+|作为|依据)"
    r"|批示[^，；。]{0,6}(?:肯定|表扬|推广)[^。]{0,10}(?:[加计得]|分)"
    r"|(?:获|获得|得到)[^，；。]{0,14}(?:领导|同志)[^，；。]{0,6}批示"
)
#: Publicity scored by how much was published: 刊发…加 5 分, 被采用条数, 发稿 3 篇以上 (Art. 6 信息宣传).
_PUBLICITY = re.compile(
    r"(?:刊发|刊登|刊载|登载|发表|发稿|播发|报道|采用|推介|转载)[^。]{0,20}"
    rf"(?:[加计得]\s*{_NUMERAL}\s*分|{_NUMERAL}\s*[篇条次期]|篇数|条数|次数|数量)"
    r"|(?:信息|稿件|报道|简报|文章)[^，；。]{0,6}(?:被[^，；。]{0,6})?采用(?:条数|篇数|数|量|率)"
)
#: Seeing the site or talking to members and the public (what Art. 6 prefers).
_SITE = re.compile(
    r"(实地|现场(?:查看|察看|检查|核查|核实|考察|观摩|观察|了解|核验)|到[^，；。]{1,14}(?:现场|一线|点位)|走访|入户|蹲点"
    r"|个别谈话|访谈|暗访|明察|随机抽|抽查|抽取|抽访|回访|问卷|测评|群众评价|党员评价|群众口碑)"
)
#: Outcomes: rates, satisfaction, problems solved, rectification done, real change.
_OUTCOME = re.compile(
    r"(满意度|满意率|解决率|办结率|完成率|到位率|转化率|覆盖率|合格率|达标率|增长率|参与率|知晓率|好评率|化解率"
    r"|组建率|参训率|销号率|占比|比例|比重"
    r"|整改(?:完成|到位|落实|销号)|销号|实效|实绩|解决了?[^，；。]{0,8}问题|问题解决|收入|增收|未发生|发生情况)"
)

_COUNT_REASON = (
    "以{category}等的数量评判工作好坏（第六条：不以开会发文、领导批示、记录留痕、信息宣传数量等评判工作好坏），"
    "建议改为考核解决了什么问题、党员群众评价如何等实绩实效。"
)
_PAPER_REASON = (
    "以{category}来考核（第六条：可以通过现场查看、走访党员群众作出评价的，一般不以听汇报、查资料、看台账的方式"
    "进行考核），建议改为到现场看、见具体事、听群众说。"
)


@dataclass(frozen=True)
class LintWarning:
    """One reason an indicator looks formalistic, with the words that triggered it.

    `code` is COUNT (Art. 6's 数量 list) or PAPER (听汇报、查资料、看台账); `category` names the item of Art. 6.
    """

    code: str
    reason: str
    evidence: str
    citation: str = CITATION
    category: str = ""


@dataclass(frozen=True)
class LintResult:
    text: str
    warnings: tuple[LintWarning, ...] = field(default_factory=tuple)
    counter_signals: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_flagged(self) -> bool:
        return bool(self.warnings)

    @property
    def verdict(self) -> str:
        return "flag" if self.warnings else "ok"


def _count_evidence(text: str) -> tuple[str, str] | None:
    """(category, evidence) when a measure sits with one of Art. 6's objects in its clause or the one before."""
    clauses = [c for c in _CLAUSE.split(text) if c.strip()]
    for index, clause in enumerate(clauses):
        measure = _MEASURE.search(clause)
        if not measure:
            continue
        window = clause if index == 0 else clauses[index - 1] + "，" + clause
        for category, pattern in _FORMAL_OBJECTS:
            obj = pattern.search(clause) or (
                pattern.search(window) if re.fullmatch(_POINTS, measure.group(0)) else None
            )
            if obj:
                return category, f"{obj.group(0)}…{measure.group(0)}"
    return None


def _paper_category(evidence: str) -> str:
    if "汇报" in evidence:
        return "听汇报"
    if "台账" in evidence:
        return "看台账"
    if any(w in evidence for w in ("记录", "纪要", "留痕", "痕迹", "签到", "照片", "图片", "影像")):
        return "记录留痕"
    return "查资料"


def lint_indicator(text: str) -> LintResult:
    """Judge one indicator text (CMP-6). Returns warnings (empty when fine) citing Art. 6.

    Scoring leaders' 批示, publicity output or the records themselves is flagged whatever else the text says;
    a count of meetings or documents, or a file check, is excused when the indicator also judges by a site
    visit, by members and the public, or by outcomes (then it is supporting evidence).
    """
    clean = " ".join(text.split())
    counters = tuple(m.group(0) for m in (_SITE.search(clean), _OUTCOME.search(clean)) if m)
    warnings: list[LintWarning] = []
    strong = [
        (COUNT, "领导批示", _INSTRUCTION.search(clean)),
        (COUNT, "信息宣传", _PUBLICITY.search(clean)),
        (PAPER, "记录留痕", _RECORD_BASIS.search(clean)),
    ]
    for code, category, match in strong:
        if match and code not in {w.code for w in warnings}:
            template = _COUNT_REASON if code == COUNT else _PAPER_REASON
            warnings.append(
                LintWarning(code, template.format(category=category), match.group(0), category=category)
            )
    if counters:
        # Art. 6 prefers 现场查看、走访党员群众 and real results; an indicator that already judges by them
        # may use counts of meetings or files as supporting evidence.
        return LintResult(text, tuple(warnings), counters)
    counted = _count_evidence(clean)
    if counted and COUNT not in {w.code for w in warnings}:
        category, evidence = counted
        warnings.append(
            LintWarning(COUNT, _COUNT_REASON.format(category=category), evidence, category=category)
        )
    paper = _PAPER_METHOD.search(clean) or _PAPER_STATE.search(clean)
    if paper and PAPER not in {w.code for w in warnings}:
        category = _paper_category(paper.group(0))
        warnings.append(
            LintWarning(PAPER, _PAPER_REASON.format(category=category), paper.group(0), category=category)
        )
    return LintResult(text, tuple(warnings), counters)


def parse_table(lines: list[str]) -> list[tuple[str, str]]:
    """Rows of a lint table: a header line, then `expect<TAB>indicator` (expect is flag or ok)."""
    rows: list[tuple[str, str]] = []
    for number, line in enumerate(lines[1:], start=2):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        if "\t" not in line:
            raise ValueError(f"第 {number} 行：应为“期望（flag/ok）<TAB>指标内容”两列")
        expect, indicator = line.split("\t", 1)
        expect = expect.strip().lower()
        if expect not in ("flag", "ok"):
            raise ValueError(f"第 {number} 行：期望列只能是 flag 或 ok，而不是“{expect}”")
        rows.append((expect, indicator))
    return rows


def agreement(rows: list[tuple[str, str]]) -> tuple[int, int]:
    """(agreeing, total) of the lint's verdicts against the expected ones."""
    agreeing = sum(1 for expect, text in rows if lint_indicator(text).verdict == expect)
    return agreeing, len(rows)


@dataclass(frozen=True)
class Evaluation:
    """The lint against a labelled table, `flag` being the positive class (CMP-6)."""

    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int
    missed: tuple[str, ...] = ()
    false_alarms: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 1.0

    @property
    def total(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative


def evaluate(rows: list[tuple[str, str]]) -> Evaluation:
    """Precision and recall of `flag` verdicts against the expected ones, with the texts it got wrong."""
    tp = fp = fn = tn = 0
    missed: list[str] = []
    alarms: list[str] = []
    for expect, text in rows:
        flagged = lint_indicator(text).is_flagged
        if expect == "flag":
            tp += flagged
            fn += not flagged
            if not flagged:
                missed.append(text)
        else:
            fp += flagged
            tn += not flagged
            if flagged:
                alarms.append(text)
    return Evaluation(tp, fp, fn, tn, tuple(missed), tuple(alarms))

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

#: Clause separators: a count and its object must sit in the same clause.
_CLAUSE = re.compile(r"[，,；;。！？!?\n]")

_NUMERAL = r"[0-9０-９一二三四五六七八九十两百]+"
#: Measurement words that make an indicator a tally.
_MEASURE = re.compile(
    r"(次数|场次|频次|数量|份数|篇数|条数|件数|个数|期数|多少"
    rf"|(?:不少于|不低于|不得少于|至少|达到|累计|每[年季月周]|全年)\s*{_NUMERAL}\s*[次份篇条件期场个]"
    rf"|{_NUMERAL}\s*[次份篇条期场]\s*(?:以上|及以上)"
    r")"
)
#: What Art. 6 says must not be counted: 开会发文、领导批示、记录留痕、信息宣传.
_FORMAL_OBJECT = re.compile(
    r"(会议|(?<![社机协学工商都])会(?![员计同商上])|发文|文件|通知|批示|指示|讲话|记录|纪要|台账|留痕|痕迹|签到"
    r"|宣传|信息|简报|报道|稿件|标语|展板|宣传栏|专栏|调研报告|报告|材料|心得|笔记|照片|图片)"
)
#: Methods of judging from paper: hearing reports, reading files and ledgers.
_PAPER_METHOD = re.compile(
    r"(听[取了]?[^，；。]{0,12}汇报|听汇报"
    r"|(?:查阅|查看|翻阅|检查|调阅|核查|看)[^，；。]{0,14}(?:资料|台账|记录|档案|材料|手册|笔记|纪要|文件|簿|本子)"
    r"|查资料|看台账)"
)
#: Judging the paperwork itself: complete, tidy, filed, leaving traces.
_PAPER_STATE = re.compile(
    r"((?:台账|资料|材料|档案|记录|痕迹|手册|簿册|佐证)[^，；。]{0,10}(?:齐全|完整|完备|规范|归档|健全|翔实|详实)"
    r"|(?:齐全|完备)[^，；。]{0,4}(?:台账|资料|材料|档案|记录)"
    r"|留痕|有记录|有签到|有图片|有照片|痕迹管理)"
)
#: Seeing the site or talking to members and the public (what Art. 6 prefers).
_SITE = re.compile(
    r"(实地|现场(?:查看|察看|检查|核查|考察|观摩|了解)|到[^，；。]{1,14}(?:现场|一线|点位)|走访|入户|蹲点"
    r"|个别谈话|谈心谈话|访谈|暗访|明察|随机抽|抽查|抽取|问卷|测评|群众评价|党员评价|群众口碑)"
)
#: Outcomes: rates, satisfaction, problems solved, rectification done, real change.
_OUTCOME = re.compile(
    r"(满意度|满意率|解决率|办结率|完成率|到位率|转化率|覆盖率|合格率|达标率|增长率|参与率|知晓率|占比|比例|比重"
    r"|整改(?:完成|到位|落实|销号)|销号|成效|实效|实绩|解决了?[^，；。]{0,8}问题|问题解决|收入|增收|未发生|发生情况)"
)


@dataclass(frozen=True)
class LintWarning:
    """One reason an indicator looks formalistic, with the words that triggered it."""

    code: str
    reason: str
    evidence: str
    citation: str = CITATION


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


def _count_evidence(text: str) -> str | None:
    for clause in _CLAUSE.split(text):
        measure = _MEASURE.search(clause)
        if not measure:
            continue
        obj = _FORMAL_OBJECT.search(clause)
        if obj:
            return f"{obj.group(0)}…{measure.group(0)}"
    return None


def lint_indicator(text: str) -> LintResult:
    """Judge one indicator text (CMP-6). Returns warnings (empty when fine) citing Art. 6."""
    clean = " ".join(text.split())
    counters = tuple(m.group(0) for m in (_SITE.search(clean), _OUTCOME.search(clean)) if m)
    if counters:
        # Art. 6 prefers 现场查看、走访党员群众 and real results; an indicator that already judges by them
        # may use counts or files as supporting evidence.
        return LintResult(text, (), counters)
    warnings: list[LintWarning] = []
    counted = _count_evidence(clean)
    if counted:
        warnings.append(
            LintWarning(
                COUNT,
                "以开会发文、领导批示、记录留痕、信息宣传等数量评判工作好坏（第六条明确不以此评判），"
                "建议改为考核解决了什么问题、党员群众评价如何等实绩实效。",
                counted,
            )
        )
    paper = _PAPER_METHOD.search(clean) or _PAPER_STATE.search(clean)
    if paper:
        warnings.append(
            LintWarning(
                PAPER,
                "以听汇报、查资料、看台账或材料是否齐全、是否留痕来考核（第六条：可以通过现场查看、"
                "走访党员群众作出评价的，一般不以这种方式考核），建议改为到现场看、见具体事、听群众说。",
                paper.group(0),
            )
        )
    return LintResult(text, tuple(warnings), ())


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

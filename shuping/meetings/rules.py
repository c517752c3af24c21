"""Pure rules of the meetings app — no Django import; each cites its article.

- `classify_problem`: which Art. 4 dimension a pointed-out problem falls under (seeds rectification, RCT-1).
- `recusals`: which attendees must not rate whom (回避, MTG-2).
- `plan_boxes`: the ballot boxes of a meeting with recusals — per venue a main box without the recused
  reporters, and one 单列 box per recused reporter in which everybody but them votes (MTG-2, BAL-6,
  docs/adr/0006-recusal-boxes.md); `plan_warnings` says where a category or a box is too small.
- `chair_script`: the 主持词 naming each reporter in order (Art. 5: 一述一评 or 集中点评).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Art. 4 (一)–(五) and the year's key tasks: words that place a problem under a dimension. The first match
#: in this order wins; anything else is "other".
CATEGORY_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("discipline", ("廉政", "廉洁", "意识形态", "作风", "纪律", "四风", "腐败")),
    ("political", ("理论学习", "政治", "两个维护", "创新理论", "学习贯彻", "思想")),
    ("responsibility", ("第一责任人", "主体责任", "责任落实", "亲自", "研究部署", "述职")),
    ("central_tasks", ("乡村振兴", "发展", "中心任务", "战斗堡垒", "先锋模范", "经济", "产业")),
    (
        "key_work",
        ("支部", "党员", "组织生活", "发展党员", "软弱涣散", "阵地", "群众", "基层治理", "带头人", "村"),
    ),
    ("key_tasks", ("重点任务", "年度任务", "专项")),
)


def classify_problem(text: str) -> str:
    """The ProblemCategory value for a problem's text (Art. 4); "other" when no dimension fits."""
    for category, words in CATEGORY_KEYWORDS:
        if any(w in (text or "") for w in words):
            return category
    return "other"


@dataclass(frozen=True)
class Recusal:
    """Attendee `attendee` is also the reporter `assessment`: their slip omits that subject (回避)."""

    attendee: int
    assessment: int


def recusals(
    attendees: Iterable[tuple[int, int | None]], reporters: Iterable[tuple[int, int | None]]
) -> list[Recusal]:
    """attendees: (attendee id, person id); reporters: (assessment id, person id). Attendees who are
    themselves reporters of the meeting never rate themselves (MTG-2)."""
    by_person = {person: assessment for assessment, person in reporters if person is not None}
    return [
        Recusal(attendee, by_person[person])
        for attendee, person in attendees
        if person is not None and person in by_person
    ]


@dataclass(frozen=True)
class VoterGroup:
    """One voting attendee category at one venue: its headcount and the reporters (assessment ids) among
    its named attendees, who must not rate themselves."""

    venue: int
    category: str
    headcount: int
    recused: tuple[int, ...] = ()


@dataclass(frozen=True)
class PlannedBox:
    """A box to make: its venue, the reporters it rates (assessment ids, agenda order) and the slips per
    category. `recused` is the reporter of a 单列 box (rated alone, by every voter at the venue but
    themselves); None for the venue's main box."""

    venue: int
    recused: int | None
    subjects: tuple[int, ...]
    slips: tuple[tuple[str, int], ...]  # (category, slips), categories in the groups' order

    @property
    def voters(self) -> int:
        return sum(n for _c, n in self.slips)


def plan_boxes(reporters: Sequence[int], groups: Sequence[VoterGroup]) -> list[PlannedBox]:
    """The boxes of a meeting so that nobody rates themselves and every box has many voters (MTG-2, BAL-6).

    Per venue, the main box rates every reporter except those recused by a voting attendee at that venue;
    every voter there holds one main slip, so a recused reporter's main ballot has the same subjects as
    everybody else's. Each recused reporter R gets a box of their own rating R only, with a slip for every
    voter at the venue except R — R's category gets one slip fewer there; a category left with no slip is
    dropped from R's box, and R's box is not made at all when R is the venue's only voter (nobody there can
    rate R). A venue whose reporters are all recused has no main box. Agenda order is kept throughout.
    """
    by_venue: dict[int, list[VoterGroup]] = {}
    for g in groups:
        if g.headcount > 0:
            by_venue.setdefault(g.venue, []).append(g)
    out: list[PlannedBox] = []
    for venue, venue_groups in by_venue.items():
        recused_here = {a for g in venue_groups for a in g.recused if a in reporters}
        main_subjects = tuple(r for r in reporters if r not in recused_here)
        if main_subjects:
            out.append(
                PlannedBox(venue, None, main_subjects, tuple((g.category, g.headcount) for g in venue_groups))
            )
        for reporter in (r for r in reporters if r in recused_here):
            slips = tuple(
                (g.category, g.headcount - min(g.headcount, g.recused.count(reporter))) for g in venue_groups
            )
            slips = tuple((c, n) for c, n in slips if n > 0)
            if slips:
                out.append(PlannedBox(venue, reporter, (reporter,), slips))
    return out


@dataclass(frozen=True)
class PlanWarning:
    venue: int
    reporter: int | None
    category: str | None
    kind: str  # "alone_in_category" | "alone_at_venue" | "small_box"


def plan_warnings(groups: Sequence[VoterGroup], plan: Sequence[PlannedBox], *, min_ballots: int) -> list:
    """Where recusal or a small venue leaves too few voters to keep ballots anonymous (BAL-6):

    - alone_in_category: a recused reporter is the only voter of their category at the venue — their 单列
      box has no slip of that category, and in the main box that category holds their ballot alone
      (per-category lines below k are merged or hidden, BAL-6);
    - alone_at_venue: a recused reporter is the only voter at the venue — nobody there rates them;
    - small_box: a box with fewer than `min_ballots` slips in all.
    """
    out: list[PlanWarning] = []
    made = {(b.venue, b.recused) for b in plan}
    for g in groups:
        for reporter in g.recused:
            if g.headcount <= g.recused.count(reporter):
                if (g.venue, reporter) not in made:
                    out.append(PlanWarning(g.venue, reporter, None, "alone_at_venue"))
                else:
                    out.append(PlanWarning(g.venue, reporter, g.category, "alone_in_category"))
    for b in plan:
        if b.voters < min_ballots:
            out.append(PlanWarning(b.venue, b.recused, None, "small_box"))
    return out


@dataclass(frozen=True)
class ScriptReporter:
    name: str
    organization: str
    commenters: tuple[str, ...] = ()


def chair_script(
    *,
    presiding: str,
    meeting_title: str,
    on_site: Sequence[ScriptReporter],
    written: Sequence[ScriptReporter],
    one_by_one: bool,
    votes: bool,
) -> list[str]:
    """The 主持词, paragraph by paragraph: opening, each reporter called by name in order, commentary
    (after each report for 一述一评, once at the end for 集中点评), the written reporters, the rating, closing."""
    lines = [
        "同志们：",
        f"现在开会。今天召开{meeting_title}，听取{len(on_site)}位同志现场述职"
        + (f"，书面述职{len(written)}位" if written else "")
        + "，并进行点评和民主评议。",
        "每位同志述职时间一般不超过10分钟。下面，按照会议安排逐一进行述职。",
    ]
    for number, r in enumerate(on_site, start=1):
        lines.append(f"第{_chinese_number(number)}位，请{r.organization}{r.name}同志述职。")
        if one_by_one:
            others = "、".join(r.commenters)
            lines.append(
                f"（述职后）下面，我对{r.name}同志的述职进行点评。"
                + (f"请{others}同志结合分工进行点评。" if others else "")
            )
    if not one_by_one and on_site:
        lines.append("述职结束。下面，我对各位同志的述职集中进行点评。")
    if written:
        names = "、".join(f"{r.organization}{r.name}" for r in written)
        lines.append(f"{names}等同志进行书面述职，述职报告已印发各位，点评意见书面反馈。")
    if votes:
        lines.append(
            "下面进行民主评议。请参会同志按照测评表的要求，对述职同志逐一作出评价。评议结束后由监票人、计票人统计。"
        )
    lines.append(
        f"会后，请各位同志认真对照点评指出的问题，逐项制定整改措施，抓好整改落实。散会。（主持人：{presiding}）"
    )
    return lines


_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (enough for an agenda)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Phase:
    """What every screen says about where a meeting is (FLOW-5): one label from the meeting's state and
    its boxes' state together, so no page says "会议尚未开始" beside "投票已结束"."""

    key: str
    label: str
    #: What the 正在述职 panel says when no reporter is at the lectern.
    idle_text: str


def meeting_phase(meeting_status: str, voting_state: str) -> Phase:
    """The displayed phase. `meeting_status`: planned / in_progress / held; `voting_state`: not_set_up /
    draft / rehearsal / open / counting / closed (the least advanced box, `voting.voting_state`).

    Art. 5: 述职, 点评 and 民主测评 belong to one meeting; voting opened before the meeting day (confirmed
    explicitly) is shown as such rather than as a meeting in preparation."""
    voting = voting_state in ("open", "counting")
    voted = voting_state == "closed"
    if meeting_status == "planned":
        if voting:
            return Phase("voting_ahead", "会前已开始投票", "会前已开始投票，会议开始后听取述职。")
        if voted:
            return Phase("voted_ahead", "会前投票已结束", "会前投票已结束，会议开始后听取述职。")
        return Phase("preparing", "筹备中", "会议尚未开始。")
    if meeting_status == "in_progress":
        if voting:
            return Phase("in_progress", "进行中 · 投票中", "现场述职已结束。")
        if voted:
            return Phase("in_progress", "进行中 · 投票已结束", "现场述职已结束。")
        return Phase("in_progress", "进行中", "现场述职已结束。")
    if voting:
        return Phase("held_voting", "已召开 · 投票尚未封箱", "现场述职已结束。")
    return Phase("held", "已召开", "现场述职已结束。")

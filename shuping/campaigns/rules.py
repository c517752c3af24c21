"""Pure campaign rules: who is assessed (CMP-2, Art. 3), how they report (CMP-3, Art. 5), when (CMP-1, Art. 5).

No Django import: plain data in, proposals out. Kind and level codes are the values of
`shuping.orgs.choices.OrgKind` / `AdminLevel` (a test checks they agree).
"""

from __future__ import annotations

import calendar
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Generic, TypeVar

from shuping.orgs.rules import UNDER_SIX_MONTHS

# Organization kinds (OrgKind values).
LOCAL_COMMITTEE = "local_committee"
TOWNSHIP_COMMITTEE = "township_committee"
ORGANS_WORK_COMMITTEE = "organs_work_committee"
SASAC_COMMITTEE = "sasac_committee"
EDUCATION_WORK_COMMITTEE = "education_work_committee"
NON_PUBLIC_WORK_COMMITTEE = "non_public_work_committee"
DEPARTMENT_ORGAN_COMMITTEE = "department_organ_committee"
INTERNAL_UNIT = "internal_unit"
AFFILIATED_UNIT = "affiliated_unit"
SOE_COMMITTEE = "soe_committee"
UNIVERSITY_COMMITTEE = "university_committee"
COLLEGE_COMMITTEE = "college_committee"
HOSPITAL_COMMITTEE = "hospital_committee"
PUBLIC_INSTITUTION = "public_institution"
VILLAGE_COMMITTEE = "village_committee"

# Administrative levels (AdminLevel values).
CENTRAL = "central"
PROVINCE = "province"
PREFECTURE = "prefecture"
COUNTY = "county"
TOWNSHIP = "township"

# Reporting modes (ReportingMode values).
ON_SITE = "on_site"
WRITTEN = "written"

#: Art. 3 ¶2: the same-level work committees whose secretaries are included alongside the lower committees.
WORK_COMMITTEES = frozenset(
    {ORGANS_WORK_COMMITTEE, SASAC_COMMITTEE, EDUCATION_WORK_COMMITTEE, NON_PUBLIC_WORK_COMMITTEE}
)
#: Art. 3 ¶2: 可选择部分有代表性的省直机关、省属国有企业、高校等党委（党组）书记进行述职.
REPRESENTATIVE_KINDS = frozenset(
    {DEPARTMENT_ORGAN_COMMITTEE, SOE_COMMITTEE, UNIVERSITY_COMMITTEE, HOSPITAL_COMMITTEE, PUBLIC_INSTITUTION}
)
#: Art. 3 ¶3 内设机构: a department's internal bodies (their Party organizations are often plain 党支部);
#: every other child of a department organ committee is a directly affiliated unit (直属单位).
INTERNAL_BODY_KINDS = frozenset({INTERNAL_UNIT, "grassroots"})
#: The level each local committee assesses (Art. 3 ¶2).
NEXT_LEVEL = {PROVINCE: PREFECTURE, PREFECTURE: COUNTY, COUNTY: TOWNSHIP}

# Rule codes, stored on each assessment.
RULE_LOWER_COMMITTEES = "art3_p2_lower_committees"
RULE_WORK_COMMITTEES = "art3_p2_work_committees"
RULE_REPRESENTATIVES = "art3_p2_representatives"
RULE_CENTRAL_ORGANS = "art3_p3_central_organs"
RULE_DEPARTMENT_UNITS = "art3_p3_department_units"
RULE_CENTRAL_ENTERPRISE = "art3_p3_central_enterprise"
RULE_AFFILIATION = "art3_p4_affiliation"
RULE_UNIVERSITY_COLLEGES = "art3_p4_university_colleges"
#: Village and community secretaries: not named in Art. 3; townships (and counties where local practice says
#: so) run their 述职评议 following the regulation — the basis is 参照执行, not a paragraph of Art. 3.
RULE_VILLAGES_BY_REFERENCE = "reference_villages"
REFERENCE_PARAGRAPH = "参照执行"
RULE_ADDED = "organizer_added"


#: An organization's key (its id in the app, any hashable in tests); a person's key likewise.
K = TypeVar("K", bound=Hashable)
P = TypeVar("P", bound=Hashable)


@dataclass(frozen=True)
class Org(Generic[K]):
    """The facts about one organization the scope rules need."""

    key: K
    name: str
    kind: str
    level: str
    parent: K | None = None
    is_central_soe: bool = False
    is_central_financial: bool = False


@dataclass(frozen=True)
class Proposal(Generic[K]):
    """One proposed assessment: whose secretary, why (rule text + paragraph of Art. 3), graded or not.

    `is_optional` marks the representative selection of Art. 3 ¶2 (可选择): proposed, not included until
    the organizer picks it.
    """

    org: Org[K]
    rule: str
    rule_text: str
    paragraph: str
    is_graded: bool
    reporting_mode: str
    is_optional: bool = False


def default_reporting_mode(kind: str, level: str) -> str:
    """CMP-3, Art. 5: 市（地、州、盟）、县（市、区、旗）、乡镇（街道）党（工）委书记一般应现场述职; others written."""
    if kind == LOCAL_COMMITTEE and level in (PREFECTURE, COUNTY):
        return ON_SITE
    if kind == TOWNSHIP_COMMITTEE:
        return ON_SITE
    return WRITTEN


def _proposal(
    org: Org[K], rule: str, text: str, paragraph: str, *, graded: bool = True, optional: bool = False
) -> Proposal[K]:
    return Proposal(org, rule, text, paragraph, graded, default_reporting_mode(org.kind, org.level), optional)


def _village_proposal(org: Org[K], text: str, *, optional: bool = False) -> Proposal[K]:
    """A village or community secretary under 参照执行: graded, reporting on site (一述一评)."""
    return Proposal(
        org,
        RULE_VILLAGES_BY_REFERENCE,
        text + "（参照《办法》执行）",
        REFERENCE_PARAGRAPH,
        True,
        ON_SITE,
        optional,
    )


def _is_assessed_committee(organizer: Org[K], child: Org[K]) -> bool:
    wanted = NEXT_LEVEL.get(organizer.level)
    if wanted == TOWNSHIP:
        return child.kind == TOWNSHIP_COMMITTEE
    return child.kind == LOCAL_COMMITTEE and child.level == wanted


def propose_scope(organizer: Org[K], candidates: Iterable[Org[K]]) -> list[Proposal[K]]:
    """Who the organizer assesses this year (CMP-2, Art. 3), each with the rule and paragraph.

    `candidates` are organizations below the organizer (its children and grandchildren suffice); each
    carries its parent key. The proposal is a starting point: the organizer edits it, with reasons.
    """
    orgs = list(candidates)
    children = [o for o in orgs if o.parent == organizer.key]
    out: list[Proposal[K]] = []

    if organizer.kind == TOWNSHIP_COMMITTEE:
        # 一述一评: village and community secretaries report on site at the township's meeting.
        return [
            _village_proposal(c, "乡镇（街道）党（工）委组织开展村（社区）党组织书记述职评议考核")
            if c.kind == VILLAGE_COMMITTEE
            else _proposal(c, RULE_AFFILIATION, "按照党组织隶属关系，由上一级党组织开展", "第三条第四款")
            for c in children
        ]

    if organizer.kind == LOCAL_COMMITTEE and organizer.level == COUNTY:
        # Where local practice says so, a county assesses its villages' and communities' secretaries itself:
        # offered (optional) beside the townships, included when the organizer ticks them.
        townships = {c.key for c in children if c.kind == TOWNSHIP_COMMITTEE}
        villages = [
            _village_proposal(
                o, "县（市、区、旗）党委组织开展村（社区）党组织书记述职评议考核", optional=True
            )
            for o in orgs
            if o.kind == VILLAGE_COMMITTEE and o.parent in townships
        ]
    else:
        villages = []

    if organizer.kind == LOCAL_COMMITTEE and organizer.level in NEXT_LEVEL:
        ref = "" if organizer.level == PROVINCE else "（参照进行）"
        paragraph = "第三条第二款" + ref
        work_committees = []
        for child in children:
            if _is_assessed_committee(organizer, child):
                out.append(
                    _proposal(child, RULE_LOWER_COMMITTEES, "下一级党（工）委书记述职评议考核", paragraph)
                )
            elif child.kind in WORK_COMMITTEES:
                work_committees.append(child.key)
                out.append(
                    _proposal(
                        child,
                        RULE_WORK_COMMITTEES,
                        "同级机关工委、国资委党委、教育（高校）工委、非公有制企业和社会组织工委书记纳入",
                        paragraph,
                    )
                )
        # Representative organs, SOEs and universities report; they are graded on their work committee's line.
        for org in orgs:
            if org.kind not in REPRESENTATIVE_KINDS:
                continue
            if org.parent == organizer.key or org.parent in work_committees:
                out.append(
                    _proposal(
                        org,
                        RULE_REPRESENTATIVES,
                        "可选择部分有代表性的机关、国有企业、高校等党委（党组）书记进行述职（只述职不定等次，"
                        "由所属工委考核定等）",
                        paragraph,
                        graded=False,
                        optional=True,
                    )
                )
        return out + villages

    if organizer.kind == ORGANS_WORK_COMMITTEE and organizer.level == CENTRAL:
        return [
            _proposal(
                c,
                RULE_CENTRAL_ORGANS,
                "中央和国家机关工委组织开展各部门机关党委书记述职评议考核",
                "第三条第三款",
            )
            for c in children
            if c.kind == DEPARTMENT_ORGAN_COMMITTEE
        ]

    if organizer.kind == DEPARTMENT_ORGAN_COMMITTEE and organizer.level == CENTRAL:
        # Art. 3 ¶3: 部门机关党委组织开展内设机构和直属单位党组织书记述职评议考核 — both kinds, each named.
        return [
            _proposal(
                c,
                RULE_DEPARTMENT_UNITS,
                "部门机关党委组织开展内设机构和直属单位党组织书记述职评议考核"
                + ("（内设机构）" if c.kind in INTERNAL_BODY_KINDS else "（直属单位）"),
                "第三条第三款",
            )
            for c in children
        ]

    if organizer.kind == UNIVERSITY_COMMITTEE:
        # Art. 3 ¶4: 高校…党组织书记述职评议考核，一般按照党组织隶属关系，由其上一级党组织开展 — a
        # university's committee is the level above its colleges' Party committees (院系党委).
        return [
            _proposal(
                c,
                RULE_UNIVERSITY_COLLEGES,
                "高校党委组织开展院系党委书记述职评议考核（按照党组织隶属关系）",
                "第三条第四款",
            )
            if c.kind == COLLEGE_COMMITTEE
            else _proposal(c, RULE_AFFILIATION, "按照党组织隶属关系，由上一级党组织开展", "第三条第四款")
            for c in children
        ]

    if organizer.kind == SOE_COMMITTEE and (organizer.is_central_soe or organizer.is_central_financial):
        return [
            _proposal(
                c,
                RULE_CENTRAL_ENTERPRISE,
                "中管金融企业和中央企业党委（党组）组织二级以下单位党组织书记逐级开展",
                "第三条第三款",
            )
            for c in children
        ]

    return [
        _proposal(c, RULE_AFFILIATION, "按照党组织隶属关系，由上一级党组织开展", "第三条第四款")
        for c in children
    ]


def tenure_suggestion(flags: Iterable[str]) -> tuple[bool, bool]:
    """(is_graded, needs_organizer_decision) for a post with these ORG-3 tenure flags.

    Only a secretary in post for under six months by the reference date (the campaign's year end) is
    suggested for report-only (只述职不定等次) and put to the organizer: half a year is too short a record to
    grade. A mid-year change where the reporting secretary has six months or more (e.g. in post since 1 July)
    is graded as usual; the change stays flagged and the predecessor is offered as a second, report-only
    reporter on the scope page (ORG-5 of the issue: the predecessor is noted, not the successor demoted).
    """
    short = UNDER_SIX_MONTHS in set(flags)
    return (not short, short)


def graded_twice(assessments: Iterable[tuple[P | None, Hashable, int, bool]]) -> set[P]:
    """Persons graded in two campaigns of the same year (CMP-2): input (person, campaign, year, is_graded)."""
    seen: dict[tuple[P, int], set[Hashable]] = {}
    for person, campaign, year, is_graded in assessments:
        if person is None or not is_graded:
            continue
        seen.setdefault((person, year), set()).add(campaign)
    return {person for (person, _year), campaigns in seen.items() if len(campaigns) > 1}


# --- schedule (Art. 5) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    starts_on: date
    field_starts_on: date
    field_ends_on: date
    meetings_start_on: date
    meetings_end_on: date
    ends_on: date

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name).isoformat() for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Schedule:
        return cls(**{name: date.fromisoformat(data[name]) for name in cls.__dataclass_fields__})

    def problems(self) -> list[str]:
        """Chinese messages for an inconsistent schedule (empty when fine)."""
        out = []
        if self.field_ends_on < self.field_starts_on:
            out.append("实地考核结束日期不能早于开始日期。")
        if self.meetings_end_on < self.meetings_start_on:
            out.append("述职评议会结束日期不能早于开始日期。")
        if self.meetings_start_on < self.field_starts_on:
            # Art. 6: 述职评议前，上级党组织一般应对基层党建工作情况进行实地考核.
            out.append("述职评议会应在实地考核开始之后（《办法》第六条：述职评议前一般应进行实地考核）。")
        if self.ends_on < self.starts_on or self.ends_on < self.meetings_end_on:
            out.append("结束日期不能早于启动日期或述职评议会。")
        return out


def default_assessed_year(today: date) -> int:
    """The year a campaign opened on `today` assesses.

    Art. 5: 述职评议考核一般安排在当年年底或次年年初 — from July on, campaigns prepare this year's round;
    in the first half of the year, last year's round is still being held.
    """
    return today.year if today.month >= 7 else today.year - 1


def _shift_year(day: date, years: int) -> date:
    year = day.year + years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def default_schedule(
    year: int, previous: Schedule | None = None, previous_year: int | None = None
) -> Schedule:
    """Art. 5: 述职评议考核一般安排在当年年底或次年年初. Last year's dates moved on a year when there are some."""
    if previous is not None and previous_year is not None:
        delta = year - previous_year
        return Schedule(*(_shift_year(getattr(previous, n), delta) for n in Schedule.__dataclass_fields__))
    return Schedule(
        starts_on=date(year, 11, 15),
        field_starts_on=date(year, 12, 1),
        field_ends_on=date(year, 12, 31),
        meetings_start_on=date(year + 1, 1, 5),
        meetings_end_on=date(year + 1, 1, 31),
        ends_on=date(year + 1, 2, 28),
    )


def with_overrides(schedule: Schedule, **dates: date) -> Schedule:
    return replace(schedule, **dates)


# --- month calendar of lower meetings (CMP-7) ----------------------------------------------------------


def parse_month(text: str) -> tuple[int, int] | None:
    """'2025-01' → (2025, 1); anything else → None."""
    try:
        year, month = (int(part) for part in text.split("-"))
    except ValueError:
        return None
    return (year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


def month_of(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def shift_month(month: tuple[int, int], by: int) -> tuple[int, int]:
    index = month[0] * 12 + month[1] - 1 + by
    return (index // 12, index % 12 + 1)


def month_weeks(year: int, month: int) -> list[list[date]]:
    """The weeks (Monday first, as Chinese calendars print) covering the month, whole weeks."""
    return calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)


# --- what the schedule step prefills (FLOW-5, docs/evaluations.md §1) -----------------------------------

#: Art. 6: 评价为“较好”或以下等次的应占一定比例 — the documented default share when nothing was set before.
DEFAULT_LOWER_GRADES_MIN_PERCENT = 15
#: The documented default weights of the composite (EVA-1): 民主评议 30, 实地考核 40, 平时了解 30.
DEFAULT_WEIGHTS = {"ballot": 30, "field": 40, "observations": 30}
ART6_QUOTA_REQUIRED = (
    "请填写“较好”及以下等次至少占比：《办法》第六条规定“评价为'较好'或以下等次的应占一定比例”，"
    "不能留空（可沿用上年或按默认 15%）。"
)


def past_dates(dates: dict[str, date], today: date) -> list[str]:
    """FLOW-5: the names of the given dates that lie before today — warned about, never refused (a
    schedule may be recorded after the fact)."""
    return [name for name, value in dates.items() if value is not None and value < today]


#: Indicator sets are scored out of 100 (百分制): the templates (data/indicator_templates.json) total 100
#: and the field score is read on that scale (FLD-3). 加减分 are outside this total (CMP-4).
SET_TOTAL_POINTS = 100


def points_problem(total: float, set_total: float = SET_TOTAL_POINTS) -> str | None:
    """FLOW-5: the indicators' points checked against the set's total — items totalling 110 in a 100-point
    set, or 95, are flagged on save and on the page (a set is edited item by item, so not refused)."""
    shown = f"{total:g}"
    if total > set_total:
        return f"指标分值合计 {shown} 分，超过总分 {set_total:g} 分，请调整分值。"
    if total < set_total:
        return f"指标分值合计 {shown} 分，不足总分 {set_total:g} 分，请补齐分值。"
    return None

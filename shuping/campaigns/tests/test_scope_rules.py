"""INT-4 / CMP-2: database-free tests pinning every proposal, text, date and boundary of campaigns/rules.py.

The older test_rules.py checks rules and grades by substring; these compare whole Proposal values (rule code,
the exact Chinese rule text an organizer sees, paragraph, grading, reporting mode, optional) and the schedule,
month and points helpers at their boundaries, so a changed word, date or comparison turns them red.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shuping.campaigns import rules
from shuping.campaigns.rules import Org, Proposal, Schedule

pytestmark = pytest.mark.req("INT-4", "CMP-2")

AFFILIATION_TEXT = "按照党组织隶属关系，由上一级党组织开展"
LOWER_TEXT = "下一级党（工）委书记述职评议考核"
WORK_TEXT = "同级机关工委、国资委党委、教育（高校）工委、非公有制企业和社会组织工委书记纳入"
REPRESENTATIVE_TEXT = (
    "可选择部分有代表性的机关、国有企业、高校等党委（党组）书记进行述职（只述职不定等次，由所属工委考核定等）"
)


def affiliation(org):
    return Proposal(org, rules.RULE_AFFILIATION, AFFILIATION_TEXT, "第三条第四款", True, rules.WRITTEN, False)


def test_a_township_proposes_villages_by_reference_and_other_children_by_affiliation():
    township = Org(30, "丙镇党委", rules.TOWNSHIP_COMMITTEE, rules.TOWNSHIP)
    village = Org(40, "东村党总支", rules.VILLAGE_COMMITTEE, "village", 30)
    school = Org(41, "镇中心小学党支部", "grassroots", "village", 30)
    assert rules.propose_scope(township, [village, school]) == [
        Proposal(
            village,
            rules.RULE_VILLAGES_BY_REFERENCE,
            "乡镇（街道）党（工）委组织开展村（社区）党组织书记述职评议考核（参照《办法》执行）",
            "参照执行",
            True,
            rules.ON_SITE,
            False,
        ),
        affiliation(school),
    ]


def test_a_county_offers_only_villages_under_its_townships_as_optional():
    county = Org(3, "乙县委", rules.LOCAL_COMMITTEE, rules.COUNTY)
    town = Org(30, "丙镇党委", rules.TOWNSHIP_COMMITTEE, rules.TOWNSHIP, 3)
    organs = Org(32, "县直机关工委", rules.ORGANS_WORK_COMMITTEE, rules.COUNTY, 3)
    village = Org(34, "某村党支部", rules.VILLAGE_COMMITTEE, "village", 30)
    clinic = Org(35, "镇卫生院党支部", rules.INTERNAL_UNIT, "village", 30)
    stray_village = Org(36, "别县某村党支部", rules.VILLAGE_COMMITTEE, "village", 99)
    paragraph = "第三条第二款（参照进行）"
    assert rules.propose_scope(county, [town, organs, village, clinic, stray_village]) == [
        Proposal(town, rules.RULE_LOWER_COMMITTEES, LOWER_TEXT, paragraph, True, rules.ON_SITE, False),
        Proposal(organs, rules.RULE_WORK_COMMITTEES, WORK_TEXT, paragraph, True, rules.WRITTEN, False),
        Proposal(
            village,
            rules.RULE_VILLAGES_BY_REFERENCE,
            "县（市、区、旗）党委组织开展村（社区）党组织书记述职评议考核（参照《办法》执行）",
            "参照执行",
            True,
            rules.ON_SITE,
            True,
        ),
    ]


def test_a_province_proposes_lower_work_and_representative_committees_exactly():
    province = Org(1, "示范省委", rules.LOCAL_COMMITTEE, rules.PROVINCE)
    city = Org(2, "甲市委", rules.LOCAL_COMMITTEE, rules.PREFECTURE, 1)
    organs = Org(4, "省直机关工委", rules.ORGANS_WORK_COMMITTEE, rules.PROVINCE, 1)
    soe = Org(9, "省交投集团党委", rules.SOE_COMMITTEE, rules.PROVINCE, 4)
    # Wrong level or wrong kind for "the next level down": neither is a lower committee of the province.
    county_below = Org(11, "直管县委", rules.LOCAL_COMMITTEE, rules.COUNTY, 1)
    prefecture_soe = Org(12, "市属集团党委", "grassroots", rules.PREFECTURE, 1)
    got = rules.propose_scope(province, [city, organs, soe, county_below, prefecture_soe])
    assert got == [
        Proposal(city, rules.RULE_LOWER_COMMITTEES, LOWER_TEXT, "第三条第二款", True, rules.ON_SITE, False),
        Proposal(organs, rules.RULE_WORK_COMMITTEES, WORK_TEXT, "第三条第二款", True, rules.WRITTEN, False),
        Proposal(
            soe, rules.RULE_REPRESENTATIVES, REPRESENTATIVE_TEXT, "第三条第二款", False, rules.WRITTEN, True
        ),
    ]
    assert got[2].is_graded is False


def test_only_a_county_offers_village_secretaries():
    prefecture = Org(2, "甲市委", rules.LOCAL_COMMITTEE, rules.PREFECTURE)
    town = Org(23, "市辖镇党委", rules.TOWNSHIP_COMMITTEE, rules.TOWNSHIP, 2)
    village = Org(24, "某村党支部", rules.VILLAGE_COMMITTEE, "village", 23)
    assert rules.propose_scope(prefecture, [town, village]) == []
    county_soe = Org(3, "县属集团党委", rules.SOE_COMMITTEE, rules.COUNTY)
    town_of_soe = Org(31, "某镇党委", rules.TOWNSHIP_COMMITTEE, rules.TOWNSHIP, 3)
    village = Org(32, "某村党支部", rules.VILLAGE_COMMITTEE, "village", 31)
    assert rules.propose_scope(county_soe, [town_of_soe, village]) == [
        Proposal(
            town_of_soe, rules.RULE_AFFILIATION, AFFILIATION_TEXT, "第三条第四款", True, rules.ON_SITE, False
        )
    ]


def test_central_organs_and_departments_propose_with_their_paragraph_texts():
    organs = Org(1, "中央和国家机关工委", rules.ORGANS_WORK_COMMITTEE, rules.CENTRAL)
    dept = Org(2, "某部机关党委", rules.DEPARTMENT_ORGAN_COMMITTEE, rules.CENTRAL, 1)
    office = Org(4, "办公厅党支部", rules.INTERNAL_UNIT, rules.CENTRAL, 2)
    centre = Org(5, "信息中心党委", rules.AFFILIATED_UNIT, rules.CENTRAL, 2)
    assert rules.propose_scope(organs, [dept, office]) == [
        Proposal(
            dept,
            rules.RULE_CENTRAL_ORGANS,
            "中央和国家机关工委组织开展各部门机关党委书记述职评议考核",
            "第三条第三款",
            True,
            rules.WRITTEN,
            False,
        )
    ]
    text = "部门机关党委组织开展内设机构和直属单位党组织书记述职评议考核"
    assert rules.propose_scope(dept, [office, centre]) == [
        Proposal(
            office, rules.RULE_DEPARTMENT_UNITS, text + "（内设机构）", "第三条第三款", True, rules.WRITTEN
        ),
        Proposal(
            centre, rules.RULE_DEPARTMENT_UNITS, text + "（直属单位）", "第三条第三款", True, rules.WRITTEN
        ),
    ]


def test_a_central_university_assesses_its_colleges_not_as_a_department():
    university = Org(1, "某中管高校党委", rules.UNIVERSITY_COMMITTEE, rules.CENTRAL)
    college = Org(2, "计算机学院党委", rules.COLLEGE_COMMITTEE, rules.CENTRAL, 1)
    office = Org(3, "机关党委", rules.DEPARTMENT_ORGAN_COMMITTEE, rules.CENTRAL, 1)
    assert rules.propose_scope(university, [college, office]) == [
        Proposal(
            college,
            rules.RULE_UNIVERSITY_COLLEGES,
            "高校党委组织开展院系党委书记述职评议考核（按照党组织隶属关系）",
            "第三条第四款",
            True,
            rules.WRITTEN,
        ),
        affiliation(office),
    ]


def test_a_central_enterprise_and_an_ordinary_one_differ_in_rule_text():
    child_text = "中管金融企业和中央企业党委（党组）组织二级以下单位党组织书记逐级开展"
    central = Org(1, "某中央企业党组", rules.SOE_COMMITTEE, "none", is_central_financial=True)
    unit = Org(2, "二级公司党委", rules.SOE_COMMITTEE, "none", 1)
    assert rules.propose_scope(central, [unit]) == [
        Proposal(unit, rules.RULE_CENTRAL_ENTERPRISE, child_text, "第三条第三款", True, rules.WRITTEN)
    ]
    ordinary = Org(1, "省属企业党委", rules.SOE_COMMITTEE, rules.PROVINCE)
    assert rules.propose_scope(ordinary, [unit]) == [affiliation(unit)]


def test_graded_twice_keeps_reading_after_an_ungraded_row():
    rows = [
        ("甲", "c1", 2025, False),
        (None, "c1", 2025, True),
        ("乙", "c1", 2025, True),
        ("乙", "c2", 2025, True),
    ]
    assert rules.graded_twice(rows) == {"乙"}


@pytest.mark.req("CMP-1")
@pytest.mark.parametrize(
    ("today", "year"),
    [(date(2025, 6, 30), 2024), (date(2025, 7, 1), 2025), (date(2025, 8, 1), 2025), (date(2025, 1, 1), 2024)],
)
def test_the_default_assessed_year_turns_on_the_first_of_july(today, year):
    assert rules.default_assessed_year(today) == year


@pytest.mark.req("CMP-1")
def test_the_default_schedule_dates_are_exact_and_carry_over_only_with_both_inputs():
    fresh = Schedule(
        starts_on=date(2025, 11, 15),
        field_starts_on=date(2025, 12, 1),
        field_ends_on=date(2025, 12, 31),
        meetings_start_on=date(2026, 1, 5),
        meetings_end_on=date(2026, 1, 31),
        ends_on=date(2026, 2, 28),
    )
    assert rules.default_schedule(2025) == fresh
    previous = rules.with_overrides(rules.default_schedule(2023), starts_on=date(2023, 10, 9))
    assert previous.starts_on == date(2023, 10, 9)
    assert previous.field_starts_on == date(2023, 12, 1)
    assert rules.default_schedule(2025, previous) == fresh
    assert rules.default_schedule(2025, None, 2023) == fresh
    assert rules.default_schedule(2025, previous, 2023).starts_on == date(2025, 10, 9)


@pytest.mark.req("CMP-1")
def test_a_schedule_round_trips_through_its_dict():
    schedule = rules.default_schedule(2025)
    data = schedule.as_dict()
    assert data == {
        "starts_on": "2025-11-15",
        "field_starts_on": "2025-12-01",
        "field_ends_on": "2025-12-31",
        "meetings_start_on": "2026-01-05",
        "meetings_end_on": "2026-01-31",
        "ends_on": "2026-02-28",
    }
    assert Schedule.from_dict(data) == schedule


FIELD_ORDER = "实地考核结束日期不能早于开始日期。"
MEETING_ORDER = "述职评议会结束日期不能早于开始日期。"
FIELD_FIRST = "述职评议会应在实地考核开始之后（《办法》第六条：述职评议前一般应进行实地考核）。"
END_LAST = "结束日期不能早于启动日期或述职评议会。"


@pytest.mark.req("CMP-1")
def test_schedule_problems_name_each_inconsistency_and_allow_same_day_boundaries():
    day = date(2025, 12, 1)
    same_day = Schedule(day, day, day, day, day, day)
    assert same_day.problems() == []
    assert rules.default_schedule(2025).problems() == []
    before = day - timedelta(days=1)
    assert Schedule(day, day, before, day, day, day).problems() == [FIELD_ORDER]
    assert Schedule(day, day, day, day, before, day).problems() == [MEETING_ORDER]
    assert Schedule(day, day, day, before, before, day).problems() == [FIELD_FIRST]
    assert Schedule(day, day, day, day, day, before).problems() == [END_LAST]
    after = day + timedelta(days=1)
    assert Schedule(day, day, day, day, after, day).problems() == [END_LAST]
    assert Schedule(after, before, before, before, before, day).problems() == [END_LAST]


@pytest.mark.req("CMP-7")
@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2025-01", (2025, 1)),
        ("2000-01", (2000, 1)),
        ("2100-12", (2100, 12)),
        ("1999-12", None),
        ("2101-01", None),
        ("2025-00", None),
        ("2025-13", None),
        ("2025", None),
        ("2025-01-02", None),
        ("甲-1", None),
    ],
)
def test_parse_month_accepts_only_real_months_of_this_century(text, month):
    assert rules.parse_month(text) == month


@pytest.mark.req("CMP-7")
@pytest.mark.parametrize(
    ("month", "by", "shifted"),
    [
        ((2025, 1), -1, (2024, 12)),
        ((2025, 12), 1, (2026, 1)),
        ((2025, 6), 0, (2025, 6)),
        ((2025, 3), 14, (2026, 5)),
    ],
)
def test_shift_month_crosses_year_ends(month, by, shifted):
    assert rules.shift_month(month, by) == shifted
    assert rules.month_of(date(*shifted, 1)) == shifted


@pytest.mark.req("CMP-7")
def test_month_weeks_are_whole_weeks_starting_on_monday():
    weeks = rules.month_weeks(2025, 6)
    assert weeks[0][0] == date(2025, 5, 26)
    assert weeks[-1][-1] == date(2025, 7, 6)
    assert len(weeks) == 6
    assert all(len(week) == 7 and week[0].weekday() == 0 for week in weeks)


@pytest.mark.req("FLOW-5")
def test_past_dates_lists_only_days_before_today():
    today = date(2025, 12, 8)
    dates = {"a": None, "b": today - timedelta(days=1), "c": today, "d": today + timedelta(days=1)}
    assert rules.past_dates(dates, today) == ["b"]


@pytest.mark.req("FLOW-5")
def test_points_problem_messages_are_exact():
    assert rules.points_problem(100) is None
    assert rules.points_problem(110) == "指标分值合计 110 分，超过总分 100 分，请调整分值。"
    assert rules.points_problem(99.5) == "指标分值合计 99.5 分，不足总分 100 分，请补齐分值。"
    assert rules.points_problem(60, 60) is None

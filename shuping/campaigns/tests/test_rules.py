"""CMP-2 / CMP-3: the pure scope rules, one small tree per organizer type of Art. 3."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuping.campaigns import rules
from shuping.campaigns.rules import Org
from shuping.orgs.choices import AdminLevel, OrgKind


def _by_name(proposals):
    return {p.org.name: p for p in proposals}


@pytest.mark.req("CMP-2")
def test_kind_and_level_codes_match_the_orgs_choices():
    kinds = [v for k, v in vars(rules).items() if k.isupper() and isinstance(v, str) and v in OrgKind.values]
    assert len(kinds) == 15
    for level in (rules.CENTRAL, rules.PROVINCE, rules.PREFECTURE, rules.COUNTY, rules.TOWNSHIP):
        assert level in AdminLevel.values


@pytest.mark.req("CMP-2", "CMP-3")
def test_province_assesses_prefectures_and_same_level_work_committees_with_optional_representatives():
    province = Org(1, "示范省委", rules.LOCAL_COMMITTEE, rules.PROVINCE)
    tree = [
        Org(2, "甲市委", rules.LOCAL_COMMITTEE, rules.PREFECTURE, 1),
        Org(3, "乙市委", rules.LOCAL_COMMITTEE, rules.PREFECTURE, 1),
        Org(4, "省直机关工委", rules.ORGANS_WORK_COMMITTEE, rules.PROVINCE, 1),
        Org(5, "省国资委党委", rules.SASAC_COMMITTEE, rules.PROVINCE, 1),
        Org(6, "省委教育工委", rules.EDUCATION_WORK_COMMITTEE, rules.PROVINCE, 1),
        Org(7, "省委两新工委", rules.NON_PUBLIC_WORK_COMMITTEE, rules.PROVINCE, 1),
        Org(8, "省财政厅机关党委", rules.DEPARTMENT_ORGAN_COMMITTEE, rules.PROVINCE, 4),
        Org(9, "省交投集团党委", rules.SOE_COMMITTEE, rules.PROVINCE, 5),
        Org(10, "示范大学党委", rules.UNIVERSITY_COMMITTEE, rules.PROVINCE, 6),
        Org(
            11, "甲县委", rules.LOCAL_COMMITTEE, rules.COUNTY, 2
        ),  # a grandchild committee: not the province's
    ]
    got = _by_name(rules.propose_scope(province, tree))
    assert set(got) == {
        "甲市委",
        "乙市委",
        "省直机关工委",
        "省国资委党委",
        "省委教育工委",
        "省委两新工委",
        "省财政厅机关党委",
        "省交投集团党委",
        "示范大学党委",
    }
    assert got["甲市委"].is_graded and got["甲市委"].paragraph == "第三条第二款"
    assert got["甲市委"].reporting_mode == rules.ON_SITE and "下一级" in got["甲市委"].rule_text
    assert got["省直机关工委"].is_graded and "机关工委" in got["省直机关工委"].rule_text
    assert got["省直机关工委"].reporting_mode == rules.WRITTEN
    rep = got["省交投集团党委"]
    assert rep.is_optional and not rep.is_graded and "只述职不定等次" in rep.rule_text
    assert not got["甲市委"].is_optional


@pytest.mark.req("CMP-2", "CMP-3")
def test_prefecture_follows_the_same_pattern_one_level_down():
    prefecture = Org(2, "甲市委", rules.LOCAL_COMMITTEE, rules.PREFECTURE)
    tree = [
        Org(20, "乙县委", rules.LOCAL_COMMITTEE, rules.COUNTY, 2),
        Org(21, "甲市直机关工委", rules.ORGANS_WORK_COMMITTEE, rules.PREFECTURE, 2),
        Org(22, "甲市第一医院党委", rules.HOSPITAL_COMMITTEE, rules.PREFECTURE, 2),
        Org(23, "甲市某镇党委", rules.TOWNSHIP_COMMITTEE, rules.TOWNSHIP, 20),
    ]
    got = _by_name(rules.propose_scope(prefecture, tree))
    assert set(got) == {"乙县委", "甲市直机关工委", "甲市第一医院党委"}
    assert got["乙县委"].paragraph == "第三条第二款（参照进行）" and got["乙县委"].is_graded
    assert got["乙县委"].reporting_mode == rules.ON_SITE
    assert got["甲市第一医院党委"].is_optional and not got["甲市第一医院党委"].is_graded


@pytest.mark.req("CMP-2", "CMP-3")
def test_county_assesses_townships_subdistricts_and_county_work_committees():
    county = Org(3, "乙县委", rules.LOCAL_COMMITTEE, rules.COUNTY)
    tree = [
        Org(30, "丙镇党委", rules.TOWNSHIP_COMMITTEE, rules.TOWNSHIP, 3),
        Org(31, "城关街道党工委", rules.TOWNSHIP_COMMITTEE, rules.TOWNSHIP, 3),
        Org(32, "县直机关工委", rules.ORGANS_WORK_COMMITTEE, rules.COUNTY, 3),
        Org(33, "县两新工委", rules.NON_PUBLIC_WORK_COMMITTEE, rules.COUNTY, 3),
        Org(34, "某村党支部", rules.VILLAGE_COMMITTEE, "village", 30),
    ]
    proposals = rules.propose_scope(county, tree)
    got = _by_name(p for p in proposals if not p.is_optional)
    assert set(got) == {"丙镇党委", "城关街道党工委", "县直机关工委", "县两新工委"}
    assert all(p.is_graded and not p.is_optional for p in got.values())
    # Its villages only on request (参照执行, where local practice says so).
    [village] = [p for p in proposals if p.is_optional]
    assert village.org.name == "某村党支部" and village.rule == rules.RULE_VILLAGES_BY_REFERENCE
    assert got["城关街道党工委"].reporting_mode == rules.ON_SITE
    assert got["县直机关工委"].reporting_mode == rules.WRITTEN


@pytest.mark.req("CMP-2")
def test_central_organs_work_committee_assesses_department_organ_committees():
    organizer = Org(1, "中央和国家机关工委", rules.ORGANS_WORK_COMMITTEE, rules.CENTRAL)
    tree = [
        Org(2, "某部机关党委", rules.DEPARTMENT_ORGAN_COMMITTEE, rules.CENTRAL, 1),
        Org(3, "另一部机关党委", rules.DEPARTMENT_ORGAN_COMMITTEE, rules.CENTRAL, 1),
        Org(4, "某部办公厅党支部", rules.INTERNAL_UNIT, rules.CENTRAL, 2),
    ]
    got = _by_name(rules.propose_scope(organizer, tree))
    assert set(got) == {"某部机关党委", "另一部机关党委"}
    assert got["某部机关党委"].paragraph == "第三条第三款" and got["某部机关党委"].is_graded
    assert "机关党委书记" in got["某部机关党委"].rule_text


@pytest.mark.req("CMP-2")
def test_department_organ_committee_assesses_internal_bodies_and_affiliated_units():
    organizer = Org(2, "某部机关党委", rules.DEPARTMENT_ORGAN_COMMITTEE, rules.CENTRAL)
    tree = [
        Org(4, "办公厅党支部", rules.INTERNAL_UNIT, rules.CENTRAL, 2),
        Org(5, "某直属研究院党委", rules.PUBLIC_INSTITUTION, rules.CENTRAL, 2),
        Org(6, "研究院某所党支部", "grassroots", rules.CENTRAL, 5),
    ]
    got = _by_name(rules.propose_scope(organizer, tree))
    assert set(got) == {"办公厅党支部", "某直属研究院党委"}
    assert (
        "内设机构和直属单位" in got["办公厅党支部"].rule_text
        and got["办公厅党支部"].paragraph == "第三条第三款"
    )


@pytest.mark.req("CMP-2", "ORG-1")
def test_department_organ_committee_names_internal_bodies_and_affiliated_units_by_their_own_kinds():
    organizer = Org(2, "某部机关党委", rules.DEPARTMENT_ORGAN_COMMITTEE, rules.CENTRAL)
    tree = [
        Org(4, "办公厅党委", rules.INTERNAL_UNIT, rules.CENTRAL, 2),
        Org(5, "某部信息中心党委", rules.AFFILIATED_UNIT, rules.CENTRAL, 2),
        Org(6, "信息中心某处党支部", "grassroots", rules.CENTRAL, 5),
    ]
    got = _by_name(rules.propose_scope(organizer, tree))
    assert set(got) == {"办公厅党委", "某部信息中心党委"}
    assert got["办公厅党委"].rule_text.endswith("（内设机构）")
    assert got["某部信息中心党委"].rule_text.endswith("（直属单位）")
    assert {p.rule for p in got.values()} == {rules.RULE_DEPARTMENT_UNITS}
    assert all(p.is_graded and p.paragraph == "第三条第三款" for p in got.values())


@pytest.mark.req("CMP-2", "ORG-1")
def test_university_committee_assesses_its_colleges_party_committees():
    organizer = Org(1, "某大学党委", rules.UNIVERSITY_COMMITTEE, "none")
    tree = [
        Org(2, "计算机学院党委", rules.COLLEGE_COMMITTEE, "none", 1),
        Org(3, "马克思主义学院党委", rules.COLLEGE_COMMITTEE, "none", 1),
        Org(4, "机关党委", rules.DEPARTMENT_ORGAN_COMMITTEE, "none", 1),
        Org(5, "计算机学院教工第一党支部", "grassroots", "none", 2),
    ]
    got = _by_name(rules.propose_scope(organizer, tree))
    assert set(got) == {"计算机学院党委", "马克思主义学院党委", "机关党委"}
    college = got["计算机学院党委"]
    assert college.rule == rules.RULE_UNIVERSITY_COLLEGES and "院系党委书记" in college.rule_text
    assert college.paragraph == "第三条第四款" and college.is_graded
    assert got["机关党委"].rule == rules.RULE_AFFILIATION


@pytest.mark.req("CMP-2")
@pytest.mark.parametrize("flags", [{"is_central_soe": True}, {"is_central_financial": True}])
def test_central_enterprise_assesses_its_second_level_units(flags):
    organizer = Org(1, "某中央企业党组", rules.SOE_COMMITTEE, "none", **flags)
    tree = [
        Org(2, "某二级公司党委", rules.SOE_COMMITTEE, "none", 1),
        Org(3, "某三级公司党委", rules.SOE_COMMITTEE, "none", 2),
    ]
    got = _by_name(rules.propose_scope(organizer, tree))
    assert set(got) == {"某二级公司党委"}
    assert "逐级" in got["某二级公司党委"].rule_text and got["某二级公司党委"].is_graded


@pytest.mark.req("CMP-2")
def test_a_township_assesses_its_villages_by_reference_and_others_by_affiliation():
    township = Org(30, "丙镇党委", rules.TOWNSHIP_COMMITTEE, rules.TOWNSHIP)
    tree = [
        Org(40, "东村党总支", rules.VILLAGE_COMMITTEE, "village", 30),
        Org(41, "西村党支部", rules.VILLAGE_COMMITTEE, "village", 30),
        Org(42, "东村第一党支部", "grassroots", "village", 40),
    ]
    got = _by_name(rules.propose_scope(township, tree))
    assert set(got) == {"东村党总支", "西村党支部"}
    # Village secretaries are not named in Art. 3: the township runs theirs 参照执行, 一述一评 on site.
    assert got["东村党总支"].paragraph == rules.REFERENCE_PARAGRAPH == "参照执行"
    assert "参照《办法》执行" in got["东村党总支"].rule_text
    assert got["东村党总支"].reporting_mode == rules.ON_SITE and got["东村党总支"].is_graded
    # A local SOE (not central) also assesses by affiliation.
    soe = Org(50, "省交投集团党委", rules.SOE_COMMITTEE, rules.PROVINCE)
    assert [
        p.rule for p in rules.propose_scope(soe, [Org(51, "子公司党委", rules.SOE_COMMITTEE, "none", 50)])
    ] == [rules.RULE_AFFILIATION]


@pytest.mark.req("CMP-3")
@pytest.mark.parametrize(
    ("kind", "level", "mode"),
    [
        (rules.LOCAL_COMMITTEE, rules.PREFECTURE, rules.ON_SITE),
        (rules.LOCAL_COMMITTEE, rules.COUNTY, rules.ON_SITE),
        (rules.TOWNSHIP_COMMITTEE, rules.TOWNSHIP, rules.ON_SITE),
        (rules.ORGANS_WORK_COMMITTEE, rules.PROVINCE, rules.WRITTEN),
        (rules.UNIVERSITY_COMMITTEE, rules.PROVINCE, rules.WRITTEN),
        (rules.VILLAGE_COMMITTEE, "village", rules.WRITTEN),
    ],
)
def test_default_reporting_mode(kind, level, mode):
    assert rules.default_reporting_mode(kind, level) == mode


@pytest.mark.req("CMP-2")
def test_flagged_tenure_suggests_report_only_and_asks_the_organizer():
    assert rules.tenure_suggestion([]) == (True, False)
    assert rules.tenure_suggestion(["under_six_months"]) == (False, True)
    assert rules.tenure_suggestion(["mid_year_change", "under_six_months"]) == (False, True)
    # A mid-year change with six months or more in post is graded; the change stays flagged.
    assert rules.tenure_suggestion(["mid_year_change"]) == (True, False)


@pytest.mark.req("CMP-2", "ORG-3")
@pytest.mark.parametrize(
    ("predecessor_until", "successor_from", "months", "is_graded"),
    [
        (date(2024, 6, 30), date(2024, 7, 1), 6, True),  # 1 July: six full months by 31 December
        (date(2024, 7, 1), date(2024, 7, 2), 5, False),  # one day short of six months
        (date(2024, 6, 29), date(2024, 6, 30), 6, True),  # 30 June: six months and a day
        (date(2024, 9, 14), date(2024, 9, 15), 3, False),  # mid-September: under six months
        (date(2024, 3, 31), date(2024, 4, 1), 9, True),
        (date(2024, 12, 1), date(2024, 12, 2), 0, False),
    ],
)
def test_only_under_six_months_by_year_end_is_suggested_report_only(
    predecessor_until, successor_from, months, is_graded
):
    from shuping.orgs import rules as tenure_rules

    review = tenure_rules.review_year(
        [
            tenure_rules.Tenure(date(2019, 1, 1), predecessor_until, person="前任"),
            tenure_rules.Tenure(successor_from, None, person="新任"),
        ],
        2024,
    )
    assert review.months_in_post == months and review.has_mid_year_change
    assert review.is_under_six_months is (not is_graded)
    assert rules.tenure_suggestion(review.flags) == (is_graded, not is_graded)


@pytest.mark.req("CMP-2")
def test_a_person_graded_in_two_campaigns_of_one_year_is_flagged():
    rows = [
        (7, "A", 2024, True),
        (7, "B", 2024, True),
        (8, "A", 2024, True),
        (8, "B", 2024, False),
        (9, "A", 2023, True),
        (9, "B", 2024, True),
    ]
    assert rules.graded_twice(rows) == {7}


@pytest.mark.req("CMP-1")
@given(st.integers(min_value=2019, max_value=2090), st.integers(min_value=1, max_value=5))
def test_default_schedule_sits_at_year_end_and_early_next_year_and_carries_over(year, gap):
    s = rules.default_schedule(year)
    assert s.field_starts_on.year == year and s.meetings_start_on.year == year + 1 and not s.problems()
    moved = rules.default_schedule(year + gap, s, year)
    assert moved.field_starts_on == date(year + gap, s.field_starts_on.month, s.field_starts_on.day)
    assert not moved.problems()


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(2020, 2022), st.booleans())))
def test_graded_twice_only_names_people_graded_in_two_distinct_campaigns_of_a_year(rows):
    flagged = rules.graded_twice(rows)
    for person in flagged:
        years = {}
        for p, c, y, g in rows:
            if p == person and g:
                years.setdefault(y, set()).add(c)
        assert any(len(cs) > 1 for cs in years.values())

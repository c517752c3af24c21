"""Pure rules of the meetings app: problem categories (Art. 4), 回避 (MTG-2), the chair's script (Art. 5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuping.meetings import rules


@pytest.mark.req("MTG-3")
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("软弱涣散村党组织整顿转化不彻底", "key_work"),
        ("落实意识形态工作责任制不到位", "discipline"),
        ("理论学习流于形式", "political"),
        ("履行第一责任人职责不够有力", "responsibility"),
        ("抓党建促乡村振兴措施不实", "central_tasks"),
        ("档案整理不规范", "other"),
    ],
)
def test_a_problem_is_placed_under_an_article_4_dimension(text, category):
    assert rules.classify_problem(text) == category


@pytest.mark.req("MTG-2")
def test_only_attendees_who_are_reporters_recuse_and_only_from_themselves():
    attendees = [(1, 100), (2, None), (3, 300), (4, 999)]
    reporters = [(10, 100), (30, 300), (40, None)]
    assert rules.recusals(attendees, reporters) == [rules.Recusal(1, 10), rules.Recusal(3, 30)]


@pytest.mark.req("MTG-2")
@given(
    st.lists(
        st.tuples(st.integers(1, 50), st.one_of(st.none(), st.integers(1, 20))), unique_by=lambda t: t[0]
    ),
    st.lists(
        st.tuples(st.integers(1, 50), st.one_of(st.none(), st.integers(1, 20))), unique_by=lambda t: t[0]
    ),
)
def test_a_recusal_always_pairs_an_attendee_with_their_own_assessment(attendees, reporters):
    persons = dict(attendees)
    reporter_person = dict(reporters)
    for r in rules.recusals(attendees, reporters):
        assert persons[r.attendee] is not None
        assert persons[r.attendee] in reporter_person.values()


@pytest.mark.req("MTG-5")
def test_the_chair_script_calls_each_reporter_in_order_and_comments_one_by_one():
    on_site = [rules.ScriptReporter("甲", "一镇", ("王",)), rules.ScriptReporter("乙", "二镇")]
    lines = rules.chair_script(
        presiding="书记",
        meeting_title="会",
        on_site=on_site,
        written=[rules.ScriptReporter("丙", "机关工委")],
        one_by_one=True,
        votes=True,
    )
    text = "\n".join(lines)
    assert text.index("第一位，请一镇甲同志述职") < text.index("第二位，请二镇乙同志述职")
    assert "请王同志结合分工进行点评" in text and "机关工委丙等同志进行书面述职" in text
    concentrated = "\n".join(
        rules.chair_script(
            presiding="书记", meeting_title="会", on_site=on_site, written=[], one_by_one=False, votes=False
        )
    )
    assert (
        "集中进行点评" in concentrated
        and "（述职后）" not in concentrated
        and "民主评议。请" not in concentrated
    )


def test_chinese_numbers_for_the_agenda():
    assert [rules._chinese_number(n) for n in (1, 10, 12, 20, 25)] == ["一", "十", "十二", "二十", "二十五"]


@pytest.mark.req("MTG-2", "BAL-6")
def test_the_plan_splits_a_venue_into_a_main_box_and_one_single_box_per_recused_reporter():
    groups = [
        rules.VoterGroup(1, "committee", 5, (10,)),
        rules.VoterGroup(1, "grassroots", 3, (30,)),
        rules.VoterGroup(2, "party_congress", 4),
    ]
    plan = rules.plan_boxes([10, 20, 30, 40], groups)
    assert plan == [
        rules.PlannedBox(1, None, (20, 40), (("committee", 5), ("grassroots", 3))),
        rules.PlannedBox(1, 10, (10,), (("committee", 4), ("grassroots", 3))),
        rules.PlannedBox(1, 30, (30,), (("committee", 5), ("grassroots", 2))),
        rules.PlannedBox(2, None, (10, 20, 30, 40), (("party_congress", 4),)),
    ]
    assert rules.plan_warnings(groups, plan, min_ballots=5) == [rules.PlanWarning(2, None, None, "small_box")]


@pytest.mark.req("MTG-2", "BAL-6")
def test_a_recused_reporter_alone_in_a_category_or_at_a_venue_is_warned():
    groups = [rules.VoterGroup(1, "committee", 6), rules.VoterGroup(1, "grassroots", 1, (10,))]
    plan = rules.plan_boxes([10, 20], groups)
    assert plan[1] == rules.PlannedBox(1, 10, (10,), (("committee", 6),))  # no 基层 slip is left
    assert rules.plan_warnings(groups, plan, min_ballots=5) == [
        rules.PlanWarning(1, 10, "grassroots", "alone_in_category")
    ]
    alone = [rules.VoterGroup(1, "grassroots", 1, (10,))]
    plan = rules.plan_boxes([10, 20], alone)
    assert plan == [rules.PlannedBox(1, None, (20,), (("grassroots", 1),))]
    assert rules.PlanWarning(1, 10, None, "alone_at_venue") in rules.plan_warnings(alone, plan, min_ballots=5)


@pytest.mark.req("MTG-2", "BAL-6", "BAL-8")
@given(
    st.lists(
        st.tuples(
            st.integers(1, 3),  # venue
            st.sampled_from(["a", "b", "c"]),  # category
            st.integers(0, 8),  # headcount
            st.lists(st.integers(1, 6), max_size=3, unique=True),  # reporters among the named attendees
        ),
        max_size=6,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.lists(st.integers(1, 6), min_size=1, max_size=6, unique=True),
)
def test_nobody_rates_themselves_and_every_reporter_is_rated_once_per_venue(raw, reporters):
    groups = [rules.VoterGroup(v, c, n, tuple(r for r in named if n)[:n]) for v, c, n, named in raw]
    plan = rules.plan_boxes(reporters, groups)
    recused_at = {(g.venue, a) for g in groups if g.headcount for a in g.recused if a in reporters}
    for venue in {g.venue for g in groups if g.headcount}:
        boxes = [b for b in plan if b.venue == venue]
        voters = sum(g.headcount for g in groups if g.venue == venue)
        for reporter in reporters:
            rating = [b for b in boxes if reporter in b.subjects]
            if (venue, reporter) in recused_at:
                own = sum(g.recused.count(reporter) for g in groups if g.venue == venue)
                # Rated only in their 单列 box, by everybody at the venue but themselves.
                assert all(b.recused == reporter and b.subjects == (reporter,) for b in rating)
                assert sum(b.voters for b in rating) == voters - own
            else:
                assert len(rating) == 1 and rating[0].recused is None and rating[0].voters == voters
        for b in boxes:
            assert all(n > 0 for _c, n in b.slips)

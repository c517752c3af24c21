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

"""The year as one flow, on the demo province (FLOW-1, FLOW-2).

The demo (`shuping demo`, small scale) is the ground: it is the year a new user meets, with the house's
persona cast as its accounts. Built once for this module inside a transaction that is rolled back at the
end, so no other test sees it.

FLOW-1: for each persona, a crawler signed in as that person starts at `/` and follows only links and
GET-form buttons (tests/crawl.py) — no typed URL — and must reach every page the role needs for its year.
FLOW-2: each persona's home page lists its next steps, each a link to where the step is done.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shuping.accounts.models import User
from shuping.core.todos import _PROVIDERS
from shuping.demo.services import build_demo
from tests.crawl import crawl

#: persona (demo account) → the pages (route names) the role needs for its year. Each must be reachable by
#: clicking from the home page.
REQUIRED: dict[str, set[str]] = {
    # 省委组织部 organizer staff: every stage of the provincial round, the lower levels' calendar, oversight.
    "sheng_zuzhi": {
        "campaigns:detail",
        "campaigns:assessment",
        "campaigns:wizard_scope",
        "campaigns:calendar",
        "reports:quality",
        "reports:edit",
        "fieldwork:plan",
        "fieldwork:detail",
        "meetings:detail",
        "ballots:detail",
        "evaluations:calibration",
        "evaluations:decisions",
        "evaluations:assessment",
        "feedback:board",
        "feedback:circulars",
        "feedback:feedback",
        "rectification:campaign",
        "rectification:list",
        "oversight:dashboard",
    },
    # The department leader: the calibration and 研究, reports' quality, feedback, rectification, dashboards.
    "sheng_buzhang": {
        "campaigns:detail",
        "campaigns:assessment",
        "reports:quality",
        "meetings:detail",
        "evaluations:calibration",
        "evaluations:decisions",
        "evaluations:assessment",
        "feedback:board",
        "rectification:campaign",
        "oversight:dashboard",
    },
    # 市委组织部 staff (青川): its own round — scope, reports' 审核, its meeting, the counties' calendar.
    "shi_zuzhi": {
        "campaigns:detail",
        "campaigns:assessment",
        "campaigns:wizard_scope",
        "campaigns:calendar",
        "reports:quality",
        "reports:edit",
        "meetings:detail",
        "evaluations:calibration",
    },
    # 县委组织部 staff: the county assessing its townships — meeting held, calibration and 研究 ahead.
    "xian_zuzhi": {
        "campaigns:detail",
        "campaigns:assessment",
        "campaigns:wizard_scope",
        "reports:quality",
        "meetings:detail",
        "evaluations:calibration",
        "evaluations:decisions",
        "evaluations:assessment",
    },
    # The guidance officer sent by the province: the lower campaigns and the meeting to attend.
    "zhidao": {"campaigns:detail", "campaigns:assessment", "meetings:detail"},
    # The assessed secretary: the own assessment, report, meeting, feedback (after 研究) and 整改清单.
    "shuji": {
        "campaigns:assessment",
        "reports:edit",
        "meetings:detail",
        "feedback:feedback",
        "rectification:list",
    },
    # The liaison works the same assessment for the secretary.
    "lianluoyuan": {
        "campaigns:assessment",
        "reports:edit",
        "feedback:feedback",
        "rectification:list",
    },
    # The field team's leader: the field assessments of the team.
    "kaohe": {"fieldwork:home", "fieldwork:detail"},
    # The three administrators, each to their own page.
    "xitong": {"admin:index"},
    "anquan": {"accounts:security_accounts"},
    "shenji": {"audit:list"},
}


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(scale="small")
        yield
        transaction.set_rollback(True)


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.req("FLOW-1")
@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(REQUIRED))
def test_each_persona_reaches_every_page_of_its_year_by_clicking_from_home(demo_year, persona):
    wanted = REQUIRED[persona]
    result = crawl(_signed_in(persona), wanted, budget=300, per_route=4)
    assert not result.errors, result.errors
    missing = sorted(wanted - result.reached.keys())
    assert not missing, f"{persona} 从首页点击无法到达：{missing}（已打开 {result.opened} 页）"


#: persona → what its home page must list as next steps in the demo year (FLOW-2): text fragments of 待办.
HOME_STEPS: dict[str, list[str]] = {
    "sheng_zuzhi": ["审核述职报告：", "党委（党组）研究：", "筹备述职评议会："],
    "sheng_buzhang": ["党委（党组）研究："],
    "shi_zuzhi": ["审核述职报告：", "筹备述职评议会："],
    "xian_zuzhi": ["等次校准："],
    "zhidao": ["指导青川市委", "列席指导述职评议会："],
    "shuji": ["年度整改进展"],
    "lianluoyuan": ["年度整改进展"],
    "shenji": ["审计日志："],
}


@pytest.mark.req("FLOW-2")
@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(HOME_STEPS))
def test_each_persona_home_page_lists_its_next_steps_as_links_it_can_open(demo_year, persona):
    client = _signed_in(persona)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    todos = response.context["todos"]
    texts = [t.text for t in todos]
    for fragment in HOME_STEPS[persona]:
        assert any(fragment in text for text in texts), (persona, fragment, texts)
    assert [t.urgent for t in todos] == sorted((t.urgent for t in todos), reverse=True)  # urgent first
    page = response.content.decode()
    for todo in todos:
        assert f'href="{todo.url}"' in page
        assert client.get(todo.url).status_code == 200, (persona, todo.url)
    assert len(captured) < 80, len(captured)


@pytest.mark.req("FLOW-2")
@pytest.mark.django_db
def test_every_provider_costs_the_same_queries_for_every_persona(demo_year, django_assert_max_num_queries):
    """No provider's cost follows the data: the busiest persona (province staff, several campaigns and
    meetings) costs a provider no more queries than a small fixed bound."""
    for username in REQUIRED:
        user = User.objects.get(username=username)
        for provider in _PROVIDERS:
            with django_assert_max_num_queries(8):
                provider(user)


def _todos(username: str, prefix: str) -> list:
    from shuping.core.todos import todos_for

    return [t for t in todos_for(User.objects.get(username=username)) if t.text.startswith(prefix)]


@pytest.mark.req("FLOW-2")
@pytest.mark.django_db
def test_the_leader_sees_who_awaits_research_and_a_broken_quota_first(demo_year):
    from shuping.evaluations.choices import EvaluationStatus
    from shuping.evaluations.models import Evaluation

    [todo] = _todos("sheng_buzhang", "党委（党组）研究：")
    awaiting = Evaluation.objects.filter(
        campaign__status="open",
        status__in=[EvaluationStatus.SECTION_DRAFT, EvaluationStatus.DEPARTMENT_REVIEWED],
        assessment__is_excluded=False,
    )
    assert todo.text.endswith(f"{awaiting.count()} 人待研究确定等次") and not todo.urgent
    # Every proposal 好: Art. 6 wants 较好 and below for part of them — the quota is broken, the step urgent.
    awaiting.update(proposed_grade="好")
    [todo] = _todos("sheng_buzhang", "党委（党组）研究：")
    assert todo.urgent and "等次比例不符合《办法》第六条，须调整" in todo.note
    [staff] = _todos("sheng_zuzhi", "党委（党组）研究：")
    assert staff.urgent
    for username in ("shuji", "lianluoyuan", "kaohe", "zhidao"):
        assert _todos(username, "党委（党组）研究：") == []  # EVA-9: nobody else hears of it


@pytest.mark.req("FLOW-2", "EVA-3")
@pytest.mark.django_db
def test_calibration_counts_only_those_whose_meeting_is_held(demo_year):
    """等次校准 counts assessees at 综合评价 with no grade proposed; the province's reporters still before
    their meeting have an open evaluation too, but nothing to calibrate — no step, not a wrong count."""
    from shuping.campaigns.choices import Stage
    from shuping.evaluations.choices import EvaluationStatus
    from shuping.evaluations.models import Evaluation

    open_ = Evaluation.objects.filter(
        campaign__status="open", status=EvaluationStatus.OPEN, assessment__is_excluded=False
    )
    [county] = _todos("xian_zuzhi", "等次校准：")
    ready = open_.filter(campaign__organizer__name__contains="杉江", assessment__stage=Stage.EVALUATION)
    assert county.text.endswith(f"，{ready.count()} 人待拟定等次"), county.text
    province = open_.filter(campaign__organizer__parent__isnull=True)
    assert province.exclude(assessment__stage=Stage.EVALUATION).exists()  # the case this guards
    assert not province.filter(assessment__stage=Stage.EVALUATION).exists()
    assert _todos("sheng_zuzhi", "等次校准：") == []


@pytest.mark.req("FLOW-2")
@pytest.mark.django_db
def test_after_signing_for_feedback_the_liaison_is_pointed_to_the_rectification_list(demo_year):
    from django.db.models import Q

    from shuping.campaigns.services import add_liaison
    from shuping.feedback.models import Feedback
    from shuping.rectification.models import RectificationList
    from shuping.rectification.services import start_list

    feedback = (  # signed for (签收), its 整改清单 not yet filed with the organizer
        Feedback.objects.select_related("assessment")
        .filter(acknowledged_at__isnull=False)
        .filter(
            Q(assessment__rectification_list__isnull=True)
            | Q(assessment__rectification_list__status__in=["draft", "returned"])
        )
        .order_by("assessment__organization_path")
        .first()
    )
    assert feedback is not None, "the demo has a signed feedback whose list is still to be filed"
    liaison = User.objects.get(username="lianluoyuan")
    url = f"/rectification/assessments/{feedback.assessment_id}/"
    drafting = ("制定并报备", "完成并报备", "修改并重新报备")
    assert not [t for p in drafting for t in _todos("lianluoyuan", p) if t.url == url]  # not theirs yet
    if feedback.campaign.status == "closed":
        # Last year's round is closed while its 整改 goes on; a closed campaign takes no new liaison through
        # the service, so the test names the liaison directly — what it checks is the liaison's 待办.
        feedback.assessment.liaisons.add(liaison)
    else:
        add_liaison(
            actor=User.objects.get(username="sheng_zuzhi"), assessment=feedback.assessment, user=liaison
        )
    name = feedback.assessment.organization_name
    year = feedback.campaign.year
    lst = RectificationList.objects.filter(assessment=feedback.assessment).first()
    if lst is None:
        [todo] = _todos("lianluoyuan", "制定并报备")
        assert (
            todo.text == f"制定并报备 {year} 年度整改清单（{name}）"
            and todo.url == url
            and "截止" in todo.note
        )
        lst = start_list(actor=liaison, assessment=feedback.assessment)
    expected = {"draft": "完成并报备", "returned": "修改并重新报备"}[lst.status]
    steps = [t for p in drafting for t in _todos("lianluoyuan", p) if t.url == url]
    assert [t.text for t in steps] == [f"{expected} {year} 年度整改清单（{name}）"]
    assert "截止" in steps[0].note


@pytest.mark.req("FLOW-2")
@pytest.mark.django_db
def test_the_field_team_sees_its_visits_to_do_until_completed(demo_year):
    from datetime import timedelta

    from django.utils import timezone

    from shuping.campaigns.models import Assessment
    from shuping.fieldwork import services as field_services

    staff, leader = User.objects.get(username="sheng_zuzhi"), User.objects.get(username="kaohe")
    assert _todos("kaohe", "实地考核：") == []  # the demo's field work is done
    assessment = (
        Assessment.objects.filter(
            campaign__organizer__code="SF",
            campaign__status="open",
            field_assessment__isnull=True,
            is_excluded=False,
            person__isnull=False,
        )
        .order_by("-campaign__year", "organization_path")
        .first()
    )
    today = timezone.localdate()
    team = field_services.create_team(
        actor=staff,
        campaign=assessment.campaign,
        name="省委第二考核组",
        leader=leader,
        starts_on=today,
        ends_on=today + timedelta(days=5),
    )
    fa = field_services.plan_field_assessment(
        actor=staff,
        team=team,
        assessment=assessment,
        visit_starts_on=today,
        visit_ends_on=today + timedelta(days=5),
    )
    [todo] = _todos("kaohe", "实地考核：")
    assert assessment.organization_name in todo.text and todo.url == f"/field/{fa.pk}/"
    assert todo.urgent and "已记录走访 0 处" in todo.note  # due within a week
    assert _todos("sheng_buzhang", "实地考核：") == []  # not a member of the team


@pytest.mark.req("FLOW-1")
@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["sheng_zuzhi", "sheng_buzhang", "shuji", "lianluoyuan", "kaohe"])
def test_stage_pages_and_chips_link_only_to_pages_the_viewer_may_open(demo_year, persona):
    from shuping.campaigns.selectors import campaigns_visible_to

    client = _signed_in(persona)
    user = User.objects.get(username=persona)
    labels = set()
    for campaign in campaigns_visible_to(user):
        response = client.get(f"/campaigns/{campaign.pk}/")
        assert response.status_code == 200
        pages = response.context["stage_pages"]
        labels |= {p.label for p in pages}
        headings = {url for _v, _l, _items, url in response.context["columns"] if url}
        assert headings <= {p.url for p in pages}
        for page in pages:
            assert client.get(page.url).status_code == 200, (persona, page.label, page.url)
        for card in response.context["board"][:3]:
            chips = client.get(card["url"]).context["stages"]
            for _value, label, url in chips:
                if url:
                    assert client.get(url).status_code == 200, (persona, label, url)
    result_pages = {"综合评价与等次校准", "研究（部务会、常委会）", "述职报告审核", "反馈", "通报"}
    if persona in ("sheng_zuzhi", "sheng_buzhang"):
        assert result_pages <= labels and "整改" in labels
    else:  # EVA-9: calibration, 研究 and the 审核 of everyone's reports are not theirs to open
        assert not labels & result_pages, labels

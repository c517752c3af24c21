"""Use of results (RCT-4, RCT-6, RCT-7): 优秀 refused citing Art. 7, 待定 resolved on approval, carry-over to
next year's campaign following the post, the unit's evaluation receives the grade; the API is scoped with a
constant number of queries (PERF-5)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuping.campaigns import services as campaign_services
from shuping.campaigns.findings import carry_over_for
from shuping.orgs.services import create_person, create_secretaryship
from shuping.rectification import consequences, services
from shuping.rectification.choices import AnnualGradeStatus, SourceKind
from shuping.rectification.models import AnnualGradeRestriction, UnitEvaluation

from .builders import SHARED_PROBLEM, campaign_with_problems, decide, prefecture_assessment


@pytest.mark.req("RCT-4")
def test_excellent_is_refused_for_a_fairly_good_person_citing_article_7(world):
    campaign = campaign_with_problems(world, grade="较好")
    person = prefecture_assessment(campaign, world).person
    assert AnnualGradeRestriction.objects.filter(person=person, year=2023, grade="较好").exists()
    with pytest.raises(services.RectificationConflict, match="第七条"):
        consequences.record_annual_grade(person=person, year=2023, grade="优秀", actor=world.organizer_staff)
    row = consequences.record_annual_grade(
        person=person, year=2023, grade="称职", actor=world.organizer_staff
    )
    assert row.status == AnnualGradeStatus.RECORDED


@pytest.mark.req("RCT-4")
def test_a_pending_excellent_is_resolved_on_approval(world):
    campaign = campaign_with_problems(world, decided=False)
    person = prefecture_assessment(campaign, world).person
    row = consequences.record_annual_grade(
        person=person, year=2023, grade="优秀", actor=world.organizer_staff
    )
    assert row.status == AnnualGradeStatus.PENDING
    decide(world, campaign, {world.prefecture.pk: "较好"})
    row.refresh_from_db()
    assert row.status == AnnualGradeStatus.REFUSED and "第七条" in row.note


@pytest.mark.req("RCT-4", "RCT-7")
def test_a_good_grade_confirms_the_pending_excellent_and_reaches_the_unit_evaluation(world):
    campaign = campaign_with_problems(world, decided=False)
    person = prefecture_assessment(campaign, world).person
    row = consequences.record_annual_grade(person=person, year=2023, grade="优秀", actor=None)
    decide(world, campaign, {world.prefecture.pk: "好"})
    row.refresh_from_db()
    assert row.status == AnnualGradeStatus.RECORDED
    unit = UnitEvaluation.objects.get(organization=world.prefecture, year=2023)
    assert unit.secretary_grade == "好"


@pytest.mark.req("RCT-4")
def test_the_api_answers_what_is_allowed_for_a_person_and_year(world, client):
    campaign = campaign_with_problems(world, grade="较好")
    person = prefecture_assessment(campaign, world).person
    client.force_login(world.organizer_staff)
    body = client.get(f"/api/v1/annual-grade-restrictions?year=2023&person={person.pk}").json()
    assert body["status"] == "restricted" and "优秀" not in body["allowed_grades"]
    client.force_login(world.outsider)
    assert client.get(f"/api/v1/annual-grade-restrictions?year=2023&person={person.pk}").status_code == 404


@pytest.mark.req("RCT-6", "CMP-5")
def test_next_years_campaign_shows_last_years_unfinished_items_following_the_post(world):
    campaign = campaign_with_problems(world, grade="较好", year=2023)
    assessment = prefecture_assessment(campaign, world)
    rlist = services.start_list(actor=world.liaison, assessment=assessment)
    first, second = list(rlist.items.all())
    for item in (first, second):
        services.update_item(
            actor=world.liaison,
            item=item,
            problem=item.problem,
            measures="措施",
            responsible="",
            deadline=rlist.starts_on + timedelta(days=30),
        )
    services.submit_list(actor=world.liaison, rectification_list=rlist)
    services.confirm_list(actor=world.organizer_staff, rectification_list=rlist)
    services.add_progress(actor=world.liaison, item=second, text="完成", marks_done=True)
    services.close_items(actor=world.organizer_staff, items=[second])
    # A successor takes the post before next year's campaign.
    old = world.prefecture.secretaryships.get()
    old.ended_on = date(2024, 6, 30)
    old.save(update_fields=["ended_on"])
    successor = create_person(actor=None, name="继任 林书记")
    create_secretaryship(
        actor=None, person=successor, organization=world.prefecture, started_on=date(2024, 7, 1)
    )
    nxt = campaign_services.create_campaign(actor=world.organizer_staff, organizer=world.province, year=2024)
    campaign_services.apply_scope_proposal(actor=world.organizer_staff, campaign=nxt)
    next_assessment = nxt.assessments.get(organization=world.prefecture)
    shown = carry_over_for([next_assessment])[next_assessment.pk]
    assert [c.item.pk for c in shown] == [first.pk]
    assert SHARED_PROBLEM in str(shown[0]) or first.problem in str(shown[0])


@pytest.mark.req("RCT-2", "PERF-5")
def test_items_api_is_scoped_and_its_query_count_does_not_grow(world, client):
    campaign = campaign_with_problems(world)
    assessment = prefecture_assessment(campaign, world)
    services.start_list(actor=world.liaison, assessment=assessment)
    client.force_login(world.assessee)
    with CaptureQueriesContext(connection) as few:
        body = client.get("/api/v1/rectification-items").json()
    assert len(body) == 2 and body[0]["sources"]
    assert {s["kind"] for s in body[0]["sources"]} == {
        SourceKind.INSPECTION,
        SourceKind.OPINION,
        SourceKind.FIELD,
    }
    rlist = assessment.rectification_list
    for n in range(5):
        services.add_item(
            actor=world.liaison,
            rectification_list=rlist,
            problem=f"问题{n}",
            measures="m",
            deadline=rlist.starts_on + timedelta(days=10),
            item_sources=[{"kind": "audit", "reference": f"A{n}"}],
        )
    with CaptureQueriesContext(connection) as more:
        assert len(client.get("/api/v1/rectification-items").json()) == 7
    assert len(more) == len(few)
    client.force_login(world.outsider)
    assert client.get("/api/v1/rectification-items").json() == []


@pytest.mark.req("RCT-4", "EVA-4")
def test_the_decision_consequences_are_recorded_with_who_decided(world):
    """Registered with the evaluations app's decision-consequence registry (no signal): the approval's
    consequences are audited with the person who recorded the committee's decision."""
    from shuping.audit.models import AuditEvent

    campaign = campaign_with_problems(world, grade="一般")
    assessment = prefecture_assessment(campaign, world)
    row = AuditEvent.objects.get(action="rectification.decision.apply", target_id=str(assessment.pk))
    assert row.actor_id == world.organizer_staff.pk
    assert row.detail["grade"] == "一般"

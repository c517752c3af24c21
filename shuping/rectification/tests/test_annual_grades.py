"""The organizer's 年度考核等次 page (RCT-4): the 不得评优名单, grades entered against it, 优秀 refused for a
person whose 述职评议考核 grade is not 好 with the Art. 7 message, 待定 before the decision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuping.rectification import rules
from shuping.rectification.choices import AnnualGradeStatus
from shuping.rectification.models import AnnualAssessmentGrade

from .builders import campaign_with_problems, prefecture_assessment


def page(client, campaign, **data):
    url = reverse("rectification:annual_grades", args=[campaign.pk])
    record = reverse("rectification:annual_grades_record", args=[campaign.pk])
    response = client.post(record, data, follow=True) if data else client.get(url)
    return response.content.decode()


@pytest.mark.req("RCT-4")
def test_the_page_lists_the_restricted_and_refuses_excellent_citing_article_7(world, login):
    campaign = campaign_with_problems(world, grade="较好")
    person = prefecture_assessment(campaign, world).person
    client = login(world.organizer_staff)
    html = page(client, campaign)
    assert "不得评优名单" in html and person.name in html and "较好" in html

    html = page(client, campaign, person=person.pk, grade="优秀")
    assert rules.ART7_EXCELLENT in html
    assert not AnnualAssessmentGrade.objects.filter(person=person).exists()

    html = page(client, campaign, person=person.pk, grade="称职")
    row = AnnualAssessmentGrade.objects.get(person=person, year=campaign.year)
    assert (row.grade, row.status, row.recorded_by) == (
        "称职",
        AnnualGradeStatus.RECORDED,
        world.organizer_staff,
    )
    assert "已录入" in html


@pytest.mark.req("RCT-4")
def test_excellent_before_the_decision_waits_as_pending(world, login):
    campaign = campaign_with_problems(world, decided=False)
    person = prefecture_assessment(campaign, world).person
    html = page(login(world.organizer_staff), campaign, person=person.pk, grade="优秀")
    row = AnnualAssessmentGrade.objects.get(person=person)
    assert row.status == AnnualGradeStatus.PENDING and "待定" in html


@pytest.mark.req("RCT-4")
def test_only_organizer_staff_record_and_only_people_of_the_campaign(world, login):
    campaign = campaign_with_problems(world, grade="好")
    person = prefecture_assessment(campaign, world).person
    url = reverse("rectification:annual_grades", args=[campaign.pk])
    record = reverse("rectification:annual_grades_record", args=[campaign.pk])
    assert (
        login(world.department_leader).post(record, {"person": person.pk, "grade": "优秀"}).status_code == 403
    )
    assert login(world.liaison).get(url).status_code == 403
    html = page(login(world.organizer_staff), campaign, person="999999", grade="优秀")
    assert "请选择本次考核中的书记" in html
    assert not AnnualAssessmentGrade.objects.exists()
    page(login(world.organizer_staff), campaign, person=person.pk, grade="优秀")
    assert AnnualAssessmentGrade.objects.get(person=person).status == AnnualGradeStatus.RECORDED

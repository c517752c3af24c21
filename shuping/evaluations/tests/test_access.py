"""EVA-9: before 研究, a county's organization department does not see its own county secretary's results in
the prefecture's campaign; the prefecture's own staff do. Pages and API alike."""

from __future__ import annotations

import pytest

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant, User
from shuping.evaluations import services

from .builders import campaign_at_evaluation


@pytest.fixture
def prefecture_campaign(world):
    """甲市委's campaign assessing 乙县委's secretary (and two more county secretaries), at 综合评价."""
    campaign = campaign_at_evaluation(world, organizer=world.prefecture, assessee_org=world.county, extra=2)
    prefecture_staff = User.objects.create_user(
        username="pref_staff", password="x" * 16, full_name="甲市委组织部 干事"
    )
    RoleGrant.objects.create(user=prefecture_staff, role=Role.ORGANIZER_STAFF, organization=world.prefecture)
    county_staff = User.objects.create_user(
        username="county_staff", password="x" * 16, full_name="乙县委组织部 干事"
    )
    RoleGrant.objects.create(
        user=county_staff, role=Role.ORGANIZER_STAFF, organization=world.county, include_subtree=True
    )
    for e in services.start_evaluations(actor=prefecture_staff, campaign=campaign):
        services.propose_grade(actor=prefecture_staff, evaluation=e, grade="较好")
    county_assessment = campaign.assessments.get(organization=world.county)
    return campaign, county_assessment, prefecture_staff, county_staff


@pytest.mark.req("EVA-9", "SEC-2")
def test_county_department_cannot_see_its_secretarys_results_in_the_prefecture_campaign(
    client, world, prefecture_campaign
):
    campaign, assessment, prefecture_staff, county_staff = prefecture_campaign
    evaluation = assessment.evaluation
    urls = [
        f"/evaluations/campaigns/{campaign.pk}/",
        f"/evaluations/campaigns/{campaign.pk}/decisions/",
        f"/evaluations/campaigns/{campaign.pk}/rules/",
        f"/api/v1/evaluations/campaigns/{campaign.pk}/config",
        f"/evaluations/assessments/{assessment.pk}/",
        f"/evaluations/assessments/{assessment.pk}/form.docx",
        f"/api/v1/evaluations/{evaluation.pk}",
    ]
    client.force_login(county_staff)
    for url in urls:
        assert client.get(url).status_code == 404, url
    listed = client.get("/api/v1/evaluations").json()
    assert all(row["id"] != evaluation.pk for row in listed)
    # the county secretary (the assessee persona is linked to 乙县委's Person here) sees nothing before 研究
    client.force_login(world.assessee)
    assert client.get(f"/evaluations/assessments/{assessment.pk}/").status_code == 403
    assert client.get(f"/api/v1/evaluations/{evaluation.pk}").status_code == 404
    # the prefecture's own organization department does
    client.force_login(prefecture_staff)
    page = client.get(f"/evaluations/campaigns/{campaign.pk}/")
    assert page.status_code == 200 and "乙县" in page.content.decode()
    assert client.get(f"/api/v1/evaluations/{evaluation.pk}").json()["proposed_grade"] == "较好"


@pytest.mark.req("EVA-9", "PERF-5")
def test_calibration_and_api_query_counts_do_not_grow_with_assessees(
    client, world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for year, extra in ((2022, 1), (2023, 6)):
        campaign = campaign_at_evaluation(world, year=year, extra=extra)
        services.compute_composites(actor=world.organizer_staff, campaign=campaign)
        client.force_login(world.organizer_staff)
        with CaptureQueriesContext(connection) as page:
            assert client.get(f"/evaluations/campaigns/{campaign.pk}/").status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert client.get(f"/api/v1/evaluations?campaign_id={campaign.pk}").status_code == 200
        counts.append((len(page), len(api)))
    assert counts[0] == counts[1]

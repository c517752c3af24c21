"""Field pages: the team's phone page, the JSON record endpoint, the team report, photos, scoping (SEC-2)."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuping.fieldwork import selectors
from shuping.fieldwork.models import FieldRecord, VisitPhoto
from tests.access.targets_fieldwork import PNG

from .conftest import plan_counties


def _form(field, key, **extra):
    site = next(i for i in selectors.form_indicators(field.fa) if i.method == "site_visit")
    return {
        "client_uuid": key,
        "place": "一村党群服务中心",
        "facts": "便民窗口有人值守，墙上公开了今年为民办实事清单",
        f"score_{site.pk}": "85",
        f"ev_{site.pk}": ["new_visit"],
        **extra,
    }


@pytest.mark.req("FLD-2")
def test_the_phone_form_posts_json_and_a_retry_is_not_doubled(field, client):
    client.force_login(field.member)
    key = str(uuid.uuid4())
    url = f"/field/{field.fa.pk}/records/"
    first = client.post(url, _form(field, key), HTTP_ACCEPT="application/json")
    again = client.post(url, _form(field, key), HTTP_ACCEPT="application/json")
    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200 and "未重复保存" in again.json()["detail"]
    assert FieldRecord.objects.count() == 1
    refused = client.post(url, {"client_uuid": str(uuid.uuid4())}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and refused.json()["detail"].startswith("记录是空的")


@pytest.mark.req("FLD-2", "FLD-5")
def test_a_plain_post_with_a_photo_then_the_page_shows_score_evidence_and_photo(field, client):
    client.force_login(field.member)
    data = _form(field, str(uuid.uuid4()), photos=SimpleUploadedFile("p.png", PNG, content_type="image/png"))
    response = client.post(f"/field/{field.fa.pk}/records/", data)
    assert response.status_code == 302
    page = client.get(f"/field/{field.fa.pk}/").content.decode()
    assert "实地考核得分" in page and "85.0" in page
    visit = field.fa.visits.get()
    assert f'href="#visit-{visit.pk}"' in page and f'id="visit-{visit.pk}"' in page  # evidence one click away
    photo = VisitPhoto.objects.get()
    assert client.get(f"/field/photos/{photo.pk}/").status_code == 200


@pytest.mark.req("FLD-2")
def test_the_page_carries_the_offline_draft_script_and_the_art6_warning_text(field, client):
    client.force_login(field.member)
    page = client.get(f"/field/{field.fa.pk}/").content.decode()
    assert "fieldwork/record.js" in page and 'name="client_uuid"' in page
    assert 'data-site="1"' in page and "第六条" in page


@pytest.mark.req("FLD-5", "EVA-8")
def test_team_report_renders_as_pdf_and_docx(field, client):
    client.force_login(field.leader)
    pdf = client.get(f"/field/{field.fa.pk}/report.pdf")
    docx = client.get(f"/field/{field.fa.pk}/report.docx")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert client.get(f"/field/{field.fa.pk}/report.txt").status_code == 404


@pytest.mark.req("FLD-1", "SEC-2", "EVA-9")
def test_the_assessee_and_liaison_never_reach_the_field_pages(field, world, client):
    for user in (world.assessee, world.liaison, world.guidance_staff):
        client.force_login(user)
        assert client.get(f"/field/{field.fa.pk}/").status_code == 404
        assert client.get(f"/field/{field.fa.pk}/report.pdf").status_code == 404
        assert field.assessment.organization_name not in client.get("/field/").content.decode()
    client.force_login(field.member)
    assert client.get(f"/field/campaigns/{field.campaign.pk}/").status_code == 403
    assert field.assessment.organization_name in client.get("/field/").content.decode()


@pytest.mark.req("FLD-1")
def test_staff_build_a_team_and_cover_an_assessee_from_the_plan_page(field, world, client):
    client.force_login(world.organizer_staff)
    url = f"/field/campaigns/{field.campaign.pk}/"
    assert "第一考核组" in client.get(url).content.decode()
    response = client.post(
        f"/field/campaigns/{field.campaign.pk}/teams/",
        {
            "name": "第二考核组",
            "leader": world.department_leader.pk,
            "starts_on": field.campaign.field_starts_on.isoformat(),
            "ends_on": field.campaign.field_ends_on.isoformat(),
        },
    )
    assert response.status_code == 302
    assert field.campaign.field_teams.filter(name="第二考核组").exists()
    client.force_login(world.department_leader)
    assert client.post(f"/field/campaigns/{field.campaign.pk}/teams/").status_code == 403


@pytest.mark.req("PERF-5")
def test_the_home_list_query_count_does_not_grow(field, world, client):
    client.force_login(field.member)
    plan_counties(world, field, 1)
    with CaptureQueriesContext(connection) as small:
        client.get("/field/")
    plan_counties(world, field, 4)
    with CaptureQueriesContext(connection) as large:
        page = client.get("/field/").content.decode()
    assert page.count("fw-card") >= 6
    assert len(large) == len(small)

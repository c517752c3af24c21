"""/api/v1/field-assessments and /api/v1/observations: scoped, idempotent, constant query counts (PERF-5)."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuping.fieldwork import selectors, services
from shuping.fieldwork.models import FieldRecord

from .conftest import plan_counties


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.req("FLD-2", "SEC-6")
def test_api_record_is_idempotent_on_the_client_uuid(field, client):
    client.force_login(field.member)
    indicator = selectors.form_indicators(field.fa)[1]
    body = {
        "client_uuid": str(uuid.uuid4()),
        "place": "一村",
        "facts": "党员活动室对群众开放",
        "scores": [{"indicator_id": indicator.pk, "percent": 75, "with_new_visit": True}],
    }
    url = f"/api/v1/field-assessments/{field.fa.pk}/records"
    first = _post(client, url, body)
    again = _post(client, url, body)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["created"] is False
    assert FieldRecord.objects.count() == 1
    bad = _post(client, url, {**body, "client_uuid": "not-a-uuid"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "client_uuid"
    empty = _post(client, url, {"client_uuid": str(uuid.uuid4())})
    assert empty.status_code == 400 and "记录是空的" in empty.json()["detail"]


@pytest.mark.req("FLD-5", "EVA-9", "SEC-2")
def test_detail_gives_the_score_with_its_evidence_to_staff_leaders_and_team_only(field, world, client):
    indicator = selectors.form_indicators(field.fa)[1]
    services.submit_record(
        actor=field.member,
        field_assessment=field.fa,
        client_uuid=uuid.uuid4(),
        visit=services.VisitInput(place="一村", facts="看到了整顿后的阵地"),
        scores=[services.ScoreInput(indicator_id=indicator.pk, percent=80, with_new_visit=True)],
    )
    url = f"/api/v1/field-assessments/{field.fa.pk}"
    for user in (world.organizer_staff, world.department_leader, field.member, field.leader):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        data = response.json()
        assert data["field_score"] == 80.0
        row = next(r for r in data["scores"] if r["indicator_id"] == indicator.pk)
        assert row["visit_ids"] == [data["visits"][0]["id"]]
    for user in (world.assessee, world.liaison, world.guidance_staff, world.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.get("/api/v1/field-assessments").json() == []


@pytest.mark.req("PERF-5")
def test_field_assessment_list_query_count_does_not_grow(field, world, client):
    client.force_login(world.organizer_staff)
    plan_counties(world, field, 1)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/field-assessments").json()) == 2
    plan_counties(world, field, 4)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/v1/field-assessments").json()) == 6
    assert len(large) == len(small)


@pytest.mark.req("FLD-4", "PERF-5")
def test_observations_api_creates_and_lists_with_constant_queries(field, world, client):
    client.force_login(world.organizer_staff)
    body = {
        "assessment_id": field.assessment.pk,
        "observed_on": "2024-05-06",
        "source": "research",
        "text": "调研了解",
    }
    assert _post(client, "/api/v1/observations", body).status_code == 201
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/observations").json()) == 1
    for i in range(5):
        services.record_observation(
            actor=world.organizer_staff,
            organizer=world.province,
            assessment=field.assessment,
            observed_on=date(2024, 5, i + 1),
            source_kind="daily",
            text=f"第{i}次",
            score=80,
        )
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/v1/observations").json()) == 6
    assert len(large) == len(small)
    client.force_login(world.department_leader)
    assert _post(client, "/api/v1/observations", body).status_code == 404  # leaders read, staff write
    client.force_login(world.assessee)
    assert client.get("/api/v1/observations").json() == []

"""Organizer pages and the /v/ endpoints (BAL-1, BAL-2, BAL-3, BAL-6, EVA-9, PERF-5)."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shuping.ballots import services
from shuping.ballots.models import BallotBox, Credential
from shuping.ballots.tests.factories import make_box, vote


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.req("BAL-1")
def test_the_list_page_query_count_does_not_grow_with_boxes(world, login):
    client = login(world.organizer_staff)
    make_box(world)
    one = _queries(client, "/ballots/")
    for _ in range(4):
        make_box(world, open_box=False)
    assert _queries(client, "/ballots/") == one


@pytest.mark.req("BAL-1", "BAL-2")
def test_organizer_staff_create_set_up_and_print_slips(world, login):
    client = login(world.organizer_staff)
    response = client.post(
        "/ballots/new/",
        {"organization": world.province.pk, "title": "市委书记述职测评", "scale_kind": "good_to_poor",
         "requires_every_subject": "on", "has_opinion": "on"},
    )  # fmt: skip
    box = BallotBox.objects.get(title="市委书记述职测评")
    assert response.status_code == 302 and response["Location"] == f"/ballots/{box.pk}/setup/"
    response = client.post(
        f"/ballots/{box.pk}/setup/",
        {
            "subjects": "张三｜中共甲县委书记｜现场\n李四｜中共乙县委书记｜书面",
            "categories": "市级领导｜30\n部门负责人｜70",
        },
    )
    assert response.status_code == 302
    assert list(box.subjects.values_list("name", "section")) == [("张三", "on_site"), ("李四", "written")]
    ids = dict(box.categories.values_list("name", "id"))
    response = client.post(  # the HTML print page, kept as a fallback to the PDF sheet
        f"/ballots/{box.pk}/slips/",
        {f"count_{ids['市级领导']}": 3, f"count_{ids['部门负责人']}": 4, "as_html": "on"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "no-referrer"
    page = response.content.decode()
    codes = re.findall(r'<div class="code">([0-9A-Z]{5}-[0-9A-Z]{5})</div>', page)
    assert len(codes) == 7 and page.count("<svg") == 7
    stored = set(Credential.objects.filter(box=box).values_list("code_hash", flat=True))
    assert {services.code_hash(c) for c in codes} == stored
    assert not any(c.replace("-", "") in str(stored) for c in codes)


@pytest.mark.req("BAL-2")
def test_a_slip_sheet_that_fails_to_render_leaves_no_slips_behind(world, login, monkeypatch):
    """The codes exist only in the sheet: if the PDF engine fails, the generation is rolled back."""
    from shuping.ballots import printing

    client = login(world.organizer_staff)
    box, _slips = make_box(world, open_box=False)
    ids = list(box.categories.values_list("id", flat=True))
    before = Credential.objects.filter(box=box).count()

    def broken(**_kwargs):
        raise RuntimeError("PDF 引擎不可用")

    monkeypatch.setattr(printing, "slips_pdf", broken)
    client.raise_request_exception = False
    failed = client.post(f"/ballots/{box.pk}/slips/", {f"count_{i}": 2 for i in ids})
    assert failed.status_code == 500, failed.content.decode()[-2000:]
    assert Credential.objects.filter(box=box).count() == before


@pytest.mark.req("BAL-1")
def test_setup_errors_are_shown_in_chinese_and_change_nothing(world, login):
    client = login(world.organizer_staff)
    box = services.create_box(actor=world.organizer_staff, organization=world.province, title="测评")
    response = client.post(
        f"/ballots/{box.pk}/setup/", {"subjects": "张三｜书记｜口头", "categories": "领导｜很重"}
    )
    assert response.status_code == 400  # a refused write draws the page again (SEC-6)
    text = response.content.decode()
    assert "述职方式应为" in text and "权重应为数字" in text
    assert not box.subjects.exists()


@pytest.mark.req("BAL-6", "EVA-9")
def test_turnout_polls_while_open_and_shows_no_tally(world, login):
    box, slips = make_box(world)
    vote(box, slips[0], grade="poor")
    client = login(world.organizer_staff)
    page = client.get(f"/ballots/{box.pk}/turnout/").content.decode()
    assert 'hx-trigger="every 3s"' in page and "1 / 8" in page
    tally = client.get(f"/ballots/{box.pk}/tally/").content.decode()
    assert "尚未封箱" in tally and 'id="tally"' not in tally


@pytest.mark.req("BAL-6", "BAL-8", "EVA-9")
def test_after_closing_the_tally_shows_and_raw_opinions_reach_organizer_staff_only(world, login, settings):
    settings.SHUPING_BALLOT_MIN_CATEGORY = 3
    box, slips = make_box(world, categories={"市级领导": 2, "部门负责人": 6})
    for slip in slips:
        vote(box, slip, grade="good", opinions={"general": f"意见：{slip.category}要加强调研"})
    client = login(world.organizer_staff)
    response = client.post(f"/ballots/{box.pk}/transition/", {"action": "close"})
    assert response.status_code == 302
    page = client.get(f"/ballots/{box.pk}/tally/").content.decode()
    assert 'id="tally"' in page and "100.0%" in page and "意见建议原文" in page and "要加强调研" in page
    # 2 of 市级领导 < k=3: never a line of their own, and not hidden either (the total minus 部门负责人
    # would give it): merged with the smallest published category (DSC-1) — here that is every category,
    # so the breakdown is the total itself.
    assert "合并后即为总体评价" in page and "市级领导</td>" not in page
    leader = Client()
    leader.force_login(world.department_leader)
    page = leader.get(f"/ballots/{box.pk}/tally/").content.decode()
    assert 'id="tally"' in page and "要加强调研" not in page


@pytest.mark.req("BAL-1")
def test_rehearsal_then_open_then_close_through_the_page(world, login):
    box, _ = make_box(world, open_box=False)
    client = login(world.organizer_staff)
    for action, status in (
        ("rehearse", "rehearsal"),
        ("end_rehearsal", "draft"),
        ("open", "open"),
        ("close", "closed"),
    ):
        client.post(f"/ballots/{box.pk}/transition/", {"action": action})
        box.refresh_from_db()
        assert box.status == status
    response = client.post(f"/ballots/{box.pk}/transition/", {"action": "open"})
    # SEC-6: a refused change draws the box page again with the refusal (400), nothing changed
    assert response.status_code == 400 and "不能变为" in response.content.decode()
    assert "封箱" in response.content.decode()
    box.refresh_from_db()
    assert box.status == "closed"
    unknown = client.post(f"/ballots/{box.pk}/transition/", {"action": "reopen"})
    assert unknown.status_code == 400 and "未知操作" in unknown.content.decode()


# --- /v/ ---------------------------------------------------------------------------------------------


def _post(client: Client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.mark.req("BAL-3")
def test_voting_responses_send_no_referrer_and_are_never_cached(world):
    _box, slips = make_box(world)
    client = Client(enforce_csrf_checks=True)
    page = client.get("/v/")
    started = _post(client, "/v/session", {"code": slips[0].code})
    ratings = {str(s["id"]): "good" for s in started.json()["box"]["subjects"]}
    submitted = _post(client, "/v/submit", {"token": started.json()["token"], "ratings": ratings})
    for response in (page, started, submitted):
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["Cache-Control"] == "no-store"
    assert submitted.status_code == 200 and len(submitted.json()["receipt"]) == 8
    assert "htmx" not in page.content.decode() and len(page.content) < 20_000  # a light page
    assert not client.cookies  # no cookie: nothing ambient to forge


@pytest.mark.req("BAL-3")
def test_voters_get_clear_chinese_messages_for_unknown_used_and_closed_slips(world):
    box, slips = make_box(world)
    client = Client()
    unknown = _post(client, "/v/session", {"code": "ABCDE-FGHJK"})
    assert unknown.status_code == 400 and "凭证码无效" in unknown.json()["detail"]
    vote(box, slips[0])
    used = _post(client, "/v/session", {"code": slips[0].code})
    assert used.status_code == 409 and used.json()["code"] == "used" and "已投过票" in used.json()["detail"]
    services.close_box(actor=world.organizer_staff, box=box)
    closed = _post(client, "/v/session", {"code": slips[1].code})
    assert (
        closed.status_code == 409 and closed.json()["code"] == "closed" and "封箱" in closed.json()["detail"]
    )
    garbage = client.post("/v/submit", b"not json", content_type="application/json")
    assert garbage.status_code == 400 and "格式" in garbage.json()["detail"]


@pytest.mark.req("BAL-3")
def test_the_voting_calls_skip_sessions_and_accounts_but_keep_the_security_headers(world, client):
    """PERF-1: POST /v/session and /v/submit bypass the session/auth middlewares (VotingFastPathMiddleware)."""
    _box, slips = make_box(world)
    started = _post(client, "/v/session", {"code": slips[0].code})
    assert started.status_code == 200
    assert "Vary" not in started or "Cookie" not in started["Vary"]  # no session was touched
    assert not started.cookies
    assert started["Referrer-Policy"] == "no-referrer" and "Content-Security-Policy" in started
    refused = client.post("/v/submit", "{}", content_type="application/json", HTTP_HOST="evil.example")
    assert refused.status_code == 400  # ALLOWED_HOSTS still applies
    assert client.get("/v/")["Referrer-Policy"] == "no-referrer"  # the page takes the full chain


@pytest.mark.req("BAL-1")
def test_a_closed_box_page_says_what_closing_means_instead_of_an_empty_actions_panel(world, login):
    client = login(world.organizer_staff)
    box, _slips = make_box(world)
    services.close_box(actor=world.organizer_staff, box=box)
    page = client.get(f"/ballots/{box.pk}/").content.decode()
    assert "已封箱：不再接受手机投票和纸质票录入" in page

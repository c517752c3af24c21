"""DSC-4: `/v/` under attack — one session per code, rate limits, no code in a query string.

The concurrency half runs against a real server (gunicorn, several workers and threads) on a scratch
database of the run's engine: PostgreSQL where DATABASE_URL names it (CI stage 2), else an SQLite file
with the production settings (WAL, BEGIN IMMEDIATE, busy timeout).
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import override_settings

from shuping.ballots import services
from shuping.ballots.models import BallotSession
from shuping.ballots.tests.factories import make_box

from .test_concurrency import ROOT, _env, _free_port, _run, scratch_database  # noqa: F401

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    """Counters of this test only: the same cache backend (Redis in CI stage 2) under a fresh key prefix,
    never a flush of a cache other tests share."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": uuid.uuid4().hex}}


def _start(client, code: str, *, replace: bool = False, address: str = "203.0.113.7"):
    return client.post(
        "/v/session",
        json.dumps({"code": code, "replace": replace}),
        content_type="application/json",
        REMOTE_ADDR=address,
    )


# --- one session per code ---------------------------------------------------------------------------


@pytest.mark.req("DSC-4")
def test_a_second_start_of_an_open_session_is_refused_until_the_voter_takes_it_over(world, client):
    box, slips = make_box(world)
    first = _start(client, slips[0].code)
    assert first.status_code == 200
    again = _start(client, slips[0].code)
    assert again.status_code == 409 and again.json()["code"] == "session_open"
    assert "另一部手机" in again.json()["detail"]
    assert BallotSession.objects.filter(credential__box=box).count() == 1
    moved = _start(client, slips[0].code, replace=True)
    assert moved.status_code == 200
    # The earlier page's session is gone; only the new one votes.
    ratings = {str(pk): "good" for pk in box.subjects.values_list("id", flat=True)}
    with pytest.raises(services.CredentialError) as expired:
        services.submit_ballot(token=first.json()["token"], ratings=ratings)
    assert expired.value.code == "session"
    assert services.submit_ballot(token=moved.json()["token"], ratings=ratings)
    assert BallotSession.objects.filter(credential__box=box).count() == 1


# --- rate limits --------------------------------------------------------------------------------------


@pytest.mark.req("DSC-4")
@override_settings(SHUPING_VOTE_FAILED_STARTS_PER_ADDRESS=5)
def test_wrong_codes_from_one_address_are_answered_429_after_the_limit_other_addresses_unaffected(
    world, client
):
    _box, slips = make_box(world)
    for _ in range(5):
        assert _start(client, "ZZZZZ-ZZZZZ").status_code == 400
    refused = _start(client, "ZZZZZ-ZZZZZ")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert CHINESE.search(refused.json()["detail"]) and "频繁" in refused.json()["detail"]
    # Even a right code waits out the window from that address; another address is served.
    assert _start(client, slips[0].code).status_code == 429
    assert _start(client, slips[0].code, address="198.51.100.9").status_code == 200


@pytest.mark.req("DSC-4")
@override_settings(SHUPING_VOTE_STARTS_PER_ADDRESS=3)
def test_session_starts_per_address_are_limited(world, client):
    _box, slips = make_box(world)
    assert [_start(client, s.code).status_code for s in slips[:4]] == [200, 200, 200, 429]
    assert _start(client, slips[4].code, address="198.51.100.9").status_code == 200


@pytest.mark.req("DSC-4")
@override_settings(SHUPING_VOTE_STARTS_PER_BOX=3)
def test_session_starts_per_box_are_limited_whatever_the_address(world, client):
    _box, slips = make_box(world)
    _other, other_slips = make_box(world, title="另一个票箱")
    answers = [_start(client, s.code, address=f"198.51.100.{n}").status_code for n, s in enumerate(slips[:4])]
    assert answers == [200, 200, 200, 429]
    refused = _start(client, slips[5].code, address="192.0.2.1")
    assert refused.status_code == 429 and "票箱" in refused.json()["detail"]
    assert _start(client, other_slips[0].code).status_code == 200


@pytest.mark.req("DSC-4")
def test_the_default_limits_serve_a_whole_venue_behind_one_nat_address(world, client):
    # 300 voters behind one address; each starts once, a tenth twice (a closed tab), and 40 mistype once.
    _box, slips = make_box(world, subjects=1, categories={"参会人员": 300})
    for n in range(40):
        wrong = f"ZZZZZ-ZZZ{services.CODE_ALPHABET[n % 31]}{services.CODE_ALPHABET[n // 31]}"
        assert _start(client, wrong).status_code == 400
    answers = [_start(client, s.code).status_code for s in slips]
    answers += [_start(client, s.code, replace=True).status_code for s in slips[::10]]
    assert answers == [200] * 330


# --- no code in a query string ------------------------------------------------------------------------


@pytest.mark.req("DSC-4")
@pytest.mark.parametrize(
    "url",
    [
        "/v/?code=ABCDE-FGHJK",
        "/v/?c=abcdefghjk",
        "/v/?from=singlemessage&code=ABCDE%20FGHJK",
        "/v/?ABCDEFGHJK",
    ],
)
def test_a_code_in_the_query_string_is_redirected_to_the_fragment_of_a_clean_url(client, url):
    response = client.get(url)
    assert response.status_code == 303
    assert response["Location"] == "/v/#ABCDE-FGHJK"
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "no-referrer"


@pytest.mark.req("DSC-4")
def test_any_query_string_under_v_is_cleaned_and_a_post_with_a_code_in_its_query_is_not_served(client):
    assert client.get("/v/?from=timeline")["Location"] == "/v/"
    assert client.get("/v/abc123/receipts?x=1")["Location"] == "/v/abc123/receipts"
    posted = client.post("/v/session?code=ABCDE-FGHJK", "{}", content_type="application/json")
    assert posted.status_code == 303 and posted["Location"] == "/v/#ABCDE-FGHJK"
    assert client.get("/v/").status_code == 200


# --- concurrency against a real server ----------------------------------------------------------------

SETUP = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.personas import build_world
from shuping.ballots.tests.factories import make_box
world = build_world()
box, slips = make_box(world, subjects=2, categories={"参会人员": 3})
print(json.dumps({"box": box.pk, "codes": [s.code for s in slips]}))
"""

SESSIONS = """
import json, django
django.setup()
from shuping.ballots.models import BallotSession
print(json.dumps({"sessions": BallotSession.objects.filter(credential__box_id=int(__import__("sys").argv[1])).count()}))
"""

BURST = 50


def _post(port: int, path: str, body: dict) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST", path, json.dumps(body), {"Content-Type": "application/json", "Connection": "close"}
        )
        response = conn.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw or b"{}")
        except ValueError:
            return response.status, {"raw": raw[:200].decode(errors="replace")}
    finally:
        conn.close()


def _burst(port: int, path: str, body: dict) -> list[tuple[int, dict]]:
    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(lambda _n: _post(port, path, body), range(BURST)))


@pytest.mark.req("DSC-4")
def test_fifty_concurrent_starts_of_one_code_give_one_session_and_409_never_500(scratch_database):  # noqa: F811
    env = _env(scratch_database)
    setup = _run(SETUP, env)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--workers", "2", "--worker-class", "gthread", "--threads", "25",
            "--bind", f"127.0.0.1:{port}", "--timeout", "60",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        first, second = setup["codes"][:2]

        answers = _burst(port, "/v/session", {"code": first})
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200] + [409] * (BURST - 1), answers
        for status, data in answers:
            if status == 409:
                assert data["code"] in ("session_open", "busy") and CHINESE.search(data["detail"]), data

        # Fifty pages all confirming "continue here" at once: still never a 500, and exactly one of the
        # tokens handed out can vote.
        taken = _burst(port, "/v/session", {"code": second, "replace": True})
        assert {status for status, _ in taken} <= {200, 409}, taken
        tokens = [data["token"] for status, data in taken if status == 200]
        assert tokens
        ratings_for = {str(s["id"]): "good" for s in next(d for s, d in taken if s == 200)["box"]["subjects"]}
        votes = [_post(port, "/v/submit", {"token": token, "ratings": ratings_for}) for token in tokens]
        assert sorted(status for status, _ in votes) == [200] + [409] * (len(tokens) - 1), votes
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert _run(SESSIONS, env, str(setup["box"]))["sessions"] == 2

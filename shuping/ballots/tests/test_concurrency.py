"""REL-1 / BAL-5: many voters at once against a real server process, a worker killed mid-run.

A scratch database is built for the run (PostgreSQL when DATABASE_URL names one — a fresh database on the
same server — else an SQLite file with the production settings: WAL, BEGIN IMMEDIATE, busy timeout),
gunicorn serves it with several worker processes, 64 threads vote over HTTP, and one worker is killed
with SIGKILL while requests are in flight. Clients retry failed requests with the same ballot session
(idempotent). Afterwards: accepted = stored = credentials consumed; 0 lost, 0 double.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shuping.ballots.receipts import receipt_digest

ROOT = Path(__file__).resolve().parents[3]
VOTERS = 96
CONCURRENCY = 64
WORKERS = 3

SETUP = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.personas import build_world
from shuping.ballots.tests.factories import make_box
world = build_world()
box, slips = make_box(world, subjects=5, categories={"市级领导": 32, "部门负责人": 32, "党代表": 32})
print(json.dumps({"box": box.pk, "codes": [s.code for s in slips]}))
"""

COUNT = """
import json, django
django.setup()
from shuping.ballots.models import Ballot, BallotSession, Credential
box = int(__import__("sys").argv[1])
print(json.dumps({
    "receipts": list(Ballot.objects.filter(box_id=box).values_list("receipt_hash", flat=True)),
    "used": Credential.objects.filter(box_id=box, is_used=True).count(),
    "sessions_with_receipt": BallotSession.objects.filter(credential__box_id=box, is_accepted=True).count(),
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def scratch_database(tmp_path):
    """A DATABASE_URL for a fresh database of the same engine as the test run; dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _, _name = url.rpartition("/")
        name = f"shuping_rel1_{uuid.uuid4().hex[:10]}"
        admin = f"{base}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        yield f"{base}/{name}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'rel1.sqlite3'}"


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.test", PYTHONPATH=str(ROOT))
    return env


def _run(script: str, env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _request(port: int, path: str, body: dict, timeout: float = 30) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST", path, json.dumps(body), {"Content-Type": "application/json", "Connection": "close"}
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


class Voters:
    """Thread-safe bookkeeping of what the voters saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.receipts: dict[int, str] = {}
        self.retries = 0
        self.completed = 0
        self.refusals: list[tuple[int, int, dict]] = []
        self.take_overs = 0
        self.duplicate_answers: list[tuple[str, str]] = []

    def call(self, port: int, path: str, body: dict) -> tuple[int, dict]:
        """POST with retries on connection errors and 5xx: the ballot session makes this safe."""
        return self.call_noting_retries(port, path, body)[:2]

    def call_noting_retries(self, port: int, path: str, body: dict) -> tuple[int, dict, bool]:
        """`call`, also saying whether an earlier attempt went unanswered (lost with a killed worker)."""
        for attempt in range(40):
            try:
                status, data = _request(port, path, body)
                if status < 500:
                    return status, data, attempt > 0
            except (OSError, http.client.HTTPException, ValueError):
                pass
            with self.lock:
                self.retries += 1
            time.sleep(0.05 * min(attempt + 1, 10))
        raise AssertionError(f"{path}: no answer after 40 attempts")


def _vote(port: int, voters: Voters, number: int, code: str, subjects: list[str] | None) -> None:
    status, started, retried = voters.call_noting_retries(port, "/v/session", {"code": code})
    for _ in range(20):  # 「请稍候几秒再试」: a retried exchange may meet its own first attempt still running
        if not (status == 409 and started.get("code") == "busy"):
            break
        time.sleep(0.5)
        status, started = voters.call(port, "/v/session", {"code": code})
        retried = True
    if status == 409 and started.get("code") == "session_open" and retried:
        # The exchange went through on the killed worker but its answer was lost; the page then offers
        # 「在本页继续投票」, which the voter takes (replace), ending the session nobody holds.
        with voters.lock:
            voters.take_overs += 1
        status, started = voters.call(port, "/v/session", {"code": code, "replace": True})
    if status != 200:
        with voters.lock:
            voters.refusals.append((number, status, started))
        return
    ratings = {
        str(s["id"]): ("good", "fairly_good", "average", "poor")[number % 4]
        for s in started["box"]["subjects"]
    }
    body = {"token": started["token"], "ratings": ratings}
    if number % 4 == 0:
        # The same session submitted twice at once (a double tap): both answers carry one receipt.
        with ThreadPoolExecutor(2) as pair:
            answers = list(pair.map(lambda _: voters.call(port, "/v/submit", body), range(2)))
        (s1, a1), (s2, a2) = answers
        assert s1 == s2 == 200, answers
        if a1["receipt"] != a2["receipt"]:
            with voters.lock:
                voters.duplicate_answers.append((a1["receipt"], a2["receipt"]))
        receipt = a1["receipt"]
    else:
        status, answer = voters.call(port, "/v/submit", body)
        assert status == 200, answer
        receipt = answer["receipt"]
    with voters.lock:
        voters.receipts[number] = receipt
        voters.completed += 1


def _worker_pids(master: int) -> list[int]:
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in text.split()]


@pytest.mark.slow
@pytest.mark.req("REL-1", "BAL-5")
def test_64_concurrent_voters_with_a_worker_killed_lose_and_double_nothing(scratch_database):
    env = _env(scratch_database)
    setup = _run(SETUP, env)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", "8",
            "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200 and len(_worker_pids(server.pid)) == WORKERS:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)

        voters = Voters()
        codes = setup["codes"][:VOTERS]
        killed: list[int] = []

        def killer() -> None:
            while voters.completed < VOTERS // 4:
                time.sleep(0.005)
            pids = _worker_pids(server.pid)
            os.kill(pids[0], signal.SIGKILL)  # one worker, never the master
            killed.append(pids[0])

        kill_thread = threading.Thread(target=killer, daemon=True)
        kill_thread.start()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            futures = [pool.submit(_vote, port, voters, n, code, None) for n, code in enumerate(codes)]
            for future in futures:
                future.result()
        kill_thread.join(timeout=5)
        assert killed, "no worker was killed"
        assert killed[0] not in _worker_pids(server.pid) and server.poll() is None

        # A used slip is refused, with the message voters see.
        status, refused = voters.call(port, "/v/session", {"code": codes[0]})
        assert status == 409 and refused["code"] == "used" and "已投过票" in refused["detail"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    stored = _run(COUNT, env, str(setup["box"]))
    accepted = set(voters.receipts.values())
    assert voters.refusals == [] and voters.duplicate_answers == []
    assert len(voters.receipts) == VOTERS  # every voter got an answer
    assert len(accepted) == VOTERS  # 0 double: one receipt per voter
    # stored = accepted, 0 lost, 0 double (ballots keep the receipts' keyed digests, DSC-3)
    assert sorted(stored["receipts"]) == sorted(receipt_digest(r) for r in accepted)
    assert stored["used"] == VOTERS  # credentials consumed = accepted
    assert stored["sessions_with_receipt"] == VOTERS
    print(
        f"REL-1: {VOTERS} voters, {CONCURRENCY} concurrent, worker {killed[0]} killed, {voters.retries} retries, {voters.take_overs} take-overs"
    )

"""`shuping bench ballots` (PERF-1): ballot submission over HTTP vs pgbench running the same SQL.

1. A scratch PostgreSQL database (DATABASE_URL if it names PostgreSQL, else postgres://root@127.0.0.1:5432/
   postgres as the maintenance database); migrated, one box with 20 subjects, open, and ballot sessions
   ready (each session = one credential exchanged for a token, so every HTTP request consumes its own).
2. The production server configuration: gunicorn (gthread) with config.settings.prod, keys and
   ALLOWED_HOSTS in the environment, SSL redirect off (SHUPING_SSL_REDIRECT=0; TLS ends at the proxy).
3. The SQL of one ballot request is captured from **PostgreSQL's statement log**: `ALTER DATABASE … SET
   log_statement = 'all'` for the scratch database only, one POST /v/submit, the log lines of that
   database read back from the server log, then the setting reset. The literals that identify this
   ballot (token hash, credential id, session id, ballot key) become pgbench variables, so
   each pgbench transaction consumes its own prepared credential exactly as a request would.
4. pgbench (64 clients) and wrk (64 connections, a Lua script handing out distinct tokens) run one after
   the other for the same time; ratio = HTTP ballots/s ÷ pgbench tx/s.
5. A paced load of 200 ballots/s (Python threads, send times fixed in advance so a slow answer cannot
   slow the sender — latency counted from the scheduled time) gives p50 / p99.

Progress goes to stderr through `log`; every child process's output is captured, and all are stopped
before the result is returned, so the JSON line the bench command prints is the last line.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POSTGRES = "postgres://root@127.0.0.1:5432/postgres"
TARGET_RATIO = 0.25
TARGET_P99_MS = 250.0
CONNECTIONS = 64
SUBJECTS = 20
PACED_RATE = 200

SETUP = r"""
import json, secrets, sys
import django
from django.conf import settings


# Tables straight from the models (as `pytest --nomigrations` does): the same schema, made in a fraction
# of the time of replaying every app's migrations (`makemigrations --check` keeps the two equal).
class _NoMigrations(dict):

    def __contains__(self, app):
        return True

    def __getitem__(self, app):
        return None


settings.MIGRATION_MODULES = _NoMigrations()
django.setup()
from django.core.management import call_command
call_command("migrate", run_syncdb=True, verbosity=0)
from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant, User
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.services import create_organization
from shuping.ballots import services
from shuping.ballots.models import BallotSession, Credential
from shuping.ballots.receipts import receipt_digest, seal_receipt

http_sessions, pgbench_rows = int(sys.argv[1]), int(sys.argv[2])
org = create_organization(name="中共基准省委员会", short_name="基准省委", code="BENCH-P",
                          kind=OrgKind.LOCAL_COMMITTEE, admin_level=AdminLevel.PROVINCE, parent=None)
user = User(username="bench-organizer", full_name="基准 组织科")
user.set_unusable_password()
user.save()
RoleGrant.objects.create(user=user, role=Role.ORGANIZER_STAFF, organization=org, include_subtree=True)
box = services.create_box(actor=user, organization=org, title="PERF-1 基准测评")
services.set_up_box(actor=user, box=box,
    subjects=[services.SubjectInput(name=f"对象{i + 1:02d}", post=f"第{i + 1}县委书记") for i in range(20)],
    categories=[services.CategoryInput("市级领导"), services.CategoryInput("部门负责人")])
categories = list(box.categories.values_list("id", flat=True))
services.generate_credentials(actor=user, box=box, counts={categories[0]: 1})
services.open_box(actor=user, box=box)
# Sessions as start_session leaves them (credential exchanged for a token), made in bulk: the bench
# measures ballot submission, not 40,000 code exchanges.
tokens = []
for start in range(0, http_sessions, 5000):
    n = min(5000, http_sessions - start)
    creds = Credential.objects.bulk_create(
        Credential(box=box, category_id=categories[(start + i) % 2], code_hash=secrets.token_hex(32))
        for i in range(n))
    batch = []
    for cred in creds:
        token = services.new_session_token(box)
        tokens.append(token)
        receipt = "".join(secrets.choice(services.RECEIPT_ALPHABET) for _ in range(8))
        token_hash = services.session_hash(token)
        batch.append(BallotSession(credential=cred, token_hash=token_hash, receipt_hash=receipt_digest(receipt),
                                   receipt_sealed=seal_receipt(receipt, token_hash)))
    BallotSession.objects.bulk_create(batch)
subjects = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
print(json.dumps({"box": box.pk, "category": categories[0], "subjects": subjects, "tokens": tokens,
                  "token_hashes": [services.session_hash(t) for t in tokens[:1]]}))
"""

WRK_LUA = r"""
local tokens = {}
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local threads, counter = %(threads)d, 0
local id = 0
local body_head = '{"ratings": %(ratings)s, "token": "'
function setup(thread) thread:set("id", id); id = id + 1 end
function init(args) counter = 0 end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
  local i = id + counter * threads + 1
  counter = counter + 1
  local token = tokens[i] or "exhausted"
  return wrk.format(nil, "/v/submit", nil, body_head .. token .. '"}')
end
"""


def _row(cursor: Any) -> tuple[Any, ...]:
    """The one row a query must return (psycopg's fetchone() is None when there is none)."""
    row = cursor.fetchone()
    if row is None:
        raise RuntimeError("查询没有返回结果")
    return row


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_base() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else DEFAULT_POSTGRES


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise RuntimeError(f"找不到 {name}：请安装（Debian: apt-get install wrk postgresql-contrib）。")


def _ratings(subjects: list[str]) -> str:
    grades = ["good", "fairly_good", "average", "poor"]
    return json.dumps({s: grades[i % 4] for i, s in enumerate(subjects)})


def _post(port: int, body: bytes, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/v/submit", body, {"Content-Type": "application/json", "Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


def _end_backends(admin, database: str) -> None:
    """Terminate the server's connections to the scratch database (the workers reconnect on next use)."""
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [database],
    )
    time.sleep(0.2)


def _server_log_path(admin) -> Path | None:
    """Where this cluster writes its log: the collector's file, or Debian's stderr log file."""
    collector = admin.execute("SHOW logging_collector").fetchone()[0]
    if collector == "on":
        directory = Path(admin.execute("SHOW log_directory").fetchone()[0])
        if not directory.is_absolute():
            directory = Path(admin.execute("SHOW data_directory").fetchone()[0]) / directory
        files = sorted(directory.glob("*"), key=lambda p: p.stat().st_mtime)
        return files[-1] if files else None
    version = admin.execute("SHOW server_version_num").fetchone()[0][:2]
    candidate = Path(f"/var/log/postgresql/postgresql-{version}-main.log")
    return candidate if candidate.exists() else None


STATEMENT = re.compile(r"LOG:\s+statement: (.*)")


def _statements(log_text: str, database: str) -> list[str]:
    """The statements logged for `database`, joining continuation lines."""
    out: list[str] = []
    current: list[str] | None = None
    for line in log_text.splitlines():
        if re.match(r"^\d{4}-\d\d-\d\d ", line):
            if current is not None:
                out.append("\n".join(current))
                current = None
            if f"@{database} " in line:
                m = STATEMENT.search(line)
                if m:
                    current = [m.group(1)]
        elif current is not None:
            current.append(line)
    if current is not None:
        out.append("\n".join(current))
    return out


def _pgbench_script(statements: list[str], literals: dict[str, str]) -> str:
    """The captured transaction with its ballot-specific literals replaced by pgbench variables."""
    # n = 1, 2, 3 … distinct across clients, counted client-side (no extra statement): client c's k-th
    # transaction gets n = (k - 1) × clients + c + 1.
    lines = [
        "\\set k :k + 1",
        "\\set n (:k - 1) * :clients + :client_id + 1",
        "\\set cid :n + :cbase",
        "\\set sid :n + :sbase",
    ]
    for sql in statements:
        for literal, variable in literals.items():
            sql = sql.replace(literal, variable)
        sql = re.sub(
            r"'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'", "gen_random_uuid()", sql
        )
        sql = re.sub(r"'[0-9a-f]{32}'(::uuid)?", "gen_random_uuid()", sql)
        lines.append(" ".join(sql.split()) + ";")
    return "\n".join(lines) + "\n"


def _paced(port: int, bodies: list[bytes], rate: int, log) -> tuple[list[float], int]:
    """Send `bodies` at `rate`/s; latency from each request's scheduled time (no coordinated omission)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    start = time.perf_counter() + 0.5
    index = iter(range(len(bodies)))

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(index, None)
            if i is None:
                break
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                status, _ = _post(port, bodies[i], conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            elapsed = (time.perf_counter() - due) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors += 1
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(48)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(latencies), errors


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def run_ballots_bench(*, log, size: int | None = None, rounds: int | None = None) -> dict[str, Any]:
    """PERF-1. `size` = seconds per throughput run (default 10); `rounds` = seconds of paced load (15)."""
    import psycopg

    seconds = size or 10
    paced_seconds = rounds or 15
    base = _postgres_base()
    prefix, _, _ = base.rpartition("/")
    name = f"shuping_perf1_{uuid.uuid4().hex[:8]}"
    admin_url = f"{prefix}/postgres"
    url = f"{prefix}/{name}"
    wrk, pgbench = _tool("wrk"), _tool("pgbench")
    workdir = Path(tempfile.mkdtemp(prefix="perf1-"))
    server: subprocess.Popen | None = None
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SHUPING_SECRET_KEY=secrets.token_urlsafe(50),
        SHUPING_DATA_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        # Production settings require the audit checkpoint key too (INT-2).
        SHUPING_AUDIT_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        SHUPING_ALLOWED_HOSTS="127.0.0.1,localhost",
        SHUPING_SSL_REDIRECT="0",
        PYTHONPATH=str(ROOT),
    )
    env.pop("REDIS_URL", None)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    http_sessions = max(4000, int(seconds * 1500 + paced_seconds * PACED_RATE + 100))
    pgbench_rows = max(20000, seconds * 8000)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        log(
            f"PERF-1：临时数据库 {name}，迁移并准备 1 个票箱（{SUBJECTS} 位对象）、{http_sessions} 个投票会话 …"
        )
        done = subprocess.run(  # noqa: S603 - fixed argument lists, no shell
            [sys.executable, "-c", SETUP, str(http_sessions), str(pgbench_rows)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError("准备数据失败：" + done.stderr[-2000:])
        setup = json.loads(done.stdout.strip().splitlines()[-1])
        tokens: list[str] = setup["tokens"]
        ratings = _ratings(setup["subjects"])
        body = lambda token: ('{"ratings": ' + ratings + ', "token": "' + token + '"}').encode()  # noqa: E731

        port = _free_port()
        workers = max(2, cpus * 2)
        log(f"启动生产配置 gunicorn：{workers} 个进程 × 8 线程，端口 {port} …")
        server = subprocess.Popen(  # noqa: S603 - fixed argument lists, no shell
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--worker-class", "gthread",
             "--workers", str(workers), "--threads", "8", "--bind", f"127.0.0.1:{port}",
             "--backlog", "2048", "--timeout", "60", "--graceful-timeout", "3", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn 未能启动")
            time.sleep(0.3)
        cursor = 0
        # Warm every worker (imports, caches) before anything is measured or captured.
        for _ in range(workers * 3):
            _post(port, body(tokens[cursor]))
            cursor += 1

        log("从 PostgreSQL 语句日志捕获一次投票请求的 SQL …")
        with psycopg.connect(admin_url, autocommit=True) as admin:
            log_path = _server_log_path(admin)
            if log_path is None:
                raise RuntimeError(
                    "找不到 PostgreSQL 服务器日志（logging_collector 关闭且无 Debian 日志文件）"
                )
            admin.execute(f"ALTER DATABASE \"{name}\" SET log_statement = 'all'")
            # The workers hold persistent connections opened before the setting: end them, so every worker
            # reconnects (Django's health check) with statement logging on, then warm them up again.
            _end_backends(admin, name)
        for _ in range(workers * 3):
            _post(port, body(tokens[cursor]))
            cursor += 1
        # Capture one request at a time until one ran on a connection that had served a request before
        # (as in steady state: it starts with Django's health check), at most 5 tries.
        for _attempt in range(5):
            time.sleep(0.3)
            offset = log_path.stat().st_size
            token = tokens[cursor]
            cursor += 1
            status, answer = _post(port, body(token))
            if status != 200:
                raise RuntimeError(f"捕获用的投票请求失败：{status} {answer[:200]!r}")
            time.sleep(0.5)
            with log_path.open("rb") as fh:
                fh.seek(offset)
                captured = _statements(fh.read().decode("utf-8", "replace"), name)
            # Everything the request sent: its ballot SQL, transaction control, Django's health check.
            statements = [
                s for s in captured if "ballots_" in s or s.strip().upper() in ("BEGIN", "COMMIT", "SELECT 1")
            ]
            if any(s.strip().upper() == "SELECT 1" for s in statements):
                break
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" RESET log_statement')
            _end_backends(admin, name)  # and back to connections that log nothing
        for _ in range(workers * 3):
            _post(port, body(tokens[cursor]))
            cursor += 1
        # The session this request used: its token hash is a literal of the captured ballot statement (the
        # receipt no longer is: the ballot takes the session's receipt digest, DSC-3).
        hashes = {h for s in statements for h in re.findall(r"token_hash = '([0-9a-f]{64})'", s)}
        with psycopg.connect(url, autocommit=True) as db:
            token_hash = _row(
                db.execute(
                    "SELECT s.token_hash, s.id, s.credential_id FROM ballots_ballotsession s "
                    "WHERE s.is_accepted AND s.token_hash = ANY(%s)",
                    [sorted(hashes)],
                )
            )
        log(f"一次投票请求发出 {len(captured)} 条语句（事务内 {len(statements)} 条）：")
        for s in statements:
            log("  " + " ".join(s.split())[:160])
        (workdir / "captured.sql").write_text("\n".join(captured))

        # pgbench rows: the same box, fresh credentials and sessions numbered n = 1 … rows.
        log(f"为 pgbench 准备 {pgbench_rows} 个凭证和会话 …")
        with psycopg.connect(url, autocommit=True) as db:
            cbase = _row(db.execute("SELECT coalesce(max(id), 0) FROM ballots_credential"))[0]
            db.execute(
                "INSERT INTO ballots_credential (id, box_id, category_id, code_hash, is_used, is_rehearsal, is_voided) "
                "SELECT %s + n, %s, %s, 'pgb' || n, false, false, false FROM generate_series(1, %s) n",
                [cbase, setup["box"], setup["category"], pgbench_rows],
            )
            db.execute(
                "SELECT setval(pg_get_serial_sequence('ballots_credential', 'id'), %s)",
                [cbase + pgbench_rows],
            )
            sbase = _row(db.execute("SELECT coalesce(max(id), 0) FROM ballots_ballotsession"))[0]
            db.execute(
                "INSERT INTO ballots_ballotsession (id, credential_id, token_hash, receipt_hash, receipt_sealed, "
                "is_accepted) SELECT %s + n, %s + n, 'tok' || n, 'pgb' || n, '\\x00'::bytea, false "
                "FROM generate_series(1, %s) n",
                [sbase, cbase, pgbench_rows],
            )
            db.execute(
                "SELECT setval(pg_get_serial_sequence('ballots_ballotsession', 'id'), %s)",
                [sbase + pgbench_rows],
            )
            db.execute("ANALYZE")
        literals = {
            f"'{token_hash[0]}'": "'tok:n'",
            f"= {token_hash[1]}": "= :sid",
            f"= {token_hash[2]}": "= :cid",
        }
        script = _pgbench_script(statements, literals)
        (workdir / "ballot.sql").write_text(script)
        log("pgbench 脚本：\n" + script)

        log(f"pgbench：{CONNECTIONS} 个客户端，{seconds} 秒 …")
        bench = subprocess.run(  # noqa: S603 - fixed argument lists, no shell
            [pgbench, "-n", "-c", str(CONNECTIONS), "-j", str(min(CONNECTIONS, max(2, cpus))), "-T", str(seconds),
             "-D", f"cbase={cbase}", "-D", f"sbase={sbase}", "-D", "k=0", "-D", f"clients={CONNECTIONS}", "-f", str(workdir / "ballot.sql"), url],
            capture_output=True, text=True, timeout=seconds + 120,
        )  # fmt: skip
        match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", bench.stdout)
        failed = re.search(r"number of failed transactions: (\d+)", bench.stdout)
        if bench.returncode != 0 or match is None:
            raise RuntimeError("pgbench 失败：" + (bench.stderr or bench.stdout)[-2000:])
        pgbench_tps = float(match.group(1))
        processed = re.search(r"number of transactions actually processed: (\d+)", bench.stdout)
        with psycopg.connect(url, autocommit=True) as db:
            pgbench_ballots = _row(
                db.execute("SELECT count(*) FROM ballots_ballot WHERE receipt_hash LIKE 'pgb%%'")
            )[0]
        if processed is None or pgbench_ballots != int(processed.group(1)):
            raise RuntimeError(
                f"pgbench 的事务数（{processed and processed.group(1)}）与存下的选票数（{pgbench_ballots}）不符"
            )
        log(f"pgbench：{pgbench_tps:.0f} 事务/秒（失败 {failed.group(1) if failed else '?'}）")

        remaining = tokens[cursor:]
        paced_count = paced_seconds * PACED_RATE
        wrk_tokens, paced_tokens = remaining[: len(remaining) - paced_count], remaining[-paced_count:]
        (workdir / "tokens.txt").write_text("\n".join(wrk_tokens) + "\n")
        threads = min(CONNECTIONS, max(2, cpus))
        (workdir / "ballot.lua").write_text(
            WRK_LUA
            % {"tokens": workdir / "tokens.txt", "threads": threads, "ratings": json.dumps(ratings)[1:-1]}
        )
        log(f"wrk：{CONNECTIONS} 个连接，{seconds} 秒 …")
        run = subprocess.run(  # noqa: S603 - fixed argument lists, no shell
            [wrk, "-t", str(threads), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency", "--timeout", "30s",
             "-s", str(workdir / "ballot.lua"), f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=seconds + 120,
        )  # fmt: skip
        rps = re.search(r"Requests/sec:\s+([\d.]+)", run.stdout)
        total = re.search(r"(\d+) requests in", run.stdout)
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", run.stdout)
        socket_errors = re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", run.stdout
        )
        if run.returncode != 0 or rps is None or total is None:
            raise RuntimeError("wrk 失败：" + (run.stderr or run.stdout)[-2000:])
        wrk_errors = int(non2xx.group(1)) if non2xx else 0
        if socket_errors:
            wrk_errors += sum(int(g) for g in socket_errors.groups())
        if int(total.group(1)) > len(wrk_tokens):
            raise RuntimeError("wrk 发出的请求多于准备的投票会话，请增大准备数量")
        http_rate = float(rps.group(1))
        log(f"wrk：{http_rate:.0f} 张选票/秒，错误 {wrk_errors}")

        log(f"稳定负载：{PACED_RATE} 张/秒，{paced_seconds} 秒 …")
        latencies, paced_errors = _paced(port, [body(t) for t in paced_tokens], PACED_RATE, log)
        p50, p99 = _percentile(latencies, 50), _percentile(latencies, 99)
        log(f"稳定负载：p50 {p50:.1f} ms，p99 {p99:.1f} ms，错误 {paced_errors}")
        with psycopg.connect(url, autocommit=True) as db:
            stored = _row(
                db.execute(
                    "SELECT count(*) FROM ballots_ballot b WHERE b.box_id = %s AND b.receipt_hash NOT LIKE 'pgb%%'",
                    [setup["box"]],
                )
            )[0]
        log(f"服务器存下的 HTTP 选票：{stored} 张")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        try:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.Error:
            log(f"未能删除临时数据库 {name}")
        shutil.rmtree(workdir, ignore_errors=True)
    ratio = http_rate / pgbench_tps if pgbench_tps else 0.0
    errors = wrk_errors + paced_errors
    return {
        "bench": "ballots",
        "ratio": round(ratio, 4),
        "target": TARGET_RATIO,
        "http_ballots_per_s": round(http_rate, 1),
        "pgbench_tps": round(pgbench_tps, 1),
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "errors": errors,
        "statements_per_ballot": len(statements),
        "connections": CONNECTIONS,
        "met": bool(ratio >= TARGET_RATIO and errors == 0 and p99 < TARGET_P99_MS),
    }


BENCHES = {"ballots": run_ballots_bench}

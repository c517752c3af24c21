"""Oversight benches (SPEC §12): `shuping bench dashboards` (PERF-2), `import` (PERF-3), `pages` (PERF-5).

Each needs PostgreSQL: the server `DATABASE_URL` names when it names one, else
postgres://root@127.0.0.1:5432/postgres. The national data (shuping.oversight.national) is generated and
cached once, loaded into the scratch database `shuping_bench`, and the measuring runs in a child process
(`shuping oversight_bench_worker NAME`) whose DATABASE_URL is the scratch database — so the app's own
selectors, services and pages run unchanged against it. Its stdout (one JSON line) is read here, its
stderr forwarded to `log`; it has ended before this returns, so nothing follows the bench's JSON line.

No Django import at module level.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

Log = Callable[[str], None]


def _worker(name: str, url: str, log: Log, *args: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "shuping.cli", "oversight_bench_worker", name, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None and proc.stdout is not None
    for line in proc.stderr:
        log(line.rstrip("\n"))
    out = proc.stdout.read()
    code = proc.wait()
    if code:
        raise RuntimeError(f"oversight_bench_worker {name} exited with {code}")
    return json.loads(out.strip().splitlines()[-1])


def _opts(size: int | None, rounds: int | None) -> list[str]:
    out = []
    if size:
        out += ["--size", str(size)]
    if rounds:
        out += ["--rounds", str(rounds)]
    return out


def run_dashboards(*, log: Log, size: int | None = None, rounds: int | None = None) -> dict[str, Any]:
    from . import national

    url = national.ensure_loaded(log=log, total=size or national.TOTAL)
    return _worker("dashboards", url, log, *_opts(size, rounds))


def run_import(*, log: Log, size: int | None = None, rounds: int | None = None) -> dict[str, Any]:
    from . import national

    url = national.create_database("shuping_bench_import", log=log, fresh=True)
    return _worker("import", url, log, *_opts(size, rounds))


def run_pages(*, log: Log, size: int | None = None, rounds: int | None = None) -> dict[str, Any]:
    from . import national

    url = national.ensure_loaded(log=log, total=size or national.TOTAL)
    return _worker("pages", url, log, *_opts(size, rounds))


BENCHES = {"dashboards": run_dashboards, "import": run_import, "pages": run_pages}

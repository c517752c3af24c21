"""Smoke test of the oversight benches' output contract (SPEC §11): a small national tree, the JSON line
last with bench / ratio / target / met. Needs the PostgreSQL server (the benches always do); slow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _server_up() -> bool:
    try:
        import psycopg

        from shuping.oversight.national import database_url

        # The server, not DATABASE_URL's own database (CI names one that pytest never creates).
        psycopg.connect(database_url("postgres"), connect_timeout=3).close()
        return True
    except Exception:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("name", ["dashboards", "import", "pages"])
def test_bench_prints_its_json_line_last(name, tmp_path):
    # Needs a PostgreSQL server: without one this test fails, never skips (INT-4; CI allows no skip).
    assert _server_up(), "需要 PostgreSQL 服务器（127.0.0.1:5432）"
    env = {**os.environ, "SHUPING_BENCH_CACHE": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "shuping.cli", "bench", name, "--size", "20000", "--rounds", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    last = result.stdout.rstrip("\n").splitlines()[-1]
    data = json.loads(last)
    assert data["bench"] == name and {"ratio", "target", "met"} <= set(data)
    assert result.stdout.rstrip("\n").endswith(last)

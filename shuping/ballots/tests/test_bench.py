"""PERF-1 bench output contract (SPEC §11): a tiny run prints one JSON object as the very last line.

Not timed and not req-marked: the figures are the bench's business (docs/performance.md); this only
checks the format with a few seconds of load. It needs PostgreSQL, wrk and pgbench on the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_the_ballots_bench_ends_with_its_json_line(tmp_path):
    # Needs wrk and pgbench: without them this test fails, never passes untested (INT-4).
    assert shutil.which("wrk") and shutil.which("pgbench"), (
        "wrk and pgbench are needed (apt-get install wrk postgresql-client)"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "bench", "ballots", "--size", "2", "--rounds", "2"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.endswith("\n") and done.stdout.strip().count("\n") == 0  # the only stdout line
    result = json.loads(done.stdout)
    assert result["bench"] == "ballots" and result["target"] == 0.25
    for key in ("ratio", "http_ballots_per_s", "pgbench_tps", "p50_ms", "p99_ms", "errors", "met"):
        assert key in result
    assert result["met"] == (result["ratio"] >= 0.25 and result["errors"] == 0 and result["p99_ms"] < 250)
    assert "pgbench" in done.stderr and "wrk" in done.stderr  # progress went to stderr

"""PERF-4: `shuping bench documents` ends with one JSON line (the figures themselves are not tested)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.req("PERF-4")
@pytest.mark.slow
def test_the_documents_bench_ends_with_its_json_line_after_everything_else():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}

    # stdout and stderr in one pipe: nothing, from this process or its workers, may follow the JSON line.
    finished = subprocess.run(
        [sys.executable, "manage.py", "bench", "documents", "--size", "4", "--rounds", "1"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )

    assert finished.returncode == 0, finished.stdout
    last = finished.stdout.rstrip("\n").splitlines()[-1]
    result = json.loads(last)
    assert result["bench"] == "documents"
    assert {"forms_per_s", "weasyprint_forms_per_s", "ratio", "target", "met"} <= result.keys()
    assert result["ratio"] == pytest.approx(
        result["forms_per_s"] / result["weasyprint_forms_per_s"], rel=0.05
    )
    assert isinstance(result["met"], bool)
    assert "进程" in finished.stdout  # progress went to stderr, before the result


def test_an_unknown_bench_name_lists_the_known_ones(capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"未知的基准测试：nope。可用的有：.*documents"):
        call_command("bench", "nope")

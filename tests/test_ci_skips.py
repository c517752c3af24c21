"""INT-4: CI fails on any skipped test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPING = """
import pytest

def test_that_needs_a_missing_tool():
    pytest.skip("tool missing")
"""


def _run(tmp_path: Path, ci: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_skipping.py").write_text(SKIPPING)
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.ci_skips", "-p", "no:django", "-p", "no:cacheprovider",
         "-q", "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.req("INT-4")
def test_a_skipped_test_fails_under_ci_and_only_skips_elsewhere(tmp_path):
    under_ci = _run(tmp_path, "true")
    assert under_ci.returncode == 1, under_ci.stdout
    assert "CI allows no skipped test" in under_ci.stdout
    locally = _run(tmp_path, "")
    assert locally.returncode == 0 and "1 skipped" in locally.stdout, locally.stdout

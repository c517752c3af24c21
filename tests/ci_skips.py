"""A pytest plugin (registered by the root conftest.py): under CI a skipped test is a failure (INT-4).

`.ci/run` exports CI=true. A test that needs an optional tool (poppler, Chromium, wrk, a PostgreSQL
server) must fail without it; tests that only make sense on PostgreSQL are deselected on SQLite
(`postgres_only`, tests/fixtures.py), which is not a skip. No Django import, so it can be tested alone.
"""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") == "true" and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"CI allows no skipped test (INT-4): {report.longrepr}"

"""Fixtures for the jobs tests: unthrottled progress, an observer hook, a user and a job."""

from __future__ import annotations

import pytest

from shuping.jobs.tests import sample_tasks

# The persona world lives in tests/conftest.py, which pytest applies only below tests/.
from tests.conftest import login, world  # noqa: F401


@pytest.fixture(autouse=True)
def _unthrottled_progress(settings):
    # Every progress call writes, so tests can assert each step without depending on the clock.
    settings.SHUPING_JOB_PROGRESS_INTERVAL = 0


@pytest.fixture
def observe():
    """Install a function called by the sample tasks at each step; removed after the test."""

    def install(function):
        sample_tasks.OBSERVE = function

    yield install
    sample_tasks.OBSERVE = None


@pytest.fixture
def database_queue(settings):
    """The production backend: django-tasks-db's queue, worked by `shuping worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

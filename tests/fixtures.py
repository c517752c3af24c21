"""Shared fixtures for every test (registered as a plugin by the root conftest.py): the persona world,
database flavour, hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from django.db import connection
from hypothesis import HealthCheck, settings

from tests.personas import PASSWORD, build_world

# CONVENTIONS: a hypothesis profile without deadlines by default (no test depends on wall-clock speed).
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "default")


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """Sign a persona in on the test client: `login(world.organizer_staff)`."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def persona_password() -> str:
    return PASSWORD


def pytest_collection_modifyitems(config, items):
    # A req-marked test never skips on PostgreSQL (CONVENTIONS): guard against postgres_only + req mixes
    # the other way round — postgres_only tests are deselected on SQLite (not run, and not a skip: CI
    # allows no skip, INT-4); the PostgreSQL stage runs them.
    pg = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if pg:
        return
    deselected = [item for item in items if item.get_closest_marker("postgres_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]

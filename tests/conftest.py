"""Kept for modules that import fixtures from here; the fixtures live in tests/fixtures.py."""

from tests.fixtures import login, on_postgres, persona_password, world  # noqa: F401

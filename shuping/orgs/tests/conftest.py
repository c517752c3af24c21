"""Fixtures for the orgs tests: the persona world from tests/conftest.py (applied by pytest only below tests/)."""

from tests.conftest import login, world  # noqa: F401

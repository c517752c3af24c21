"""Fixtures for the ballot tests: the persona world from tests/conftest.py."""

from tests.conftest import login, world  # noqa: F401

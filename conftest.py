"""Root conftest: makes the shared fixtures (tests/fixtures.py) available to every test, including the
app tests under shuping/<app>/tests/."""

pytest_plugins = ["tests.fixtures", "tests.ci_skips"]

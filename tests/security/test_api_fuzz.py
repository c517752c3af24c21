"""REL-4 / SEC-6: schemathesis over /api/v1/openapi.json — no input gives a server error.

Every operation of the published schema is called with generated valid and invalid input (hypothesis,
a bounded budget per operation) through the Django WSGI application against the test database, once
anonymously and once as the signed-in organizer staff persona (session cookie and CSRF token, as the
web pages send them). Checks: no 5xx, and where the schema documents the status, the response body
conforms to it.

Malformed imports (the other half of REL-4: row-level errors, nothing written) are tested in
shuping/orgs/tests/test_imports.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

#: Examples per operation and mode; CI keeps the whole test within a few minutes.
MAX_EXAMPLES = int(os.environ.get("SHUPING_FUZZ_EXAMPLES", "20"))


@dataclass
class Findings:
    server_errors: list[str] = field(default_factory=list)
    nonconforming: list[str] = field(default_factory=list)
    calls: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


def _fuzz_operation(
    operation, mode: GenerationMode, credentials: dict[str, dict[str, str]], findings: Findings
) -> None:
    where = f"{operation.method.upper()} {operation.path}"

    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        response = case.call(**credentials)
        findings.calls += 1
        findings.statuses[response.status_code] = findings.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            findings.server_errors.append(f"{where} → {response.status_code}: {case.as_curl_command()}")
            return
        if mode is GenerationMode.POSITIVE and 200 <= response.status_code < 300:
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except (Failure, FailureGroup) as failure:
                findings.nonconforming.append(f"{where} → {response.status_code}: {failure}")

    run()


def _fuzz(schema, credentials: dict[str, dict[str, str]], findings: Findings) -> None:
    for result in schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(result.ok(), mode, credentials, findings)


def _session_headers(client, user) -> dict[str, dict[str, str]]:
    client.force_login(user)
    session = client.cookies["sessionid"].value
    csrf = _get_new_csrf_string()
    return {"headers": {"X-CSRFToken": csrf}, "cookies": {"sessionid": session, "csrftoken": csrf}}


@pytest.mark.slow
@pytest.mark.req("REL-4", "SEC-6")
def test_no_api_input_gives_a_server_error(world, client):
    # Like Django's test client: requests must not close the test's database connection (on PostgreSQL
    # that would end the test transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        operations = [r.ok() for r in schema.get_all_operations()]
        assert len(operations) >= 5
        findings = Findings()
        _run(schema, client, world, findings)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert findings.calls >= len(operations)
    assert findings.server_errors == [], "\n".join(findings.server_errors[:20])
    assert findings.nonconforming == [], "\n".join(findings.nonconforming[:20])


def _run(schema, client, world, findings: Findings) -> None:
    _fuzz(schema, {}, findings)  # anonymous: 401 everywhere but public operations, never a 500
    anonymous = dict(findings.statuses)
    _fuzz(schema, _session_headers(client, world.organizer_staff), findings)
    signed_in = {code: n - anonymous.get(code, 0) for code, n in findings.statuses.items()}
    print(f"schemathesis: {findings.calls} calls; anonymous {anonymous}; signed in {signed_in}")
    # The signed-in pass really is signed in and gets past CSRF: some calls succeed.
    assert sum(n for code, n in signed_in.items() if 200 <= code < 300) > 0

"""DSC-4: no logger at any level writes a voting code, a receipt or a `/p/` token.

Django's logging is configured as in production (config/settings/base.py LOGGING over Django's defaults),
then every logger is turned to DEBUG and a capturing handler is put on the root and on every logger that
does not propagate; SQL logging is forced on (`django.db.backends` with its parameters) whether DEBUG is
on or off. A phone vote (a code in a query string, a wrong code, a session, a ballot, a double tap, the
receipt check) and a publication visit (page, opinion, a wrong token) go through the real middleware and
views. Every record — message, every attribute, exception text — and the output of the production
handlers (plain and JSON formatters) is searched for the secrets used.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django.utils.log import configure_logging

from config.settings import base
from shuping.ballots import services as ballot_services
from shuping.ballots.tests.factories import make_box
from shuping.core.logging import JsonFormatter
from shuping.reports import publication
from shuping.reports import services as report_services
from shuping.reports.tests.conftest import GOOD, setup  # noqa: F401


class Capture(logging.Handler):
    """Takes each record as it arrives — first of all handlers, before any handler's filter ran — and keeps
    its message, the repr of every attribute and the exception text."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.names: set[str] = set()
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.names.add(record.name)
        self.texts.append(record.getMessage())
        self.texts.extend(repr(value) for value in vars(record).values())
        if record.exc_info:
            self.texts.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture
def every_record(settings):
    """Production logging at DEBUG everywhere, plus a capturing handler; restored afterwards."""
    configure_logging(settings.LOGGING_CONFIG, base.LOGGING)
    production_output = io.StringIO()
    json_output = io.StringIO()
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(production_output)
            handler.setLevel(logging.DEBUG)
    json_handler = logging.StreamHandler(json_output)
    json_handler.setFormatter(JsonFormatter())
    capture = Capture()
    loggers = [root] + [
        logging.getLogger(name) for name, obj in logging.root.manager.loggerDict.items()
        if isinstance(obj, logging.Logger)
    ]  # fmt: skip
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is root or not logger.propagate:
            logger.handlers.insert(0, capture)  # before the production handlers and their filters
            logger.addHandler(json_handler)
    connection.force_debug_cursor = True
    try:
        yield capture, production_output, json_output
    finally:
        connection.force_debug_cursor = False
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            for handler in (capture, json_handler):
                logger.removeHandler(handler)
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def _vote_on_a_phone(client, world) -> list[str]:
    box, slips = make_box(world, subjects=2)
    slip = slips[0]
    secrets = [slip.code, slip.display_code, slip.receipt]
    # A code typed into the address: redirected to the fragment of a clean URL.
    assert client.get(f"/v/?code={slip.display_code}").status_code == 303
    assert client.get("/v/").status_code == 200
    wrong = "ZZZZZ-ZZZZZ"
    secrets.append(wrong)
    assert (
        client.post("/v/session", json.dumps({"code": wrong}), content_type="application/json").status_code
        == 400
    )
    started = client.post(
        "/v/session", json.dumps({"code": slip.display_code}), content_type="application/json"
    )
    assert started.status_code == 200
    again = client.post("/v/session", json.dumps({"code": slip.code}), content_type="application/json")
    assert again.status_code == 409
    token = started.json()["token"]
    secrets.append(token.partition(".")[2])
    ratings = {str(s["id"]): "good" for s in started.json()["box"]["subjects"]}
    body = json.dumps({"token": token, "ratings": ratings})
    receipt = client.post("/v/submit", body, content_type="application/json").json()["receipt"]
    assert receipt == slip.receipt
    assert client.post("/v/submit", body, content_type="application/json").json()["receipt"] == receipt
    used = client.post("/v/session", json.dumps({"code": slip.code}), content_type="application/json")
    assert used.status_code == 409
    # The box is sealed, the list published, and the voter checks the receipt (DSC-3).
    ballot_services.close_box(actor=world.organizer_staff, box=box)
    assert client.get(f"/v/{box.public_id}/receipts").status_code == 200
    checked = client.post(f"/v/{box.public_id}/receipts", {"receipt": receipt})
    assert checked.status_code == 200 and "已计入" in checked.content.decode()
    return secrets


def _visit_a_publication(client, world, setup) -> list[str]:  # noqa: F811
    report_services.save_report(actor=world.assessee, assessment=setup.assessment, **GOOD)
    report = report_services.submit_report(actor=world.assessee, assessment=setup.assessment)
    now = timezone.now()
    pub = publication.publish_reports(
        actor=world.organizer_staff,
        campaign=setup.campaign,
        audience=world.prefecture,
        reports=[report],
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=3),
    )
    wrong = "NoSuchPublicationToken-" + pub.token[:8][::-1]
    assert client.get(f"/p/{pub.token}/").status_code == 200
    sent = client.post(f"/p/{pub.token}/opinion/", {"text": "希望公开整改进度。", "report": report.pk})
    assert sent.status_code == 302
    assert client.get(sent["Location"]).status_code == 200
    assert client.get(f"/p/{wrong}/").status_code == 404
    assert client.post(f"/p/{wrong}/opinion/", {"text": "x"}).status_code == 404
    return [pub.token, wrong]


@pytest.mark.req("DSC-4")
@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_no_log_record_of_any_logger_carries_a_code_a_receipt_or_a_publication_token(
    client,
    world,
    setup,  # noqa: F811
    every_record,
    debug,
):
    capture, production_output, json_output = every_record
    with override_settings(DEBUG=debug):
        secrets = _vote_on_a_phone(client, world) + _visit_a_publication(client, world, setup)
        logging.getLogger("shuping.test").debug("GET /p/%s/ and /v/?code=%s", secrets[-2], secrets[0])

    texts, loggers = capture.texts, capture.names
    # The capture sees what matters: request warnings, SQL with its statements, the server's own loggers.
    assert {"django.request", "django.db.backends", "shuping.test"} <= loggers
    assert any("ballots_credential" in text for text in texts)
    assert any("publication" in text for text in texts)
    for stream in (production_output.getvalue(), json_output.getvalue(), *texts):
        for secret in secrets:
            assert secret not in stream, (secret, stream[:2000])
    assert production_output.getvalue()  # the production handler wrote something, just nothing secret

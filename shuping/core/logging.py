"""Logging: no voting credential, receipt, publication token or personal data reaches a log line
(BAL-3, BAL-6, SEC-6, DSC-4).

Two layers. At the source, `install()` (run by the core app at start-up) makes every log record of every
logger — Django's `django.request`, `django.server`, `django.security.*` and `django.db.backends`
included, at any level — pass `scrub_record` the moment it is made, before any handler, so a handler an
operator adds, at DEBUG, cannot write a secret either: request paths lose their `/v/` query strings and
`/p/` tokens, credential-like key=value pairs are hidden, SQL is logged without its literal values or
parameters (a `/p/` token or a ballot's marks would be among them), and the request object attached to
request records is replaced by a stand-in that knows only the method and the scrubbed path. At the
handlers, the filters below drop `/v/` request lines (their order and timing) and redact again.
"""

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any


class DropVotingPathsFilter(logging.Filter):
    """Drop request log records for the voting and publication pages.

    Credentials ride in the URL fragment, which browsers never send, but the voting page's own paths
    and timings would still let a log reader order voters; those pages are therefore never logged.
    """

    prefixes = ("/v/", "/api/v1/vote")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage() if record.args else str(record.msg)
        return not any(f" {prefix}" in message or f'"{prefix}' in message for prefix in self.prefixes)


# Values that must never reach a log line, whatever logged them: passwords, one-time and session
# tokens, CSRF tokens, authorization headers, voting codes (key=value, "key": "value" and header forms).
_CREDENTIAL_NAMES = (
    r"password\d?|passwd|old_password|new_password\d?|secret|token|otp_token|csrfmiddlewaretoken|csrftoken|"
    r"sessionid|__host-sessionid|__host-csrftoken|authorization|cookie|code|x-ssl-client-[a-z-]+"
)
_CREDENTIAL_VALUE = re.compile(
    r"""(?ix)
    (?P<key>["']?\b(?:"""
    + _CREDENTIAL_NAMES
    + r""")\b["']?\s*[:=]\s*)
    (?P<value>"[^"]*"|'[^']*'|(?:bearer\s+|basic\s+|token\s+)?[^\s&,;)}\]]+)
    """
)
REDACTED = "[已隐藏]"


def redact(text: str) -> str:
    """`text` with the value of every credential-like key replaced by [已隐藏]."""
    return _CREDENTIAL_VALUE.sub(lambda m: m.group("key") + REDACTED, text)


class RedactCredentialsFilter(logging.Filter):
    """Rewrites a record's message so credentials written by any library never reach a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


# A voting code as printed on a slip (two groups of five from the slip alphabet, BAL-2).
_PRINTED_CODE = re.compile(r"\b[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}\b")
# A query string on a voting path: the code may be in it (DSC-4 redirects such requests; the request
# line is still logged by the server that received it).
_VOTING_QUERY = re.compile(r"(/v/[^\s?#\"']*)[?#][^\s\"']*")
# The token of a public publication page (/p/<token>/, REP-3): the key to the page.
_PUBLICATION_TOKEN = re.compile(r"(/p/)[^/\s?#\"']+")
# SQL literals: '…' (with '' escapes), E'…', X'…'; a parameter list is dropped whole.
_SQL_LITERAL = re.compile(r"'(?:[^']|'')*'")


def scrub(text: str) -> str:
    """`text` without voting codes, `/v/` query strings, `/p/` tokens and credential-like values."""
    text = _VOTING_QUERY.sub(lambda m: m.group(1) + "?" + REDACTED, text)
    text = _PUBLICATION_TOKEN.sub(lambda m: m.group(1) + REDACTED, text)
    text = _PRINTED_CODE.sub(REDACTED, text)
    return redact(text)


def strip_sql_literals(sql: str) -> str:
    """The statement with every quoted literal replaced: what ran, never with which values."""
    return _SQL_LITERAL.sub("'?'", sql)


class RedactedRequest:
    """What a request log record keeps of its request: the method and the scrubbed path, nothing else."""

    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.path = path
        self.META: dict[str, str] = {}
        self.GET: dict[str, str] = {}
        self.POST: dict[str, str] = {}

    def get_full_path(self) -> str:
        return self.path

    def __repr__(self) -> str:
        return f"<RedactedRequest: {self.method} {self.path!r}>"


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    """Rewrite `record` in place so that none of its fields carries a secret; return it."""
    if record.name.startswith("django.db.backends"):
        sql = getattr(record, "sql", None)
        if isinstance(sql, str):
            record.sql = strip_sql_literals(sql)
        if hasattr(record, "params"):
            record.params = REDACTED
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep the template only
            message = str(record.msg)
        message = re.sub(r"; args=.*?; alias=", "; args=" + REDACTED + "; alias=", message, flags=re.S)
        record.msg, record.args = scrub(strip_sql_literals(message)), None
    else:
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        cleaned = scrub(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
    request = getattr(record, "request", None)
    if request is not None and not isinstance(request, RedactedRequest):
        method = getattr(request, "method", None)
        path = getattr(request, "path", None)
        record.request = RedactedRequest(
            str(method) if isinstance(method, str) else "", scrub(path) if isinstance(path, str) else ""
        )
    if record.exc_info:
        # The exception object itself may carry a secret in its text (a template's failed lookup holds
        # the whole context, request path included): keep only its scrubbed rendering.
        if not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None
    for key, value in list(vars(record).items()):
        if isinstance(value, str) and key not in ("msg", "exc_text", "name", "pathname", "filename"):
            cleaned = scrub(value)
            if cleaned != value:
                setattr(record, key, cleaned)
    return record


def install() -> None:
    """Scrub every log record as it is made, for every logger (idempotent; called by the core app).

    `Logger.makeRecord` is where the standard library attaches `extra` (Django's `request`, `sql`,
    `params`) after the record factory ran, so the scrubbing wraps it rather than the factory.
    """
    if getattr(logging.Logger.makeRecord, "_shuping_scrubbed", False):
        return
    original = logging.Logger.makeRecord

    def make_record(self, *args, **kwargs):
        return scrub_record(original(self, *args, **kwargs))

    make_record._shuping_scrubbed = True  # type: ignore[attr-defined]
    logging.Logger.makeRecord = make_record  # type: ignore[method-assign]


class ScrubSecretsFilter(logging.Filter):
    """The same scrubbing at a handler, for records made without `Logger.makeRecord` (e.g. a queue)."""

    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (SHUPING_LOG_FORMAT=json) for log shippers.

    Fields: time (UTC ISO 8601), level, logger, message, and — for request logs — status and method.
    Deliberately left out: the request object, user names, client addresses, headers and bodies (personal
    data and credentials); message and exception text are scrubbed (`scrub`: codes, tokens, credentials).
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        request = getattr(record, "request", None)
        method = getattr(request, "method", None)
        if isinstance(method, str):
            entry["method"] = method
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = scrub(record.exc_text)
        return json.dumps(entry, ensure_ascii=False)

"""Logging filters: no voting credential or personal data reaches a log line (BAL-3, BAL-6, SEC-6)."""

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


class JsonFormatter(logging.Formatter):
    """One JSON object per line (SHUPING_LOG_FORMAT=json) for log shippers.

    Fields: time (UTC ISO 8601), level, logger, message, and — for request logs — status and method.
    Deliberately left out: the request object, user names, client addresses, headers and bodies (personal
    data and credentials); exception text is redacted like messages.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        request = getattr(record, "request", None)
        method = getattr(request, "method", None)
        if isinstance(method, str):
            entry["method"] = method
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)

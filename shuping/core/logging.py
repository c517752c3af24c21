"""Logging filters: no voting credential or personal data reaches a log line (BAL-3, BAL-6, SEC-6)."""

import logging


class DropVotingPathsFilter(logging.Filter):
    """Drop request log records for the voting and publication pages.

    Credentials ride in the URL fragment, which browsers never send, but the voting page's own paths
    and timings would still let a log reader order voters; those pages are therefore never logged.
    """

    prefixes = ("/v/", "/api/v1/vote")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage() if record.args else str(record.msg)
        return not any(f" {prefix}" in message or f'"{prefix}' in message for prefix in self.prefixes)

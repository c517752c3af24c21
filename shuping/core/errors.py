"""The domain error every service raises for something a user caused (SEC-6).

Services check preconditions and raise a subclass with a clear Chinese message; views, the API and the
CLI turn it into a form error, a 400/409 JSON body or a non-zero exit — and nothing is written, because
services are atomic.
"""

from __future__ import annotations


class DomainError(Exception):
    """A user-caused error: `message` is shown as is (Chinese), `field` names the input at fault."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class ConflictError(DomainError):
    """The object is not in a state that allows the action (e.g. a closed ballot box)."""

    status = 409

"""The request a view sees once its access declaration has admitted it (typing only; no behaviour).

`shuping.core.access.signed_in`, `scoped` and `admin_only` redirect anonymous requests to the login page
before the view runs, so inside such a view `request.user` is always a `User`. Views with one of those
declarations annotate `request: AuthenticatedHttpRequest`; `public` views keep `HttpRequest` (or
`HtmxHttpRequest`), where `request.user` may be an `AnonymousUser`.
"""

from __future__ import annotations

from shuping.accounts.models import User
from shuping.core.http import HtmxHttpRequest


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """`request.user` is a signed-in `User` (guaranteed by the view's access declaration)."""

    user: User

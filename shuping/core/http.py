"""Request types for views (typing only; no behaviour).

`HtmxHttpRequest` is the request as django-htmx's middleware leaves it (`request.htmx`). The authenticated
request, whose `user` is a `User` rather than `User | AnonymousUser`, lives in `shuping.accounts.http`
(core sits below accounts in the layering, docs/architecture.md).
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that passed through `django_htmx.middleware.HtmxMiddleware` (installed for every route)."""

    htmx: HtmxDetails

"""Content-Security-Policy for every response (SEC-5; Django 5.2 has no built-in CSP).

The policy allows scripts and styles from this origin only, plus inline `<script>` / `<style>` elements
that carry the per-request nonce — templates write `<script nonce="{{ request.csp_nonce }}">`. Nothing may
frame the site (`frame-ancestors 'none'`), plugins are off, forms post only to this origin.

Two concessions, each listed here and checked by tests/security/test_headers.py so neither grows silently:

- `style-src-attr 'unsafe-inline'`: progress bars set their width in a `style` attribute. A style attribute
  cannot run script, and autoescaping leaves no way to inject one; move them to `<progress>` and drop this.
- INLINE_HANDLERS: a few static `onclick=` / `onchange=` attributes, allowed by their SHA-256 through
  `'unsafe-hashes'` (CSP level 3). A new handler does not run until it is listed — better: a static file.

Views that must relax the policy use `@csp_update(directive=[sources…])`; paths whose templates still have
inline elements without the nonce are listed in SHUPING_CSP_INLINE_PATHS (a transition, not a place to
add pages: each entry is an open item in docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

NONCE = "'nonce-{nonce}'"

#: The base policy (directive -> sources). SHUPING_CSP in settings replaces directives one by one.
DEFAULT_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'", NONCE],
    "style-src": ["'self'", NONCE],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

#: Static inline event handlers found in templates (exact attribute values), allowed by hash.
INLINE_HANDLERS = (
    "window.print()",  # ballots/slip_sheet.html: the print button
    "return confirm('封箱后不再接受任何投票，确定封箱？')",  # ballots/box_detail.html: sealing a box
    "this.form.submit()",  # oversight/dashboard.html: year selector
)


def source_hash(text: str) -> str:
    """The CSP source expression `'sha256-…'` for an inline script or handler."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def csp_update(
    **directives: list[str],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Add sources to directives for one view: `@csp_update(img_src=["https://tiles.example"])`.

    Underscores in the keyword become dashes. A directive given `["'unsafe-inline'"]` drops the nonce
    from it (browsers ignore 'unsafe-inline' when a nonce is present).
    """
    extra = {name.replace("_", "-"): list(sources) for name, sources in directives.items()}

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response.csp_update = extra  # type: ignore[attr-defined]
            return response

        return wrapped

    return decorator


def build_policy(nonce: str, *, extra: dict[str, list[str]] | None = None, inline: bool = False) -> str:
    """The header value for one response."""
    policy = {name: list(sources) for name, sources in DEFAULT_POLICY.items()}
    policy.update({name: list(sources) for name, sources in getattr(settings, "SHUPING_CSP", {}).items()})
    handlers = [source_hash(text) for text in INLINE_HANDLERS]
    policy["script-src"] = [*policy["script-src"], "'unsafe-hashes'", *handlers]
    if inline:
        extra = {**(extra or {}), "script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}
    for name, sources in (extra or {}).items():
        current = policy.get(name, list(policy["default-src"]))
        if "'unsafe-inline'" in sources:
            current = [
                s for s in current if s != NONCE and not s.startswith("'sha256-") and s != "'unsafe-hashes'"
            ]
        policy[name] = current + [s for s in sources if s not in current]
    return "; ".join(
        " ".join([name, *(s.replace("{nonce}", nonce) for s in sources)]) for name, sources in policy.items()
    )


class ContentSecurityPolicyMiddleware:
    """Gives each request a nonce (`request.csp_nonce`) and each response the policy above.

    Responses that already carry a Content-Security-Policy keep it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.inline_paths = [re.compile(p) for p in getattr(settings, "SHUPING_CSP_INLINE_PATHS", [])]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            inline = any(p.match(request.path) for p in self.inline_paths)
            response["Content-Security-Policy"] = build_policy(
                nonce, extra=getattr(response, "csp_update", None), inline=inline
            )
        return response

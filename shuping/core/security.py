"""Content-Security-Policy for every response (SEC-5; Django 5.2 has no built-in CSP).

The policy allows scripts and styles from this origin only, plus inline `<script>` / `<style>` elements
that carry the per-request nonce. The template loaders below write `nonce="{{ request.csp_nonce }}"` into
every inline element of the project's template *sources* as they are loaded (the same as writing it by
hand; rendered data is never touched, so injected markup gets no nonce). Nothing may frame the site
(`frame-ancestors 'none'`), plugins are off, forms post only to this origin.

Two concessions, each listed here and checked by tests/security/test_headers.py so neither grows silently:

- `style-src-attr 'unsafe-inline'`: progress bars set their width in a `style` attribute. A style attribute
  cannot run script, and autoescaping leaves no way to inject one; move them to `<progress>` and drop this.
- a few static `onclick=` / `onchange=` attributes in templates, allowed by their SHA-256 through
  `'unsafe-hashes'` (CSP level 3), the hashes read from the template sources (`inline_handlers()`).
  Better: a static JS file; tests keep their number small and fail on dynamic ones.

Views that must relax the policy use `@csp_update(directive=[sources…])`; SHUPING_CSP_INLINE_PATHS (empty
by default) lists path patterns allowed 'unsafe-inline' — an escape hatch, not a place to add pages.
"""

from __future__ import annotations

import base64
import hashlib
import html
import ipaddress
import re
import secrets
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loaders import app_directories, filesystem
from django.template.utils import get_app_template_dirs

NONCE = "'nonce-{nonce}'"


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the header named by SHUPING_CLIENT_IP_HEADER.

    Set the header (e.g. "HTTP_X_REAL_IP") only behind a proxy that overwrites it; otherwise a client
    could choose its own address and dodge the per-address throttles (login, API, voting).
    """
    header = settings.SHUPING_CLIENT_IP_HEADER
    value = request.META.get(header, "") if header else ""
    value = (value or request.META.get("REMOTE_ADDR", "") or "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


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

#: A static inline event handler attribute in a template source: `onclick="window.print()"`.
HANDLER_ATTRIBUTE = re.compile(r'\son[a-z]+="([^"]*)"')


def template_directories() -> list[Path]:
    """The project's and the apps' template directories (the sources handlers are read from)."""
    directories = [Path(str(d)) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    directories += [Path(d) for d in get_app_template_dirs("templates")]
    return [d for d in directories if d.is_dir()]


@lru_cache(maxsize=1)
def inline_handlers() -> tuple[str, ...]:
    """Every static inline event handler written in a template source file, allowed by its hash.

    Read from the source files at start-up — never from responses — so an injected attribute can at
    most repeat one of these exact strings. Handlers containing template syntax are not static and are
    left out (tests/security/test_headers.py fails on them): move such code to a static JS file.
    """
    found: set[str] = set()
    for directory in template_directories():
        for path in directory.rglob("*.html"):
            for value in HANDLER_ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
                if "{{" not in value and "{%" not in value:
                    found.add(html.unescape(value))
    return tuple(sorted(found))


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
    handlers = [source_hash(text) for text in inline_handlers()]
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


# --- nonces written into template sources ----------------------------------------------------------------

_INLINE_ELEMENT = re.compile(r"<(script|style)\b(?![^>]*\b(?:src|nonce)\s*=)", re.IGNORECASE)
NONCE_ATTRIBUTE = " nonce=\"{{ request.csp_nonce|default:'' }}\""


def add_nonces(source: str) -> str:
    """Template source with the request nonce on every inline `<script>` / `<style>` element.

    Applied to the *source* of the project's own templates when they are loaded — exactly what writing
    `nonce="{{ request.csp_nonce }}"` by hand does. Rendered data never passes through here (and is
    autoescaped), so markup injected through data never gets a nonce.
    """
    return _INLINE_ELEMENT.sub(lambda m: m.group(0) + NONCE_ATTRIBUTE, source)


class _NonceMixin:
    def get_contents(self, origin: Any) -> str:
        contents = super().get_contents(origin)  # type: ignore[misc]
        return add_nonces(contents) if str(origin.name).endswith(".html") else contents


class FilesystemLoader(_NonceMixin, filesystem.Loader):
    """TEMPLATES DIRS, with nonces added to inline elements."""


class AppDirectoriesLoader(_NonceMixin, app_directories.Loader):
    """Apps' templates/ directories, with nonces added to inline elements."""


# --- NUL characters --------------------------------------------------------------------------------------

NUL_MESSAGE = "输入中含有不允许的空字符（NUL），请检查后重试。"
_NUL_QUERY = re.compile(r"%00", re.IGNORECASE)
_NUL_JSON = re.compile(rb"(?<!\\)\\u0000", re.IGNORECASE)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or _NUL_QUERY.search(request.META.get("QUERY_STRING", "")):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in {"POST", "PUT", "PATCH"} and not content_type.startswith("multipart/"):
        body = request.body  # urlencoded forms and JSON; uploads (multipart) may hold binary files
        if b"\x00" in body or (b"%00" in body and "urlencoded" in content_type) or _NUL_JSON.search(body):
            return True
    return False


class RejectNullCharactersMiddleware:
    """400 for any text input holding a NUL character (SEC-6).

    No Shuping text may contain NUL, and PostgreSQL refuses it in text values — which would otherwise turn
    a typo'd or hostile query string (`?q=%00`) into a server error. Django's forms already refuse NUL
    field by field; this covers query strings, the API's JSON bodies and every other path at once.
    File uploads (multipart) are left to the views: binary files contain NUL bytes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                error = {"field": "__all__", "code": "null_character", "message": NUL_MESSAGE}
                return JsonResponse({"detail": NUL_MESSAGE, "errors": [error]}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

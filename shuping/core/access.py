"""Declared access rules for every route (SEC-2): the access harness reads them.

Every Django view and every API operation carries exactly one declaration. The harness test
(`tests/access/test_harness.py`) walks all URL patterns and API operations and fails on any route
without a declaration or without rows in the roles × actions matrix of `docs/permissions.md`.

The declaration says *how* the view is scoped; the scoping itself lives in selectors
(`visible_to(user)`, `get_<thing>_for(user, …)`: out of scope → 404) and permission predicates
(`can_<verb>_<thing>`: forbidden → 403).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

F = TypeVar("F", bound=Callable[..., Any])

ATTRIBUTE = "shuping_access"


@dataclass(frozen=True)
class AccessRule:
    """How a route decides who may use it.

    kind:
      public      — no account (login page, voting /v/, publication /p/); must say why.
      signed_in   — any signed-in user, showing only what selectors scope to them.
      scoped      — signed-in; the object is fetched through a scoped selector (404 out of scope)
                    and a permission predicate (403 forbidden).
      admin       — one of the three administrators (三员分立): `admin_role` names which.
    """

    kind: str
    note: str
    admin_role: str = ""


def _declare(view: F, rule: AccessRule) -> F:
    setattr(view, ATTRIBUTE, rule)
    return view


def public(note: str) -> Callable[[F], F]:
    """No account needed. `note` says why (e.g. 'voters are credentials, not accounts')."""

    def decorator(view: F) -> F:
        return _declare(view, AccessRule("public", note))

    return decorator


def _login_wrapper(view: F) -> F:
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def signed_in(note: str) -> Callable[[F], F]:
    """Any signed-in user; the view shows only what selectors scope to that user."""

    def decorator(view: F) -> F:
        return _declare(_login_wrapper(view), AccessRule("signed_in", note))

    return decorator


def scoped(note: str) -> Callable[[F], F]:
    """Signed-in; the view resolves its object through a scoped selector and a permission predicate."""

    def decorator(view: F) -> F:
        return _declare(_login_wrapper(view), AccessRule("scoped", note))

    return decorator


def admin_only(admin_role: str, note: str) -> Callable[[F], F]:
    """Only the named administrator role (system / security / audit) — 三员分立, SEC-1."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(request.user, "admin_role", "") != admin_role:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # functools.wraps types the wrapper as _Wrapped, not as the view's own type F.
        return _declare(wrapped, AccessRule("admin", note, admin_role=admin_role))  # type: ignore[arg-type, return-value]

    return decorator


def rule_of(view: Callable[..., Any]) -> AccessRule | None:
    """The declaration on a view, looking through Django's and functools' wrappers."""
    seen = 0
    while view is not None and seen < 10:
        rule = getattr(view, ATTRIBUTE, None)
        if rule is not None:
            return rule
        view = getattr(view, "view_class", None) or getattr(view, "__wrapped__", None)  # type: ignore[assignment]
        seen += 1
    return None

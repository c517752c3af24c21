"""Template context for the site shell: navigation by role, and the shell's defaults."""

from __future__ import annotations

from django.http import HttpRequest

from .navigation import items_for


def navigation(request: HttpRequest) -> dict:
    """`nav_items` for the menu; `failed_messages` empty unless a refused write's page sets it
    (core.forms.error_context), so the shell never looks up a missing variable — Django logs each such
    lookup with the whole context, request path included."""
    user = getattr(request, "user", None)
    return {
        "nav_items": items_for(user) if user is not None and user.is_authenticated else [],
        "failed_messages": (),
    }

"""Template context for the site shell: navigation by role."""

from __future__ import annotations

from django.http import HttpRequest

from .navigation import items_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {"nav_items": items_for(user) if user is not None and user.is_authenticated else []}

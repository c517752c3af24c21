"""Navigation by role: each app registers its menu entries here (shown only to users who may use them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise  # a lazy translation is rendered with str()
    url_name: str
    # Called with the signed-in accounts.User (typed Any: core sits below accounts in the layering).
    visible: Callable[[Any], bool]
    order: int = 100


_REGISTRY: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _REGISTRY):
        _REGISTRY.append(item)


def items_for(user) -> list[dict[str, str]]:
    """The menu: each app's entry shows when its predicate — written beside the permission predicates its
    pages use (e.g. `reports.permissions.can_use_reports`) — says the user can act or read something
    there (FLOW-3). No second list of roles to keep in step with the pages."""
    out = []
    try:
        for item in sorted(_REGISTRY, key=lambda i: i.order):
            if not item.visible(user):
                continue
            try:
                out.append({"label": str(item.label), "url": reverse(item.url_name), "name": item.url_name})
            except NoReverseMatch:
                continue
    finally:
        # The predicates share one role summary per menu (campaigns.selectors.role_summary); it must not
        # outlive the menu on a user object that a test or a long request keeps using.
        getattr(user, "__dict__", {}).pop("_role_summary", None)
    return out

"""Navigation by role: each app registers its menu entries here (shown only to users who may use them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[object], bool]
    order: int = 100


_REGISTRY: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _REGISTRY):
        _REGISTRY.append(item)


def items_for(user) -> list[dict[str, str]]:
    out = []
    for item in sorted(_REGISTRY, key=lambda i: i.order):
        if not item.visible(user):
            continue
        try:
            out.append({"label": str(item.label), "url": reverse(item.url_name), "name": item.url_name})
        except NoReverseMatch:
            continue
    return out

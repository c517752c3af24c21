"""Writes to the organization tree (ORG-1, ORG-2). Every write goes through here."""

from __future__ import annotations

from django.db import transaction

from .models import Organization, path_segment


@transaction.atomic
def create_organization(
    *,
    name: str,
    code: str,
    kind: str,
    admin_level: str,
    parent: Organization | None,
    short_name: str = "",
    **extra,
) -> Organization:
    """Create an organization under `parent` and give it its materialized path."""
    org = Organization(
        name=name, short_name=short_name, code=code, kind=kind, admin_level=admin_level, parent=parent, **extra
    )
    org.path = "-"  # placeholder until the id is known
    org.save()
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.depth = (parent.depth + 1) if parent else 0
    org.save(update_fields=["path", "depth"])
    return org

"""Reads of the 发文 register (DOC-1), scoped to the user.

An organization's register is its organization department's: the organizer staff and department leaders
of that organization (a RoleGrant on it, or the campaign role on one of its campaigns) see it; staff
configure its 机关代字 (`permissions.can_configure_register`). Campaign roles live above documents in the
layering (docs/architecture.md), so campaigns adds them through `register_reader_source` in its ready().
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from shuping.accounts.choices import Role
from shuping.orgs.models import Organization

from .models import RegisteredDocument

if TYPE_CHECKING:
    from shuping.accounts.models import User

REGISTER_ROLES = (Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER)


#: Further grounds to read an organ's register: `source(user, roles)` -> organization ids, one query each.
ReaderSource = Callable[["User", tuple[str, ...]], Iterable[int]]
_reader_sources: list[ReaderSource] = []


def register_reader_source(source: ReaderSource) -> ReaderSource:
    """Add a ground to read registers (campaigns: the role on one of the organization's campaigns)."""
    if source not in _reader_sources:
        _reader_sources.append(source)
    return source


def _signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not getattr(user, "admin_role", "")


def register_organ_ids(user: User, *, roles: tuple[str, ...] = REGISTER_ROLES) -> set[int]:
    """Organizations whose register `user` may read (with `roles`): one query, and one per reader source."""
    if not _signed_in(user):
        return set()
    from shuping.accounts.models import RoleGrant

    ids = set(RoleGrant.objects.filter(user=user, role__in=roles).values_list("organization_id", flat=True))
    for source in _reader_sources:
        ids |= set(source(user, roles))
    return ids


def register_organs_for(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=register_organ_ids(user)).order_by("path")


def register_for(user: User, organization: Organization) -> QuerySet[RegisteredDocument]:
    """The organ's register, newest first; empty outside the user's scope."""
    if organization.pk not in register_organ_ids(user):
        return RegisteredDocument.objects.none()
    return RegisteredDocument.objects.filter(organization=organization).order_by("-year", "-sequence")


def registered(subject: str) -> RegisteredDocument | None:
    """The register entry of `subject`, if the document has been numbered."""
    return RegisteredDocument.objects.filter(subject=subject).first()

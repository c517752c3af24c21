"""Permission predicates for the 发文 register (DOC-1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shuping.accounts.choices import Role

from .selectors import register_organ_ids

if TYPE_CHECKING:
    from shuping.accounts.models import User
    from shuping.orgs.models import Organization


def can_configure_register(user: User, organization: Organization) -> bool:
    """Only the organization's organizer staff set its 机关代字."""
    return organization.pk in register_organ_ids(user, roles=(Role.ORGANIZER_STAFF,))

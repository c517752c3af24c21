"""Sign-in policy predicates (SEC-3): who needs a second factor, whose password has expired, client address.

Reads only; the writes that follow from them live in services.py.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from shuping.core import crypto
from shuping.core.security import client_ip as client_ip  # re-exported: the accounts app's callers

from .choices import Role

#: Campaign organizer staff and department leaders handle confidential results: they need a second factor.
SECOND_FACTOR_ROLES = (Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER)


def requires_second_factor(user) -> bool:
    """Administrators and organizer staff (SEC-3), when SHUPING_REQUIRE_SECOND_FACTOR is on."""
    if not settings.SHUPING_REQUIRE_SECOND_FACTOR:
        return False
    if user.admin_role:
        return True
    return user.grants.filter(role__in=SECOND_FACTOR_ROLES).exists()


def password_expired(user, at=None) -> bool:
    """An administrator's password older than SHUPING_ADMIN_PASSWORD_MAX_AGE_DAYS (0 turns rotation off),
    or anyone's generated initial password not yet changed (must_change_password).

    A password with no recorded date counts as expired: it predates the policy.
    """
    if getattr(user, "must_change_password", False):
        return True
    days = settings.SHUPING_ADMIN_PASSWORD_MAX_AGE_DAYS
    if not days or not user.admin_role:
        return False
    if user.password_changed_at is None:
        return True
    return user.password_changed_at + timedelta(days=days) <= (at or timezone.now())


def ip_prefix(ip: str) -> str:
    """The address truncated for the audit log: IPv4 /24, IPv6 /48 — enough to tell offices apart."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    length = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{length}", strict=False))


def ip_fingerprint(ip: str) -> str:
    """A keyed hash of the full address: correlates attempts from one address without storing it."""
    return crypto.hmac_sm3("login-ip", ip.encode()).hex()[:16]

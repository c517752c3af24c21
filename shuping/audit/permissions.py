"""Who may read the audit log (SEC-1, SEC-4): the audit administrator, and nobody else (三员分立)."""

from __future__ import annotations

from typing import Any

from shuping.core.roles import AdminRole


def can_view_audit_log(user: Any) -> bool:
    """Only the audit administrator reads the audit log — not the system or security administrator."""
    return (
        bool(getattr(user, "is_authenticated", False)) and getattr(user, "admin_role", "") == AdminRole.AUDIT
    )

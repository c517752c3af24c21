"""Reads for the accounts pages (SEC-3)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import User


def accounts_needing_attention() -> QuerySet[User]:
    """Accounts locked now or with failed sign-ins since their last success: the security administrator's list."""
    now = timezone.now()
    return User.objects.filter(Q(locked_until_at__gt=now) | Q(failed_login_count__gt=0)).order_by(
        "-locked_until_at", "-failed_login_count", "username"
    )

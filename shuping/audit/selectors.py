"""Reads of the audit log for the audit page, scoped to the user (SEC-4)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent
from .permissions import can_view_audit_log


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events_for(
    user: Any,
    *,
    action: str = "",
    actor: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events the user may read, newest first, filtered by action prefix, actor name and dates.

    Empty for anyone but the audit administrator. Dates are local calendar days, both ends included;
    they become a range on the indexed `occurred_at` rather than a per-row date conversion.
    """
    if not can_view_audit_log(user):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.order_by("-sequence")
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_name__icontains=actor)
    if date_from:
        events = events.filter(occurred_at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(occurred_at__lt=_start_of(date_to + timedelta(days=1)))
    return events

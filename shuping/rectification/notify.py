"""Notifications (RCT-1, RCT-2): in-app notices plus a pluggable sender interface.

`Notification` rows are what the pages show. After commit, each is handed to the configured senders
(`SHUPING_NOTIFICATION_SENDERS`, dotted paths; default the file sender, which writes one UTF-8 text file per
notice into MEDIA_ROOT/outbox/). Email and SMS are plug-ins implementing `Sender.send(notification)`;
`EmailSender` uses Django's mail backend, an SMS gateway subclass implements `send` against its API.

Reminder jobs (`send_reminders`, `send_overdue_notices`) run from `shuping tick`; each notice has a key so a
job run twice on the same day sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .choices import UNFINISHED_STATUSES, ListStatus, NotificationKind
from .models import Notification, RectificationItem

log = logging.getLogger(__name__)


class Sender(Protocol):
    """Delivers one notification outside the app (file, email, SMS …). Must not raise for a bad address."""

    name: str

    def send(self, notification: Notification) -> None: ...


class FileSender:
    """Default sender: one text file per notice under MEDIA_ROOT/outbox/ (an intranet relay can pick it up)."""

    name = "file"

    def send(self, notification: Notification) -> None:
        outbox = Path(settings.MEDIA_ROOT) / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        who = (
            notification.recipient.display_name
            if notification.recipient is not None
            else notification.audience
        )
        text = (
            f"类型：{notification.get_kind_display()}\n送达：{who}\n标题：{notification.subject}\n"
            f"时间：{notification.created_at:%Y-%m-%d %H:%M}\n\n{notification.body}\n"
        )
        (outbox / f"{notification.created_at:%Y%m%d%H%M%S}-{notification.pk}.txt").write_text(
            text, encoding="utf-8"
        )


class EmailSender:
    """Plug-in: email through Django's configured backend, to recipients with an email address."""

    name = "email"

    def send(self, notification: Notification) -> None:
        from django.core.mail import send_mail

        address = getattr(notification.recipient, "email", "") if notification.recipient_id else ""
        if address:
            send_mail(notification.subject, notification.body, None, [address], fail_silently=True)


def senders() -> list[Sender]:
    paths = getattr(settings, "SHUPING_NOTIFICATION_SENDERS", ["shuping.rectification.notify.FileSender"])
    return [import_string(p)() for p in paths]


def deliver(ids: Iterable[int]) -> None:
    """Hand notices to every sender; a failing sender is logged and never loses the in-app notice."""
    rows = list(Notification.objects.filter(pk__in=list(ids)).select_related("recipient"))
    for sender in senders():
        for n in rows:
            try:
                sender.send(n)
            except Exception:  # a gateway outage must not break the request or the job
                log.exception("notification sender %s failed for %s", getattr(sender, "name", sender), n.pk)
                continue
            n.sent_via = [*n.sent_via, getattr(sender, "name", "")]
    Notification.objects.bulk_update(rows, ["sent_via"])


def _create(rows: list[Notification]) -> list[Notification]:
    made = []
    for n in rows:
        if n.key and Notification.objects.filter(key=n.key, recipient=n.recipient).exists():
            continue
        n.save()
        made.append(n)
    ids = [n.pk for n in made]
    if ids:
        transaction.on_commit(lambda: deliver(ids))
    return made


def drafters_of(assessment) -> list[Any]:
    """Who receives an assessee's notices: the assessee (if they have an account) and their liaisons."""
    from shuping.accounts.choices import Role
    from shuping.accounts.models import User

    q = Q(liaison_assessments=assessment) | Q(
        grants__role=Role.LIAISON, grants__organization_id=assessment.organization_id
    )
    person = getattr(assessment, "person", None)
    if person is not None and person.user_id:
        q |= Q(pk=person.user_id)
    return list(User.objects.filter(q, is_active=True).distinct().order_by("pk"))


def notify_drafters(
    *, assessment, kind: str, subject: str, body: str, item: RectificationItem | None, key: str = ""
) -> list[Notification]:
    return _create(
        [
            Notification(kind=kind, recipient=u, item=item, subject=subject, body=body, key=key)
            for u in drafters_of(assessment)
        ]
    )


def report_closure(*, item: RectificationItem) -> list[Notification]:
    """RCT-1: an item is closed once and the closure reported to EACH of its sources — one notice each."""
    now = timezone.now()
    rows = []
    sources = list(item.sources.all())
    for s in sources:
        rows.append(
            Notification(
                kind=NotificationKind.CLOSURE,
                audience=f"{s.get_kind_display()}（{s.reference or '无编号'}）",
                item=item,
                source=s,
                subject=f"整改事项已销号：{item.problem[:40]}",
                body=f"{item.rectification_list.assessment}：“{item.problem}”已于 {now:%Y-%m-%d} 经上级组织部门销号。",
            )
        )
        s.closure_reported_at = now
    from .models import ItemSource

    ItemSource.objects.bulk_update(sources, ["closure_reported_at"])
    return _create(rows)


# --- periodic jobs (`shuping tick`) -----------------------------------------------------------------------


def _open_items():
    return RectificationItem.objects.filter(
        status__in=UNFINISHED_STATUSES, rectification_list__status=ListStatus.CONFIRMED
    ).select_related("rectification_list__assessment__person", "rectification_list__campaign")


@transaction.atomic
def send_reminders(*, today: date | None = None) -> int:
    """RCT-2: remind the drafters of items whose deadline is within the campaign's lead time (default 7)."""
    from . import rules
    from .selectors import reminder_days

    today = today or timezone.localdate()
    made = 0
    horizon = today + timedelta(days=60)
    for item in _open_items().filter(deadline__gte=today, deadline__lte=horizon):
        before = reminder_days(item.rectification_list.campaign)
        if not rules.reminder_due(item.deadline, today, before_days=before, is_closed=False):
            continue
        made += len(
            notify_drafters(
                assessment=item.rectification_list.assessment,
                kind=NotificationKind.REMINDER,
                subject=f"整改事项将于 {item.deadline.isoformat()} 到期",
                body=f"“{item.problem[:80]}”完成时限为 {item.deadline.isoformat()}。",
                item=item,
                key=f"reminder:{item.pk}:{item.deadline.isoformat()}",
            )
        )
    return made


@transaction.atomic
def send_overdue_notices(*, today: date | None = None) -> int:
    """RCT-2: tell the drafters once when an item becomes overdue (computed: deadline before today)."""
    today = today or timezone.localdate()
    made = 0
    for item in _open_items().filter(deadline__lt=today):
        made += len(
            notify_drafters(
                assessment=item.rectification_list.assessment,
                kind=NotificationKind.OVERDUE,
                subject="整改事项已逾期",
                body=f"“{item.problem[:80]}”完成时限 {item.deadline.isoformat()} 已过，请抓紧整改并报告进展。",
                item=item,
                key=f"overdue:{item.pk}:{item.deadline.isoformat()}",
            )
        )
    return made

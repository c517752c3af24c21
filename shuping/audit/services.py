"""Writes to the audit log (SEC-4): `record()` for every app, checkpoints and pruning for the CLI.

Every service of every app calls `record()` in its own transaction, so the audit row commits or rolls back
with the change it describes. Appends serialise on the single `ChainHead` row; call `record()` as the
last write of a service so the lock is held for as short a time as possible (and always taken after the
service's other row locks, which keeps lock order consistent and deadlocks away).

What never goes into an audit row: passwords, one-time codes, ballot credentials, session or API tokens,
phone numbers — `detail` refuses keys that look like them. Name the target and say what changed; leave
secrets and personal contact data out.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from shuping.core.errors import ConflictError, DomainError

from . import guard, sink
from .chain import GENESIS_HASH, MIN_RETENTION_DAYS, compute_row_hash, sign_checkpoint
from .choices import Outcome, Source
from .models import AuditEvent, ChainHead, Checkpoint
from .signing import checkpoint_mac, hashers
from .verify import verify_chain

logger = logging.getLogger(__name__)

MAX_DETAIL_BYTES = 4096
ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# Keys that would put a secret or a phone number into the permanent log. Substrings for long words,
# whole tokens for short ones ("otp" must not refuse "footprint").
_FORBIDDEN_SUBSTRINGS = (
    "password",
    "passwd",
    "secret",
    "credential",
    "phone",
    "mobile",
    "密码",
    "口令",
    "手机",
    "电话",
    "凭据",
    "验证码",
)
_FORBIDDEN_TOKENS = frozenset({"pwd", "token", "otp", "totp", "pin"})


@dataclass(frozen=True)
class AuditTarget:
    """A target that is not a model instance (a file, a username typed at the login page, an export)."""

    type: str
    id: str = ""
    label: str = ""


@dataclass(frozen=True)
class PruneResult:
    """What `prune_audit()` did: rows deleted, through which signed sequence, older than when."""

    deleted: int
    through_sequence: int | None
    before: datetime


def _forbidden_key(key: str) -> bool:
    lowered = key.lower()
    if any(part in lowered for part in _FORBIDDEN_SUBSTRINGS):
        return True
    return any(token in _FORBIDDEN_TOKENS for token in re.split(r"[^a-z0-9]+", lowered))


def _clean_detail(value: Any, where: str = "detail") -> Any:
    """JSON-native copy of `value` whose serialisation survives a database round trip unchanged.

    Numbers other than integers become strings (PostgreSQL jsonb rewrites float and decimal text);
    dates become ISO text. Keys naming secrets or phone numbers raise ValueError.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | Decimal | uuid.UUID | Promise):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        cleaned = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: audit detail keys must be strings, got {key!r}")
            if _forbidden_key(key):
                raise ValueError(
                    f"{where}.{key}: audit detail must never hold passwords, credentials or phone numbers"
                )
            cleaned[key] = _clean_detail(item, f"{where}.{key}")
        return cleaned
    if isinstance(value, list | tuple):
        return [_clean_detail(item, f"{where}[]") for item in value]
    raise TypeError(f"{where}: {type(value).__name__} cannot be stored in an audit detail")


def _describe_actor(actor: Any) -> tuple[int | None, str]:
    """(user id, recorded name) — the name as it reads today, with the username that identifies it."""
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.pk is None:
        return None, ""
    username = actor.get_username()
    full_name = getattr(actor, "full_name", "") or ""
    name = f"{full_name}（{username}）" if full_name and full_name != username else username
    return actor.pk, name[:150]


#: Who is at the server's terminal while a management command runs (INT-3); see `command_operator()`.
_operator: ContextVar[str] = ContextVar("shuping_audit_operator", default="")


def operating_system_user() -> str:
    """The account that runs this process, and the one that used sudo to become it, if any."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (containers)
        user = f"uid {os.getuid()}"
    sudo = os.environ.get("SUDO_USER", "")
    return f"{user}（sudo：{sudo}）" if sudo and sudo != user else user


@contextmanager
def command_operator(command: str) -> Iterator[str]:
    """While a management command runs, audit rows without a signed-in actor name its operator (INT-3).

    A command run on the server has no web user; its rows record "命令行 COMMAND：OS-USER" as the actor's
    name (actor_id stays empty), so every CLI write says who ran what. Used by `AuditedCommand`.
    """
    name = f"命令行 {command}：{operating_system_user()}"[:150]
    token = _operator.set(name)
    try:
        yield name
    finally:
        _operator.reset(token)


def _describe_target(target: models.Model | AuditTarget | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    if isinstance(target, AuditTarget):
        return target.type[:64], str(target.id)[:64], target.label[:255]
    if isinstance(target, models.Model):
        meta = target._meta
        return f"{meta.app_label}.{meta.model_name}", str(target.pk)[:64], str(target)[:255]
    raise TypeError("target must be a model instance, an AuditTarget or None")


def _lock_head() -> ChainHead:
    """The chain head, locked until the caller's transaction ends (created on first use)."""
    try:
        return ChainHead.objects.select_for_update().get(pk=1)
    except ChainHead.DoesNotExist:
        # First append ever (or a flushed test database): start from the last row, if any, so the chain
        # continues; ignore_conflicts makes two concurrent first appends create one head.
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "row_hash").first()
        sequence, row_hash = last if last is not None else (0, GENESIS_HASH)
        ChainHead.objects.bulk_create(
            [ChainHead(pk=1, last_sequence=sequence, last_hash=row_hash)], ignore_conflicts=True
        )
        return ChainHead.objects.select_for_update().get(pk=1)


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | AuditTarget | None = None,
    on_behalf_of: str = "",
    source: str = Source.WEB,
    outcome: str = Outcome.SUCCESS,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event to the chain, in the caller's transaction (SEC-4).

    actor: the signed-in user who acted (None or anonymous for the system, a job or a failed sign-in);
        inside a management command (`command_operator`) an actor-less row names the command's operator.
    action: a dotted code, app first: "orgs.create", "accounts.login", "ballots.seal".
    target: the model instance acted on, or an `AuditTarget`; its type, id and current label are copied.
    on_behalf_of: the person staff entered this for (代录), e.g. the secretary whose remarks were typed in.
    source: web / api / cli / job / system. outcome: success / denied / failed.
    detail: a small JSON object (≤ 4 KB) saying what changed. NEVER passwords, one-time codes, ballot
        credentials, tokens or phone numbers: keys that look like them raise ValueError.

    Runs inside the caller's `transaction.atomic` (opening one if there is none), so the event commits or
    rolls back with the change. For a denied or failed attempt whose own transaction rolls back, call
    `record()` after that block has exited, or the event rolls back too. Returns the saved event.
    """
    if not ACTION_PATTERN.match(action) or len(action) > 64:
        raise ValueError(
            f"audit action must be a dotted lower-case code such as 'orgs.create', got {action!r}"
        )
    if source not in Source.values:
        raise ValueError(f"unknown audit source {source!r}")
    if outcome not in Outcome.values:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    cleaned = _clean_detail(dict(detail or {}))
    if len(json.dumps(cleaned, ensure_ascii=False).encode("utf-8")) > MAX_DETAIL_BYTES:
        raise ValueError("audit detail is limited to 4 KB: record what changed, not whole documents")
    actor_id, actor_name = _describe_actor(actor)
    if actor_id is None:
        actor_name = _operator.get()
    target_type, target_id, target_label = _describe_target(target)

    with transaction.atomic(savepoint=False):
        head = _lock_head()
        # Taken under the lock, so time never runs backwards along the chain (pruning relies on it).
        now = timezone.now()
        event = AuditEvent(
            sequence=head.last_sequence + 1,
            occurred_at=now,
            actor_id=actor_id,
            actor_name=actor_name,
            on_behalf_of=(on_behalf_of or "").strip()[:150],
            action=action,
            target_type=target_type,
            target_id=target_id,
            target_label=target_label,
            source=str(source),
            outcome=str(outcome),
            detail=cleaned,
            prev_hash=head.last_hash,
        )
        event.row_hash = compute_row_hash(event.hashed_fields(), hashers())
        event.save(force_insert=True)
        head.last_sequence = event.sequence
        head.last_hash = event.row_hash
        head.updated_at = now
        head.save(update_fields=["last_sequence", "last_hash", "updated_at"])
    return event


def create_checkpoint() -> Checkpoint:
    """Sign the last row of the chain after verifying everything since the previous checkpoint.

    The signature (HMAC-SM3, audit-checkpoint subkey) pins that row's hash, so a chain recomputed after an
    edit no longer matches, and rows up to it may later be pruned. Idempotent: with nothing appended since
    the last checkpoint it returns that one. Raises ConflictError when the chain is broken (a broken chain
    is never signed) or DomainError when the log is empty. Schedule it daily.
    """
    result = verify_chain(since_latest_checkpoint=True)
    if not result.ok:
        raise ConflictError(
            _("审计日志校验未通过，不能签名检查点：%(message)s") % {"message": result.message},
            code=result.code,
        )
    if result.last_sequence == 0 or result.last_occurred_at is None:
        raise DomainError(_("审计日志为空，无需签名检查点。"), code="empty")
    existing = Checkpoint.objects.filter(sequence=result.last_sequence).first()
    if existing is not None:
        return existing
    signed_at = timezone.now()
    signature = sign_checkpoint(
        checkpoint_mac,
        sequence=result.last_sequence,
        row_hash=result.last_hash,
        row_occurred_at=result.last_occurred_at,
        signed_at=signed_at,
    )
    with transaction.atomic():
        checkpoint, created = Checkpoint.objects.get_or_create(
            sequence=result.last_sequence,
            defaults={
                "row_hash": result.last_hash,
                "row_occurred_at": result.last_occurred_at,
                "signed_at": signed_at,
                "signature": signature,
            },
        )
        if created:
            # Shipped outside the database once committed (INT-2): a rolled-back checkpoint must not
            # reach the sink, or its sequence, reused by the next append, would look rewritten.
            data = checkpoint.as_data()
            transaction.on_commit(lambda: sink.export(data))
    return checkpoint


def checkpoint_after_commit(*, reason: str) -> None:
    """Sign a checkpoint once the caller's transaction commits (INT-2: after every committee decision).

    Runs after commit so the decision's own audit row is covered and the decision's transaction is not
    lengthened; a failure to sign or to reach the sink is logged loudly and never undoes the decision
    (the hourly `shuping tick` signs again, and `shuping audit verify` reports a broken chain).
    """

    def sign() -> None:
        try:
            create_checkpoint()
        except Exception:  # a decision already committed must not fail for the checkpoint
            logger.exception("audit checkpoint after %s failed", reason)

    transaction.on_commit(sign)


def retention_days() -> int:
    """Days audit rows are kept: SHUPING_AUDIT_RETENTION_DAYS, never less than 180 (SEC-4)."""
    return max(int(getattr(settings, "SHUPING_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)), MIN_RETENTION_DAYS)


def prune_audit(
    *, before: datetime | None = None, actor: Any = None, source: str = Source.CLI
) -> PruneResult:
    """Delete rows older than `before` (default: the retention limit), up to the latest signed checkpoint.

    Only whole prefixes of the chain ending exactly at a checkpoint are deleted, so verification can start
    from that checkpoint's signed hash. `before` may not be later than now minus the retention period
    (DomainError). The chain is verified first and never pruned when broken (ConflictError), since that
    would destroy the evidence. The prune itself is recorded as "audit.prune".
    """
    days = retention_days()
    limit = timezone.now() - timedelta(days=days)
    if before is None:
        before = limit
    elif before > limit:
        raise DomainError(
            _("审计记录至少保留 %(days)d 天，只能清理 %(date)s 之前的记录。")
            % {"days": days, "date": timezone.localtime(limit).strftime("%Y-%m-%d %H:%M")},
            field="before",
            code="retention",
        )
    result = verify_chain()
    if not result.ok:
        raise ConflictError(
            _("审计日志校验未通过，拒绝清理：%(message)s") % {"message": result.message}, code=result.code
        )
    if result.first_sequence is None:
        return PruneResult(deleted=0, through_sequence=None, before=before)
    candidates = Checkpoint.objects.filter(
        row_occurred_at__lt=before,
        sequence__gte=result.first_sequence,
        sequence__lte=result.last_sequence,
    )
    first_young = (
        AuditEvent.objects.filter(occurred_at__gte=before)
        .order_by("sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    if first_young is not None:
        candidates = candidates.filter(sequence__lt=first_young)
    checkpoint = candidates.order_by("-sequence").first()
    if checkpoint is None:
        return PruneResult(deleted=0, through_sequence=None, before=before)
    with transaction.atomic(), guard.maintenance():
        # The append-only queryset and the database triggers refuse deletion; pruning is the one
        # sanctioned path past both (INT-2).
        deleted, _counts = models.QuerySet.delete(
            AuditEvent.objects.filter(sequence__lte=checkpoint.sequence)
        )
        record(
            actor=actor,
            action="audit.prune",
            source=source,
            detail={"through_sequence": checkpoint.sequence, "deleted": deleted, "before": before},
        )
    # The prune leaves a checkpoint of its own, exported to the sink: the "audit.prune" row is pinned at
    # once, so removing it to hide the prune is a detectable rewrite.
    create_checkpoint()
    return PruneResult(deleted=deleted, through_sequence=checkpoint.sequence, before=before)

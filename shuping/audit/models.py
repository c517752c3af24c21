"""The append-only, hash-chained audit log (SEC-4, REL-5).

Rows are written only by `shuping.audit.services.record()`, under a lock on the single `ChainHead` row.
They are never updated; they are deleted only by `prune_audit()`, past retention and up to a signed
`Checkpoint`. docs/adr/0002-audit-chain.md explains the design.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .chain import CHECKPOINT_ALGORITHM, DEFAULT_ALGORITHM, GENESIS_HASH, CheckpointData, HeadData
from .choices import Outcome, Source


class AppendOnlyError(RuntimeError):
    """Raised when code tries to update or delete audit rows through the ORM."""


class AuditEventQuerySet(models.QuerySet):
    """Audit rows cannot be updated or deleted through the ORM (pruning goes through services)."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are pruned only by shuping.audit.services.prune_audit()")


class AuditEvent(models.Model):
    """One audited action: who (and on whose behalf), did what, to what, from where, with what outcome.

    `sequence` is the position in the chain (1, 2, 3 … without gaps); `row_hash` is SM3 over the
    canonical serialisation of the row including `prev_hash`, the previous row's hash. `actor_id` and
    `actor_name` are hashed as recorded: the foreign key is PROTECT, never SET_NULL, because nulling it
    would rewrite history (accounts are disabled, not deleted). `detail` is small JSON and never holds
    passwords, credentials or phone numbers.
    """

    sequence = models.PositiveBigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    on_behalf_of = models.CharField(_("代录对象"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    target_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    target_label = models.CharField(_("对象名称"), max_length=255, blank=True)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.WEB)
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    algorithm = models.CharField(_("哈希算法"), max_length=16, default=DEFAULT_ALGORITHM)
    prev_hash = models.CharField(_("前一条哈希"), max_length=128)
    row_hash = models.CharField(_("本条哈希"), max_length=128)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "audit_auditevent"
        ordering = ["sequence"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are pruned only by shuping.audit.services.prune_audit()")

    def hashed_fields(self) -> dict[str, Any]:
        """The values the row hash covers, as `shuping.audit.chain.canonical_bytes` expects them."""
        return {
            "sequence": self.sequence,
            "occurred_at": self.occurred_at,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "on_behalf_of": self.on_behalf_of,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_label": self.target_label,
            "source": self.source,
            "outcome": self.outcome,
            "detail": self.detail,
            "algorithm": self.algorithm,
            "prev_hash": self.prev_hash,
        }

    @property
    def detail_text(self) -> str:
        """`detail` as compact readable JSON for the audit page."""
        if not self.detail:
            return ""
        return json.dumps(self.detail, ensure_ascii=False, sort_keys=True)


class ChainHead(models.Model):
    """The single row every append locks: the last sequence written and its hash.

    Appends serialise on it (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transactions already
    admit one writer), which makes `sequence` gap-free and the chain linear. Verification also compares
    it with the last row, so deleting rows at the end of the chain is detected.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(_("最后序号"), default=0)
    last_hash = models.CharField(_("最后哈希"), max_length=128, default=GENESIS_HASH)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chainhead_single_row")]

    def __str__(self) -> str:
        return f"#{self.last_sequence}"

    def as_data(self) -> HeadData:
        return HeadData(last_sequence=self.last_sequence, last_hash=self.last_hash)


class Checkpoint(models.Model):
    """A signed statement that row `sequence` had hash `row_hash` (HMAC-SM3, key derived from the data key).

    It pins every row up to `sequence` against a recomputed chain, and lets rows up to it be pruned once
    past retention: verification then starts from the signed hash.
    """

    sequence = models.PositiveBigIntegerField(_("序号"), unique=True)
    row_hash = models.CharField(_("该条哈希"), max_length=128)
    row_occurred_at = models.DateTimeField(_("该条时间"))
    signed_at = models.DateTimeField(_("签名时间"))
    algorithm = models.CharField(_("签名算法"), max_length=16, default=CHECKPOINT_ALGORITHM)
    signature = models.CharField(_("签名"), max_length=128)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")

    def __str__(self) -> str:
        return f"checkpoint #{self.sequence}"

    def as_data(self) -> CheckpointData:
        return CheckpointData(
            sequence=self.sequence,
            row_hash=self.row_hash,
            row_occurred_at=self.row_occurred_at,
            signed_at=self.signed_at,
            algorithm=self.algorithm,
            signature=self.signature,
        )

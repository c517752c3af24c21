"""待办 of the audit administrator (FLOW-2, SEC-4): how far the signed checkpoints reach — the rows written
since the latest one, and whether `shuping tick` has signed one lately. Two queries."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from shuping.core.todos import Todo, todo_provider

from .models import AuditEvent, Checkpoint
from .permissions import can_view_audit_log

#: `shuping tick` signs a checkpoint daily; older than this, the audit administrator should ask why.
CHECKPOINT_STALE = timedelta(days=2)


@todo_provider
def audit_checkpoints(user) -> list[Todo]:
    if not can_view_audit_log(user):
        return []
    latest = Checkpoint.objects.order_by("-sequence").first()
    since = AuditEvent.objects.filter(sequence__gt=latest.sequence if latest else 0).count()
    if latest is None:
        return [
            Todo(
                text=f"审计日志：尚无签名检查点，{since} 条记录未经检查点固定",
                url=reverse("audit:list"),
                note="请确认定时任务（shuping tick）在运行，并核验审计链（shuping audit verify）",
                urgent=since > 0,
            )
        ]
    stale = timezone.now() - latest.signed_at > CHECKPOINT_STALE
    signed = timezone.localtime(latest.signed_at)
    return [
        Todo(
            text=f"审计日志：最近检查点 #{latest.sequence}（{signed:%Y-%m-%d %H:%M}），此后新增 {since} 条记录",
            url=reverse("audit:list"),
            note="检查点已超过两天未更新，请确认定时任务在运行"
            if stale
            else "定期核验审计链（shuping audit verify）",
            urgent=stale,
        )
    ]

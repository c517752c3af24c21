"""Progress and closure (RCT-2): progress reports, 销号 one by one or by sampling, items sent back, milestones."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from shuping.audit.services import record
from shuping.core.crypto import sm3_hex

from .. import notify, permissions, rules
from ..choices import ClosureMethod, ItemStatus, ListStatus, NotificationKind
from ..models import ClosureBatch, Milestone, ProgressUpdate, RectificationItem
from .base import MAX_EVIDENCE_BYTES, RectificationConflict, RectificationError, actor_user, audit

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- progress and closure (RCT-2) -----------------------------------------------------------------------


def _locked_item(item: RectificationItem) -> RectificationItem:
    return (
        RectificationItem.objects.select_for_update(of=("self",))
        .select_related(
            "rectification_list__assessment__campaign__organizer", "rectification_list__assessment__person"
        )
        .get(pk=item.pk)
    )


@transaction.atomic
def add_progress(
    *,
    actor: User | None,
    item: RectificationItem,
    text: str,
    evidence: Any | None = None,
    marks_done: bool = False,
    on_behalf_of: str = "",
    source: str = "web",
) -> ProgressUpdate:
    """A progress update (RCT-2) with OPTIONAL evidence, SM3-stamped — never compulsory (Art. 6 为基层减负).

    `marks_done` reports the item done: the most the assessee can do; the upper level closes it. Organizer
    staff may record it for an assessee without a liaison (代录, FLOW-4), naming who reported it."""
    item = _locked_item(item)
    rectification_list = item.rectification_list
    assessment = rectification_list.assessment
    on_behalf_of = on_behalf_of.strip()[:100]
    if actor_user(actor) is not None and not permissions.can_draft_list(actor, assessment):
        if not permissions.can_record_for(actor, assessment):
            raise RectificationConflict(
                "只有考核对象本人或联络员可以报告整改进展；没有联络员的，由组织部门代录。", code="forbidden"
            )
        if not on_behalf_of:
            raise RectificationError(
                "代录须写明报告人（如：丙镇党委 张某某，电话报告）。", field="on_behalf_of"
            )
    elif actor_user(actor) is not None:
        on_behalf_of = ""
    if rectification_list.status != ListStatus.CONFIRMED:
        raise RectificationConflict("整改清单确认后才能报告进展。", code="state")
    if item.status == ItemStatus.CLOSED:
        raise RectificationConflict("该事项已销号。", code="closed")
    if marks_done and item.status == ItemStatus.DONE_REPORTED:
        raise RectificationConflict("该事项已报告完成，等待上级销号。", code="state")
    if not text.strip():
        raise RectificationError("请填写进展情况。", field="text")
    update = ProgressUpdate(
        item=item, text=text.strip(), marks_done=marks_done, author=actor, on_behalf_of=on_behalf_of
    )
    if evidence is not None:
        content = evidence.read(MAX_EVIDENCE_BYTES + 1)
        if len(content) > MAX_EVIDENCE_BYTES:
            raise RectificationError(
                f"佐证材料不能超过 {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB，已拒绝，未保存任何内容。",
                field="evidence",
            )
        name = (getattr(evidence, "name", "") or "evidence").rsplit("/", 1)[-1][:200]
        update.evidence_name = name
        update.evidence_sm3 = sm3_hex(content)
        safe = (
            hashlib.sha256(name.encode()).hexdigest()[:12]
            + "."
            + (name.rsplit(".", 1)[-1][:8] if "." in name else "bin")
        )
        update.evidence.save(safe, ContentFile(content), save=False)
    update.save()
    if marks_done:
        item.transition_to(ItemStatus.DONE_REPORTED)
        item.done_reported_at = timezone.now()
    elif item.status == ItemStatus.OPEN:
        item.transition_to(ItemStatus.IN_PROGRESS)
    item.return_reason = "" if marks_done else item.return_reason
    item.save(update_fields=["status", "done_reported_at", "return_reason"])
    record(
        actor=actor,
        action="rectification.item.progress",
        target=item,
        on_behalf_of=on_behalf_of,
        source=source,
        detail={"marks_done": marks_done, "evidence_sm3": update.evidence_sm3 or None},
    )
    return update


def _close(actor: User | None, items: list[RectificationItem], batch: ClosureBatch, source: str) -> None:
    now = timezone.now()
    for item in items:
        item.transition_to(ItemStatus.CLOSED)
        item.closed_at, item.closed_by, item.closure = now, actor_user(actor), batch
        item.save(update_fields=["status", "closed_at", "closed_by", "closure"])
        # RCT-1: closed once, and the closure is reported to every source.
        notify.report_closure(item=item)
        audit(actor, "rectification.item.close", item, source, method=batch.method, batch=batch.pk)


def _closable(actor: User | None, items: Sequence[RectificationItem]) -> list[RectificationItem]:
    ids = sorted({i.pk for i in items})
    if not ids:
        raise RectificationError("请至少选择一项。", field="items")
    locked = list(
        RectificationItem.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related(
            "rectification_list__assessment__campaign__organizer", "rectification_list__assessment__person"
        )
        .order_by("pk")
    )
    campaigns = {i.rectification_list.campaign_id for i in locked}
    if len(campaigns) != 1:
        raise RectificationError("一次只能对同一次考核的事项销号。", field="items")
    for item in locked:
        if actor_user(actor) is not None and not permissions.can_close_item(actor, item):
            raise RectificationConflict(
                "只有上级组织部门可以销号；考核对象和联络员只能报告完成（RCT-2）。", code="forbidden"
            )
        if item.status != ItemStatus.DONE_REPORTED:
            raise RectificationConflict(f"“{item.problem[:20]}”尚未报告完成，不能销号。", code="state")
    return locked


@transaction.atomic
def close_items(
    *, actor: User, items: Sequence[RectificationItem], note: str = "", source: str = "web"
) -> ClosureBatch:
    """销号 singly or in a batch by the upper level (RCT-2); each closure reported to every source."""
    locked = _closable(actor, items)
    batch = ClosureBatch.objects.create(
        campaign_id=locked[0].rectification_list.campaign_id,
        method=ClosureMethod.SINGLE if len(locked) == 1 else ClosureMethod.BATCH,
        population=[i.pk for i in locked],
        sampled=[],
        note=note.strip(),
        closed_by=actor,
    )
    _close(actor, locked, batch, source)
    return batch


@transaction.atomic
def close_by_sampling(
    *,
    actor: User,
    items: Sequence[RectificationItem],
    size: int,
    seed: int | None = None,
    note: str = "",
    source: str = "web",
) -> ClosureBatch:
    """销号 by sampling (RCT-2): a random sample of the reported-done items is checked (the seed is recorded
    so anyone can redraw it); if the check holds, the whole population is closed. A sampled item that fails
    the check is sent back first with `send_back_item`, and the rest sampled again."""
    locked = _closable(actor, items)
    if size < 1:
        raise RectificationError("抽查数量至少为 1。", field="size")
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    sampled = rules.sample([i.pk for i in locked], size, seed)
    batch = ClosureBatch.objects.create(
        campaign_id=locked[0].rectification_list.campaign_id,
        method=ClosureMethod.SAMPLE,
        seed=seed,
        population=[i.pk for i in locked],
        sampled=sampled,
        note=note.strip(),
        closed_by=actor,
    )
    _close(actor, locked, batch, source)
    return batch


@transaction.atomic
def send_back_item(
    *, actor: User | None, item: RectificationItem, reason: str, source: str = "web"
) -> RectificationItem:
    """The upper level sends a reported-done item back with a reason (RCT-2)."""
    item = _locked_item(item)
    if actor_user(actor) is not None and not permissions.can_close_item(actor, item):
        raise RectificationConflict("只有上级组织部门可以退回整改事项。", code="forbidden")
    if not reason.strip():
        raise RectificationError("退回须写明理由。", field="reason")
    if item.status != ItemStatus.DONE_REPORTED:
        raise RectificationConflict("只有已报告完成的事项可以退回。", code="state")
    item.transition_to(ItemStatus.IN_PROGRESS)
    item.return_reason = reason.strip()
    item.save(update_fields=["status", "return_reason"])
    notify.notify_drafters(
        assessment=item.rectification_list.assessment,
        kind=NotificationKind.RETURNED,
        subject="整改事项被退回",
        body=f"{item.problem[:60]}：{reason.strip()}",
        item=item,
    )
    audit(actor, "rectification.item.send_back", item, source, reason=reason.strip()[:500])
    return item


@transaction.atomic
def set_milestone_done(*, actor: User | None, milestone: Milestone, source: str = "web") -> Milestone:
    """Tick a milestone (RCT-1) — the drafter's record of an intermediate step."""
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("item__rectification_list__assessment")
        .get(pk=milestone.pk)
    )
    if actor_user(actor) is not None and not permissions.can_draft_list(
        actor, milestone.item.rectification_list.assessment
    ):
        raise RectificationConflict("只有考核对象本人或联络员可以更新阶段目标。", code="forbidden")
    milestone.is_done = True
    milestone.save(update_fields=["is_done"])
    audit(actor, "rectification.milestone.done", milestone.item, source, milestone=milestone.pk)
    return milestone

"""Writes to 整改清单 and 整改事项 (RCT-1, RCT-2): every page, API call, job and the demo calls these.

Each is keyword-only, typed, atomic, checks who may act and in what state, raises `RectificationError`
(a DomainError with a Chinese message) before writing, and writes its audit event in the same transaction.
Consequences (RCT-4, RCT-5, RCT-7) are in `consequences.py`; notifications and reminders in `notify.py`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from shuping.audit.services import record
from shuping.campaigns.choices import Stage, stage_index
from shuping.campaigns.models import Assessment, Campaign
from shuping.core import uploads
from shuping.core.crypto import sm3_hex
from shuping.core.errors import ConflictError, DomainError
from shuping.documents.models import RegisteredDocument

from . import carryover, notify, permissions, rules, sources
from .choices import ClosureMethod, ItemStatus, ListStatus, NotificationKind, SourceKind
from .models import ClosureBatch, ItemSource, Milestone, ProgressUpdate, RectificationItem, RectificationList

if TYPE_CHECKING:
    from shuping.accounts.models import User

MAX_EVIDENCE_BYTES = uploads.EVIDENCE.max_bytes


class RectificationError(DomainError):
    """A user-caused error in rectification."""


class RectificationConflict(ConflictError):
    """Not allowed in the current state, or not by this user."""


def _audit(actor: User | None, action: str, target: models.Model | None, source: str, **detail: Any) -> None:
    record(actor=actor, action=action, target=target, source=source, detail=detail)


def _user(actor: User | None) -> User | None:
    return actor if getattr(actor, "pk", None) else None


def list_days(campaign: Campaign) -> int:
    """RCT-1: days after feedback the list is due — a campaign setting, copied from last year (default 30)."""
    value = (campaign.settings or {}).get("rectification_days")
    return rules.DEFAULT_LIST_DAYS if value in (None, "") else int(value)


def admonition_days(campaign: Campaign) -> int:
    """RCT-5 限期整改 for 一般 / 差: days from the list's start — a campaign setting
    (`admonition_deadline_days`, copied from last year), default 90."""
    value = (campaign.settings or {}).get("admonition_deadline_days")
    return rules.DEFAULT_RECTIFY_DAYS if value in (None, "") else int(value)


def reminder_days(campaign: Campaign) -> int:
    value = (campaign.settings or {}).get("rectification_reminder_days")
    return rules.DEFAULT_REMINDER_DAYS if value in (None, "") else int(value)


@transaction.atomic
def set_rectification_settings(
    *,
    actor: User | None,
    campaign: Campaign,
    days: int,
    reminder_before_days: int | None = None,
    admonition_deadline_days: int | None = None,
    source: str = "web",
) -> Campaign:
    """Set the list period (and the reminder lead time, the 限期整改 period for 一般 / 差) on the campaign;
    campaigns copies settings next year. A new 限期整改 period applies to lists started afterwards."""
    if not permissions.can_manage_rectification(actor, campaign) and _user(actor) is not None:
        raise RectificationConflict("只有组织部门工作人员可以设置整改期限。", code="forbidden")
    if not 1 <= int(days) <= 365:
        raise RectificationError("整改清单报送期限应在 1 到 365 天之间。", field="days")
    if admonition_deadline_days is not None and not 1 <= int(admonition_deadline_days) <= 730:
        raise RectificationError("限期整改期限应在 1 到 730 天之间。", field="admonition_deadline_days")
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    settings = dict(campaign.settings or {})
    settings["rectification_days"] = int(days)
    if reminder_before_days is not None:
        settings["rectification_reminder_days"] = max(0, int(reminder_before_days))
    if admonition_deadline_days is not None:
        settings["admonition_deadline_days"] = int(admonition_deadline_days)
    campaign.settings = settings
    campaign.save(update_fields=["settings"])
    _audit(
        actor,
        "rectification.settings",
        campaign,
        source,
        days=int(days),
        admonition_deadline_days=settings.get("admonition_deadline_days"),
    )
    return campaign


# --- lists (RCT-1) --------------------------------------------------------------------------------------


def _fold(problems: Sequence[sources.Problem]) -> list[tuple[str, list[sources.Problem]]]:
    """One item per distinct problem text; identical texts from several sources become one item (RCT-1)."""
    order: list[str] = []
    groups: dict[str, list[sources.Problem]] = {}
    for p in problems:
        key = "".join(p.text.split())
        if key not in groups:
            groups[key] = []
            order.append(key)
        if all((q.kind, q.reference) != (p.kind, p.reference) for q in groups[key]):
            groups[key].append(p)
    return [(groups[k][0].text, groups[k]) for k in order]


@transaction.atomic
def start_list(*, actor: User | None, assessment: Assessment, source: str = "web") -> RectificationList:
    """Open the assessee's 整改清单 after 研究 (RCT-1), drafted from every problem pointed out.

    The period counts from feedback when it exists, else from the committee's approval; the list is due
    `rectification_days` later and is filed with (报备) the organizer's organization department. Last
    year's unfinished items at the same organization are carried in (RCT-6). 一般 / 差 sets 限期整改 (RCT-5).
    """
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("campaign", "person", "organization")
        .get(pk=assessment.pk)
    )
    if _user(actor) is not None and not (
        permissions.can_draft_list(actor, assessment)
        or permissions.can_manage_rectification(actor, assessment.campaign)
    ):
        raise RectificationConflict(
            "只有考核对象本人、联络员或组织部门工作人员可以建立整改清单。", code="forbidden"
        )
    if RectificationList.objects.filter(assessment=assessment).exists():
        raise RectificationConflict("整改清单已建立。", code="exists")
    if stage_index(assessment.stage) < stage_index(Stage.FEEDBACK):
        raise RectificationConflict("党委（党组）研究确定等次后才能建立整改清单。", code="stage")
    starts_on, starts_from = sources.period_start(assessment)
    starts_on = starts_on or timezone.localdate()
    grade = sources.approved_grade(assessment)
    rectification_list = RectificationList.objects.create(
        assessment=assessment,
        campaign=assessment.campaign,
        starts_on=starts_on,
        starts_from=starts_from,
        due_on=rules.list_due_on(starts_on, list_days(assessment.campaign)),
        rectify_by=rules.list_due_on(starts_on, admonition_days(assessment.campaign))
        if rules.needs_admonition(grade)
        else None,
        filed_with=assessment.campaign.organizer,
        created_by=_user(actor),
    )
    default_deadline = rectification_list.rectify_by or rules.list_due_on(starts_on, 180)
    position = 0
    for old in carryover.unfinished_for([assessment]).get(assessment.pk, []):
        position += 1
        item = RectificationItem.objects.create(
            rectification_list=rectification_list,
            organization_id=assessment.organization_id,
            position=position,
            problem=old.item.problem,
            measures=old.item.measures,
            responsible=old.item.responsible,
            deadline=default_deadline,
            carried_from=old.item,
        )
        ItemSource.objects.create(
            item=item,
            kind=SourceKind.CARRY_OVER,
            reference=f"rectification.RectificationItem:{old.item.pk}",
            text=old.item.problem,
        )
        for s in old.item.sources.all():
            ItemSource.objects.get_or_create(
                item=item, kind=s.kind, reference=s.reference, defaults={"text": s.text}
            )
    for text, group in _fold(sources.problems_for([assessment]).get(assessment.pk, [])):
        position += 1
        item = RectificationItem.objects.create(
            rectification_list=rectification_list,
            organization_id=assessment.organization_id,
            position=position,
            problem=text,
            deadline=default_deadline,
        )
        ItemSource.objects.bulk_create(
            [ItemSource(item=item, kind=p.kind, reference=p.reference, text=p.text) for p in group]
        )
    _audit(
        actor,
        "rectification.list.start",
        rectification_list,
        source,
        assessment=assessment.pk,
        items=position,
        starts_from=starts_from,
        due_on=rectification_list.due_on.isoformat(),
    )
    return rectification_list


def _locked_list(rectification_list: RectificationList) -> RectificationList:
    return (
        RectificationList.objects.select_for_update(of=("self",))
        .select_related("assessment__campaign__organizer", "assessment__person", "campaign")
        .get(pk=rectification_list.pk)
    )


def _check_drafter(actor: User | None, rectification_list: RectificationList) -> None:
    if _user(actor) is None:
        return
    if not (
        permissions.can_draft_list(actor, rectification_list.assessment)
        or permissions.can_manage_rectification(actor, rectification_list.campaign)
    ):
        raise RectificationConflict("只有考核对象本人或联络员可以编写整改清单。", code="forbidden")


def _check_editable(rectification_list: RectificationList) -> None:
    if rectification_list.status not in (ListStatus.DRAFT, ListStatus.RETURNED):
        raise RectificationConflict("整改清单已报备，退回后才能修改。", code="not_editable")


def _clean_item_fields(problem: str, deadline: date | None, rectification_list: RectificationList) -> date:
    if not problem.strip():
        raise RectificationError("请填写问题。", field="problem")
    if deadline is None:
        raise RectificationError("请填写完成时限。", field="deadline")
    if deadline < rectification_list.starts_on:
        raise RectificationError("完成时限不能早于整改起算日期。", field="deadline")
    if rectification_list.rectify_by and deadline > rectification_list.rectify_by:
        raise RectificationError(
            f"等次为一般或差，须限期整改：完成时限不能晚于 {rectification_list.rectify_by.isoformat()}（第七条）。",
            field="deadline",
        )
    return deadline


@transaction.atomic
def add_item(
    *,
    actor: User | None,
    rectification_list: RectificationList,
    problem: str,
    measures: str = "",
    responsible: str = "",
    deadline: date | None,
    item_sources: Iterable[Mapping[str, str]] = (),
    milestones: Iterable[tuple[str, date]] = (),
    source: str = "web",
) -> RectificationItem:
    """Add an item to a draft list (RCT-1), with its sources ({kind, reference, text}) and milestones."""
    rectification_list = _locked_list(rectification_list)
    _check_drafter(actor, rectification_list)
    _check_editable(rectification_list)
    deadline = _clean_item_fields(problem, deadline, rectification_list)
    position = rectification_list.items.count() + 1
    item = RectificationItem.objects.create(
        rectification_list=rectification_list,
        organization_id=rectification_list.assessment.organization_id,
        position=position,
        problem=problem.strip(),
        measures=measures.strip(),
        responsible=responsible.strip()[:100],
        deadline=deadline,
    )
    rows = []
    for s in item_sources:
        kind = s.get("kind", SourceKind.OTHER)
        if kind not in SourceKind.values:
            raise RectificationError("问题来源不是允许的取值。", field="sources")
        rows.append(
            ItemSource(item=item, kind=kind, reference=s.get("reference", "")[:120], text=s.get("text", ""))
        )
    ItemSource.objects.bulk_create(rows)
    Milestone.objects.bulk_create(
        [Milestone(item=item, text=t.strip()[:300], due_on=d) for t, d in milestones if t.strip()]
    )
    _audit(actor, "rectification.item.add", item, source, list=rectification_list.pk, sources=len(rows))
    return item


@transaction.atomic
def update_item(
    *,
    actor: User | None,
    item: RectificationItem,
    problem: str,
    measures: str,
    responsible: str,
    deadline: date | None,
    milestones: Iterable[tuple[str, date]] = (),
    source: str = "web",
) -> RectificationItem:
    """Edit an item of a draft or returned list (RCT-1); `milestones` ({text, due_on} pairs) are added to the
    item's existing ones."""
    rectification_list = _locked_list(item.rectification_list)
    _check_drafter(actor, rectification_list)
    _check_editable(rectification_list)
    deadline = _clean_item_fields(problem, deadline, rectification_list)
    item = RectificationItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    item.problem, item.measures = problem.strip(), measures.strip()
    item.responsible, item.deadline = responsible.strip()[:100], deadline
    item.save(update_fields=["problem", "measures", "responsible", "deadline"])
    added = Milestone.objects.bulk_create(
        [Milestone(item=item, text=t.strip()[:300], due_on=d) for t, d in milestones if t.strip()]
    )
    _audit(actor, "rectification.item.update", item, source, milestones_added=len(added))
    return item


@transaction.atomic
def merge_items(
    *, actor: User | None, keep: RectificationItem, others: Sequence[RectificationItem], source: str = "web"
) -> RectificationItem:
    """Fold items describing one problem into one, keeping every source (RCT-1: one item, several sources)."""
    rectification_list = _locked_list(keep.rectification_list)
    _check_drafter(actor, rectification_list)
    _check_editable(rectification_list)
    other_ids = [o.pk for o in others if o.pk != keep.pk]
    if (
        RectificationItem.objects.filter(pk__in=other_ids)
        .exclude(rectification_list=rectification_list)
        .exists()
    ):
        raise RectificationError("只能合并同一清单中的事项。", field="items")
    existing = set(keep.sources.values_list("kind", "reference"))
    for s in ItemSource.objects.filter(item_id__in=other_ids):
        if (s.kind, s.reference) not in existing:
            ItemSource.objects.create(item=keep, kind=s.kind, reference=s.reference, text=s.text)
            existing.add((s.kind, s.reference))
    RectificationItem.objects.filter(pk__in=other_ids).delete()
    _audit(actor, "rectification.item.merge", keep, source, merged=other_ids)
    return keep


@transaction.atomic
def submit_list(
    *, actor: User | None, rectification_list: RectificationList, source: str = "web"
) -> RectificationList:
    """报备: file the list with the organizer's organization department (RCT-1)."""
    rectification_list = _locked_list(rectification_list)
    _check_drafter(actor, rectification_list)
    if rectification_list.status not in (ListStatus.DRAFT, ListStatus.RETURNED):
        raise RectificationConflict("整改清单已报备。", code="state")
    if not rectification_list.items.exists():
        raise RectificationError("整改清单至少应有一项整改事项。", field="items")
    if rectification_list.items.filter(measures="").exists():
        raise RectificationError("每项整改事项都应写明整改措施。", field="measures")
    rectification_list.transition_to(ListStatus.SUBMITTED)
    rectification_list.submitted_at = timezone.now()
    rectification_list.submitted_by = _user(actor)
    rectification_list.save(update_fields=["status", "submitted_at", "submitted_by"])
    _audit(
        actor,
        "rectification.list.submit",
        rectification_list,
        source,
        filed_with=rectification_list.filed_with_id,
        late=timezone.localdate() > rectification_list.due_on,
    )
    return rectification_list


def _check_manager(actor: User | None, campaign: Campaign, what: str) -> None:
    if _user(actor) is not None and not permissions.can_manage_rectification(actor, campaign):
        raise RectificationConflict(f"只有组织部门工作人员可以{what}。", code="forbidden")


@transaction.atomic
def confirm_list(
    *, actor: User | None, rectification_list: RectificationList, source: str = "web"
) -> RectificationList:
    """The organizer confirms a filed list (RCT-1)."""
    rectification_list = _locked_list(rectification_list)
    _check_manager(actor, rectification_list.campaign, "确认整改清单")
    if rectification_list.status != ListStatus.SUBMITTED:
        raise RectificationConflict("整改清单尚未报备，不能确认。", code="state")
    rectification_list.transition_to(ListStatus.CONFIRMED)
    rectification_list.confirmed_at = timezone.now()
    rectification_list.confirmed_by = _user(actor)
    rectification_list.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    _audit(actor, "rectification.list.confirm", rectification_list, source)
    return rectification_list


@transaction.atomic
def return_list(
    *, actor: User | None, rectification_list: RectificationList, remarks: str, source: str = "web"
) -> RectificationList:
    """The organizer returns a filed list with remarks (RCT-1); the drafter edits and files it again."""
    rectification_list = _locked_list(rectification_list)
    _check_manager(actor, rectification_list.campaign, "退回整改清单")
    if not remarks.strip():
        raise RectificationError("退回须写明修改意见。", field="remarks")
    if rectification_list.status != ListStatus.SUBMITTED:
        raise RectificationConflict("只有已报备待确认的清单可以退回。", code="state")
    rectification_list.transition_to(ListStatus.RETURNED)
    rectification_list.return_remarks = remarks.strip()
    rectification_list.save(update_fields=["status", "return_remarks"])
    notify.notify_drafters(
        assessment=rectification_list.assessment,
        kind=NotificationKind.RETURNED,
        subject="整改清单已退回修改",
        body=remarks.strip(),
        item=None,
    )
    _audit(actor, "rectification.list.return", rectification_list, source, remarks=remarks.strip()[:500])
    return rectification_list


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
    if _user(actor) is not None and not permissions.can_draft_list(actor, assessment):
        if not permissions.can_record_for(actor, assessment):
            raise RectificationConflict(
                "只有考核对象本人或联络员可以报告整改进展；没有联络员的，由组织部门代录。", code="forbidden"
            )
        if not on_behalf_of:
            raise RectificationError(
                "代录须写明报告人（如：丙镇党委 张某某，电话报告）。", field="on_behalf_of"
            )
    elif _user(actor) is not None:
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
        item.closed_at, item.closed_by, item.closure = now, _user(actor), batch
        item.save(update_fields=["status", "closed_at", "closed_by", "closure"])
        # RCT-1: closed once, and the closure is reported to every source.
        notify.report_closure(item=item)
        _audit(actor, "rectification.item.close", item, source, method=batch.method, batch=batch.pk)


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
        if _user(actor) is not None and not permissions.can_close_item(actor, item):
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
    if _user(actor) is not None and not permissions.can_close_item(actor, item):
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
    _audit(actor, "rectification.item.send_back", item, source, reason=reason.strip()[:500])
    return item


@transaction.atomic
def set_milestone_done(*, actor: User | None, milestone: Milestone, source: str = "web") -> Milestone:
    """Tick a milestone (RCT-1) — the drafter's record of an intermediate step."""
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("item__rectification_list__assessment")
        .get(pk=milestone.pk)
    )
    if _user(actor) is not None and not permissions.can_draft_list(
        actor, milestone.item.rectification_list.assessment
    ):
        raise RectificationConflict("只有考核对象本人或联络员可以更新阶段目标。", code="forbidden")
    milestone.is_done = True
    milestone.save(update_fields=["is_done"])
    _audit(actor, "rectification.milestone.done", milestone.item, source, milestone=milestone.pk)
    return milestone


@transaction.atomic
def issue_progress_circular(
    *, actor: User | None, campaign: Campaign, on: date, source: str = "web"
) -> RegisteredDocument:
    """The day's 整改通报 (Art. 7) numbered in the organizer's 发文 register (DOC-1); issuing it again the
    same day keeps the number."""
    from django.urls import reverse

    from shuping.documents.services import register_document

    from .exports import progress_subject, progress_title

    if actor is not None and not permissions.can_manage_rectification(actor, campaign):
        raise RectificationError("只有本次考核的组织部门工作人员可以印发整改通报。", code="forbidden")
    return register_document(
        actor=actor,
        organization=campaign.organizer,
        subject=progress_subject(campaign, on),
        kind="通报",
        title=progress_title(campaign),
        url=reverse("rectification:circular_pdf", args=[campaign.pk]),
        source=source,
    )

"""整改清单 (RCT-1): drawn up from every problem source, items added, edited and merged, submitted, confirmed or
returned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from shuping.campaigns.choices import Stage, stage_index
from shuping.campaigns.models import Assessment

from .. import carryover, notify, permissions, rules, sources
from ..choices import ListStatus, NotificationKind, SourceKind
from ..models import ItemSource, Milestone, RectificationItem, RectificationList
from ..selectors import admonition_days, list_days
from .base import RectificationConflict, RectificationError, actor_user, audit, check_manager

if TYPE_CHECKING:
    from shuping.accounts.models import User


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
    if actor_user(actor) is not None and not (
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
        created_by=actor_user(actor),
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
    audit(
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
    if actor_user(actor) is None:
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
    audit(actor, "rectification.item.add", item, source, list=rectification_list.pk, sources=len(rows))
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
    audit(actor, "rectification.item.update", item, source, milestones_added=len(added))
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
    audit(actor, "rectification.item.merge", keep, source, merged=other_ids)
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
    rectification_list.submitted_by = actor_user(actor)
    rectification_list.save(update_fields=["status", "submitted_at", "submitted_by"])
    audit(
        actor,
        "rectification.list.submit",
        rectification_list,
        source,
        filed_with=rectification_list.filed_with_id,
        late=timezone.localdate() > rectification_list.due_on,
    )
    return rectification_list


@transaction.atomic
def confirm_list(
    *, actor: User | None, rectification_list: RectificationList, source: str = "web"
) -> RectificationList:
    """The organizer confirms a filed list (RCT-1)."""
    rectification_list = _locked_list(rectification_list)
    check_manager(actor, rectification_list.campaign, "确认整改清单")
    if rectification_list.status != ListStatus.SUBMITTED:
        raise RectificationConflict("整改清单尚未报备，不能确认。", code="state")
    rectification_list.transition_to(ListStatus.CONFIRMED)
    rectification_list.confirmed_at = timezone.now()
    rectification_list.confirmed_by = actor_user(actor)
    rectification_list.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    audit(actor, "rectification.list.confirm", rectification_list, source)
    return rectification_list


@transaction.atomic
def return_list(
    *, actor: User | None, rectification_list: RectificationList, remarks: str, source: str = "web"
) -> RectificationList:
    """The organizer returns a filed list with remarks (RCT-1); the drafter edits and files it again."""
    rectification_list = _locked_list(rectification_list)
    check_manager(actor, rectification_list.campaign, "退回整改清单")
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
    audit(actor, "rectification.list.return", rectification_list, source, remarks=remarks.strip()[:500])
    return rectification_list

"""Writes to the organization tree, guidance relations, people and secretaryships (ORG-1 … ORG-5).

Every write goes through here — web views, the API, imports and the demo call the same functions.
Each is atomic, checks its preconditions and raises `OrganizationError` (a DomainError with a Chinese
message) before writing anything.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from shuping.audit.services import record
from shuping.core.errors import DomainError

from . import rules
from .choices import AdminLevel, Gender, GuidanceKind, OrgKind, SecretaryTitle
from .models import GuidanceRelation, Organization, Person, Secretaryship, path_segment, subtree_q

if TYPE_CHECKING:
    from shuping.accounts.models import User


class OrganizationError(DomainError):
    """A user-caused error in the orgs app (bad code, bad dates …)."""


class OrganizationConflict(OrganizationError):
    """The data's current state forbids the write (overlapping secretaryship, already ended)."""

    status = 409


def _audit(*, actor: User | None, action: str, target: Any, source: str, **details: Any) -> None:
    """Write the audit event in the same transaction (SEC-4); `details` never carries values, only names."""
    record(actor=actor, action=action, target=target, source=source, detail=details or None)


def _check_choice(value: str, choices: type[models.TextChoices], field: str, label: str) -> None:
    if value not in choices.values:
        raise OrganizationError(f"{label}不是允许的取值：{value}", field=field)


def _check_dates(valid_from_on: date | None, valid_to_on: date | None, *, field: str = "valid_to_on") -> None:
    if valid_from_on and valid_to_on and valid_to_on < valid_from_on:
        raise OrganizationError("失效日期不能早于生效日期。", field=field)


# --- organizations ---------------------------------------------------------------------------------

ORGANIZATION_FIELDS = (
    "name",
    "short_name",
    "kind",
    "admin_level",
    "is_central_soe",
    "is_central_financial",
    "valid_from_on",
    "valid_to_on",
    "note",
)


def _validate_organization(org: Organization) -> None:
    if not org.name.strip():
        raise OrganizationError("名称不能为空。", field="name")
    if not org.code.strip():
        raise OrganizationError("组织代码不能为空。", field="code")
    _check_choice(org.kind, OrgKind, "kind", "类型")
    _check_choice(org.admin_level, AdminLevel, "admin_level", "行政层级")
    if (org.is_central_soe or org.is_central_financial) and org.kind != OrgKind.SOE_COMMITTEE:
        raise OrganizationError("“中央企业”“中管金融企业”只适用于国有企业党委。", field="kind")
    _check_dates(org.valid_from_on, org.valid_to_on)


@transaction.atomic
def create_organization(
    *,
    name: str,
    code: str,
    kind: str,
    admin_level: str,
    parent: Organization | None,
    short_name: str = "",
    actor: User | None = None,
    source: str = "web",
    **extra: Any,
) -> Organization:
    """Create an organization under `parent` and give it its materialized path (ORG-1, ORG-2).

    `extra` takes the remaining model fields (flags, validity dates, note). A duplicate code raises
    OrganizationError and writes nothing.
    """
    unknown = set(extra) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organization fields: {sorted(unknown)}")
    org = Organization(
        name=name,
        short_name=short_name,
        code=code,
        kind=kind,
        admin_level=admin_level,
        parent=parent,
        **extra,
    )
    _validate_organization(org)
    if Organization.objects.filter(code=code).exists():
        raise OrganizationError(f"组织代码“{code}”已被使用。", field="code", code="duplicate")
    org.path = "-"  # placeholder until the id is known
    org.save()
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.depth = (parent.depth + 1) if parent else 0
    org.save(update_fields=["path", "depth"])
    _audit(actor=actor, action="orgs.organization.create", target=org, source=source)
    return org


@transaction.atomic
def update_organization(
    *, actor: User | None, organization: Organization, source: str = "web", **changes: Any
) -> Organization:
    """Change an organization's attributes (not its place in the tree: see `move_organization`)."""
    unknown = set(changes) - set(ORGANIZATION_FIELDS) - {"code"}
    if unknown:
        raise TypeError(f"unknown organization fields: {sorted(unknown)}")
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    for name, value in changes.items():
        setattr(org, name, value)
    _validate_organization(org)
    if "code" in changes and Organization.objects.filter(code=org.code).exclude(pk=org.pk).exists():
        raise OrganizationError(f"组织代码“{org.code}”已被使用。", field="code", code="duplicate")
    org.save(update_fields=list(changes))
    _audit(actor=actor, action="orgs.organization.update", target=org, source=source, fields=sorted(changes))
    return org


@transaction.atomic
def move_organization(
    *, actor: User | None, organization: Organization, new_parent: Organization | None, source: str = "web"
) -> Organization:
    """Re-affiliate an organization with its whole subtree: one UPDATE rewrites every path below it."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if new_parent is not None and new_parent.path.startswith(org.path):
        raise OrganizationError("不能把党组织移到它自己或其下级组织之下。", field="parent")
    old_prefix = org.path
    new_prefix = (new_parent.path if new_parent else "") + path_segment(org.pk)
    delta = (new_parent.depth + 1 if new_parent else 0) - org.depth
    Organization.objects.filter(subtree_q(old_prefix)).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)), depth=F("depth") + delta
    )
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    _audit(actor=actor, action="orgs.organization.move", target=org, source=source)
    return org


@transaction.atomic
def end_organization(
    *, actor: User | None, organization: Organization, ended_on: date, source: str = "web"
) -> Organization:
    """Mark an organization as dissolved or merged away from `ended_on`; it is never deleted (ORG-1)."""
    return update_organization(actor=actor, organization=organization, source=source, valid_to_on=ended_on)


# --- guidance relations (ORG-5) --------------------------------------------------------------------


@transaction.atomic
def create_guidance_relation(
    *,
    actor: User | None,
    guiding: Organization,
    guided: Organization,
    kind: str,
    valid_from_on: date | None = None,
    valid_to_on: date | None = None,
    note: str = "",
    source: str = "web",
) -> GuidanceRelation:
    """Record that `guiding` guides `guided` besides affiliation (Art. 8, ORG-5)."""
    _check_choice(kind, GuidanceKind, "kind", "指导类型")
    if guiding.pk == guided.pk:
        raise OrganizationError("党组织不能指导它自己。", field="guided")
    _check_dates(valid_from_on, valid_to_on)
    if GuidanceRelation.objects.filter(guiding=guiding, guided=guided, kind=kind).exists():
        raise OrganizationError("该指导关系已经存在。", field="guided", code="duplicate")
    relation = GuidanceRelation.objects.create(
        guiding=guiding,
        guided=guided,
        kind=kind,
        valid_from_on=valid_from_on,
        valid_to_on=valid_to_on,
        note=note,
    )
    _audit(actor=actor, action="orgs.guidance.create", target=relation, source=source)
    return relation


@transaction.atomic
def end_guidance_relation(
    *, actor: User | None, relation: GuidanceRelation, ended_on: date, source: str = "web"
) -> GuidanceRelation:
    """End a guidance relation from `ended_on` (kept for the record)."""
    relation = GuidanceRelation.objects.select_for_update().get(pk=relation.pk)
    _check_dates(relation.valid_from_on, ended_on)
    relation.valid_to_on = ended_on
    relation.save(update_fields=["valid_to_on"])
    _audit(actor=actor, action="orgs.guidance.end", target=relation, source=source)
    return relation


# --- people (ORG-3) --------------------------------------------------------------------------------

PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_month", "position", "phone", "user")


def _normalize_person(person: Person) -> None:
    person.name = person.name.strip()
    if not person.name:
        raise OrganizationError("姓名不能为空。", field="name")
    if person.gender:
        _check_choice(person.gender, Gender, "gender", "性别")
    if person.birth_month is not None:
        # 出生年月 has no day: keep the first of the month.
        person.birth_month = person.birth_month.replace(day=1)
    person.phone = (person.phone or "").strip()
    if person.user_id and Person.objects.filter(user_id=person.user_id).exclude(pk=person.pk).exists():
        raise OrganizationError("该账号已关联其他干部。", field="user", code="duplicate")


@transaction.atomic
def create_person(
    *,
    actor: User | None,
    name: str,
    gender: str = "",
    ethnicity: str = "汉族",
    birth_month: date | None = None,
    position: str = "",
    phone: str = "",
    user: User | None = None,
    source: str = "web",
) -> Person:
    """Create a cadre record (ORG-3); `birth_month` keeps only year and month."""
    person = Person(
        name=name,
        gender=gender,
        ethnicity=ethnicity,
        birth_month=birth_month,
        position=position,
        phone=phone,
        user=user,
    )
    _normalize_person(person)
    person.save()
    _audit(actor=actor, action="orgs.person.create", target=person, source=source)
    return person


@transaction.atomic
def update_person(*, actor: User | None, person: Person, source: str = "web", **changes: Any) -> Person:
    """Change a cadre record's fields (any of PERSON_FIELDS)."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    for name, value in changes.items():
        setattr(person, name, value)
    _normalize_person(person)
    person.save()
    # The audit row names the fields, never the values: phone is personal data (SEC-7).
    _audit(actor=actor, action="orgs.person.update", target=person, source=source, fields=sorted(changes))
    return person


# --- secretaryships (ORG-3) ------------------------------------------------------------------------


def _tenure(s: Secretaryship) -> rules.Tenure:
    return rules.Tenure(s.started_on, s.ended_on, person=s.person_id, key=s.pk)


def _check_secretaryship(candidate: Secretaryship) -> None:
    _check_choice(candidate.title, SecretaryTitle, "title", "职务")
    if candidate.ended_on and candidate.ended_on < candidate.started_on:
        raise OrganizationError("离任日期不能早于任职日期。", field="ended_on")
    # One secretary per post at a time; lock the post's rows so two concurrent writes cannot both pass.
    others = (
        Secretaryship.objects.select_for_update()
        .filter(organization_id=candidate.organization_id, title=candidate.title)
        .exclude(pk=candidate.pk)
        .select_related("person")
    )
    clashes = rules.overlapping([_tenure(s) for s in others], _tenure(candidate))
    if clashes:
        clash = next(s for s in others if s.pk == clashes[0].key)
        end = clash.ended_on.isoformat() if clash.ended_on else "今"
        raise OrganizationConflict(
            f"任职时间与 {clash.person.name}（{clash.started_on.isoformat()} 至 {end}）重叠：同一职务同一时间只能有一人。",
            field="started_on",
            code="overlap",
        )


@transaction.atomic
def create_secretaryship(
    *,
    actor: User | None,
    person: Person,
    organization: Organization,
    started_on: date,
    title: str = SecretaryTitle.SECRETARY,
    ended_on: date | None = None,
    source: str = "web",
) -> Secretaryship:
    """Record that `person` holds (or held) the secretary's post of `organization` (ORG-3)."""
    secretaryship = Secretaryship(
        person=person, organization=organization, title=title, started_on=started_on, ended_on=ended_on
    )
    _check_secretaryship(secretaryship)
    secretaryship.save()
    _audit(actor=actor, action="orgs.secretaryship.create", target=secretaryship, source=source)
    return secretaryship


@transaction.atomic
def update_secretaryship(
    *, actor: User | None, secretaryship: Secretaryship, source: str = "web", **changes: Any
) -> Secretaryship:
    """Correct a secretaryship's title or dates."""
    unknown = set(changes) - {"title", "started_on", "ended_on"}
    if unknown:
        raise TypeError(f"unknown secretaryship fields: {sorted(unknown)}")
    secretaryship = Secretaryship.objects.select_for_update().get(pk=secretaryship.pk)
    for name, value in changes.items():
        setattr(secretaryship, name, value)
    _check_secretaryship(secretaryship)
    secretaryship.save()
    _audit(
        actor=actor,
        action="orgs.secretaryship.update",
        target=secretaryship,
        source=source,
        fields=sorted(changes),
    )
    return secretaryship


@transaction.atomic
def end_secretaryship(
    *, actor: User | None, secretaryship: Secretaryship, ended_on: date, source: str = "web"
) -> Secretaryship:
    """The secretary leaves the post on `ended_on` (inclusive)."""
    current = Secretaryship.objects.select_for_update().get(pk=secretaryship.pk)
    if current.ended_on is not None:
        raise OrganizationConflict("该任职已经结束。", field="ended_on", code="already_ended")
    if ended_on < current.started_on:
        raise OrganizationError("离任日期不能早于任职日期。", field="ended_on")
    current.ended_on = ended_on
    current.save(update_fields=["ended_on", "updated_at"])
    _audit(actor=actor, action="orgs.secretaryship.end", target=current, source=source)
    return current

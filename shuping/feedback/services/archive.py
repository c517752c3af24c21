"""Cadre-management authority and archive transfer (EVA-7): who holds each file, sealed materials handed over
with a 移交清单."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from shuping.campaigns.models import Assessment, Campaign
from shuping.core.crypto import sm3_hex
from shuping.evaluations.selectors import DECIDED_STAGES, decided_grade
from shuping.orgs.models import Organization, Person

from .. import documents, rules, selectors
from ..choices import MaterialKind, TransferStatus
from ..models import ArchiveTransfer, FeedbackConfig, FileAuthority, TransferItem, TransferMaterial
from .base import FeedbackConflict, FeedbackError, actor_user, audit

if TYPE_CHECKING:
    from shuping.accounts.models import User


# --- cadre-management authority and archive transfer (EVA-7) ------------------------------------------


@transaction.atomic
def save_holder_rules(
    *, actor: User | None, campaign: Campaign, holder_rules: dict[str, str], source: str = "web"
) -> FeedbackConfig:
    """干部管理权限 per level of the assessed organization (rules.ORGANIZER / UPPER), e.g. county secretaries
    managed by the province: a prefecture's campaign then hands their materials up to the province."""
    unknown = {v for v in holder_rules.values() if v not in rules.HOLDER_CHOICES}
    if unknown:
        raise FeedbackError("干部管理权限只能选择“本级党委管理”或“上级党委管理”。", field="holder_rules")
    if any(v == rules.UPPER for v in holder_rules.values()) and campaign.organizer.parent_id is None:
        raise FeedbackError(
            f"{campaign.organizer.name}没有在本系统中的上级党委，不能设为上级党委管理。", field="holder_rules"
        )
    config = selectors.config_for(campaign)
    config.holder_rules = {k: v for k, v in holder_rules.items() if v != rules.ORGANIZER}
    config.save()
    audit(actor, "feedback.holder_rules", campaign, source, rules=config.holder_rules)
    return config


@transaction.atomic
def set_file_authority(
    *,
    actor: User | None,
    person: Person,
    holder: Organization,
    post_organization: Organization | None = None,
    note: str = "",
    source: str = "web",
) -> FileAuthority:
    """Record who keeps the person's personnel file (干部管理权限), for one post or every post."""
    if (
        post_organization is not None
        and not person.secretaryships.filter(organization=post_organization).exists()
    ):
        raise FeedbackError("该干部没有在所选党组织任职的记录。", field="post_organization")
    authority, _created = FileAuthority.objects.update_or_create(
        person=person,
        post_organization=post_organization,
        defaults={"holder": holder, "note": note.strip()[:300], "set_by": actor_user(actor)},
    )
    audit(
        actor,
        "feedback.authority.set",
        person,
        source,
        holder=holder.pk,
        post=post_organization.pk if post_organization else None,
    )
    return authority


def _material(kind: str, assessment: Assessment) -> tuple[str, bytes] | None:
    """(title, PDF) of one sealed material, or None when the source does not exist."""
    from shuping.documents.services import render_document_pdf, render_form_pdf
    from shuping.evaluations.documents import form_for

    if kind == MaterialKind.EVALUATION_FORM:
        return "综合评价意见表", render_form_pdf(form_for(assessment, assessment.evaluation))
    if kind == MaterialKind.FEEDBACK_LETTER:
        feedback = getattr(assessment, "feedback", None)
        if feedback is None or not feedback.is_released:
            return None
        return "反馈意见", render_document_pdf(documents.feedback_letter(feedback))
    if kind == MaterialKind.DECISION_EXTRACT:
        return "研究审定情况摘录", render_document_pdf(documents.decision_extract(assessment))
    return None


def _pages(pdf: bytes) -> int:
    return max(1, pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")) if pdf else 1


@transaction.atomic
def seal_transfers(
    *,
    actor: User | None,
    campaign: Campaign,
    progress: Callable[[int, int], None] | None = None,
    source: str = "web",
) -> list[ArchiveTransfer]:
    """Seal the evaluation materials of every decided, fed-back assessee not yet transferred and hand them,
    grouped by who keeps each person's file (干部管理权限 — often not the organizer), to that holder with a
    transfer list. Each file is stored once with its SM3 hash (the manifest repeats it)."""
    assessments = list(
        campaign.assessments.filter(
            is_excluded=False,
            person__isnull=False,
            stage__in=DECIDED_STAGES,
            evaluation__is_locked=True,
            feedback__released_at__isnull=False,
            archive_item__isnull=True,
        )
        .select_related("campaign__organizer", "evaluation", "feedback")
        .order_by("organization_path")
    )
    if not assessments:
        raise FeedbackConflict("没有可以移交的材料：须经研究确定并已反馈，且尚未移交。", code="nothing")
    kinds = selectors.config_for(campaign).archive_materials
    holders = selectors.holders_for(assessments)
    by_holder: dict[int, list[Assessment]] = {}
    for a in assessments:
        # Never to the organizer itself: files it keeps stay in its own archive (本级存档, rules.is_transfer).
        if rules.is_transfer(holder=holders[a.pk].pk, organizer=campaign.organizer_id):
            by_holder.setdefault(holders[a.pk].pk, []).append(a)
    if not by_holder:
        raise FeedbackConflict(
            "这些人员的干部管理权限都在本级，材料由本级存档，无需移交；"
            "如由上级党委管理，请先按层级或按人员设置干部管理权限。",
            code="self_held",
        )
    sequence = campaign.transfers.count()
    done, total = 0, len(assessments)
    transfers = []
    for holder_id, members in by_holder.items():
        sequence += 1
        transfer = ArchiveTransfer.objects.create(
            campaign=campaign,
            holder=holders[members[0].pk],
            number=f"{campaign.year}-移交-{sequence:03d}",
            sent_by=actor_user(actor),
        )
        for a in members:
            item = TransferItem.objects.create(
                transfer=transfer,
                assessment=a,
                person_name=a.person_name,
                organization_name=a.organization_name,
                grade=decided_grade(a) or "只述职不定等次",
            )
            for kind in kinds:
                made = _material(kind, a)
                if made is None:
                    continue
                title, pdf = made
                material = TransferMaterial(
                    item=item, kind=kind, title=title, sm3=sm3_hex(pdf), size=len(pdf), pages=_pages(pdf)
                )
                material.file.save(f"{a.pk}-{kind}.pdf", ContentFile(pdf), save=False)
                material.save()
            done += 1
            if progress:
                progress(done, total)
        transfers.append(transfer)
        audit(
            actor,
            "feedback.transfer.seal",
            transfer,
            source,
            campaign=campaign.pk,
            holder=holder_id,
            people=len(members),
        )
    return transfers


@transaction.atomic
def acknowledge_transfer(
    *, actor: User, transfer: ArchiveTransfer, on_behalf_of: str = "", source: str = "web"
) -> ArchiveTransfer:
    """The file holder signs the 移交清单 in Shuping (or the organizer's staff record the holder's paper
    receipt, naming who signed: 代录)."""
    transfer = ArchiveTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != TransferStatus.SENT:
        raise FeedbackConflict("该移交清单已签收。", code="acknowledged")
    transfer.transition_to(TransferStatus.ACKNOWLEDGED)
    transfer.acknowledged_at = timezone.now()
    transfer.acknowledged_by = actor
    transfer.on_behalf_of = on_behalf_of.strip()[:100]
    transfer.save()
    audit(actor, "feedback.transfer.acknowledge", transfer, source, on_behalf_of=transfer.on_behalf_of)
    return transfer


def manifest(transfers: Sequence[ArchiveTransfer]) -> tuple[list[tuple[str, bytes]], dict]:
    """The files of a ZIP export and its manifest: every sealed file with the SM3 taken when it was sealed,
    and the SM3 of the bytes now read (they must agree), plus the transfer lists."""
    from shuping.documents.services import render_document_pdf

    files: list[tuple[str, bytes]] = []
    entries = []
    for transfer in transfers:
        folder = f"{transfer.number}-{transfer.holder.display_name}"
        listing = render_document_pdf(documents.transfer_list(transfer))
        files.append((f"{folder}/移交清单.pdf", listing))
        entries.append({"path": f"{folder}/移交清单.pdf", "sm3": sm3_hex(listing), "size": len(listing)})
        for item in selectors.transfer_items(transfer):
            for m in item.materials.all():
                with m.file.open("rb") as handle:
                    content = handle.read()
                path = f"{folder}/{item.organization_name}-{item.person_name}/{m.title}.pdf"
                files.append((path, content))
                entries.append(
                    {
                        "path": path,
                        "kind": m.kind,
                        "sm3": m.sm3,
                        "sm3_now": sm3_hex(content),
                        "size": m.size,
                        "person": item.person_name,
                        "organization": item.organization_name,
                    }
                )
    return files, {"algorithm": "SM3", "generated_at": timezone.now().isoformat(), "files": entries}


def zip_bytes(files: list[tuple[str, bytes]], manifest_data: dict) -> bytes:
    import json
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files:
            archive.writestr(path, content)
        archive.writestr("manifest.json", json.dumps(manifest_data, ensure_ascii=False, indent=2))
    return buffer.getvalue()

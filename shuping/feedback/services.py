"""Writes for 反馈、通报与归档 (EVA-5 … EVA-7): every page, API call, job and the demo calls these.

Keyword-only, atomic, preconditions checked before anything is written, `FeedbackError` /
`FeedbackConflict` with a Chinese message, and the audit event in the same transaction. Order of Art. 6:
研究 → 反馈 → 通报 → 归档 (综合评价意见及等次经党委（党组）研究后，向被评议考核人反馈，在一定范围内通报，
并按照干部管理权限……归入干部人事档案).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from shuping.audit.services import record
from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import Stage
from shuping.campaigns.models import Assessment, Campaign
from shuping.core.crypto import sm3_hex
from shuping.core.errors import ConflictError, DomainError
from shuping.documents import services as document_services
from shuping.documents.models import RegisteredDocument
from shuping.evaluations.models import Evaluation
from shuping.evaluations.selectors import DECIDED_STAGES, decided_evaluation, decided_grade
from shuping.orgs.models import Organization, Person

from . import documents, rules, selectors
from .choices import CLASSIFICATIONS, AcknowledgementMethod, CircularStyle, MaterialKind, TransferStatus
from .models import (
    ArchiveTransfer,
    Circular,
    CircularCopy,
    Feedback,
    FeedbackConfig,
    FileAuthority,
    TransferItem,
    TransferMaterial,
)

if TYPE_CHECKING:
    from shuping.accounts.models import User

ART6 = "第六条：综合评价意见及等次经党委（党组）研究后，向被评议考核人反馈"


class FeedbackError(DomainError):
    """A user-caused error in the feedback app."""


class FeedbackConflict(ConflictError):
    """Not in a state that allows the action (e.g. not yet decided by the committee)."""


def _register(actor: User | None, campaign: Campaign, **entry: Any) -> RegisteredDocument:
    """The document's entry in the campaign organizer's 发文 register (numbered once, DOC-1)."""
    return document_services.register_document(
        actor=actor if getattr(actor, "pk", None) else None, organization=campaign.organizer, **entry
    )


def _audit(
    actor: User | None,
    action: str,
    target: models.Model | None,
    source: str,
    on_behalf_of: str = "",
    **detail: Any,
) -> None:
    record(actor=actor, action=action, target=target, source=source, on_behalf_of=on_behalf_of, detail=detail)


def _user(actor: User | None) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _decided_evaluation(assessment: Assessment) -> Evaluation:
    """The approved, locked evaluation of an assessee past 研究 — or a refusal citing Art. 6."""
    evaluation = decided_evaluation(assessment)
    if evaluation is None or not evaluation.is_locked or assessment.stage not in DECIDED_STAGES:
        raise FeedbackConflict(f"尚未经党委（党组）研究确定，不能反馈（{ART6}）。", code="not_decided")
    return evaluation


def _check_summary(assessment: Assessment, summary: str) -> None:
    """BAL-6: the 意见归纳 is the organizer's de-identified words, never a voter's opinion copied."""
    copied = rules.copied_passages(summary, selectors.raw_opinions_for(assessment))
    if copied:
        raise FeedbackError(
            "意见归纳照录了测评票上的原话，请归纳概括、去除可识别的表述后再保存（原始文字意见不得反馈给本人）。",
            field="summary",
            code="raw_opinion",
        )


# --- settings ------------------------------------------------------------------------------------------


@transaction.atomic
def save_config(
    *,
    actor: User | None,
    campaign: Campaign,
    acknowledge_within_days: int,
    archive_materials: Sequence[str],
    source: str = "web",
) -> FeedbackConfig:
    """The days allowed to acknowledge and the materials the province's rules put into the file."""
    if not 1 <= int(acknowledge_within_days) <= 90:
        raise FeedbackError("签收期限应在 1 到 90 天之间。", field="acknowledge_within_days")
    kinds = [k for k in archive_materials if k]
    unknown = set(kinds) - set(MaterialKind.values)
    if unknown or not kinds:
        raise FeedbackError("请从列出的材料中至少选择一项归档材料。", field="archive_materials")
    config = selectors.config_for(campaign)
    config.acknowledge_within_days = int(acknowledge_within_days)
    config.archive_materials = [k for k in MaterialKind.values if k in kinds]
    config.save()
    _audit(actor, "feedback.config", campaign, source, days=config.acknowledge_within_days, materials=kinds)
    return config


# --- feedback (EVA-5) ----------------------------------------------------------------------------------


@transaction.atomic
def draft_feedback(
    *,
    actor: User | None,
    assessment: Assessment,
    summary: str,
    requirements: str = "",
    source: str = "web",
) -> Feedback:
    """Write (or rewrite) the 意见归纳 and requirements before release. Refused once released, and refused
    when the summary copies a voter's words (BAL-6)."""
    assessment = Assessment.objects.select_related("campaign").get(pk=assessment.pk)
    summary = summary.strip()
    _check_summary(assessment, summary)
    feedback = Feedback.objects.select_for_update().filter(assessment=assessment).first()
    if feedback is None:
        feedback = Feedback(assessment=assessment, campaign=assessment.campaign)
    elif feedback.is_released:
        raise FeedbackConflict("反馈意见已送达，不能再修改。", code="released")
    feedback.summary = summary[:4000]
    feedback.requirements = requirements.strip()[:2000]
    feedback.drafted_by = _user(actor)
    feedback.save()
    _audit(actor, "feedback.draft", assessment, source, summary_chars=len(feedback.summary))
    return feedback


@transaction.atomic
def release_feedback(*, actor: User | None, assessment: Assessment, source: str = "web") -> Feedback:
    """Send the result to the assessee (and liaison): only after 研究 (Art. 6). The decided grade and opinion
    are copied in; the acknowledgement deadline is set; the assessee moves on 反馈 → 整改 (campaigns' stage
    service, which checks every registered blocker)."""
    assessment = Assessment.objects.select_related("campaign__organizer", "evaluation").get(pk=assessment.pk)
    evaluation = _decided_evaluation(assessment)
    feedback = Feedback.objects.select_for_update().filter(assessment=assessment).first()
    if feedback is None:
        feedback = Feedback(assessment=assessment, campaign=assessment.campaign, drafted_by=_user(actor))
    if feedback.is_released:
        raise FeedbackConflict("反馈意见已送达。", code="released")
    _check_summary(assessment, feedback.summary)
    if not feedback.summary and selectors.raw_opinions_for(assessment):
        raise FeedbackError(
            "民主评议收到了文字意见，请先写好去除可识别信息的意见归纳（原文不得反馈给本人）。",
            field="summary",
        )
    config = selectors.config_for(assessment.campaign)
    now = timezone.now()
    feedback.grade = (decided_grade(assessment) or "") if assessment.is_graded else ""
    feedback.achievements = evaluation.achievements
    feedback.problems = list(evaluation.problems or [])
    feedback.released_at = now
    feedback.released_by = _user(actor)
    feedback.acknowledge_by_on = rules.acknowledge_by(timezone.localdate(now), config.acknowledge_within_days)
    feedback.save()
    # The 反馈意见 takes its 文号 from the organizer's 发文 register (DOC-1).
    feedback.document_number = _register(
        actor,
        assessment.campaign,
        subject=f"feedback.letter:{feedback.pk}",
        kind="反馈意见",
        title=f"关于{assessment.campaign.year}年度抓基层党建工作述职评议考核结果的反馈意见（{assessment.organization_name}）",
        url=reverse("feedback:letter_pdf", args=[assessment.pk]),
        source=source,
    ).number
    feedback.save(update_fields=["document_number"])
    _audit(
        actor,
        "feedback.release",
        assessment,
        source,
        grade=feedback.grade,
        due=str(feedback.acknowledge_by_on),
    )
    if assessment.stage == Stage.FEEDBACK:
        campaign_services.transition_assessment(
            actor=actor, assessment=assessment, to_stage=Stage.RECTIFICATION, source=source
        )
    return feedback


@transaction.atomic
def release_all(*, actor: User | None, campaign: Campaign, source: str = "web") -> tuple[int, list[str]]:
    """Release every decided assessee's feedback that is ready; returns (released, Chinese reasons for the
    rest). Each release is its own savepoint, so one refusal leaves the others standing."""
    released, refused = 0, []
    assessments = campaign.assessments.filter(is_excluded=False, stage=Stage.FEEDBACK).order_by(
        "organization_path"
    )
    for a in assessments:
        try:
            with transaction.atomic():
                release_feedback(actor=actor, assessment=a, source=source)
            released += 1
        except DomainError as exc:
            refused.append(f"{a.organization_name}：{exc.message}")
    return released, refused


def _released(feedback: Feedback) -> Feedback:
    feedback = Feedback.objects.select_for_update().select_related("assessment").get(pk=feedback.pk)
    if not feedback.is_released:
        raise FeedbackConflict("反馈意见尚未送达，不能签收。", code="not_released")
    if feedback.is_acknowledged:
        raise FeedbackConflict("已签收。", code="acknowledged")
    return feedback


@transaction.atomic
def acknowledge_feedback(*, actor: User, feedback: Feedback, source: str = "web") -> Feedback:
    """签收 in Shuping by the assessee or their liaison (the view checks who may)."""
    feedback = _released(feedback)
    feedback.acknowledged_at = timezone.now()
    feedback.acknowledged_by = actor
    feedback.acknowledgement_method = AcknowledgementMethod.ONLINE
    feedback.save()
    _audit(actor, "feedback.acknowledge", feedback.assessment, source)
    return feedback


@transaction.atomic
def record_paper_acknowledgement(
    *,
    actor: User,
    feedback: Feedback,
    on_behalf_of: str,
    acknowledged_on: date | None = None,
    note: str = "",
    source: str = "web",
) -> Feedback:
    """Staff record a paper receipt (代录): who signed it and when; attributed to the staff member."""
    feedback = _released(feedback)
    signer = on_behalf_of.strip()
    if not signer:
        raise FeedbackError("请填写纸质回执上的签收人。", field="on_behalf_of")
    today = timezone.localdate()
    day = acknowledged_on or today
    if day > today or day < timezone.localdate(feedback.released_at):
        raise FeedbackError("签收日期应在送达之后、今天之前。", field="acknowledged_on")
    feedback.acknowledged_at = (
        timezone.now()
        if day == today
        else timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    )
    feedback.acknowledged_by = actor
    feedback.acknowledgement_method = AcknowledgementMethod.PAPER
    feedback.on_behalf_of = signer[:100]
    feedback.acknowledgement_note = note.strip()[:300]
    feedback.save()
    _audit(
        actor, "feedback.acknowledge.paper", feedback.assessment, source, on_behalf_of=signer, day=str(day)
    )
    return feedback


# --- circulars (EVA-6) ---------------------------------------------------------------------------------


@transaction.atomic
def publish_circular(
    *,
    actor: User | None,
    campaign: Campaign,
    title: str,
    audience: Sequence[Organization],
    issued_on: date | None = None,
    classification: str = "",
    classification_period: str = "",
    introduction: str = "",
    closing: str = "",
    has_seal: bool = True,
    style: str = "",
    source: str = "web",
) -> Circular:
    """Issue the 通报 to the configured audience, one numbered copy (份号) each, into their inboxes.

    Only once every included assessee has been decided and fed back (Art. 6: 研究 → 反馈 → 通报). `style` is
    名单式 or 表格式 (EVA-6); empty takes the campaign's, and the chosen one becomes the campaign's (copied to
    next year's)."""
    config = selectors.config_for(campaign)
    style = style or config.circular_style
    if style not in CircularStyle.values:
        raise FeedbackError("通报样式应为“名单式”或“表格式”。", field="style")
    if not title.strip():
        raise FeedbackError("请填写标题。", field="title")
    if classification not in CLASSIFICATIONS:
        raise FeedbackError("密级应为“内部”“秘密”“机密”之一或不标注。", field="classification")
    orgs = list(dict.fromkeys(audience))
    if not orgs:
        raise FeedbackError("请选择通报范围。", field="audience")
    allowed = set(selectors.audience_candidates(campaign).values_list("pk", flat=True))
    if any(o.pk not in allowed for o in orgs):
        raise FeedbackError("通报范围只能是组织单位和本次考核的党组织。", field="audience")
    included = campaign.assessments.filter(is_excluded=False)
    if not included.exists():
        raise FeedbackConflict("本次考核没有考核对象。")
    pending = list(
        included.filter(feedback__released_at__isnull=True).values_list("organization_name", flat=True)[:6]
    ) + list(included.filter(feedback__isnull=True).values_list("organization_name", flat=True)[:6])
    if pending:
        raise FeedbackConflict(
            "以下考核对象尚未反馈，不能通报（第六条：研究后反馈，再在一定范围内通报）："
            + "、".join(dict.fromkeys(pending[:5])),
            code="not_fed_back",
        )
    circular = Circular.objects.create(
        campaign=campaign,
        title=title.strip()[:200],
        classification=classification,
        classification_period=classification_period.strip()[:16] if classification else "",
        introduction=introduction.strip(),
        closing=closing.strip(),
        has_seal=has_seal,
        style=style,
        issued_on=issued_on or timezone.localdate(),
        published_by=_user(actor),
    )
    if config.circular_style != style or config.pk is None:
        config.circular_style = style
        config.save()
    CircularCopy.objects.bulk_create(
        [CircularCopy(circular=circular, organization=o, copy_number=i) for i, o in enumerate(orgs, start=1)]
    )
    # Its 文号 comes from the organizer's 发文 register (DOC-1), like every numbered document.
    circular.document_number = _register(
        actor,
        campaign,
        subject=f"feedback.circular:{circular.pk}",
        kind="通报",
        title=circular.title,
        classification=circular.classification_text,
        copies=len(orgs),
        url=reverse("feedback:circular", args=[circular.pk]),
        source=source,
    ).number
    circular.save(update_fields=["document_number"])
    _audit(
        actor,
        "feedback.circular.publish",
        circular,
        source,
        campaign=campaign.pk,
        copies=len(orgs),
        classification=classification,
        style=style,
    )
    return circular


@transaction.atomic
def mark_circular_read(*, actor: User, copy: CircularCopy, source: str = "web") -> CircularCopy:
    """The recipient's organization department has read its copy (阅知); the first reader is kept."""
    copy = CircularCopy.objects.select_for_update().get(pk=copy.pk)
    if copy.read_at is None:
        copy.read_at = timezone.now()
        copy.read_by = actor
        copy.save(update_fields=["read_at", "read_by"])
        _audit(actor, "feedback.circular.read", copy.circular, source, copy=copy.copy_number)
    return copy


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
    _audit(actor, "feedback.holder_rules", campaign, source, rules=config.holder_rules)
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
        defaults={"holder": holder, "note": note.strip()[:300], "set_by": _user(actor)},
    )
    _audit(
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
            sent_by=_user(actor),
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
        _audit(
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
    _audit(actor, "feedback.transfer.acknowledge", transfer, source, on_behalf_of=transfer.on_behalf_of)
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

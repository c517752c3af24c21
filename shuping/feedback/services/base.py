"""What the feedback services share: the errors, the audit call, the 发文 register entry, the decided-
evaluation check (Art. 6) and the 意见归纳 check (BAL-6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from shuping.audit.services import record
from shuping.campaigns.models import Assessment, Campaign
from shuping.core.errors import ConflictError, DomainError
from shuping.documents import services as document_services
from shuping.documents.models import RegisteredDocument
from shuping.evaluations.models import Evaluation
from shuping.evaluations.selectors import DECIDED_STAGES, decided_evaluation

from .. import rules, selectors

if TYPE_CHECKING:
    from shuping.accounts.models import User


ART6 = "第六条：综合评价意见及等次经党委（党组）研究后，向被评议考核人反馈"


class FeedbackError(DomainError):
    """A user-caused error in the feedback app."""


class FeedbackConflict(ConflictError):
    """Not in a state that allows the action (e.g. not yet decided by the committee)."""


def register_entry(actor: User | None, campaign: Campaign, **entry: Any) -> RegisteredDocument:
    """The document's entry in the campaign organizer's 发文 register (numbered once, DOC-1)."""
    return document_services.register_document(
        actor=actor if getattr(actor, "pk", None) else None, organization=campaign.organizer, **entry
    )


def audit(
    actor: User | None,
    action: str,
    target: models.Model | None,
    source: str,
    on_behalf_of: str = "",
    **detail: Any,
) -> None:
    record(actor=actor, action=action, target=target, source=source, on_behalf_of=on_behalf_of, detail=detail)


def actor_user(actor: User | None) -> Any:
    return actor if getattr(actor, "pk", None) else None


def check_decided(assessment: Assessment) -> Evaluation:
    """The approved, locked evaluation of an assessee past 研究 — or a refusal citing Art. 6."""
    evaluation = decided_evaluation(assessment)
    if evaluation is None or not evaluation.is_locked or assessment.stage not in DECIDED_STAGES:
        raise FeedbackConflict(f"尚未经党委（党组）研究确定，不能反馈（{ART6}）。", code="not_decided")
    return evaluation


def check_summary(assessment: Assessment, summary: str) -> None:
    """BAL-6: the 意见归纳 is the organizer's de-identified words, never a voter's opinion copied."""
    copied = rules.copied_passages(summary, selectors.raw_opinions_for(assessment))
    if copied:
        raise FeedbackError(
            "意见归纳照录了测评票上的原话，请归纳概括、去除可识别的表述后再保存（原始文字意见不得反馈给本人）。",
            field="summary",
            code="raw_opinion",
        )

"""Reads for 反馈、通报与归档 — always scoped to the user (SEC-2, EVA-5 … EVA-7, EVA-9).

- Feedback: the campaign's organizer staff and department leaders see every assessee's feedback; the
  assessee and their liaison see their own only once it is released (after 研究, EVA-9).
- Circulars: staff and leaders of the campaign; each audience organization's organization department
  (a RoleGrant of organizer staff or leader on that organization) reads its own numbered copy.
- Transfers: staff and leaders of the campaign, and the file holder's organization department.
- A person's history (Art. 7): decided years only, for the campaigns' staff and leaders and the file holder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from shuping.accounts.choices import Role
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.models import Assessment, Campaign
from shuping.evaluations import selectors as evaluation_selectors
from shuping.evaluations.selectors import DECIDED_STAGES
from shuping.orgs.models import Organization, Person

from . import rules
from .choices import DEFAULT_MATERIALS
from .models import (
    ArchiveTransfer,
    Circular,
    CircularCopy,
    Feedback,
    FeedbackConfig,
    FileAuthority,
    TransferItem,
)

if TYPE_CHECKING:
    from shuping.accounts.models import User

DEPARTMENT_ROLES = (Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER)


def _signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not getattr(user, "admin_role", "")


def department_org_ids(user: User) -> set[int]:
    """Organizations whose organization department the user works in (staff or leader on the org itself)."""
    if not _signed_in(user):
        return set()
    return set(
        campaign_selectors.user_grants(user)
        .filter(role__in=DEPARTMENT_ROLES)
        .values_list("organization_id", flat=True)
    )


def is_reader(user: User, campaign: Campaign) -> bool:
    """The campaign's organizer staff or department leaders (EVA-9's inner circle)."""
    return evaluation_selectors.is_result_reader(user, campaign)


# --- settings --------------------------------------------------------------------------------------------


def config_for(campaign: Campaign) -> FeedbackConfig:
    """The stored settings, else last year's (not saved), else the defaults."""
    config = FeedbackConfig.objects.filter(campaign=campaign).first()
    if config is not None:
        return config
    previous = (
        FeedbackConfig.objects.filter(
            campaign__organizer_id=campaign.organizer_id, campaign__year__lt=campaign.year
        )
        .order_by("-campaign__year")
        .first()
    )
    if previous is not None:
        return FeedbackConfig(
            campaign=campaign,
            acknowledge_within_days=previous.acknowledge_within_days,
            archive_materials=list(previous.archive_materials),
            holder_rules=dict(previous.holder_rules or {}),
            circular_style=previous.circular_style,
        )
    return FeedbackConfig(campaign=campaign, archive_materials=list(DEFAULT_MATERIALS))


# --- feedback (EVA-5) ----------------------------------------------------------------------------------


def feedback_visible_to(user: User) -> QuerySet[Feedback]:
    """Staff and leaders: all of their campaigns'. The assessee and liaisons: their own, once released."""
    if not _signed_in(user):
        return Feedback.objects.none()
    own = Q(
        assessment__in=campaign_selectors.assessments_visible_to(user).values("pk"),
        released_at__isnull=False,
    )
    ids = Feedback.objects.filter(evaluation_selectors.result_campaigns_q(user, "campaign__") | own).values(
        "pk"
    )
    return Feedback.objects.filter(pk__in=ids)


def feedback_for_list(user: User) -> QuerySet[Feedback]:
    return (
        feedback_visible_to(user)
        .select_related("assessment", "campaign")
        .order_by("-campaign__year", "campaign_id", "assessment__organization_path")
    )


def get_feedback_for(user: User, pk: int) -> Feedback:
    feedback = feedback_for_list(user).filter(pk=pk).first()
    if feedback is None:
        raise Http404
    return feedback


def feedback_of(assessment: Assessment) -> Feedback | None:
    return Feedback.objects.filter(assessment=assessment).first()


def feedback_released_on(assessment: Assessment) -> date | None:
    """The day the result was fed back to the assessee (RCT-1: the rectification list is due a set number of
    days after it), or None while it has not been released."""
    released_at = (
        Feedback.objects.filter(assessment_id=assessment.pk).values_list("released_at", flat=True).first()
    )
    return timezone.localdate(released_at) if released_at else None


def is_overdue(feedback: Feedback, today: date | None = None) -> bool:
    """EVA-5: computed, never stored."""
    return rules.is_overdue(
        released_on=timezone.localdate(feedback.released_at) if feedback.released_at else None,
        acknowledged=feedback.is_acknowledged,
        due_on=feedback.acknowledge_by_on,
        today=today or timezone.localdate(),
    )


@dataclass(frozen=True)
class OverdueFeedback:
    """Released feedback past its 签收 deadline, and by how many days (EVA-5)."""

    feedback: Feedback
    days_overdue: int

    @property
    def pk(self) -> int:
        return self.feedback.pk

    @property
    def assessment(self) -> Assessment:
        return self.feedback.assessment

    @property
    def acknowledge_by_on(self) -> date | None:
        return self.feedback.acknowledge_by_on


def overdue_feedback(campaign: Campaign, today: date | None = None) -> list[OverdueFeedback]:
    """Released, unacknowledged feedback past its deadline, oldest deadline first (EVA-5)."""
    today = today or timezone.localdate()
    rows = (
        Feedback.objects.filter(
            campaign=campaign,
            released_at__isnull=False,
            acknowledged_at__isnull=True,
            acknowledge_by_on__lt=today,
        )
        .select_related("assessment")
        .order_by("acknowledge_by_on", "assessment__organization_path")
    )
    return [OverdueFeedback(f, rules.days_overdue(f.acknowledge_by_on, today)) for f in rows]


def board(campaign: Campaign) -> list[dict]:
    """Every included assessee with its evaluation and feedback (one query, PERF-5)."""
    today = timezone.localdate()
    assessments = (
        campaign.assessments.filter(is_excluded=False)
        .select_related("evaluation", "feedback")
        .order_by("organization_path")
    )
    rows = []
    for a in assessments:
        evaluation = getattr(a, "evaluation", None)
        feedback = getattr(a, "feedback", None)
        rows.append(
            {
                "assessment": a,
                "evaluation": evaluation,
                "feedback": feedback,
                "is_decided": a.stage in DECIDED_STAGES and bool(evaluation and evaluation.is_locked),
                "grade": evaluation_selectors.decided_grade(a),
                "is_overdue": feedback is not None and is_overdue(feedback, today),
            }
        )
    return rows


def raw_opinions_for(assessment: Assessment) -> list[str]:
    """The voters' free-text opinions on this assessee (organizer staff only; BAL-6 — never shown to the
    assessee). Used to refuse a 意见归纳 that quotes them."""
    from shuping.ballots.models import Ballot
    from shuping.evaluations.models import BallotLink

    links = list(
        BallotLink.objects.filter(assessment=assessment).values_list("subject_id", "subject__box_id")
    )
    if not links:
        return []
    keys = {str(subject) for subject, _box in links}
    out = []
    for opinions in Ballot.objects.filter(
        box_id__in={box for _s, box in links}, is_rehearsal=False
    ).values_list("opinions", flat=True):
        for key, text in (opinions or {}).items():
            if key in keys and str(text).strip():
                out.append(str(text))
    return out


# --- circulars (EVA-6) ---------------------------------------------------------------------------------


def circulars_of(campaign: Campaign) -> QuerySet[Circular]:
    return Circular.objects.filter(campaign=campaign).prefetch_related("copies__organization")


def inbox_copies(user: User) -> QuerySet[CircularCopy]:
    """The numbered copies addressed to the organizations whose organization department the user works in."""
    orgs = department_org_ids(user)
    if not orgs:
        return CircularCopy.objects.none()
    return (
        CircularCopy.objects.filter(organization_id__in=orgs)
        .select_related("circular__campaign__organizer", "organization")
        .order_by("-circular__published_at", "copy_number")
    )


def get_circular_for(user: User, pk: int) -> tuple[Circular, CircularCopy | None]:
    """(circular, the user's copy or None for the campaign's staff and leaders); 404 otherwise."""
    circular = Circular.objects.select_related("campaign__organizer").filter(pk=pk).first()
    if circular is None or not _signed_in(user):
        raise Http404
    copy = inbox_copies(user).filter(circular=circular).first()
    if copy is None and not is_reader(user, circular.campaign):
        raise Http404
    return circular, copy


def campaign_results(campaign: Campaign) -> list[Assessment]:
    """Decided, graded assessees in tree order, for the circular's table."""
    return list(
        campaign.assessments.filter(is_excluded=False, stage__in=DECIDED_STAGES, evaluation__is_locked=True)
        .select_related("evaluation")
        .order_by("organization_path")
    )


def audience_candidates(campaign: Campaign) -> QuerySet[Organization]:
    """Who a circular may go to: the organizer and the organizations it assesses (and stands above)."""
    ids = set(campaign.assessments.filter(is_excluded=False).values_list("organization_id", flat=True))
    ids.add(campaign.organizer_id)
    return Organization.objects.filter(pk__in=ids).order_by("path")


# --- cadre-management authority and transfers (EVA-7) ---------------------------------------------------


def holders_for(assessments: list[Assessment]) -> dict[int, Organization]:
    """{assessment pk: the organization whose organization department keeps the person's file}: the
    person's record for that post, else for every post, else the campaign's rule for the assessed level
    (干部管理权限, rules.file_holder) — a constant number of queries."""
    person_ids = {a.person_id for a in assessments if a.person_id}
    rows = FileAuthority.objects.filter(person_id__in=person_ids).select_related("holder")
    by_post: dict[tuple[int | None, int | None], Organization] = {
        (r.person_id, r.post_organization_id): r.holder for r in rows
    }
    campaigns = {a.campaign_id: a.campaign for a in assessments}
    rule_sets = {pk: config_for(c).holder_rules for pk, c in campaigns.items()}  # one campaign per page, or a
    # person's few years
    parent_ids = {c.organizer.parent_id for c in campaigns.values() if c.organizer.parent_id}
    parents = {o.pk: o for o in Organization.objects.filter(pk__in=parent_ids)} if parent_ids else {}
    out = {}
    for a in assessments:
        explicit = by_post.get((a.person_id, a.organization_id)) or by_post.get((a.person_id, None))
        organizer = a.campaign.organizer
        holder_id = rules.file_holder(
            explicit=explicit.pk if explicit else None,
            level=a.organization_level or "",
            rules=rule_sets[a.campaign_id],
            organizer=organizer.pk,
            organizer_parent=organizer.parent_id,
        )
        out[a.pk] = explicit or (parents[holder_id] if holder_id in parents else organizer)
    return out


def authorities_of(campaign: Campaign) -> list[dict]:
    """Each included assessee with who keeps the file, on what basis (the person's record, the level's rule,
    下管一级) and whether the materials go to another organization or stay in the organizer's archive."""
    assessments = list(
        campaign.assessments.filter(is_excluded=False, person__isnull=False)
        .select_related("campaign__organizer", "archive_item__transfer")
        .order_by("organization_path")
    )
    holders = holders_for(assessments)
    config = config_for(campaign)
    explicit = set(
        FileAuthority.objects.filter(person_id__in={a.person_id for a in assessments}).values_list(
            "person_id", flat=True
        )
    )
    out = []
    for a in assessments:
        holder = holders[a.pk]
        if a.person_id in explicit:
            basis = "按本人干部管理权限设置"
        else:
            basis = rules.HOLDER_CHOICES[rules.holder_rule(a.organization_level or "", config.holder_rules)]
        out.append(
            {
                "assessment": a,
                "holder": holder,
                "is_default": holder.pk == campaign.organizer_id,
                "is_self": not rules.is_transfer(holder=holder.pk, organizer=campaign.organizer_id),
                "basis": basis,
                "item": getattr(a, "archive_item", None),
            }
        )
    return out


def transfers_visible_to(user: User) -> QuerySet[ArchiveTransfer]:
    if not _signed_in(user):
        return ArchiveTransfer.objects.none()
    q = evaluation_selectors.result_campaigns_q(user, "campaign__")
    orgs = department_org_ids(user)
    if orgs:
        q |= Q(holder_id__in=orgs)
    ids = ArchiveTransfer.objects.filter(q).values("pk")
    return ArchiveTransfer.objects.filter(pk__in=ids)


def get_transfer_for(user: User, pk: int) -> ArchiveTransfer:
    transfer = (
        transfers_visible_to(user)
        .select_related("campaign__organizer", "holder", "sent_by", "acknowledged_by")
        .filter(pk=pk)
        .first()
    )
    if transfer is None:
        raise Http404
    return transfer


def transfer_items(transfer: ArchiveTransfer) -> QuerySet[TransferItem]:
    return transfer.items.prefetch_related("materials").order_by("pk")


def transfer_inbox(user: User) -> QuerySet[ArchiveTransfer]:
    orgs = department_org_ids(user)
    return (
        ArchiveTransfer.objects.filter(holder_id__in=orgs)
        .select_related("campaign__organizer", "holder")
        .order_by("status", "-sent_at")
    )


# --- a person's history (EVA-7, Art. 7) -----------------------------------------------------------------


def person_history_for(user: User, pk: int) -> tuple[Person, list[dict]]:
    """Every decided year of the person the user is entitled to read: rows from campaigns where the user is
    organizer staff or leader, and every row when the user's organization department keeps the file.
    Never a year before its 研究. Out of entitlement → 404."""
    person = Person.objects.filter(pk=pk).first()
    if person is None or not _signed_in(user):
        raise Http404
    decided = list(
        Assessment.objects.filter(
            person=person, stage__in=DECIDED_STAGES, evaluation__is_locked=True, is_excluded=False
        )
        .select_related("campaign__organizer", "evaluation", "feedback")
        .order_by("-campaign__year", "campaign_id")
    )
    orgs = department_org_ids(user)
    holders = holders_for(decided)
    reader_campaigns = (
        set(
            Campaign.objects.filter(pk__in={a.campaign_id for a in decided})
            .filter(evaluation_selectors.result_campaigns_q(user, ""))
            .values_list("pk", flat=True)
        )
        if decided
        else set()
    )
    holds_file = (
        any(holders[a.pk].pk in orgs for a in decided)
        or FileAuthority.objects.filter(person=person, holder_id__in=orgs).exists()
    )
    rows = [
        {
            "assessment": a,
            "evaluation": a.evaluation,
            "grade": evaluation_selectors.decided_grade(a),
            "feedback": getattr(a, "feedback", None),
        }
        for a in decided
        if holds_file or a.campaign_id in reader_campaigns
    ]
    if not rows and not holds_file:
        raise Http404
    return person, rows

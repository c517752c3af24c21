"""Use of results (RCT-4, RCT-5, RCT-7, Art. 7): 不得评优名单, 年度考核 grades, 约谈提醒 and 限期整改, referrals,
the unit's annual Party-building evaluation.

`apply_decision(assessment=…, actor=…, source=…)` runs when the committee approves (or re-decides) a grade:
`hooks.py` registers it with the evaluations app's decision-consequence registry
(`shuping.evaluations.consequences`), whose decision service calls it with the actor in its transaction:
  - grade other than 好 → the person is on the 不得评优名单 for the campaign's year (Art. 7);
  - a 待定 优秀 recorded earlier in the 年度考核 is resolved: kept for 好, refused otherwise;
  - 一般 / 差 → an `Admonition` is opened and the list's 限期整改 date set (Art. 7);
  - the unit's `UnitEvaluation` for that year receives the grade (Art. 7 ¶1).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from shuping.campaigns.models import Assessment

from . import notify, permissions, rules, sources
from .choices import AnnualGrade, AnnualGradeStatus, NotificationKind
from .models import (
    AccountabilityReferral,
    Admonition,
    AnnualAssessmentGrade,
    AnnualGradeRestriction,
    RectificationList,
    UnitEvaluation,
)
from .selectors import admonition_days
from .services.base import RectificationConflict, RectificationError, actor_user, audit, check_manager

if TYPE_CHECKING:
    from shuping.accounts.models import User
    from shuping.orgs.models import Person


def _graded_assessments(person_id: int, year: int):
    return Assessment.objects.filter(
        person_id=person_id, campaign__year=year, is_graded=True, is_excluded=False
    ).select_related("campaign")


def standing(person_id: int, year: int) -> dict:
    """What the 年度考核 may record for a person and year (RCT-4): restricted, pending (待定) or free."""
    assessments = list(_graded_assessments(person_id, year))
    grades = [(a, sources.approved_grade(a)) for a in assessments]
    decided = [(a, g) for a, g in grades if g]
    low = [(a, g) for a, g in decided if g != rules.GOOD]
    if low:
        a, g = low[0]
        return {
            "status": "restricted",
            "grade": g,
            "allowed": rules.allowed_annual_grades(g, AnnualGrade.values),
            "reason": rules.ART7_EXCELLENT + f"（{a.campaign.title}：{g}）",
        }
    if any(g is None for _a, g in grades):
        return {
            "status": "pending",
            "grade": "",
            "allowed": [g for g in AnnualGrade.values if g != rules.EXCELLENT],
            "reason": "述职评议考核等次尚未经党委（党组）研究确定：“优秀”待定，确定后依第七条处理。",
        }
    return {
        "status": "free",
        "grade": decided[0][1] if decided else "",
        "allowed": list(AnnualGrade.values),
        "reason": "",
    }


@transaction.atomic
def record_annual_grade(
    *, person: Person, year: int, grade: str, actor: User | None, note: str = "", source: str = "web"
) -> AnnualAssessmentGrade:
    """Record the 年度考核 grade of a person (RCT-4).

    Art. 7: 述职评议考核综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次 — 优秀 for such a person is
    refused with that citation. Before the 述职评议考核 is decided, 优秀 is recorded as 待定 (pending) and
    resolved on approval (`apply_decision`)."""
    if grade not in AnnualGrade.values:
        raise RectificationError("年度考核等次应为优秀、称职、基本称职或不称职。", field="grade")
    state = standing(person.pk, year)
    if grade == rules.EXCELLENT and state["status"] == "restricted":
        audit(actor, "rectification.annual_grade.refused", person, source, year=year, grade=grade)
        raise RectificationConflict(state["reason"], field="grade", code="art7")
    status = AnnualGradeStatus.RECORDED
    if grade == rules.EXCELLENT and state["status"] == "pending":
        status = AnnualGradeStatus.PENDING
    row, _created = AnnualAssessmentGrade.objects.update_or_create(
        person=person,
        year=year,
        defaults={
            "grade": grade,
            "status": status,
            "note": note.strip() or (state["reason"] if status == AnnualGradeStatus.PENDING else ""),
            "recorded_by": actor_user(actor),
            "resolved_at": None if status == AnnualGradeStatus.PENDING else timezone.now(),
        },
    )
    audit(actor, "rectification.annual_grade.record", person, source, year=year, grade=grade, status=status)
    return row


@transaction.atomic
def apply_decision(*, assessment: Assessment, actor: User | None = None, source: str = "system") -> None:
    """The committee's grade takes effect on the use of results (RCT-4, RCT-5, RCT-7, Art. 7)."""
    assessment = Assessment.objects.select_related("campaign", "person", "organization").get(pk=assessment.pk)
    grade = sources.approved_grade(assessment)
    if not grade or assessment.person_id is None:
        return
    year = assessment.campaign.year
    # RCT-4: 不得评优名单.
    if grade != rules.GOOD:
        AnnualGradeRestriction.objects.update_or_create(
            assessment=assessment,
            defaults={
                "person_id": assessment.person_id,
                "person_name": assessment.person_name,
                "year": year,
                "grade": grade,
            },
        )
    else:
        AnnualGradeRestriction.objects.filter(assessment=assessment).delete()
    # RCT-4: a 待定 优秀 resolved.
    state = standing(assessment.person_id, year)
    for row in AnnualAssessmentGrade.objects.select_for_update(of=("self",)).filter(
        person_id=assessment.person_id, year=year, status=AnnualGradeStatus.PENDING
    ):
        if state["status"] == "restricted":
            row.status = AnnualGradeStatus.REFUSED
            row.note = state["reason"]
        elif state["status"] == "free":
            row.status = AnnualGradeStatus.RECORDED
            row.note = ""
        else:
            continue
        row.resolved_at = timezone.now()
        row.save(update_fields=["status", "note", "resolved_at"])
        person = assessment.person
        if person is not None and person.user_id:
            notify._create(
                [
                    notify.Notification(
                        kind=NotificationKind.ANNUAL_GRADE,
                        recipient_id=person.user_id,
                        subject=f"{year} 年度考核等次：{row.get_status_display()}",
                        body=row.note or "年度考核“优秀”等次已确定。",
                    )
                ]
            )
        audit(
            actor,
            "rectification.annual_grade.resolve",
            assessment.person,
            source,
            year=year,
            status=row.status,
        )
    # RCT-5: 一般 / 差 → 约谈提醒 and 限期整改.
    if rules.needs_admonition(grade):
        if not Admonition.objects.filter(assessment=assessment).exists():
            Admonition.objects.create(
                assessment=assessment,
                grade=grade,
                person_name=assessment.person_name,
                opened_by=actor_user(actor),
            )
        for lst in RectificationList.objects.filter(assessment=assessment, rectify_by__isnull=True):
            lst.rectify_by = rules.list_due_on(lst.starts_on, admonition_days(assessment.campaign))
            lst.save(update_fields=["rectify_by"])
    # RCT-7: the unit's annual Party-building evaluation receives the grade.
    UnitEvaluation.objects.update_or_create(
        organization_id=assessment.organization_id,
        year=year,
        defaults={
            "organization_name": assessment.organization_name,
            "assessment": assessment,
            "secretary_grade": grade,
        },
    )
    audit(actor, "rectification.decision.apply", assessment, source, grade=grade, year=year)


@transaction.atomic
def record_admonition(
    *,
    actor: User | None,
    assessment: Assessment,
    conducted_by: str,
    held_on: date | None,
    record_text: str,
    source: str = "web",
) -> Admonition:
    """约谈提醒 (RCT-5): who talked to whom, when, and the record of the talk; only for 一般 / 差 (Art. 7)."""
    check_manager(actor, assessment.campaign, "录入约谈提醒")
    grade = sources.approved_grade(assessment)
    if grade is None or not rules.needs_admonition(grade):
        raise RectificationConflict("约谈提醒适用于综合评价等次为“一般”或“差”的（第七条）。", code="grade")
    if not conducted_by.strip():
        raise RectificationError("请填写约谈人。", field="conducted_by")
    if held_on is None:
        raise RectificationError("请填写约谈日期。", field="held_on")
    admonition = Admonition.objects.select_for_update(of=("self",)).filter(
        assessment=assessment
    ).first() or Admonition(
        assessment=assessment, grade=grade, person_name=assessment.person_name, opened_by=actor_user(actor)
    )
    admonition.conducted_by = conducted_by.strip()[:100]
    admonition.held_on = held_on
    admonition.record = record_text.strip()
    admonition.save()
    audit(
        actor,
        "rectification.admonition",
        admonition,
        source,
        assessment=assessment.pk,
        held_on=held_on.isoformat(),
    )
    return admonition


@transaction.atomic
def refer_for_accountability(
    *,
    actor: User,  # AccountabilityReferral.recorded_by: a referral is always recorded by a person
    assessment: Assessment,
    referred_to: str,
    reason: str,
    referred_on: date | None,
    source: str = "web",
) -> AccountabilityReferral:
    """追责问责 referral (RCT-5), recorded only. It never closes or replaces a rectification item — Art. 7:
    避免简单以问责代替整改 — so the items stay open and must still be rectified and closed."""
    check_manager(actor, assessment.campaign, "录入追责问责")
    if not referred_to.strip():
        raise RectificationError("请填写移交机关。", field="referred_to")
    if not reason.strip():
        raise RectificationError("请写明问题和依据。", field="reason")
    if referred_on is None:
        raise RectificationError("请填写移交日期。", field="referred_on")
    referral = AccountabilityReferral.objects.create(
        assessment=assessment,
        referred_to=referred_to.strip()[:200],
        reason=reason.strip(),
        referred_on=referred_on,
        recorded_by=actor,
    )
    audit(actor, "rectification.referral", referral, source, assessment=assessment.pk)
    return referral


@transaction.atomic
def record_unit_note(
    *, actor: User | None, unit: UnitEvaluation, note: str, source: str = "web"
) -> UnitEvaluation:
    """Add a note to a unit's annual evaluation record (RCT-7)."""
    check_manager(actor, unit.assessment.campaign, "填写单位年度党建工作评价")
    unit.note = note.strip()
    unit.save(update_fields=["note", "recorded_at"])
    audit(actor, "rectification.unit_evaluation.note", unit, source)
    return unit


def can_manage(user, assessment) -> bool:
    return permissions.can_manage_rectification(user, assessment.campaign)

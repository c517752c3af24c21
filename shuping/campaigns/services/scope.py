"""Who is assessed (CMP-2, CMP-3, Art. 3): the scope proposal, assessees added, predecessors, excluded or
restored, grading and reporting mode, the scope confirmed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from shuping.orgs.models import Organization, Secretaryship

from .. import rules, selectors
from ..choices import CampaignStatus, ReportingMode, Stage
from ..models import Assessment, Campaign
from .base import CampaignConflict, CampaignError, audit, check_editable, locked_assessment
from .stages import stage_after

if TYPE_CHECKING:
    from shuping.accounts.models import User


def _new_assessment(
    campaign: Campaign,
    org: Organization,
    secretaries: dict,
    *,
    rule: str,
    rule_text: str,
    paragraph: str,
    is_graded: bool,
    added: bool = False,
    reason: str = "",
    reporting_mode: str = "",
) -> Assessment:
    secretaryship, flags = secretaries.get(org.pk, (None, frozenset()))
    suggested_graded, needs_decision = rules.tenure_suggestion(flags)
    return Assessment(
        campaign=campaign,
        organization=org,
        organization_name=org.name,
        organization_path=org.path,
        organization_kind=org.kind,
        organization_level=org.admin_level,
        person=secretaryship.person if secretaryship else None,
        person_name=secretaryship.person.name if secretaryship else "",
        secretaryship=secretaryship,
        is_graded=is_graded and suggested_graded,
        reporting_mode=reporting_mode or rules.default_reporting_mode(org.kind, org.admin_level),
        rule_code=rule,
        rule_text=rule_text,
        paragraph=paragraph,
        is_added_by_organizer=added,
        edit_reason=reason,
        tenure_flags=sorted(flags),
        is_tenure_decided=not needs_decision,
    )


@transaction.atomic
def apply_scope_proposal(
    *,
    actor: User | None,
    campaign: Campaign,
    include_optional: Iterable[int] = (),
    include_villages: bool = False,
    source: str = "web",
) -> list[Assessment]:
    """Create the assessments Art. 3 proposes (CMP-2), resolving each post's secretary for the year.

    Optional representatives (Art. 3 ¶2 可选择) are added only when their organization id is in
    `include_optional`; a county's village and community secretaries (参照执行) all at once with
    `include_villages`. Organizations already in scope are left alone, so this can run again.
    """
    campaign = Campaign.objects.select_for_update().select_related("organizer").get(pk=campaign.pk)
    check_editable(campaign)
    if campaign.is_scope_confirmed:
        raise CampaignConflict("考核对象名单已确认，如需调整请逐个增补或移出。")
    candidates = selectors.scope_candidates(campaign)
    by_id = {o.pk: o for o in candidates}
    proposals = rules.propose_scope(
        selectors.org_facts(campaign.organizer), [selectors.org_facts(o) for o in candidates]
    )
    wanted = set(include_optional)
    if include_villages:
        wanted |= {p.org.key for p in proposals if p.rule == rules.RULE_VILLAGES_BY_REFERENCE}
    chosen = [p for p in proposals if not p.is_optional or p.org.key in wanted]
    existing = set(campaign.assessments.values_list("organization_id", flat=True))
    chosen = [p for p in chosen if p.org.key not in existing]
    secretaries = selectors.secretaries_for_year([p.org.key for p in chosen], campaign.year)
    rows = [
        _new_assessment(
            campaign,
            by_id[p.org.key],
            secretaries,
            rule=p.rule,
            rule_text=p.rule_text,
            paragraph=p.paragraph,
            is_graded=p.is_graded,
            reporting_mode=p.reporting_mode,
        )
        for p in chosen
    ]
    Assessment.objects.bulk_create(rows)
    audit(actor, "campaigns.scope.apply", campaign, source, added=len(rows), optional=sorted(wanted))
    return list(campaign.assessments.filter(organization_id__in=[p.org.key for p in chosen]))


@transaction.atomic
def add_assessment(
    *,
    actor: User | None,
    campaign: Campaign,
    organization: Organization,
    reason: str,
    is_graded: bool = True,
    source: str = "web",
) -> Assessment:
    """The organizer adds an organization's secretary outside the proposal; the reason is recorded (CMP-2)."""
    check_editable(campaign)
    if not reason.strip():
        raise CampaignError("增补考核对象须填写理由。", field="reason")
    if not organization.is_in_subtree_of(campaign.organizer) or organization.pk == campaign.organizer_id:
        raise CampaignError("只能增补本组织单位所属的党组织。", field="organization")
    if campaign.assessments.filter(organization=organization).exists():
        raise CampaignConflict(f"{organization.name}已在考核名单中。", field="organization", code="duplicate")
    secretaries = selectors.secretaries_for_year([organization.pk], campaign.year)
    assessment = _new_assessment(
        campaign,
        organization,
        secretaries,
        rule=rules.RULE_ADDED,
        rule_text="组织单位增补",
        paragraph="",
        is_graded=is_graded,
        added=True,
        reason=reason.strip(),
    )
    assessment.save()
    audit(actor, "campaigns.assessment.add", assessment, source, reason=reason.strip())
    return assessment


@transaction.atomic
def add_predecessor(
    *,
    actor: User | None,
    assessment: Assessment,
    secretaryship: Secretaryship,
    reason: str = "",
    source: str = "web",
) -> Assessment:
    """Add the predecessor of a post that changed hands mid-year as a second reporter (ORG-3, CMP-2).

    The new assessment is the same organization's, report-only (只述职不定等次) and written by default —
    the organizer may switch either afterwards; the reason is recorded.
    """
    from datetime import date as _date

    assessment = locked_assessment(assessment)
    campaign = assessment.campaign
    check_editable(campaign)
    first, last = _date(campaign.year, 1, 1), _date(campaign.year, 12, 31)
    if (
        secretaryship.organization_id != assessment.organization_id
        or secretaryship.started_on > last
        or (secretaryship.ended_on is not None and secretaryship.ended_on < first)
    ):
        raise CampaignError("只能增列本年度在该党组织任过书记的前任。", field="secretaryship")
    if secretaryship.person_id == assessment.person_id:
        raise CampaignError("该书记已是本党组织的述职人。", field="secretaryship")
    if campaign.assessments.filter(
        organization_id=assessment.organization_id, person_id=secretaryship.person_id
    ).exists():
        raise CampaignConflict("该前任已在考核名单中。", field="secretaryship", code="duplicate")
    name = secretaryship.person.name
    predecessor = Assessment.objects.create(
        campaign=campaign,
        organization_id=assessment.organization_id,
        organization_name=assessment.organization_name,
        organization_path=assessment.organization_path,
        organization_kind=assessment.organization_kind,
        organization_level=assessment.organization_level,
        person=secretaryship.person,
        person_name=name,
        secretaryship=secretaryship,
        is_graded=False,
        reporting_mode=ReportingMode.WRITTEN,
        rule_code="predecessor",
        rule_text="年中调整的前任书记（建议只述职不定等次）",
        paragraph=assessment.paragraph,
        is_added_by_organizer=True,
        edit_reason=reason.strip() or "年中调整，前任书记就任职期间工作述职",
        tenure_flags=["mid_year_change"],
        is_tenure_decided=True,
        is_predecessor=True,
    )
    audit(
        actor,
        "campaigns.assessment.add_predecessor",
        predecessor,
        source,
        successor=assessment.pk,
        tenure=secretaryship.pk,
        reason=reason.strip(),
    )
    return predecessor


@transaction.atomic
def exclude_assessment(
    *, actor: User | None, assessment: Assessment, reason: str, source: str = "web"
) -> Assessment:
    """Take a proposed assessee out of scope with a recorded reason (the row stays, for the record)."""
    assessment = locked_assessment(assessment)
    check_editable(assessment.campaign)
    if not reason.strip():
        raise CampaignError("移出考核名单须填写理由。", field="reason")
    if assessment.stage != Stage.REPORT:
        raise CampaignConflict("已进入后续阶段的考核对象不能移出名单。")
    assessment.is_excluded = True
    assessment.edit_reason = reason.strip()
    assessment.save(update_fields=["is_excluded", "edit_reason"])
    audit(actor, "campaigns.assessment.exclude", assessment, source, reason=reason.strip())
    return assessment


@transaction.atomic
def restore_assessment(
    *, actor: User | None, assessment: Assessment, reason: str, source: str = "web"
) -> Assessment:
    assessment = locked_assessment(assessment)
    check_editable(assessment.campaign)
    if not reason.strip():
        raise CampaignError("恢复考核对象须填写理由。", field="reason")
    assessment.is_excluded = False
    assessment.edit_reason = reason.strip()
    assessment.save(update_fields=["is_excluded", "edit_reason"])
    audit(actor, "campaigns.assessment.restore", assessment, source, reason=reason.strip())
    return assessment


@transaction.atomic
def set_grading(
    *, actor: User | None, assessment: Assessment, is_graded: bool, reason: str = "", source: str = "web"
) -> Assessment:
    """Graded (考核定等) or report-only (只述职不定等次); also settles a flagged tenure (CMP-2, ORG-3)."""
    assessment = locked_assessment(assessment)
    check_editable(assessment.campaign)
    if stage_after(assessment.stage, Stage.EVALUATION):
        raise CampaignConflict("综合评价已开始，不能再改变是否考核定等。")
    if assessment.tenure_flags and not reason.strip():
        raise CampaignError("该书记年中调整或任职不满半年，请说明处理理由。", field="reason")
    assessment.is_graded = is_graded
    assessment.is_tenure_decided = True
    assessment.tenure_note = reason.strip() or assessment.tenure_note
    assessment.save(update_fields=["is_graded", "is_tenure_decided", "tenure_note"])
    audit(
        actor, "campaigns.assessment.grading", assessment, source, is_graded=is_graded, reason=reason.strip()
    )
    return assessment


@transaction.atomic
def set_reporting_mode(
    *, actor: User | None, assessment: Assessment, mode: str, reason: str = "", source: str = "web"
) -> Assessment:
    """Switch 现场述职 / 书面述职 (CMP-3)."""
    if mode not in ReportingMode.values:
        raise CampaignError("述职方式不是允许的取值。", field="reporting_mode")
    assessment = locked_assessment(assessment)
    check_editable(assessment.campaign)
    if stage_after(assessment.stage, Stage.MEETING):
        raise CampaignConflict("述职评议已结束，不能再改变述职方式。")
    assessment.reporting_mode = mode
    assessment.save(update_fields=["reporting_mode"])
    audit(actor, "campaigns.assessment.reporting_mode", assessment, source, mode=mode, reason=reason.strip())
    return assessment


@transaction.atomic
def confirm_scope(*, actor: User | None, campaign: Campaign, source: str = "web") -> Campaign:
    """The organizer confirms the list of assessees (CMP-2); the campaign opens and stages can move."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_editable(campaign)
    included = campaign.assessments.filter(is_excluded=False)
    if not included.exists():
        raise CampaignError("考核名单为空，请先生成或增补考核对象。")
    undecided = list(included.filter(is_tenure_decided=False).values_list("organization_name", flat=True)[:5])
    if undecided:
        raise CampaignConflict(
            "以下考核对象的书记年中调整或任职不满半年，请先确定是否考核定等：" + "、".join(undecided)
        )
    campaign.scope_confirmed_at = timezone.now()
    campaign.scope_confirmed_by = actor if getattr(actor, "pk", None) else None
    campaign.status = CampaignStatus.OPEN
    campaign.save(update_fields=["scope_confirmed_at", "scope_confirmed_by", "status"])
    audit(actor, "campaigns.scope.confirm", campaign, source, assessees=included.count())
    return campaign

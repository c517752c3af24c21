"""Oversight reads (OVS-2, OVS-3, ORG-2, EVA-9): who may oversee what, and the dashboard aggregates.

Scope. Oversight follows the organization department's own grants, never the assessee's subtree:
a user oversees every campaign whose **organizer** lies in the subtree of an organization on which
they hold 组织部门工作人员 or 部门领导 *with its subtree* (`RoleGrant.include_subtree`). A province's
organization department thus sees every county's campaign state, read-only; a county's organization
department sees the campaigns its county and townships organize, and not the prefecture's campaign in
which its own county secretary is assessed (EVA-9). Guidance staff (OVS-3) see the lower campaigns they
are assigned to through the campaigns app's own scoping (`campaigns.selectors`), read-only there.

Aggregates. Every widget is **one SQL aggregate** over the subtree, selected by the indexed path prefix
of the organizer (`path LIKE 'prefix%'`, ORG-2) and grouped by the child segment of that path
(`substring(path, 1, len(prefix) + 7)`), so drill-down to the children costs no tree walk and the query
count does not grow with the data (PERF-5).

Confidentiality (EVA-9). Stage counts and schedules are progress, not results. Grades, tallies and
composites of a campaign are counted only for assessments past 研究 (stage 反馈 or later) — the grade
and rectification widgets are providers over the evaluations and rectification apps
(`shuping.oversight.providers`, registered with `register_grade_provider` /
`register_rectification_provider`), handed only those assessments; grades count only decided evaluations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from shuping.accounts.choices import Role
from shuping.campaigns.choices import (
    CONFIDENTIAL_UNTIL_AFTER,
    STAGE_ORDER,
    CampaignStatus,
    Stage,
    stage_index,
)
from shuping.campaigns.models import Assessment, Campaign, MeetingPlan
from shuping.core.replica import replica_reads
from shuping.orgs.choices import AdminLevel
from shuping.orgs.models import SEGMENT_WIDTH, MaterializedPathField, Organization, subtrees_q
from shuping.orgs.selectors import grant_scope

from .choices import ReportStatus
from .models import UpwardReport

if TYPE_CHECKING:
    from shuping.accounts.models import User

#: Grants that make a user an overseer of their subtree: the organization department's staff and leaders.
OVERSIGHT_ROLES = (Role.ORGANIZER_STAFF, Role.DEPARTMENT_LEADER)

#: EVA-9: results of an assessment may be shown to the levels above once 研究 is done.
RESULTS_VISIBLE_STAGES: tuple[str, ...] = tuple(
    s for s in STAGE_ORDER if stage_index(s) > stage_index(CONFIDENTIAL_UNTIL_AFTER)
)

#: Label of the row for campaigns organized by the dashboard's organization itself.
OWN_LEVEL = "本级"


# --- scope ---------------------------------------------------------------------------------------------


def oversight_paths(user: User) -> tuple[str, ...]:
    """Subtree roots the user oversees (paths; nested roots dropped). Reads the cached grant scope."""
    paths = sorted(
        {
            path
            for role, path, include_subtree, _pk in grant_scope(user).grants
            if role in OVERSIGHT_ROLES and include_subtree
        }
    )
    roots: list[str] = []
    for path in paths:
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return tuple(roots)


def can_use_oversight(user: User) -> bool:
    """The 监督指导 menu (FLOW-3): dashboards (`oversight_paths`), the upward-report inbox and the reports
    sent up are for organizer staff and department leaders only — not the assessee, liaison or guidance."""
    return any(role in OVERSIGHT_ROLES for role, _p, _s, _pk in grant_scope(user).grants)


def can_oversee(user: User, org: Organization) -> bool:
    return any(org.path.startswith(root) for root in oversight_paths(user))


def oversight_roots_for(user: User) -> QuerySet[Organization]:
    """The organizations whose dashboards the user starts from."""
    return Organization.objects.filter(path__in=oversight_paths(user)).order_by("path")


def get_oversight_org_for(user: User, pk: int) -> Organization:
    """An organization inside the user's oversight subtrees, else 404 (its existence is not revealed)."""
    paths = oversight_paths(user)
    if not paths:
        raise Http404
    org = Organization.objects.filter(subtrees_q(paths), pk=pk).select_related("parent").first()
    if org is None:
        raise Http404
    return org


def overseeable_campaigns(user: User) -> QuerySet[Campaign]:
    """Campaigns organized anywhere in the user's oversight subtrees (read-only for them)."""
    paths = oversight_paths(user)
    if not paths:
        return Campaign.objects.none()
    return Campaign.objects.filter(subtrees_q(paths, field="organizer__path"))


def get_overseeable_campaign_for(user: User, pk: int) -> Campaign:
    campaign = overseeable_campaigns(user).select_related("organizer").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


# --- lateness: stage vs schedule (OVS-2 "who is late") -------------------------------------------------


def _before(stage: str) -> list[str]:
    return list(STAGE_ORDER[: stage_index(stage)])


def late_q(today: date, *, prefix: str = "campaign__") -> Q:
    """Q on Assessment: behind the campaign's schedule on `today`.

    Past the field window the assessee should be at 述职评议; past the meetings at 综合评价; past the
    campaign's end, 研究 should be done (反馈 or later). Inside the field window, 实地考核 should have begun.
    """
    c = prefix
    return (
        Q(**{f"{c}ends_on__lt": today}, stage__in=_before(Stage.FEEDBACK))
        | Q(
            **{f"{c}ends_on__gte": today, f"{c}meetings_end_on__lt": today},
            stage__in=_before(Stage.EVALUATION),
        )
        | Q(
            **{f"{c}meetings_end_on__gte": today, f"{c}field_ends_on__lt": today},
            stage__in=_before(Stage.MEETING),
        )
        | Q(
            **{f"{c}field_ends_on__gte": today, f"{c}field_starts_on__lte": today},
            stage__in=_before(Stage.FIELD),
        )
    )


# --- the dashboard's widgets: one aggregate query each --------------------------------------------------


#: A subtree of at most this many organizations (a county, a township) is selected by its organizations'
#: ids through the path index; a larger one (a province) by each campaign's organizer path (PERF-5).
SMALL_SUBTREE = 5000


def is_small_subtree(org: Organization) -> bool:
    """At most SMALL_SUBTREE organizations under `org`? One query reading at most SMALL_SUBTREE + 1 entries
    of the path index; remembered on the instance for the request.

    The explicit range, ordered by path, keeps PostgreSQL on the plain path index, walking the subtree in
    order and stopping after SMALL_SUBTREE + 1 rows; with the prefix LIKE alone it estimates a province's
    share of the table and seq-scans until it has found that many rows (seconds for a province whose rows
    lie late in the table). Paths are [0-9A-Z], so every descendant sorts at or below the prefix + "Z"…
    (the LIKE keeps the answer exact whatever the collation).
    """
    cached = vars(org).get("_oversight_is_small_subtree")  # remembered on this instance (below)
    if cached is None:
        beyond = (
            Organization.objects.filter(
                path__subtree=org.path, path__gte=org.path, path__lte=org.path + "Z" * (255 - len(org.path))
            )
            .order_by("path")
            .values_list("pk", flat=True)
        )
        cached = not list(beyond[SMALL_SUBTREE : SMALL_SUBTREE + 1])
        vars(org)["_oversight_is_small_subtree"] = cached
    return cached


def subtree_campaigns(org: Organization, year: int | None = None) -> QuerySet[Campaign]:
    """Campaigns whose organizer lies in the subtree.

    Large subtrees: the organizer's path is read per campaign by primary key (a correlated subquery)
    rather than joined: a join lets PostgreSQL pick a merge join that walks the whole organization table
    in id order (1.5 s on 5.2 M organizations once one organizer has a high id), while the campaigns of a
    year are a few thousand rows (PERF-2). Small subtrees: that still costs one primary-key lookup per
    campaign in the country (≈ 80 ms for a county), so the organizer ids are taken from the path index
    instead (a few hundred rows, ≈ 1 ms) (PERF-5; EXPLAIN ANALYZE of both in docs/performance.md).
    """
    qs = Campaign.objects.annotate(organizer_path=_organizer_path())
    if is_small_subtree(org):
        qs = qs.filter(organizer_id__in=Organization.objects.filter(path__subtree=org.path).values("pk"))
    else:
        qs = qs.filter(organizer_path__subtree=org.path)
    return qs if year is None else qs.filter(year=year)


def _organizer_path(field: str = "organizer_id") -> Subquery:
    return Subquery(
        Organization.objects.filter(pk=OuterRef(field)).values("path")[:1],
        output_field=MaterializedPathField(max_length=255),
    )


def subtree_assessments(org: Organization, year: int) -> QuerySet[Assessment]:
    """Assessments of campaigns organized in the subtree (by organizer, never by assessee: EVA-9)."""
    return (
        Assessment.objects.filter(campaign__in=subtree_campaigns(org, year).values("pk"), is_excluded=False)
        .annotate(organizer_path=_organizer_path("campaign__organizer_id"))
        .order_by()
    )


def _child(org: Organization, field_name: str) -> Substr:
    return Substr(field_name, 1, len(org.path) + SEGMENT_WIDTH)


def campaign_counts(org: Organization, year: int) -> list[Mapping[str, Any]]:
    """Per child segment: campaigns by status and how many sent a meeting plan up (CMP-7). One query."""
    return list(
        subtree_campaigns(org, year)
        .annotate(child=_child(org, "organizer_path"))
        .values("child")
        .annotate(
            campaigns=Count("pk", distinct=True),
            draft=Count("pk", filter=Q(status=CampaignStatus.DRAFT), distinct=True),
            open=Count("pk", filter=Q(status=CampaignStatus.OPEN), distinct=True),
            closed=Count("pk", filter=Q(status=CampaignStatus.CLOSED), distinct=True),
            with_plan=Count("pk", filter=Q(meeting_plans__isnull=False), distinct=True),
        )
        .order_by("child")
    )


def stage_counts(org: Organization, year: int, today: date) -> list[Mapping[str, Any]]:
    """Per child segment and stage: assessments and how many of them are late. One query."""
    return list(
        subtree_assessments(org, year)
        .annotate(child=_child(org, "organizer_path"))
        .values("child", "stage")
        .annotate(total=Count("pk"), late=Count("pk", filter=late_q(today)))
        .order_by("child", "stage")
    )


def late_campaigns(org: Organization, year: int, today: date, *, limit: int = 20) -> list[Mapping[str, Any]]:
    """Who is late: the campaigns with the most assessments behind schedule. One query."""
    return list(
        subtree_assessments(org, year)
        .values("campaign_id", "campaign__title", "campaign__organizer__name", "campaign__organizer_id")
        .annotate(total=Count("pk"), late=Count("pk", filter=late_q(today)))
        .filter(late__gt=0)
        .order_by("-late", "campaign_id")[:limit]
    )


def yearly_trend(org: Organization) -> list[Mapping[str, Any]]:
    """Year over year: campaigns, assessments and assessments past 研究, per year. One query."""
    active = Q(assessments__is_excluded=False)
    return list(
        subtree_campaigns(org)
        .values("year")
        .annotate(
            campaigns=Count("pk", distinct=True),
            assessees=Count("assessments", filter=active),
            decided=Count("assessments", filter=active & Q(assessments__stage__in=RESULTS_VISIBLE_STAGES)),
        )
        .order_by("year")
    )


# Providers over the apps that record results (registered by OversightConfig.ready() from
# shuping.oversight.providers when evaluations / rectification are installed). Each takes the assessments
# past 研究 (EVA-9) of the subtree and year and answers with ONE aggregate query.
GradeProvider = Callable[[QuerySet[Assessment], str], list[dict]]
RectificationProvider = Callable[[QuerySet[Assessment], str, date], list[dict]]
_GRADE_PROVIDERS: list[GradeProvider] = []
_RECTIFICATION_PROVIDERS: list[RectificationProvider] = []


def register_grade_provider(provider: GradeProvider) -> None:
    """`provider(assessments, child_field) -> [{child, grade, count}]` (decided grades only)."""
    if provider not in _GRADE_PROVIDERS:
        _GRADE_PROVIDERS.append(provider)


def register_rectification_provider(provider: RectificationProvider) -> None:
    """`provider(assessments, child_field, today) -> [{child, items, done, open, overdue}]` (overdue
    computed, never stored: RCT-2)."""
    if provider not in _RECTIFICATION_PROVIDERS:
        _RECTIFICATION_PROVIDERS.append(provider)


def _decided(org: Organization, year: int) -> QuerySet[Assessment]:
    return (
        subtree_assessments(org, year)
        .filter(stage__in=RESULTS_VISIBLE_STAGES)
        .annotate(child=_child(org, "organizer_path"))
    )


def grade_distribution(org: Organization, year: int) -> list[dict] | None:
    """Decided grades of assessments past 研究 only (EVA-9), per child; None when there are none yet (or
    no app records grades)."""
    if not _GRADE_PROVIDERS:
        return None
    return _GRADE_PROVIDERS[-1](_decided(org, year), "child") or None


def campaign_grades(campaign: Campaign) -> dict[str, int] | None:
    """{grade: count} of one campaign's decided grades, past 研究 only (EVA-9) — the dashboards' provider over
    the campaign's own assessees, grouped by nothing; None when no app records grades."""
    if not _GRADE_PROVIDERS:
        return None
    assessments = campaign.assessments.filter(is_excluded=False, stage__in=RESULTS_VISIBLE_STAGES).annotate(
        child=Value("", output_field=CharField())
    )
    return {row["grade"]: row["count"] for row in _GRADE_PROVIDERS[-1](assessments, "child")}


def rectification_summary(org: Organization, year: int, today: date) -> list[dict] | None:
    """Rectification completion and overdue per child; None when there are no items yet (or no app)."""
    if not _RECTIFICATION_PROVIDERS:
        return None
    return _RECTIFICATION_PROVIDERS[-1](_decided(org, year), "child", today) or None


# --- the dashboard: the page, the API, the export and the PERF-2 bench call this one function ----------


@dataclass
class ChildRow:
    """One child of the dashboard's organization (or the organization itself, `is_own_level`)."""

    path: str
    name: str
    organization_id: int
    is_own_level: bool = False
    campaigns: int = 0
    draft: int = 0
    open: int = 0
    closed: int = 0
    with_plan: int = 0
    assessments: int = 0
    late: int = 0
    stages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGE_ORDER, 0))


@dataclass
class Dashboard:
    organization: Organization
    year: int
    today: date
    years: list[int]
    rows: list[ChildRow]
    stage_totals: dict[str, int]
    late_total: int
    late_campaigns: list[Mapping[str, Any]]
    trend: list[Mapping[str, Any]]
    grades: list[dict] | None
    rectification: list[dict] | None

    @cached_property
    def totals(self) -> ChildRow:
        total = ChildRow(path=self.organization.path, name="合计", organization_id=self.organization.pk)
        for row in self.rows:
            for name in ("campaigns", "draft", "open", "closed", "with_plan", "assessments", "late"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        total.stages = dict(self.stage_totals)
        return total


def children_of(org: Organization) -> list[tuple[str, str]]:
    """(path, display name) of the organization's children: one query on the parent index."""
    return [
        (path, short or name)
        for path, name, short in Organization.objects.filter(parent_id=org.pk)
        .order_by("path")
        .values_list("path", "name", "short_name")
    ]


def dashboard_for(org: Organization, *, year: int | None = None, today: date | None = None) -> Dashboard:
    """Everything the dashboard shows for `org`'s subtree: a constant number of aggregate queries, read
    from the streaming replica when one is configured (shuping/core/replica.py, docs/deployment.md: a few
    seconds' lag is acceptable on a dashboard; without DATABASE_REPLICA_URL they run on the primary)."""
    with replica_reads():
        return _dashboard_for(org, year=year, today=today)


def _dashboard_for(org: Organization, *, year: int | None, today: date | None) -> Dashboard:
    today = today or timezone.localdate()
    trend = yearly_trend(org)
    years = [t["year"] for t in trend]
    if year is None:
        year = years[-1] if years else today.year
    rows: dict[str, ChildRow] = {
        org.path: ChildRow(org.path, OWN_LEVEL, org.pk, is_own_level=True),
    }
    for path, name in children_of(org):
        rows[path] = ChildRow(path, name, int(path[-SEGMENT_WIDTH:], 36))

    def row_for(path: str) -> ChildRow:
        if path not in rows:  # a campaign of an organization moved away since: kept, labelled by id
            rows[path] = ChildRow(
                path, f"（组织 {int(path[-SEGMENT_WIDTH:], 36)}）", int(path[-SEGMENT_WIDTH:], 36)
            )
        return rows[path]

    for c in campaign_counts(org, year):
        row = row_for(c["child"])
        for name in ("campaigns", "draft", "open", "closed", "with_plan"):
            setattr(row, name, c[name])
    stage_totals = dict.fromkeys(STAGE_ORDER, 0)
    late_total = 0
    for s in stage_counts(org, year, today):
        row = row_for(s["child"])
        row.stages[s["stage"]] = s["total"]
        row.assessments += s["total"]
        row.late += s["late"]
        stage_totals[s["stage"]] += s["total"]
        late_total += s["late"]
    grades = grade_distribution(org, year)
    rectification = rectification_summary(org, year, today)
    for widget in (grades or [], rectification or []):
        for entry in widget:  # the child's name beside its path (the API keeps the path in `child`)
            entry["child_name"] = row_for(entry["child"]).name
    ordered = [rows.pop(org.path), *sorted(rows.values(), key=lambda r: r.path)]
    return Dashboard(
        organization=org,
        year=year,
        today=today,
        years=years,
        rows=ordered,
        stage_totals=stage_totals,
        late_total=late_total,
        late_campaigns=late_campaigns(org, year, today),
        trend=trend,
        grades=grades,
        rectification=rectification,
    )


# --- read-only campaign view (OVS-2 / OVS-3) ----------------------------------------------------------


def assessments_for_overview(campaign: Campaign, today: date) -> QuerySet[Assessment]:
    """A campaign's assessments for the read-only view: progress only, flagged late; no results (EVA-9)."""
    return (
        campaign.assessments.filter(is_excluded=False)
        .only("pk", "organization_name", "person_name", "stage", "is_graded", "reporting_mode", "campaign_id")
        .order_by("organization_path")
    )


def meeting_plans_of(campaign: Campaign) -> QuerySet[MeetingPlan]:
    return campaign.meeting_plans.order_by("planned_on", "pk")


# --- upward reports (OVS-1) ---------------------------------------------------------------------------


def _inbox_org_ids(user: User) -> list[int]:
    return sorted({pk for role, _p, _s, pk in grant_scope(user).grants if role in OVERSIGHT_ROLES})


def inbox_for(user: User) -> QuerySet[UpwardReport]:
    """Submitted reports addressed to an organization whose department the user works in (OVS-1)."""
    ids = _inbox_org_ids(user)
    if not ids:
        return UpwardReport.objects.none()
    return (
        UpwardReport.objects.filter(to_organization_id__in=ids, status=ReportStatus.SUBMITTED)
        .select_related("from_organization", "campaign")
        .order_by("-submitted_at")
    )


def sent_reports_for(user: User) -> QuerySet[UpwardReport]:
    """Reports of campaigns whose organizer the user is organizer staff of (their own drafts)."""
    ids = sorted({pk for role, _p, _s, pk in grant_scope(user).grants if role == Role.ORGANIZER_STAFF})
    if not ids:
        return UpwardReport.objects.none()
    return UpwardReport.objects.filter(from_organization_id__in=ids).select_related(
        "to_organization", "campaign"
    )


def get_report_for(user: User, pk: int) -> UpwardReport:
    """The sender's organizer staff and, once submitted, the receiving department; else 404."""
    report = (
        UpwardReport.objects.filter(pk=pk)
        .select_related("campaign__organizer", "from_organization", "to_organization")
        .first()
    )
    if report is None:
        raise Http404
    grants = grant_scope(user).grants
    sender = any(
        role == Role.ORGANIZER_STAFF and pk_ == report.from_organization_id for role, _p, _s, pk_ in grants
    )
    receiver = report.is_submitted and any(
        role in OVERSIGHT_ROLES and pk_ == report.to_organization_id for role, _p, _s, pk_ in grants
    )
    if not (sender or receiver):
        raise Http404
    return report


@dataclass
class UpwardReportState:
    """What the campaign page offers about the upward report (OVS-1): the report if drafted, else whether it
    can be drafted now and, if not, why (in Chinese)."""

    report: UpwardReport | None
    parent_name: str
    refusal: str = ""
    #: The parent is outside the system (province → 中共中央组织部): the draft form asks for the addressee.
    is_external: bool = False


#: Where the parent is outside the system: a province-level committee reports to the central department.
CENTRAL_DEPARTMENT = "中共中央组织部"


def default_addressee(campaign: Campaign) -> str:
    """The addressee for an organizer without a parent here: last year's, else 中共中央组织部 for a province."""
    last = (
        UpwardReport.objects.filter(campaign__organizer=campaign.organizer, to_organization__isnull=True)
        .exclude(campaign=campaign)
        .order_by("-campaign__year")
        .values_list("to_name", flat=True)
        .first()
    )
    if last:
        return last
    return CENTRAL_DEPARTMENT if campaign.organizer.admin_level == AdminLevel.PROVINCE else ""


def upward_report_state(campaign: Campaign) -> UpwardReportState:
    """What the campaign page offers (Art. 8 binds every level: an organizer whose parent is outside the
    system reports too, to an addressee it names); three queries at most."""
    organizer = campaign.organizer
    external = organizer.parent_id is None
    report = UpwardReport.objects.filter(campaign=campaign).first()
    if report is not None:
        return UpwardReportState(report=report, parent_name=report.addressee_name, is_external=external)
    parent_name = (
        organizer.parent.display_name if organizer.parent is not None else default_addressee(campaign)
    )
    counts = campaign.assessments.filter(is_excluded=False).aggregate(
        total=Count("pk"), pending=Count("pk", filter=~Q(stage__in=RESULTS_VISIBLE_STAGES))
    )
    refusal = ""
    if not counts["total"]:
        refusal = "本次考核还没有考核对象。"
    elif counts["pending"]:
        refusal = (
            f"还有 {counts['pending']} 名考核对象未完成党委（党组）研究审定；"
            "全部考核对象进入“反馈”及以后阶段后，才能起草向上级的报告（第八条：研究确定后及时向上一级党组织报告）。"
        )
    return UpwardReportState(report=None, parent_name=parent_name, refusal=refusal, is_external=external)


def can_edit_report(user: User, report: UpwardReport) -> bool:
    return not report.is_submitted and any(
        role == Role.ORGANIZER_STAFF and pk == report.from_organization_id
        for role, _p, _s, pk in grant_scope(user).grants
    )

"""Reads for report pages, the API and exports — always scoped to the user (SEC-2).

A report is visible exactly when its assessment is (`campaigns.selectors.assessments_visible_to`): the
organizer's roles see their campaign's reports, the assessee and liaison only their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.models import Assessment, Campaign

from . import quality, similarity
from .choices import ReportStatus
from .models import Opinion, Publication, Report
from .services import max_chars

if TYPE_CHECKING:
    from shuping.accounts.models import User


def reports_visible_to(user: User) -> QuerySet[Report]:
    """Reports of every assessment the user may see."""
    ids = campaign_selectors.assessments_visible_to(user).values("pk")
    return Report.objects.filter(assessment_id__in=ids)


def reports_for_list(user: User) -> QuerySet[Report]:
    """The API list and the overview: one query, whatever the number of reports (PERF-5)."""
    return (
        reports_visible_to(user)
        .select_related("assessment__campaign", "assessment__person")
        .order_by("-assessment__campaign__year", "assessment__campaign_id", "assessment__organization_path")
    )


def get_report_for(user: User, pk: int) -> Report:
    report = reports_for_list(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def assessments_for_overview(user: User) -> list[Assessment]:
    """The 述职报告 page: assessments the user may see, with their report, campaign and organizer, and the
    user's roles in each campaign primed — a constant number of queries however many rows (PERF-5)."""
    rows = list(
        campaign_selectors.assessments_visible_to(user)
        .filter(is_excluded=False)
        .select_related("campaign__organizer", "person", "report")
        .order_by("-campaign__year", "campaign_id", "organization_path")
    )
    campaign_selectors.prime_campaign_roles(user, [a.campaign for a in rows])
    return rows


def report_of(assessment: Assessment) -> Report | None:
    try:
        return assessment.report
    except Report.DoesNotExist:
        return None


# --- quality and near-copies (REP-2) -----------------------------------------------------------------


@dataclass(frozen=True)
class CorpusEntry:
    report: Report
    is_current: bool


def _corpus(campaign: Campaign) -> list[CorpusEntry]:
    """This campaign's submitted reports, the same persons' earlier reports, and last year's reports of the
    organizer's previous campaign (peers a year ago): one query."""
    current = Q(assessment__campaign=campaign)
    person_ids = campaign.assessments.exclude(person=None).values("person_id")
    earlier_own = Q(assessment__person_id__in=person_ids, assessment__campaign__year__lt=campaign.year)
    previous = Q(
        assessment__campaign__organizer_id=campaign.organizer_id, assessment__campaign__year=campaign.year - 1
    )
    rows = (
        Report.objects.filter(current | earlier_own | previous)
        .exclude(status=ReportStatus.DRAFT)
        .select_related("assessment__campaign")
        .order_by("pk")
    )
    return [CorpusEntry(r, r.assessment.campaign_id == campaign.pk) for r in rows]


@dataclass(frozen=True)
class NearCopy:
    report: Report
    other: Report
    containment: float
    jaccard: float
    is_own_earlier: bool

    @property
    def label(self) -> str:
        """高度雷同 / 部分相似 / 少量重合 by the documented thresholds (similarity.similarity_label)."""
        return similarity.similarity_label(self.containment)


def near_copies(campaign: Campaign) -> list[NearCopy]:
    """Near-copy pairs touching this campaign's reports (REP-2), found through `similarity`."""
    entries = _corpus(campaign)
    by_pk = {e.report.pk: e for e in entries}
    sample = similarity.sample_for(len(entries))
    documents = [(e.report.pk, similarity.fingerprints(e.report.full_text, sample=sample)) for e in entries]

    def allowed(a: int, b: int) -> bool:
        return by_pk[a].is_current or by_pk[b].is_current

    out = []
    for m in similarity.find_near_copies(documents, pairs_allowed=allowed):
        first, second = by_pk[m.a], by_pk[m.b]
        if not first.is_current:
            first, second = second, first
        own = (
            first.report.assessment.person_id is not None
            and first.report.assessment.person_id == second.report.assessment.person_id
            and not second.is_current
        )
        out.append(NearCopy(first.report, second.report, m.containment, m.jaccard, own))
        if second.is_current:
            out.append(NearCopy(second.report, first.report, m.containment, m.jaccard, False))
    return out


def report_label(report: Report) -> str:
    a = report.assessment
    return f"{a.campaign.year}年 {a.organization_name} {a.person_name}".strip()


@dataclass
class QualityRow:
    assessment: Assessment
    report: Report | None
    findings: list[quality.Finding]
    copies: list[NearCopy]


def _text_of(report: Report) -> quality.ReportText:
    return quality.ReportText(
        problems=[str(p.get("text", "")) for p in report.problems or []],
        achievements=report.achievements,
        causes=report.causes,
        measures=report.measures,
        carry_over_answers=[str(a.get("answer", "")) for a in report.carry_over_answers or []],
    )


def quality_for(report: Report, campaign: Campaign) -> list[quality.Finding]:
    return quality.check(_text_of(report), max_chars=max_chars(campaign))


def quality_table(campaign: Campaign) -> list[QualityRow]:
    """Every assessee of the campaign with their report's quality findings and near-copies (organizer only:
    callers check permissions.can_see_quality). A fixed number of queries (PERF-5)."""
    assessments = list(
        campaign.assessments.filter(is_excluded=False)
        .select_related("report", "campaign")
        .order_by("organization_path")
    )
    copies: dict[int, list[NearCopy]] = {}
    for c in near_copies(campaign):
        copies.setdefault(c.report.pk, []).append(c)
    rows = []
    for a in assessments:
        report = report_of(a)
        findings: list[quality.Finding] = []
        mine: list[NearCopy] = []
        if report is not None and report.status != ReportStatus.DRAFT:
            findings = quality_for(report, campaign)
            mine = copies.get(report.pk, [])
            findings += [
                f
                for c in mine
                if (
                    f := quality.near_copy_finding(
                        other_label=report_label(c.other),
                        containment=c.containment,
                        is_own_earlier=c.is_own_earlier,
                    )
                )
            ]
        rows.append(QualityRow(a, report, findings, mine))
    return rows


def near_copies_of(report: Report) -> list[NearCopy]:
    return [c for c in near_copies(report.assessment.campaign) if c.report.pk == report.pk]


# --- publication (REP-3) -----------------------------------------------------------------------------


def publications_of(campaign: Campaign) -> QuerySet[Publication]:
    return campaign.publications.select_related("audience").order_by("-opens_at", "pk")


def get_publication_for(user: User, pk: int) -> Publication:
    campaigns = campaign_selectors.campaigns_visible_to(user).values("pk")
    publication = (
        Publication.objects.filter(campaign_id__in=campaigns, pk=pk)
        .select_related("campaign__organizer", "audience")
        .first()
    )
    if publication is None:
        raise Http404
    return publication


def get_open_publication(token: str) -> Publication | None:
    """The publication behind a link or QR code, or None (the public page shows a friendly message)."""
    if not token or len(token) > 64:
        return None
    return Publication.objects.filter(token=token).select_related("campaign", "audience").first()


def published_reports(publication: Publication) -> list[Report]:
    return list(publication.reports.select_related("assessment").order_by("assessment__organization_path"))


def opinions_of(publication: Publication) -> QuerySet[Opinion]:
    return publication.opinions.select_related("report__assessment").order_by("-received_at", "pk")


def get_opinion_for(user: User, pk: int) -> Opinion:
    campaigns = campaign_selectors.campaigns_visible_to(user).values("pk")
    opinion = (
        Opinion.objects.filter(pk=pk, publication__campaign_id__in=campaigns)
        .select_related("publication__campaign__organizer")
        .first()
    )
    if opinion is None:
        raise Http404
    return opinion


def reports_publishable(campaign: Campaign) -> Sequence[Report]:
    return list(
        Report.objects.filter(
            assessment__campaign=campaign, status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
        )
        .select_related("assessment")
        .order_by("assessment__organization_path")
    )

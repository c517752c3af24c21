"""Publication of reports for members' supervision and the anonymous opinion box (REP-3).

Art. 5: 述职评议后，应将述职报告在一定范围内公布，接受基层党组织和党员群众监督. The organizer publishes
chosen reports to one organization's members for a period; members open `/p/<token>/` from a link or a QR
code (no accounts: members are not users) and may leave an opinion. Opinions reach the organizer, who marks
each as kept or dismissed.

Anonymity of the box: an opinion row holds only its text, the report it concerns and when it came. No IP
address, user agent or account is stored anywhere; the rate limit counts in the cache under a keyed hash of
the address that expires within the hour (`opinion_allowed`).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from shuping.campaigns.models import Campaign
from shuping.orgs.models import Organization

from .choices import OpinionStatus, ReportStatus
from .models import Opinion, Publication, Report
from .services import ReportConflict, ReportError, audit

if TYPE_CHECKING:
    from shuping.accounts.models import User

MAX_OPINION_CHARS = 1000
#: Opinions accepted per address and publication in one hour, and per publication in one minute.
RATE_PER_ADDRESS_HOUR = 5
RATE_PER_PUBLICATION_MINUTE = 60
MAX_PERIOD_DAYS = 90


@transaction.atomic
def publish_reports(
    *,
    actor: User | None,
    campaign: Campaign,
    audience: Organization,
    reports: Sequence[Report],
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    title: str = "",
    source: str = "web",
) -> Publication:
    """Publish submitted or accepted reports of this campaign to `audience`'s members for a period."""
    if not reports:
        raise ReportError("请至少选择一份述职报告。", field="reports")
    if closes_at <= opens_at:
        raise ReportError("公布结束时间应晚于开始时间。", field="closes_at")
    if closes_at - opens_at > datetime.timedelta(days=MAX_PERIOD_DAYS):
        raise ReportError(f"公布期最长 {MAX_PERIOD_DAYS} 天。", field="closes_at")
    ids = [r.pk for r in reports]
    valid = Report.objects.filter(
        pk__in=ids, assessment__campaign=campaign, status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
    )
    if valid.count() != len(set(ids)):
        raise ReportError("只能公布本次考核中已提交或已审核通过的述职报告。", field="reports")
    publication = Publication.objects.create(
        campaign=campaign,
        audience=audience,
        title=title.strip() or f"{campaign.year}年度党组织书记抓基层党建工作述职报告公开",
        token=secrets.token_urlsafe(18),
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    publication.reports.set(ids)
    audit(
        actor,
        "reports.publication.create",
        publication,
        source,
        audience=audience.pk,
        reports=len(ids),
        opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(),
    )
    return publication


@transaction.atomic
def withdraw_publication(*, actor: User | None, publication: Publication, source: str = "web") -> Publication:
    """Close the page before its period ends; opinions already received stay."""
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.is_withdrawn:
        raise ReportConflict("该公布已撤回。")
    publication.is_withdrawn = True
    publication.save(update_fields=["is_withdrawn"])
    audit(actor, "reports.publication.withdraw", publication, source)
    return publication


def _address_key(publication: Publication, address: str) -> str:
    # Keyed hash of the address for the hour's counter only; the address itself is never stored.
    secret = str(getattr(settings, "SECRET_KEY", "")).encode()
    digest = hmac.new(secret, f"{publication.token}|{address}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"reports:opinion:{digest}"


def _minute_key(publication: Publication) -> str:
    return f"reports:opinion-minute:{hashlib.sha256(publication.token.encode()).hexdigest()[:32]}"


def opinion_allowed(publication: Publication, address: str) -> bool:
    """Whether one more opinion may come from this address now (no more than a few an hour)."""
    if cache.get(_address_key(publication, address), 0) >= RATE_PER_ADDRESS_HOUR:
        return False
    return cache.get(_minute_key(publication), 0) < RATE_PER_PUBLICATION_MINUTE


def _count(publication: Publication, address: str) -> None:
    for key, ttl in (
        (_address_key(publication, address), 3600),
        (_minute_key(publication), 60),
    ):
        if not cache.add(key, 1, ttl):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, ttl)


class RateLimited(ReportConflict):
    status = 429


@transaction.atomic
def post_opinion(
    *, publication: Publication, text: str, report_id: int | None = None, address: str = ""
) -> Opinion:
    """Leave an anonymous opinion on a published page (REP-3). Refused when the page is closed, the text is
    empty or too long, or the same address has written too often in the last hour."""
    text = (text or "").strip()
    if not publication.is_open():
        raise ReportConflict("公布期已结束，意见箱已关闭。感谢您的关注！", code="closed")
    if not text:
        raise ReportError("请填写意见内容。", field="text")
    if len(text) > MAX_OPINION_CHARS:
        raise ReportError(f"意见请控制在 {MAX_OPINION_CHARS} 字以内。", field="text")
    report = None
    if report_id:
        report = publication.reports.filter(pk=report_id).first()
        if report is None:
            raise ReportError("所选述职报告不在本次公布范围内。", field="report")
    if not opinion_allowed(publication, address):
        raise RateLimited("提交过于频繁，请稍后再试。", code="rate_limited")
    opinion = Opinion.objects.create(publication=publication, report=report, text=text)
    _count(publication, address)
    # The event names the publication only: no text, no address (anonymity of the box).
    audit(None, "reports.opinion.receive", publication, "web", length=len(text))
    return opinion


@transaction.atomic
def moderate_opinion(
    *, actor: User | None, opinion: Opinion, status: str, note: str = "", source: str = "web"
) -> Opinion:
    """The organizer keeps or dismisses an opinion, with an optional note (REP-3)."""
    if status not in (OpinionStatus.KEPT, OpinionStatus.DISMISSED):
        raise ReportError("处理结果应为“采纳”或“不予采纳”。", field="status")
    if len(note or "") > 300:
        raise ReportError("处理说明请控制在 300 字以内。", field="note")
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    opinion.status = status
    opinion.moderation_note = (note or "").strip()
    opinion.moderated_by = actor if getattr(actor, "pk", None) else None
    opinion.moderated_at = timezone.now()
    opinion.save()
    audit(actor, "reports.opinion.moderate", opinion, source, status=status)
    return opinion

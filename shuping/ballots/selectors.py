"""Reads of ballot boxes for pages, the API and exports — always scoped to the user (SEC-2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from .choices import BoxStatus
from .models import Ballot, BallotBox, BoxSubject, Credential, PaperCheck
from .permissions import VIEW_ROLES, organization_q
from .receipts import receipt_digest, receipt_fingerprint
from .tally import BallotData, DimensionBallotData, Tally, tally, tally_dimensions

if TYPE_CHECKING:
    from shuping.accounts.models import User

#: How long the live turnout counter is cached (MTG-4): every screen polling a box shares one DB count.
TURNOUT_CACHE_SECONDS = 2


def visible_boxes(user: User) -> QuerySet[BallotBox]:
    """Boxes whose organization is covered by the user's organizer-staff or department-leader grants."""
    q = organization_q(user, VIEW_ROLES)
    if q is None:
        return BallotBox.objects.none()
    return BallotBox.objects.filter(q)


def box_list_for(user: User) -> QuerySet[BallotBox]:
    """The list page / API list: constant query count (organization joined, counts annotated)."""
    return (
        visible_boxes(user)
        .select_related("organization")
        .annotate(
            subject_count=Count("subjects", distinct=True),
            credential_count=Count("credentials", filter=Q(credentials__is_rehearsal=False), distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def get_box_for(user: User, pk: int) -> BallotBox:
    """The box if the user may see it, else 404 (its existence is not revealed)."""
    box = visible_boxes(user).select_related("organization").filter(pk=pk).first()
    if box is None:
        raise Http404
    return box


def meeting_link_of(box: BallotBox) -> Any:  # a meetings.MeetingBox or None (meetings sits above)
    """The meeting box record when `box` was made for a 述职评议会 (MTG-2), with its meeting; else None.

    The box page links back to the meeting; the meeting page itself checks who may see it (404 otherwise).
    """
    full = (
        BallotBox.objects.select_related(
            "meeting_link__meeting", "meeting_link__venue", "meeting_link__recused_assessment"
        )
        .filter(pk=box.pk)
        .first()
    )
    return getattr(full, "meeting_link", None)


def offline_venue_of(box: BallotBox) -> Any:  # a meetings.OfflineVenue or None (meetings sits above)
    """On a venue laptop (MTG-6): the loaded offline venue pack whose box this is, else None.

    Reached through the reverse relation (`OfflineVenue.box`, related_name "offline_venue"), so the ballots
    app imports nothing from meetings; the box page shows the 离线会场结果文件 panel when there is one.
    """
    full = BallotBox.objects.select_related("offline_venue").filter(pk=box.pk).first()
    return getattr(full, "offline_venue", None)


def turnout(box: BallotBox) -> dict:
    """Credentials issued and used per category (the participation record) — never ballot contents."""
    rehearsal = box.status == "rehearsal"
    rows = (
        Credential.objects.filter(box=box, is_rehearsal=rehearsal)
        .values("category_id", "category__name", "category__position")
        .annotate(issued=Count("id"), used=Count("id", filter=Q(is_used=True)))
        .order_by("category__position", "category_id")
    )
    categories = [{"name": r["category__name"], "issued": r["issued"], "used": r["used"]} for r in rows]
    issued = sum(c["issued"] for c in categories)
    used = sum(c["used"] for c in categories)
    return {
        "categories": categories,
        "issued": issued,
        "used": used,
        "percent": round(100 * used / issued) if issued else 0,
        "is_rehearsal": rehearsal,
    }


def cached_turnout(box: BallotBox) -> dict:
    """The live turnout for polling screens (MTG-4): `turnout(box)` cached for a couple of seconds.

    The cache (Redis when REDIS_URL is set, else this process's memory) only spares the database when
    many screens poll; it holds a copy of the count, never the count itself — the source of truth for
    integrity stays `Credential.is_used`, and nothing is ever incremented in the cache.
    """
    key = f"ballots:turnout:{box.pk}:{box.status}"
    cached = cache.get_or_set(key, lambda: turnout(box), TURNOUT_CACHE_SECONDS)
    return cached if cached is not None else turnout(box)


def box_tally(box: BallotBox) -> Tally:
    """The tally of a box's counted (non-rehearsal) ballots. Callers check `can_view_tally` and status."""
    names = dict(box.categories.values_list("id", "name"))
    rows = Ballot.objects.filter(box=box, is_rehearsal=False).values_list("category_id", "ratings")
    subjects = [str(pk) for pk in box.subjects.values_list("id", flat=True)]
    return tally([BallotData(names[c], r) for c, r in rows], subjects=subjects, scale=box.tally_scale)


def dimension_tallies(box: BallotBox, subjects: Sequence[BoxSubject]) -> list[tuple]:
    """Per-dimension tallies (BAL-8) as (dimension, Tally) pairs — read only through the disclosure door
    (`selectors_release.box_release`)."""
    dimensions = list(box.dimensions.all())
    if not dimensions:
        return []
    names = dict(box.categories.values_list("id", "name"))
    rows = Ballot.objects.filter(box=box, is_rehearsal=False, is_spoiled=False).values_list(
        "category_id", "dimension_ratings"
    )
    tallies = tally_dimensions(
        [DimensionBallotData(names[c], marks or {}) for c, marks in rows],
        subjects=[str(s.pk) for s in subjects],
        dimensions=[str(d.pk) for d in dimensions],
        scale=box.tally_scale,
    )
    return [(d, tallies[str(d.pk)]) for d in dimensions]


def published_receipts(box: BallotBox) -> list[str] | None:
    """The published list of a sealed box (BAL-7, DSC-3): the fingerprint of every counted ballot's
    receipt, sorted; None before sealing. No marks, no categories, no receipt in clear (only digests are
    stored)."""
    if not published_receipts_ready(box):
        return None
    digests = Ballot.objects.filter(box=box, is_rehearsal=False).values_list("receipt_hash", flat=True)
    return sorted(receipt_fingerprint(digest) for digest in digests)


def check_receipt(box: BallotBox, receipt: str) -> tuple[str, bool] | None:
    """A voter's receipt checked against a sealed box (DSC-3): its fingerprint in the published list and
    whether a counted ballot carries it; None before sealing or for input that is no receipt."""
    from .services_voting import RECEIPT_LENGTH, normalize_code

    normalized = normalize_code(receipt)
    if not published_receipts_ready(box) or len(normalized) != RECEIPT_LENGTH:
        return None
    digest = receipt_digest(normalized)
    counted = Ballot.objects.filter(box=box, is_rehearsal=False, receipt_hash=digest).exists()
    return receipt_fingerprint(digest), counted


def published_receipts_ready(box: BallotBox) -> bool:
    """Whether the box's receipt list is published (closed and sealed)."""
    return box.status == BoxStatus.CLOSED and box.is_sealed


def get_public_box(public_id: str) -> BallotBox:
    """A box by its random public id, for the public receipt page; 404 if none."""
    box = BallotBox.objects.filter(public_id=public_id).first()
    if box is None:
        raise Http404
    return box


def paper_check_report(box: BallotBox) -> dict:
    """Second-entry sample (复核): how many were checked, and the mismatches still open."""
    checks = list(PaperCheck.objects.filter(box=box).order_by("receipt_hash"))
    return {
        "sampled": len(checks),
        "mismatched": [c for c in checks if c.differences],
        "unresolved": [c for c in checks if not c.is_resolved],
    }


def category_weights(box: BallotBox) -> dict[str, float] | None:
    weights = {c.name: float(c.weight) for c in box.categories.all() if c.weight is not None}
    return weights or None


def min_category_ballots() -> int:
    """k of BAL-6: per-category results are hidden below this many ballots (setting, default 5)."""
    return int(getattr(settings, "SHUPING_BALLOT_MIN_CATEGORY", 5))


def tally_report(box: BallotBox) -> dict:
    """What the tally page, API, projector screen and 计票结果报告单 show of a closed box — through the
    disclosure door (`selectors_release.box_release`, ADR 0007)."""
    from . import selectors_release

    return selectors_release.box_release(box)


def voting_payload(box: BallotBox) -> dict:
    """What the phone page needs to draw the ballot (BAL-3): no counts, no other voter's anything."""
    return {
        "title": box.title,
        "is_rehearsal": box.status == "rehearsal",
        "requires_every_subject": box.requires_every_subject,
        "has_opinion": box.has_opinion,
        "receipts_url": f"/v/{box.public_id}/receipts",
        "scale": [[str(k), str(label)] for k, label, _s in box.scale],
        "subjects": [
            {
                "id": s.pk,
                "name": s.name,
                "post": s.post,
                "section": s.section,
                "section_label": s.get_section_display(),
            }
            for s in box.subjects.all()
        ],
        "dimensions": [{"id": d.pk, "name": d.name} for d in box.dimensions.all()],
    }


def opinions_for(box: BallotBox) -> list[dict]:
    """Raw free-text opinions per subject, for organizer staff only (callers check can_read_opinions).

    Sorted by text, not by ballot, so their order says nothing about who wrote what or when.
    """
    by_subject: dict[str, list[str]] = {}
    for opinions in Ballot.objects.filter(box=box, is_rehearsal=False).values_list("opinions", flat=True):
        for key, text in (opinions or {}).items():
            by_subject.setdefault(str(key), []).append(text)
    out = [{"subject": s.name, "texts": sorted(by_subject.get(str(s.pk), []))} for s in box.subjects.all()]
    if by_subject.get("general"):
        out.append({"subject": "其他意见建议", "texts": sorted(by_subject["general"])})
    return [o for o in out if o["texts"]]

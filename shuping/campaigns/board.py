"""The campaign page's stage board (CMP-1): its cards as plain dicts, built at a constant cost (PERF-5)."""

from __future__ import annotations

from django.urls import reverse

from .blockers import blockers_for_many
from .choices import ALLOWED_TRANSITIONS, ReportingMode, Stage


def url_maker(name: str):
    """`pk -> URL` for a route taking one int pk, from a single reverse(): the board builds two URLs a
    card, and 800 reversals cost more than the rest of the card (PERF-5)."""
    marker = "2147483647"
    head, tail = reverse(name, args=[int(marker)]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


def board_cards(assessments) -> list[dict]:
    """The stage board's cards as plain dicts: blockers in one batch (a constant number of queries), the
    next stage per stage and the reporting-mode labels looked up once, URLs from one reverse() each."""
    blocked = blockers_for_many(assessments)
    mode_labels = {value: str(label) for value, label in ReportingMode.choices}
    next_stage = {}
    for value in Stage.values:
        nxt = sorted(ALLOWED_TRANSITIONS[value])
        next_stage[value] = {"value": nxt[0], "label": str(Stage(nxt[0]).label)} if nxt else None
    detail_url, stage_url = url_maker("campaigns:assessment"), url_maker("campaigns:assessment_stage")
    return [
        {
            "pk": a.pk,
            "stage": a.stage,
            "organization_name": a.organization_name,
            "person_name": a.person_name,
            "is_graded": a.is_graded,
            "reporting_mode_label": mode_labels.get(a.reporting_mode, a.reporting_mode),
            "url": detail_url(a.pk),
            "stage_url": stage_url(a.pk),
            "blockers": blocked.get(a.pk, []),
            "next_stage": next_stage[a.stage],
        }
        for a in assessments
    ]

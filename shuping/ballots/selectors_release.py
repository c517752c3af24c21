"""What ballot figures may be shown, per box and per counting unit (DSC-1, BAL-6): the Django side of the
disclosure door. Reads the ballots, finds each subject's counting unit, and hands plain tallies to the pure
`disclosure` module, whose `Release` every page, API, document and component renders.

A subject's **counting unit** (ADR 0007): a subject linked to an assessment (`BoxSubject.assessment`, the
meeting's `MeetingBox.subject_assessments`, else a confirmed `BallotLink`) is counted over every box that
rates that assessment — the 主会场 and 分会场 boxes, the 单列 boxes of ADR 0006, a legacy 回避 box, an offline
venue's imported results. Any other subject is counted in its own box. A box that is one part of a larger
unit publishes none of that subject's figures; the unit is published only when every part is final.

The ballots app imports neither meetings nor evaluations: meeting boxes and offline exports are reached
through reverse relations, `BallotLink` through the app registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

from django.apps import apps

from . import disclosure
from .choices import BoxStatus
from .models import BallotBox, BoxSubject
from .selectors import box_tally, category_weights, dimension_tallies, min_category_ballots, tally
from .tally import BallotData, SubjectResult, Tally


def policy() -> disclosure.Policy:
    return disclosure.Policy(min_ballots=min_category_ballots())


class ImportedResults(Protocol):
    """An offline venue's imported results (`meetings.OfflineExport`; meetings sits above ballots)."""

    tally_inputs: Any  # JSON: [[categories, {subject: grade}], …]


@dataclass
class Part:
    """One part of a counting unit: a box, or an offline venue's imported results (MTG-6)."""

    box: BallotBox
    subject: str  # the box subject's id (for an offline export: the assessment id)
    is_final: bool
    export: ImportedResults | None = None


@dataclass
class Unit:
    assessment: int
    parts: list[Part] = field(default_factory=list)

    @property
    def is_final(self) -> bool:
        return bool(self.parts) and all(p.is_final for p in self.parts)


def _ballot_link_model():
    try:
        return apps.get_model("evaluations", "BallotLink")
    except LookupError:  # pragma: no cover - the evaluations app is always installed
        return None


def units_for(assessment_ids: Iterable[int]) -> dict[int, Unit]:
    """Every part rating each assessment. Constant queries for any number of assessments (PERF-5)."""
    ids = {int(a) for a in assessment_ids}
    units = {a: Unit(a) for a in ids}
    if not ids:
        return units
    seen: set[tuple[int, int]] = set()

    def add(a: int, box: BallotBox, subject: str) -> None:
        if (a, box.pk) in seen:
            return
        seen.add((a, box.pk))
        link = getattr(box, "meeting_link", None)
        exports = [e for e in link.offline_exports.all() if e.revoked_at is None] if link else []
        if exports:  # an offline venue: its results come in the sealed file, not from the server box
            export = exports[-1]
            units[a].parts.append(Part(box, str(a), export.imported_at is not None, export))
        else:
            units[a].parts.append(Part(box, subject, box.status == BoxStatus.CLOSED))

    boxes = (
        BallotBox.objects.select_related("meeting_link")
        .prefetch_related("meeting_link__offline_exports")
        .order_by("pk")
    )
    direct = list(BoxSubject.objects.filter(assessment__in=ids).values_list("assessment_id", "box_id", "pk"))
    meeting = list(boxes.filter(meeting_link__meeting__agenda__assessment__in=ids).distinct())
    by_pk = {b.pk: b for b in meeting}
    missing = {box_id for _a, box_id, _s in direct} - set(by_pk)
    by_pk.update({b.pk: b for b in boxes.filter(pk__in=missing)})
    for a, box_id, subject in direct:
        add(a, by_pk[box_id], str(subject))
    for box in meeting:  # boxes the meeting maps by assessment (legacy 回避 boxes included)
        for subject, a in (box.meeting_link.subject_assessments or {}).items():
            if int(a) in ids:
                add(int(a), box, str(subject))
    unlinked = [a for a in ids if not units[a].parts]
    link_model = _ballot_link_model()
    if unlinked and link_model is not None:
        for link in (
            link_model.objects.filter(assessment__in=unlinked)
            .select_related("subject__box__meeting_link")
            .order_by("subject__box_id", "pk")
        ):
            add(link.assessment_id, link.subject.box, str(link.subject_id))
    return units


def _part_tally(part: Part, key: str, cache: dict[int, Tally]) -> Tally:
    """The part's counts of its one subject, keyed `key` so that parts add up (BAL-8)."""
    if part.export is not None:
        inputs = [
            BallotData(c, {key: r[part.subject]} if part.subject in r else {})
            for c, r in part.export.tally_inputs
        ]
        return tally(inputs, subjects=[key], scale=part.box.tally_scale)
    if part.box.pk not in cache:
        cache[part.box.pk] = box_tally(part.box)
    t = cache[part.box.pk]
    return Tally(
        t.scale,
        (key,),
        {(key, c): v for (s, c), v in t.counts.items() if s == part.subject},
        dict(t.ballots_by_category),
        t.invalid_ballots,
    )


def unit_releases(
    assessment_ids: Iterable[int], *, use_weights: bool = True
) -> dict[int, tuple[disclosure.SubjectRelease, Unit]]:
    """Each assessment's one published line set over its whole counting unit (meeting results, the
    evaluations ballot component, per-reporter figures). PENDING until every part is final."""
    p = policy()
    cache: dict[int, Tally] = {}
    out: dict[int, tuple[disclosure.SubjectRelease, Unit]] = {}
    for a, unit in units_for(assessment_ids).items():
        key = str(a)
        if not unit.parts:
            continue
        if not unit.is_final:
            out[a] = (disclosure.withheld(key, disclosure.PENDING, policy=p), unit)
            continue
        merged: Tally | None = None
        for part in unit.parts:
            one = _part_tally(part, key, cache)
            merged = one if merged is None else merged.merge(one)
        assert merged is not None
        weights = unit_weights(unit) if use_weights else None
        groups = disclosure.category_groups(merged.ballots_by_category, policy=p)
        out[a] = (disclosure.release_subject(merged, key, groups=groups, weights=weights, policy=p), unit)
    return out


def unit_weights(unit: Unit) -> dict[str, float] | None:
    found = [category_weights(part.box) for part in unit.parts]
    return found[0] if found and all(w == found[0] for w in found) else None


def _assessment_of(box: BallotBox, subjects: Iterable[BoxSubject]) -> dict[int, int]:
    """Box subject id → the assessment whose counting unit it belongs to (none: the box is the unit)."""
    out = {s.pk: s.assessment_id for s in subjects if s.assessment_id}
    link = BallotBox.objects.select_related("meeting_link").filter(pk=box.pk).first()
    mapping = getattr(getattr(link, "meeting_link", None), "subject_assessments", None) or {}
    for s in subjects:
        if s.pk not in out and str(s.pk) in mapping:
            out[s.pk] = int(mapping[str(s.pk)])
    rest = [s.pk for s in subjects if s.pk not in out]
    link_model = _ballot_link_model()
    if rest and link_model is not None:
        for subject, a in link_model.objects.filter(subject__in=rest).values_list(
            "subject_id", "assessment_id"
        ):
            out.setdefault(subject, a)
    return out


def part_codes(box: BallotBox, subjects: Iterable[BoxSubject]) -> dict[str, str]:
    """Subjects of `box` that the box must not publish on its own: PART when the subject's counting unit
    spans more than this box (or the box is an offline venue's laptop copy, MTG-6)."""
    if BallotBox.objects.filter(pk=box.pk, offline_venue__isnull=False).exists():
        return {str(s.pk): disclosure.PART for s in subjects}
    owners = _assessment_of(box, subjects)
    units = units_for(set(owners.values()))
    codes: dict[str, str] = {}
    for s in subjects:
        a = owners.get(s.pk)
        if a is None:
            continue
        parts = units[a].parts
        if len(parts) != 1 or parts[0].box.pk != box.pk or parts[0].export is not None:
            codes[str(s.pk)] = disclosure.PART
    return codes


def box_release(box: BallotBox) -> dict:
    """Everything the tally page, the API, the projector screen and the 计票结果报告单 show of a closed
    box: per subject the disclosure module's lines, the category groups, and per-dimension lines."""
    p = policy()
    subjects = list(box.subjects.all())
    t = box_tally(box)
    weights = category_weights(box)
    codes = part_codes(box, subjects)
    result = disclosure.release(
        t, weights=weights, policy=p, subjects=[str(s.pk) for s in subjects], parts=codes
    )
    rows = []
    for s in subjects:
        r = result.subjects[str(s.pk)]
        rows.append(
            {"subject": s, "release": r, "overall": r.overall.result, "fmt": formatted(r.overall.result)}
        )
    dims = []
    for dimension, dt in dimension_tallies(box, subjects):
        lines = []
        for s in subjects:
            r = disclosure.release_dimension(
                dt, str(s.pk), groups=result.groups, weights=weights, policy=p, code=codes.get(str(s.pk), "")
            )
            lines.append(
                {"subject": s, "release": r, "result": r.overall.result, "fmt": formatted(r.overall.result)}
            )
        dims.append({"dimension": dimension, "rows": lines})
    return {
        "release": result,
        "rows": rows,
        "dimensions": dims,
        "grades": [(str(k), str(label)) for k, label, _s in box.scale],
        "groups": result.groups,
        "weights": weights,
        "is_weighted": any(r.is_weighted for r in result.subjects.values()),
        "min_ballots": p.min_ballots,
        "valid_ballots": t.valid_ballots,
        "invalid_ballots": t.invalid_ballots,
        "is_part_only": bool(subjects) and all(str(s.pk) in codes for s in subjects),
        "reason": p.reason,
    }


def formatted(result: SubjectResult | None) -> dict[str, str]:
    def pct(value: Fraction | None) -> str:
        return "—" if value is None else f"{float(value) * 100:.1f}%"

    if result is None:
        return {"top_rate": "—", "top_two_rate": "—", "score": "—"}
    return {
        "top_rate": pct(result.top_rate),
        "top_two_rate": pct(result.top_two_rate),
        "score": "—" if result.score is None else f"{float(result.score):.2f}",
    }

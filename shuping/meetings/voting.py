"""民主测评 at the meeting (MTG-2, MTG-4) through the ballot engine — never its own ballot logic.

Boxes are made by `shuping.ballots.services`: one per venue (主会场 and each 分会场) with the meeting's
reporters as subjects (on-site section, then written section, CMP-3) and the voting attendee categories as
voter categories. An attendee who is also a reporter of the meeting must not rate themselves (回避): their
venue's main box leaves that reporter out, and a 单列 box rates them alone, with a slip for every voter at
the venue but them (`rules.plan_boxes`; docs/adr/0006-recusal-boxes.md says why not a per-credential
exclusion or a box of their own). Every box consolidates into one count per reporter (BAL-8: boxes merge
by addition; each reporter is rated in exactly one box per venue), with subjects mapped to assessments
through `MeetingBox.subject_assessments` and `BoxSubject.assessment`.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from shuping.ballots import selectors as ballot_selectors
from shuping.ballots import services as ballot_services
from shuping.ballots.choices import BoxStatus, Section
from shuping.ballots.tally import BallotData, Tally, tally

from . import offline, rules
from .choices import AttendeeCategory
from .models import Attendee, Meeting, MeetingBox
from .services import MeetingConflict, MeetingError, audit

if TYPE_CHECKING:
    from shuping.accounts.models import User


def _counting():
    """Ballot engine II (paper entry, reconciliation, 计票结果报告单) when it has landed, else None."""
    if importlib.util.find_spec("shuping.ballots.services_counting") is None:
        return None
    from shuping.ballots import services_counting

    return services_counting


def _category_label(category: str | None) -> str:
    return str(AttendeeCategory(category).label) if category else ""


def _voter_groups(meeting: Meeting, agenda) -> list[rules.VoterGroup]:
    """The voting categories per venue with the reporters among their named attendees (回避, MTG-2)."""
    groups = list(
        meeting.attendee_groups.filter(is_voting=True, headcount__gt=0)
        .select_related("venue")
        .order_by("venue__position", "venue_id", "category")
    )
    attendees = list(Attendee.objects.filter(group__in=groups).values_list("pk", "person_id", "group_id"))
    found = rules.recusals(
        [(pk, person) for pk, person, _g in attendees],
        [(i.assessment_id, i.assessment.person_id) for i in agenda],
    )
    group_of = {pk: g for pk, _p, g in attendees}
    recused: dict[int, list[int]] = defaultdict(list)
    for r in found:
        recused[group_of[r.attendee]].append(r.assessment)
    return [rules.VoterGroup(g.venue_id, g.category, g.headcount, tuple(recused[g.pk])) for g in groups]


def box_plan(meeting: Meeting) -> tuple[list[rules.PlannedBox], list[rules.PlanWarning]]:
    """The boxes the meeting's agenda and attendance call for, and where they leave too few voters —
    read by the set-up page before the boxes exist, and by `set_up_ballots` (MTG-2, BAL-6)."""
    agenda = list(meeting.agenda.select_related("assessment").order_by("mode", "position"))
    groups = _voter_groups(meeting, agenda)
    plan = rules.plan_boxes([i.assessment_id for i in agenda], groups)
    return plan, rules.plan_warnings(groups, plan, min_ballots=ballot_selectors.min_category_ballots())


def plan_summary(meeting: Meeting) -> dict[str, list]:
    """The set-up page's view of `box_plan`: each box to make (or made) with its reporters and slips, and
    the warnings in words (MTG-2, BAL-6)."""
    plan, warnings = box_plan(meeting)
    names = {
        i.assessment_id: i.assessment.person_name or i.assessment.organization_name
        for i in meeting.agenda.select_related("assessment")
    }
    venues = {v.pk: v.name for v in meeting.venues.all()}
    k = ballot_selectors.min_category_ballots()
    boxes = []
    for p in plan:
        recused = names[p.recused] if p.recused is not None else None
        boxes.append(
            {
                "venue": venues[p.venue],
                "recused": recused,
                "subjects": [names[a] for a in p.subjects],
                "slips": p.voters,
                "by_category": "、".join(f"{_category_label(c)} {n} 张" for c, n in p.slips),
            }
        )
    texts = []
    for w in warnings:
        who = names.get(w.reporter, "") if w.reporter is not None else ""
        where = venues[w.venue]
        if w.kind == "alone_in_category":
            texts.append(
                f"{who}同志是{where}“{_category_label(w.category)}”中唯一参加测评的人：对其单列测评时该类别没有票；"
                f"主票箱中该类别只有其本人一票，分类统计按不少于 {k} 票的规则并入“其他类别（合并）”或不显示。"
                "如需分类结果，可将其改列其他类别或增加该类别人数。"
            )
        elif w.kind == "alone_at_venue":
            texts.append(f"{who}同志是{where}唯一参加测评的人：该会场没有人对其评价。")
        else:
            box = f"对{who}同志的单列票箱" if who else "主票箱"
            texts.append(
                f"{where}{box}参加测评的不足 {k} 人：分类结果不单独显示；人数过少时，票箱结果也可能推知个人评价，建议与主会场合并。"
            )
    return {"boxes": boxes, "warnings": texts}


@transaction.atomic
def set_up_ballots(*, actor: User | None, meeting: Meeting, source: str = "web") -> list[MeetingBox]:
    """Create the meeting's boxes through the ballot engine (MTG-2, docs/adr/0006-recusal-boxes.md): per
    venue a main box without the reporters recused there, and a 单列 box for each of them."""
    meeting = Meeting.objects.select_for_update().select_related("campaign__organizer").get(pk=meeting.pk)
    if meeting.boxes.exists():
        raise MeetingConflict("本次会议的测评票箱已建立。", code="boxes_exist")
    agenda = list(meeting.agenda.select_related("assessment").order_by("mode", "position"))
    if not agenda:
        raise MeetingError("请先确定述职人，再建立测评票箱。", field="agenda")
    if not meeting.attendee_groups.filter(is_voting=True, headcount__gt=0).exists():
        raise MeetingError("请先登记参加测评的参会人员类别和人数。", field="attendance")
    plan, _warnings = box_plan(meeting)
    if not plan:
        # e.g. the only voter is the reporter recused from their own rating (ADR 0006): no box, no slip.
        raise MeetingError(
            "按目前登记的参会人员，没有人可以参加测评（述职人回避对本人的测评）；请先补充参加测评的人员。",
            field="attendance",
        )
    items = {i.assessment_id: i for i in agenda}
    venues = {v.pk: v for v in meeting.venues.all()}
    made: list[MeetingBox] = []
    for planned in plan:
        venue = venues[planned.venue]
        if planned.recused is None:
            suffix = venue.name
        else:
            a = items[planned.recused].assessment
            suffix = f"{venue.name}·单列：{a.person_name or a.organization_name}"
        made.append(
            _make_box(
                actor,
                meeting,
                venue,
                [items[a] for a in planned.subjects],
                [c for c, _n in planned.slips],
                title_suffix=suffix,
                recused=items[planned.recused].assessment if planned.recused is not None else None,
            )
        )
    audit(
        actor,
        "meetings.ballots_set_up",
        meeting,
        source,
        boxes=len(made),
        recusals=sum(1 for p in plan if p.recused is not None),
    )
    return made


def _make_box(actor, meeting, venue, agenda, categories, *, title_suffix: str, recused=None) -> MeetingBox:
    box = ballot_services.create_box(
        actor=actor, organization=meeting.campaign.organizer, title=f"{meeting.title}（{title_suffix}）"[:200]
    )
    ballot_services.set_up_box(
        actor=actor,
        box=box,
        subjects=[
            ballot_services.SubjectInput(
                name=i.assessment.person_name or i.assessment.organization_name,
                post=f"{i.assessment.organization_name}书记",
                section=Section.ON_SITE if i.is_on_site else Section.WRITTEN,
                # Results are read by assessment (EVA-1): the evaluations ballot component adds the boxes.
                assessment=i.assessment,
            )
            for i in agenda
        ],
        categories=[ballot_services.CategoryInput(name=_category_label(c)) for c in categories],
    )
    subject_ids = list(box.subjects.order_by("position", "pk").values_list("pk", flat=True))
    mapping = {str(s): i.assessment_id for s, i in zip(subject_ids, agenda, strict=True)}
    return MeetingBox.objects.create(
        meeting=meeting, venue=venue, box=box, recused_assessment=recused, subject_assessments=mapping
    )


@dataclass(frozen=True)
class BoxSlips:
    meeting_box: MeetingBox
    slips: list


@transaction.atomic
def issue_slips(*, actor: User | None, meeting: Meeting, source: str = "web") -> list[BoxSlips]:
    """Generate the one-time slips of every box through the ballot engine (BAL-2): in a venue's main box
    each voting category's headcount; in a 单列 box the same less the recused reporter themselves (the plan
    of `rules.plan_boxes`, so the counts reconcile per box and per category, BAL-4). Returns the
    printable slips once: main boxes first, then the 单列 boxes, each box's slips shuffled."""
    boxes = list(meeting.boxes.select_related("box", "venue", "recused_assessment"))
    if not boxes:
        raise MeetingError("请先建立测评票箱。", field="boxes")
    if any(mb.box.credentials.filter(is_rehearsal=False).exists() for mb in boxes):
        # A second batch would hand out more slips than attendees (BAL-4 reconciliation would not balance).
        raise MeetingConflict(
            "本次会议的凭条已经生成；如需补发，请在票箱页面单独生成并登记作废。", code="slips_exist"
        )
    plan, _warnings = box_plan(meeting)
    planned = {(p.venue, p.recused): dict(p.slips) for p in plan}
    out = []
    for mb in sorted(
        boxes,
        key=lambda b: (b.recused_assessment_id is not None, not b.venue.is_main, b.venue.position, b.pk),
    ):
        if mb.is_legacy_recusal:
            continue  # made before ADR 0006: never given new slips
        wanted = planned.get((mb.venue_id, mb.recused_assessment_id))
        if wanted is None:
            raise MeetingConflict(
                "参会人员或述职人与已建立的票箱不一致，请核对后重新建立票箱。", code="plan_changed"
            )
        labels = {_category_label(c): n for c, n in wanted.items()}
        counts = {cat.pk: labels.get(cat.name, 0) for cat in mb.box.categories.all()}
        if sum(counts.values()) == 0:
            continue
        slips = ballot_services.generate_credentials(actor=actor, box=mb.box, counts=counts)
        out.append(BoxSlips(mb, slips))
    audit(
        actor, "meetings.slips_issued", meeting, source, boxes=len(out), slips=sum(len(b.slips) for b in out)
    )
    return out


@transaction.atomic
def open_voting(
    *, actor: User | None, meeting: Meeting, confirm_early: bool = False, source: str = "web"
) -> int:
    """Start voting in every box that has slips (MTG-4); the announcement choice is fixed before. Before
    the meeting day only with `confirm_early`, the explicit confirmation the day screen asks for (FLOW-5)."""
    today = timezone.localdate()
    if today < meeting.held_on and not confirm_early:
        raise MeetingConflict(
            f"会议定于 {meeting.held_on:%Y-%m-%d} 召开，今天（{today:%Y-%m-%d}）尚未到会议日："
            "提前开始投票须勾选确认。",
            code="early",
        )
    counting = _counting()
    opened = 0
    for mb in offline.online_boxes(meeting).select_related("box"):  # offline venues vote on a laptop
        box = mb.box
        if box.status != BoxStatus.DRAFT or not box.credentials.filter(is_rehearsal=False).exists():
            continue
        if counting is not None and box.announces_on_spot != meeting.announces_on_spot:
            counting.set_announcement(actor=actor, box=box, announces_on_spot=meeting.announces_on_spot)
        ballot_services.open_box(actor=actor, box=box, confirm_early=confirm_early)
        opened += 1
    if not opened:
        raise MeetingConflict("没有可以开始投票的票箱：请先生成凭条。", code="nothing_to_open")
    early = today < meeting.held_on
    audit(actor, "meetings.voting_open", meeting, source, boxes=opened, before_meeting_day=early)
    return opened


@transaction.atomic
def stop_phone_voting(*, actor: User | None, meeting: Meeting, source: str = "web") -> int:
    """Stop phone voting everywhere (计票中) so paper ballots can still be keyed in — ballot engine II."""
    if not hasattr(ballot_services, "start_counting"):
        raise MeetingConflict("当前版本不支持单独停止手机投票，请直接结束投票。", code="unsupported")
    n = 0
    for mb in meeting.boxes.select_related("box").filter(box__status=BoxStatus.OPEN):
        ballot_services.start_counting(actor=actor, box=mb.box)
        n += 1
    audit(actor, "meetings.voting_counting", meeting, source, boxes=n)
    return n


@transaction.atomic
def close_voting(*, actor: User | None, meeting: Meeting, source: str = "web") -> int:
    """Close and seal every open box (BAL-6) — the engine's own close; nothing is accepted afterwards."""
    n = 0
    for mb in meeting.boxes.select_related("box"):
        if mb.box.status in (BoxStatus.OPEN, "counting"):
            ballot_services.close_box(actor=actor, box=mb.box)
            n += 1
    if not n:
        raise MeetingConflict("没有正在投票的票箱。", code="nothing_to_close")
    audit(actor, "meetings.voting_closed", meeting, source, boxes=n)
    return n


# --- reads -------------------------------------------------------------------------------------------


def phase(meeting: Meeting) -> rules.Phase:
    """The one displayed phase of a meeting, from its state and its boxes' (FLOW-5)."""
    return rules.meeting_phase(str(meeting.status), voting_state(meeting))


def _least_advanced(statuses: list[str], has_boxes: bool) -> str:
    if not statuses:  # no box, or every venue votes offline (MTG-6)
        return str(BoxStatus.CLOSED) if has_boxes else "not_set_up"
    for s in (BoxStatus.DRAFT, BoxStatus.REHEARSAL, BoxStatus.OPEN, "counting"):
        if s in statuses:
            return str(s)
    return str(BoxStatus.CLOSED)


def voting_state(meeting: Meeting) -> str:
    """not_set_up / draft / open / counting / closed — the least advanced box decides."""
    statuses = [s for s in offline.online_boxes(meeting).values_list("box__status", flat=True)]
    return _least_advanced(statuses, bool(statuses) or meeting.boxes.exists())


def phases_of(meetings: list[Meeting]) -> dict[int, rules.Phase]:
    """The displayed phase of many meetings (the list page) in one query (FLOW-5, PERF-5)."""
    rows = (
        MeetingBox.objects.filter(meeting__in=[m.pk for m in meetings])
        .annotate(exported=Count("offline_exports", filter=Q(offline_exports__revoked_at__isnull=True)))
        .values_list("meeting_id", "box__status", "exported")
    )
    online: dict[int, list[str]] = defaultdict(list)
    has_boxes: set[int] = set()
    for meeting_id, status, exported in rows:
        has_boxes.add(meeting_id)
        if not exported:  # a box exported to an offline venue votes on the laptop (MTG-6)
            online[meeting_id].append(status)
    return {
        m.pk: rules.meeting_phase(str(m.status), _least_advanced(online[m.pk], m.pk in has_boxes))
        for m in meetings
    }


def turnout(meeting: Meeting) -> dict[str, Any]:
    """Slips issued and used per box and in all (MTG-4) — ballot engine's turnout, never ballot contents."""
    read = getattr(ballot_selectors, "cached_turnout", ballot_selectors.turnout)
    rows = []
    for mb in (
        offline.online_boxes(meeting)  # an offline venue's count comes with its results file (MTG-6)
        .select_related("box", "venue", "recused_assessment")
        .order_by("-venue__is_main", "venue__position", "venue_id", "pk")
    ):
        t = read(mb.box)
        rows.append({"meeting_box": mb, "name": box_label(mb), **t})
    issued = sum(r["issued"] for r in rows)
    used = sum(r["used"] for r in rows)
    return {
        "boxes": rows,
        "issued": issued,
        "used": used,
        "percent": round(100 * used / issued) if issued else 0,
    }


def box_label(mb: MeetingBox) -> str:
    """主会场 / 主会场·单列：林海 — how a meeting box is named on pages and slips."""
    if mb.recused_assessment_id is None:
        return mb.venue.name
    a = mb.recused_assessment
    who = (a.person_name or a.organization_name) if a is not None else ""
    return f"{mb.venue.name}·{'旧式回避票' if mb.is_legacy_recusal else '单列'}：{who}"


def _remapped(box_tally: Tally, mapping: dict[str, int]) -> Tally:
    """A box's tally with subjects renamed from box subject ids to assessment ids (so boxes can merge)."""
    counts = {}
    for (subject, category), value in box_tally.counts.items():
        counts[(str(mapping[subject]), category)] = value
    return Tally(
        box_tally.scale,
        tuple(str(mapping[s]) for s in box_tally.subjects),
        counts,
        dict(box_tally.ballots_by_category),
        box_tally.invalid_ballots,
    )


def consolidated_tally(meeting: Meeting) -> Tally | None:
    """Engine-internal, never rendered (pages read `meeting_results`, the disclosure door): one count per reporter over every box of the meeting (main and 单列 boxes of 主会场 and 分会场) and
    every imported offline results file (MTG-6). Callers decide whether the user may see it (EVA-9, MTG-4).

    Per reporter the figures are exact: each reporter is rated in one box per venue. `valid_ballots` and
    `ballots_by_category` count ballot papers, not voters — a voter with 单列 slips casts several."""
    merged: Tally | None = None
    subjects = [
        str(a) for a in meeting.agenda.order_by("mode", "position").values_list("assessment_id", flat=True)
    ]
    for mb in meeting.boxes.select_related("box"):
        one = _remapped(ballot_selectors.box_tally(mb.box), mb.subject_assessments)
        if merged is None:
            merged = tally([], subjects=subjects, scale=one.scale).merge(one)
        else:
            merged = merged.merge(one)
    for export in meeting.offline_exports.filter(imported_at__isnull=False):
        if merged is None:
            continue
        inputs = [BallotData(c, r) for c, r in export.tally_inputs]
        merged = merged.merge(tally(inputs, subjects=subjects, scale=merged.scale))
    return merged


def meeting_results(meeting: Meeting) -> dict[str, Any]:
    """The meeting's results per reporter, through the disclosure door (DSC-1, ADR 0007): each reporter's
    line and category lines over their whole counting unit (every box and imported offline venue that
    rates them), withheld below k ballots and until every part is final. Callers check who may see it
    (EVA-9: organizer staff and department leaders; on the day screen only when announced on the spot)."""
    from shuping.ballots import selectors_release

    agenda = list(meeting.agenda.select_related("assessment").order_by("mode", "position"))
    releases = selectors_release.unit_releases([i.assessment_id for i in agenda])
    scale = None
    first = meeting.boxes.select_related("box").first()
    if first is not None:
        scale = first.box.tally_scale
    rows: list[dict[str, Any]] = []
    for item in agenda:
        found = releases.get(item.assessment_id)
        if found is None:
            continue
        release, unit = found
        r = release.overall.result
        rows.append(
            {
                "assessment": item.assessment,
                "item": item,
                "release": release,
                "result": r,
                "counts": [r.grade_counts[k] for k in scale.keys] if (r and scale) else [],
                "top_two": r.top_two_rate if r else None,
                "fmt": selectors_release.formatted(r),
                "parts": len(unit.parts),
                "boxes": [p.box.pk for p in unit.parts],
                "weights": selectors_release.unit_weights(unit),
            }
        )
    return {
        "rows": rows,
        "grade_labels": [g.label for g in scale.grades] if scale else [],
        "min_ballots": selectors_release.policy().min_ballots,
        "is_final": bool(rows) and all(r["release"].code != "pending" for r in rows),
    }


def enter_paper_ballot(
    *,
    actor: User | None,
    meeting_box: MeetingBox,
    code: str,
    ratings_by_assessment: dict[int, str],
    is_spoiled: bool = False,
) -> str:
    """Key in a paper 测评表 through ballot engine II (BAL-4), ratings given per assessment."""
    counting = _counting()
    if counting is None:
        raise MeetingConflict("纸质票录入功能尚未启用。", code="unsupported")
    reverse = {int(a): s for s, a in meeting_box.subject_assessments.items()}
    if any(int(a) not in reverse for a in ratings_by_assessment):
        # A mark for a reporter this box does not rate (a recused reporter on the main 测评表, or another
        # reporter on a 单列 slip) is a mis-keyed or wrong paper: refused, never silently dropped.
        raise MeetingError("这张测评表所属票箱不包含所录的述职人，请核对测评表和票箱。", field="ratings")
    ratings = {reverse[int(a)]: g for a, g in ratings_by_assessment.items()}
    return counting.enter_paper_ballot(
        actor=actor,
        box=meeting_box.box,
        code=code,
        ratings=ratings,
        declared_count=len(ratings),
        is_spoiled=is_spoiled,
    )


def certify(*, actor: User | None, meeting: Meeting, scrutineers: str = "", counters: str = "") -> list:
    """计票结果报告单 for every sealed box of the meeting, through ballot engine II (BAL-4)."""
    counting = _counting()
    if counting is None:
        raise MeetingConflict("计票结果报告单功能尚未启用。", code="unsupported")
    out = []
    with transaction.atomic():  # an offline venue's 报告单 is certified on its laptop (MTG-6)
        for mb in offline.online_boxes(meeting).select_related("box"):
            if hasattr(mb.box, "certificate"):
                out.append(mb.box.certificate)
                continue
            signed_in = mb.box.credentials.filter(is_rehearsal=False).count()
            if mb.box.attendees_signed_in is None:
                counting.record_attendance(actor=actor, box=mb.box, attendees=signed_in)
            out.append(
                counting.certify_box(actor=actor, box=mb.box, scrutineers=scrutineers, counters=counters)
            )
        audit(actor, "meetings.certified", meeting, "web", boxes=len(out))
    return out

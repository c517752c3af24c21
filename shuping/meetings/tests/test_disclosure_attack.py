"""DSC-2: the proof of the disclosure door is an attacker.

Hypothesis generates 述职评议会s — reporters, a 主会场 and maybe a 分会场, voter categories of 1–10 people, a
reporter sitting in the room (回避: the 单列 box of ADR 0006), and maybe a stand-alone weighted box that also
rates one reporter — casts phone and paper ballots through the real services, closes, certifies, and then
collects every figure an organizer or a department leader can read, through the same functions the pages
and the API use: the tally API of every box, the meeting's results (meeting page and day screen), the
evaluations ballot component, the 计票结果报告单 data.

The attacker knows everything public: who sits in which category at which venue (sign-in sheet, turnout),
which boxes rate whom, the scale, the category weights and how every figure is computed. A solver then
enumerates every assignment of grades to the ballots that reproduces all collected figures (per subject,
since every figure is per subject: a dynamic programme over the (box, category) cells, each cell a
multiset of grades). It must never pin down a voter's grade, nor the grades of a group under k — a cell, a
category across venues, a box — unless a published line of at least k ballots that contains them was
unanimous (then everyone's grade is the line's, which publishing any result at all implies).

The CI run is bounded (few examples, small meetings); `-m slow` runs a longer one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import pytest
from django.core.cache import cache as django_cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from shuping.ballots import selectors as ballot_selectors
from shuping.ballots import services as ballot_services
from shuping.ballots.models import BoxSubject
from shuping.core.errors import DomainError
from shuping.evaluations.components import ballot_component
from shuping.meetings import services, voting
from shuping.meetings.choices import AttendeeCategory
from shuping.orgs.models import Person

GRADES = ("good", "fairly_good", "average", "poor")
SCORES = (100, 80, 60, 0)
K = 5
CATEGORIES = (AttendeeCategory.COMMITTEE_MEMBER, AttendeeCategory.PARTY_CONGRESS, AttendeeCategory.GRASSROOTS)


# --- the solver (pure) ------------------------------------------------------------------------------

Cell = tuple[int, str]  # (box pk, category name)


@dataclass(frozen=True)
class Figure:
    """One collected figure: grade counts or a score over a set of cells, as the attacker reads it."""

    cells: frozenset[Cell]
    counts: tuple[int, ...] | None = None
    score: Fraction | int | None = None
    coef: tuple[tuple[Cell, Fraction], ...] = ()  # score = Σ coef · (Σ grade score over the cell)
    where: str = ""


@cache
def compositions(n: int, parts: int = len(GRADES)) -> tuple[tuple[int, ...], ...]:
    if parts == 1:
        return ((n,),)
    return tuple((i, *rest) for i in range(n + 1) for rest in compositions(n - i, parts - 1))


def possible_group_vectors(
    sizes: dict[Cell, int], figures: list[Figure], group: frozenset[Cell]
) -> set[tuple[int, ...]] | None:
    """Every grade-count vector the `group` of cells can have in a world consistent with all `figures`;
    None when some cell of the group is in no figure (then it is free: anything goes)."""
    constrained = set().union(*(f.cells for f in figures)) if figures else set()
    if any(c not in constrained for c in group if sizes[c]):
        return None
    cells = sorted((c for c in constrained if sizes.get(c)), key=lambda c: (str(c[1]), c[0]))
    last = {}
    for i, f in enumerate(figures):
        last[i] = (
            max(cells.index(c) for c in f.cells if c in cells) if any(c in cells for c in f.cells) else -1
        )
    start = tuple(
        (f.counts if f.counts is not None else f.score) if last[i] >= 0 else None
        for i, f in enumerate(figures)
    )
    zero = (0,) * len(GRADES)
    states: set = {(start, zero)}
    coefs = [dict(f.coef) for f in figures]
    for position, cell in enumerate(cells):
        touching = [i for i, f in enumerate(figures) if cell in f.cells]
        closing = [i for i in touching if last[i] == position]
        new = set()
        for residuals, vector in states:
            for v in compositions(sizes[cell]):
                res = list(residuals)
                ok = True
                for i in touching:
                    f = figures[i]
                    if f.counts is not None:
                        r = tuple(a - b for a, b in zip(res[i], v, strict=True))
                        if min(r) < 0 or (i in closing and any(r)):
                            ok = False
                            break
                        res[i] = r
                    else:
                        total = sum(s * n for s, n in zip(SCORES, v, strict=True))
                        r = res[i] - coefs[i].get(cell, Fraction(0)) * total
                        if i in closing and abs(r) > Fraction(1, 10**6):
                            ok = False
                            break
                        res[i] = r
                if not ok:
                    continue
                for i in closing:
                    res[i] = None  # closed: forget it, so states merge
                grown = tuple(a + b for a, b in zip(vector, v, strict=True)) if cell in group else vector
                new.add((tuple(res), grown))
        states = new
    return {vector for _res, vector in states}


def violations(
    sizes: dict[Cell, int], figures: list[Figure], truth: dict[Cell, tuple[int, ...]]
) -> list[str]:
    """Groups under k whose grades, or voters whose grade, the figures pin down (see the module text)."""
    present = {c for c, n in sizes.items() if n}
    groups: set[frozenset[Cell]] = {frozenset([c]) for c in present}
    by_category: dict[str, set[Cell]] = defaultdict(set)
    by_box: dict[int, set[Cell]] = defaultdict(set)
    for box, category in present:
        by_category[category].add((box, category))
        by_box[box].add((box, category))
    groups |= {frozenset(g) for g in (*by_category.values(), *by_box.values())}
    found = []
    for group in sorted(groups, key=lambda g: sorted(map(str, g))):
        vectors = possible_group_vectors(sizes, figures, group)
        true = tuple(map(sum, zip(*(truth[c] for c in group), strict=True)))
        if vectors is not None:
            assert true in vectors, f"the attacker's model disagrees with the figures for {sorted(group)}"
        if vectors is None or len(vectors) != 1:
            continue
        size = sum(sizes[c] for c in group)
        grades_used = [i for i, n in enumerate(true) if n]
        unanimous = len(grades_used) == 1
        if not (size < K or unanimous):
            continue
        if unanimous and any(
            f.counts is not None
            and group <= f.cells
            and sum(f.counts) >= K
            and f.counts[grades_used[0]] == sum(f.counts)
            for f in figures
        ):
            continue  # a published line of ≥ k ballots holding them was unanimous: nothing more is learnt
        found.append(f"{sorted(group)} ({size} 票) 被确定为 {true}")
    return found


# --- a generated meeting ----------------------------------------------------------------------------


@dataclass
class Plan:
    reporters: tuple[int, ...]
    venues: list[dict[str, int]]  # per venue: category → headcount
    recusal: bool
    extra: dict[str, int] | None  # a stand-alone box rating the first reporter: category → voters
    extra_weights: dict[str, int]


def plans(max_people: int):
    size = st.integers(1, max_people)

    @st.composite
    def build(draw):
        reporters = tuple(sorted(draw(st.sets(st.integers(0, 2), min_size=1, max_size=3))))
        venues = []
        for _ in range(draw(st.integers(1, 2))):
            chosen = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2, unique=True))
            venues.append({c: draw(size) for c in chosen})
        extra = None
        weights: dict[str, int] = {}
        if draw(st.booleans()):
            extra = {
                name: draw(size) for name in draw(st.sets(st.sampled_from(["群众", "干部"]), min_size=1))
            }
            weights = {name: draw(st.integers(0, 3)) for name in extra}
        return Plan(reporters, venues, draw(st.booleans()), extra, weights)

    return build()


def _stage(scene, world, plan: Plan, data) -> tuple[dict, list] | None:
    """Set the meeting up, vote (phone and paper) and close; return the true grades per cell and subject,
    and the boxes."""
    staff = world.organizer_staff
    meeting = scene.meeting
    assessments = [scene.county, scene.county2, scene.organs]
    agenda = [assessments[i] for i in plan.reporters]
    services.set_agenda(actor=staff, meeting=meeting, assessments=agenda)
    venues = [meeting.venues.get()]
    for n in range(1, len(plan.venues)):
        venues.append(services.add_venue(actor=staff, meeting=meeting, name=f"第{n}分会场"))
    lin = Person.objects.get(name="林海")
    for position, (venue, groups) in enumerate(zip(venues, plan.venues, strict=True)):
        for index, (category, headcount) in enumerate(groups.items()):
            named = []
            if plan.recusal and position == 0 and index == 0 and scene.county2 in agenda:
                named = [services.AttendeeInput("林海", "丁县委书记", person_id=lin.pk)]
            services.set_attendance(
                actor=staff,
                meeting=meeting,
                venue=venue,
                category=category,
                headcount=headcount,
                attendees=named,
            )
    try:
        voting.set_up_ballots(actor=staff, meeting=meeting)
    except DomainError as refused:  # nobody may vote (the only voter is the recused reporter): no figure
        assert refused.field == "attendance", refused.message
        return None
    issued = voting.issue_slips(actor=staff, meeting=meeting)
    voting.open_voting(actor=staff, meeting=meeting)
    truth: dict = defaultdict(lambda: (0,) * len(GRADES))
    paper = []
    for batch in issued:
        mb = batch.meeting_box
        for slip in batch.slips:
            marks = {a: data.draw(st.sampled_from(GRADES)) for a in mb.subject_assessments.values()}
            for a, g in marks.items():
                key = (int(a), (mb.box_id, slip.category))
                truth[key] = tuple(n + (GRADES[i] == g) for i, n in enumerate(truth[key]))
            if data.draw(st.booleans()):
                paper.append((mb, slip.code, marks))
            else:
                reverse = {int(a): s for s, a in mb.subject_assessments.items()}
                session = ballot_services.start_session(code=slip.code)
                ballot_services.submit_ballot(
                    token=session.token, ratings={reverse[int(a)]: g for a, g in marks.items()}
                )
    if paper:
        voting.stop_phone_voting(actor=staff, meeting=meeting)
        for mb, code, marks in paper:
            voting.enter_paper_ballot(actor=staff, meeting_box=mb, code=code, ratings_by_assessment=marks)
    voting.close_voting(actor=staff, meeting=meeting)
    voting.certify(actor=staff, meeting=meeting, scrutineers="监票人", counters="计票人")
    boxes = [mb.box for mb in meeting.boxes.select_related("box")]
    if plan.extra:
        target = agenda[0]
        box = ballot_services.create_box(
            actor=staff, organization=meeting.campaign.organizer, title="群众满意度测评"
        )
        ballot_services.set_up_box(
            actor=staff,
            box=box,
            subjects=[ballot_services.SubjectInput(name="测评对象", assessment=target)],
            categories=[
                ballot_services.CategoryInput(name, plan.extra_weights.get(name) or None)
                for name in plan.extra
            ],
        )
        ids = dict(box.categories.values_list("name", "id"))
        slips = ballot_services.generate_credentials(
            actor=staff, box=box, counts={ids[n]: c for n, c in plan.extra.items()}
        )
        ballot_services.open_box(actor=staff, box=box)
        subject = str(box.subjects.get().pk)
        for slip in slips:
            g = data.draw(st.sampled_from(GRADES))
            key = (target.pk, (box.pk, slip.category))
            truth[key] = tuple(n + (GRADES[i] == g) for i, n in enumerate(truth[key]))
            session = ballot_services.start_session(code=slip.code)
            ballot_services.submit_ballot(token=session.token, ratings={subject: g})
        ballot_services.close_box(actor=staff, box=box)
        boxes.append(box)
    return truth, boxes


# --- what each role can read ------------------------------------------------------------------------


def _score_coef(cells: Iterable[Cell], sizes: dict[Cell, int], weights: dict[str, float] | None):
    """How the engine's score depends on each cell's grade-score sum (the attacker knows the rule)."""
    cells = [c for c in cells if sizes.get(c)]
    if not weights:
        total = sum(sizes[c] for c in cells)
        return tuple((c, Fraction(1, total)) for c in cells)
    per_category: dict[str, int] = defaultdict(int)
    for c in cells:
        per_category[c[1]] += sizes[c]
    used = {cat: Fraction(weights.get(cat, 0)) for cat in per_category if Fraction(weights.get(cat, 0)) > 0}
    w = sum(used.values())
    return tuple((c, used[c[1]] / (per_category[c[1]] * w)) for c in cells if c[1] in used)


def collect(scene, world, boxes) -> tuple[dict[int | None, dict[Cell, int]], dict[int | None, list[Figure]]]:
    """Every figure about every subject an organizer or a leader can read, keyed by assessment."""
    # Keyed by assessment id (a box subject's assessment_id is nullable in the schema).
    sizes: dict[int | None, dict[Cell, int]] = defaultdict(dict)
    figures: dict[int | None, list[Figure]] = defaultdict(list)
    rating: dict[int | None, set[int]] = defaultdict(
        set
    )  # assessment → boxes that rate it (public: the pages say)
    subject_of = {}
    weights_of = {}
    for box in boxes:
        used = {c["name"]: c["used"] for c in ballot_selectors.turnout(box)["categories"]}  # the box page
        weights_of[box.pk] = ballot_selectors.category_weights(box)
        for s in BoxSubject.objects.filter(box=box):
            subject_of[s.pk] = s.assessment_id
            rating[s.assessment_id].add(box.pk)
            for name, n in used.items():
                sizes[s.assessment_id][(box.pk, name)] = n
    for user in (world.organizer_staff, world.department_leader):
        client = Client()
        client.force_login(user)
        for box in boxes:
            answer = client.get(f"/api/v1/ballot-boxes/{box.pk}/tally")
            if answer.status_code != 200:
                continue
            for s in answer.json()["subjects"]:
                a = subject_of[s["subject_id"]]
                cells = frozenset(c for c in sizes[a] if c[0] == box.pk and sizes[a][c])
                if s.get("grade_counts"):
                    counts = tuple(s["grade_counts"][g] for g in GRADES)
                    weighted = s.get("is_weighted", bool(weights_of[box.pk]))
                    coef = _score_coef(cells, sizes[a], weights_of[box.pk] if weighted else None)
                    figures[a].append(Figure(cells, counts, where=f"API 票箱{box.pk}"))
                    if s["score"] is not None:
                        figures[a].append(
                            Figure(cells, score=Fraction(s["score"]), coef=coef, where="API 得分")
                        )
                for line in s.get("by_category") or []:
                    part = frozenset(c for c in cells if c[1] in line["categories"])
                    counts = tuple(line["grade_counts"][g] for g in GRADES)
                    figures[a].append(Figure(part, counts, where=f"API 票箱{box.pk} 类别"))
    # The meeting page and the day screen (voting.meeting_results), the evaluations component.
    results = voting.meeting_results(scene.meeting)
    for row in results["rows"]:
        a = row["assessment"].pk
        cells = frozenset(c for c in sizes[a] if c[0] in row["boxes"] and sizes[a][c])
        release = row["release"]
        if row["result"] is not None:
            r = row["result"]
            figures[a].append(Figure(cells, tuple(r.grade_counts[g] for g in GRADES), where="会议结果"))
            coef = _score_coef(cells, sizes[a], row["weights"] if release.is_weighted else None)
            figures[a].append(Figure(cells, score=r.score, coef=coef, where="会议结果得分"))
        for g in release.groups:
            part = frozenset(c for c in cells if c[1] in g.categories)
            figures[a].append(
                Figure(part, tuple(g.result.grade_counts[x] for x in GRADES), where="会议结果类别")
            )
    component = ballot_component([scene.county, scene.county2, scene.organs])
    for a, value in component.items():
        if value.score is None:
            continue
        cells = frozenset(c for c in sizes[a] if c[0] in rating[a] and sizes[a][c])
        counts = tuple(value.facts["grade_counts"][g] for g in GRADES)
        figures[a].append(Figure(cells, counts, where="综合评价"))
        figures[a].append(
            Figure(cells, score=value.score, coef=_score_coef(cells, sizes[a], None), where="综合评价得分")
        )
    # The 计票结果报告单 of each box carries the tally page's rows (same door): read them too.
    for box in boxes:
        report = ballot_selectors.tally_report(box)
        for row in report["rows"]:
            if row["overall"] is None:
                continue
            a = row["subject"].assessment_id
            cells = frozenset(c for c in sizes[a] if c[0] == box.pk and sizes[a][c])
            figures[a].append(
                Figure(cells, tuple(row["overall"].grade_counts[g] for g in GRADES), where="报告单")
            )
    return sizes, figures


def attack(scene, world, plan: Plan, data) -> None:
    django_cache.clear()
    staged = _stage(scene, world, plan, data)
    if staged is None:
        return
    truth, boxes = staged
    sizes, figures = collect(scene, world, boxes)
    found = []
    for a in sizes:
        cells_truth = {cell: truth[(a, cell)] for cell in sizes[a]}
        found += [f"述职人 {a}: {v}" for v in violations(sizes[a], figures[a], cells_truth)]
    assert not found, "\n".join(found)


def _run(scene, world, plan, data):
    with transaction.atomic():
        try:
            attack(scene, world, plan, data)
        finally:
            transaction.set_rollback(True)


HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
#: No shrinking: each example is a whole meeting, and the failure message already lists what was pinned.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate]


@pytest.mark.req("DSC-2", "DSC-1", "BAL-6", "BAL-7")
@settings(max_examples=6, deadline=None, suppress_health_check=HEALTH, derandomize=True, phases=PHASES)
@given(plan=plans(max_people=6), data=st.data())
def test_no_figure_any_organizer_or_leader_reads_pins_down_a_vote(scene, world, plan, data):
    _run(scene, world, plan, data)


@pytest.mark.slow
@pytest.mark.req("DSC-2", "DSC-1", "BAL-6", "BAL-7")
@settings(max_examples=60, deadline=None, suppress_health_check=HEALTH, phases=PHASES)
@given(plan=plans(max_people=10), data=st.data())
def test_no_figure_pins_down_a_vote_long_run(scene, world, plan, data):
    _run(scene, world, plan, data)


# --- the solver itself finds what the old pages showed ------------------------------------------------


@pytest.mark.req("DSC-2")
def test_the_solver_finds_the_weighted_score_leak_and_the_single_slip_box():
    """The attacker is not toothless: fed the figures the pages showed before the disclosure door, it
    pins down the 代表's 差 (issue 20, example 1) and the one-slip box's ballot (example 2)."""
    lead, rep = (1, "领导"), (1, "代表")
    sizes = {lead: 3, rep: 2}
    cells = frozenset(sizes)
    weighted = _score_coef(cells, sizes, {"领导": 50, "代表": 50})
    old = [Figure(cells, (4, 0, 0, 1)), Figure(cells, score=Fraction(75), coef=weighted)]
    truth = {lead: (3, 0, 0, 0), rep: (1, 0, 0, 1)}
    assert any("代表" in v for v in violations(sizes, old, truth))
    now = [
        Figure(cells, (4, 0, 0, 1)),
        Figure(cells, score=Fraction(80), coef=_score_coef(cells, sizes, None)),
    ]
    assert violations(sizes, now, truth) == []
    one = {(2, "领导"): 1}
    assert violations(one, [Figure(frozenset(one), (0, 0, 0, 1))], {(2, "领导"): (0, 0, 0, 1)})
    assert violations(one, [], {(2, "领导"): (0, 0, 0, 1)}) == []

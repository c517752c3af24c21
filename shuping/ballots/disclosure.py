"""Disclosure control (DSC-1, BAL-6): the one door every ballot-derived figure passes before it leaves.

Pure — no Django import. Pages, the API, the 计票结果报告单, the meeting screens, the evaluations ballot
component and the field survey score all read what `release` publishes, never a `Tally` directly
(docs/adr/0007-disclosure-control.md). Art. 5 asks the attendees to rate the secretary; the rating is
anonymous only if no figure, alone or combined with any other, singles out a voter.

Vocabulary (statistical disclosure control):

- **Counting unit** (计票单元): the set of ballots that rate one subject — a stand-alone box, or for a
  reporter of a 述职评议会 every box that rates them (主会场, 分会场, 单列 box of ADR 0006, an offline
  venue's imported results, a legacy 回避 box). Every view shows a subject's figures over exactly this one
  population, so no two views of a subject differ by a sub-population that could be subtracted out.
  A box that is only a *part* of a larger unit publishes no line of that subject of its own (`PART`).
- **Threshold rule** (primary suppression): a unit, or a category line within it, resting on fewer than
  k ballots (default 5) is suppressed.
- **Complementary suppression**: the overall line minus the published category lines must never yield a
  line under k. Small categories are merged; if the merged line is still under k, the smallest published
  categories join it until it reaches k — so every line a reader can compute by subtraction is itself a
  line of at least k ballots. (A unit under k shows neither its overall line nor any category line.)
- **Weights** (BAL-8 category weights) are applied only when every category with ballots is published as
  its own line: a weighted score over merged categories is a second, different average of the same
  ballots, and the two together tell the categories apart (ADR 0007, example 1). Otherwise the score is
  the plain mean over all valid marks, and the page says so.
- **Time**: a unit is published only when every part is final (all boxes closed and sealed, every
  offline venue's results imported), so a figure never changes after it first appeared (`PENDING`); two
  moments of the same view cannot be differenced. Live turnout shows slips used per category — counts
  of participation the sign-in sheet already gives — never a mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .tally import SubjectResult, Tally

#: k of BAL-6 / DSC-1 when the deployment does not set SHUPING_BALLOT_MIN_CATEGORY.
DEFAULT_MIN_BALLOTS = 5

SMALL = "small"  # the unit has fewer than k ballots
PART = "part"  # the box is one part of a larger counting unit
PENDING = "pending"  # a part of the unit is not final yet


@dataclass(frozen=True)
class Policy:
    """The disclosure rules in force: k, and the label of a merged category line."""

    min_ballots: int = DEFAULT_MIN_BALLOTS
    merged_label: str = "其他类别（合并）"

    def __post_init__(self) -> None:
        if self.min_ballots < 1:
            raise ValueError("k must be at least 1.")

    def reason(self, code: str) -> str:
        """The Chinese sentence a page prints in place of a withheld figure."""
        k = self.min_ballots
        return {
            SMALL: f"不足{k}票，不单独显示",
            PART: "本票箱是合并计票的一部分，结果只计入合并结果",
            PENDING: "尚有票箱未封箱或离线会场结果未导入，全部计票完成后显示",
        }[code]


@dataclass(frozen=True)
class CategoryGroup:
    """A published category line: one category, or several merged so that it rests on ≥ k ballots."""

    label: str
    categories: tuple[str, ...]
    ballots: int
    is_hidden: bool  # only when the whole unit is under k: then nothing is shown at all


def category_groups(
    ballots_by_category: Mapping[str, int], *, policy: Policy = Policy()
) -> list[CategoryGroup]:
    """Category lines for publication (threshold rule + complementary suppression).

    Categories with ≥ k ballots get a line of their own; the rest merge. A merged line still under k
    takes in the smallest published categories until it reaches k: were it hidden instead, it would be the
    overall line minus the published ones. With fewer than k ballots in all, every line is hidden.
    """
    k = policy.min_ballots
    present = {c: n for c, n in ballots_by_category.items() if n > 0}
    total = sum(present.values())
    if not present:
        return []
    if total < k:
        return [CategoryGroup(policy.merged_label, tuple(sorted(present)), total, True)]
    big = sorted((c for c, n in present.items() if n >= k), key=lambda c: (present[c], c))
    small = sorted(c for c, n in present.items() if n < k)
    merged = sum(present[c] for c in small)
    while small and merged < k:
        joined = big.pop(0)  # the smallest published category
        small.append(joined)
        merged += present[joined]
    groups = [CategoryGroup(c, (c,), present[c], False) for c in sorted(big)]
    if small:
        label = small[0] if len(small) == 1 else policy.merged_label
        groups.append(CategoryGroup(label, tuple(sorted(small)), merged, False))
    return groups


@dataclass(frozen=True)
class Line:
    """One published line: a subject over the whole unit or over a category group; `result` is None
    when withheld, and `withheld` then says why in Chinese."""

    label: str
    categories: tuple[str, ...]
    ballots: int
    result: SubjectResult | None
    withheld: str = ""

    @property
    def is_withheld(self) -> bool:
        return self.result is None


@dataclass(frozen=True)
class SubjectRelease:
    """What may be shown of one subject: the overall line, the category lines, and how it was scored."""

    subject: str
    overall: Line
    groups: tuple[Line, ...] = ()
    is_weighted: bool = False
    score_note: str = ""
    code: str = ""  # SMALL / PART / PENDING when the overall line is withheld

    @property
    def is_withheld(self) -> bool:
        return self.overall.is_withheld


@dataclass(frozen=True)
class Release:
    """Everything one counting unit (or one box read on its own) publishes."""

    subjects: dict[str, SubjectRelease]
    groups: tuple[CategoryGroup, ...] = ()
    valid_ballots: int = 0
    invalid_ballots: int = 0
    policy: Policy = field(default_factory=Policy)

    @property
    def has_published(self) -> bool:
        return any(not s.is_withheld for s in self.subjects.values())


def withheld(subject: str, code: str, *, policy: Policy = Policy(), ballots: int = 0) -> SubjectRelease:
    """A subject of which nothing is shown here, with the reason (`SMALL`, `PART` or `PENDING`)."""
    return SubjectRelease(subject, Line("", (), ballots, None, policy.reason(code)), (), False, "", code)


def weights_apply(
    groups: Sequence[CategoryGroup], weights: Mapping[str, Fraction | int | float] | None
) -> bool:
    """Category weights are applied only over categories each published on a line of their own."""
    if not weights or not groups:
        return False
    return all(len(g.categories) == 1 and not g.is_hidden for g in groups)


def release_subject(
    t: Tally,
    subject: str,
    *,
    groups: Sequence[CategoryGroup],
    weights: Mapping[str, Fraction | int | float] | None = None,
    policy: Policy = Policy(),
    with_groups: bool = True,
) -> SubjectRelease:
    """One subject of a complete counting unit `t` under the threshold and weighting rules."""
    ballots = t.valid_ballots
    if ballots < policy.min_ballots:
        return withheld(subject, SMALL, policy=policy, ballots=ballots)
    weighted = weights_apply(groups, weights)
    overall = t.result(subject, category_weights=weights if weighted else None)
    note = ""
    if weights and not weighted:
        note = (
            f"有参评类别不足{policy.min_ballots}票、已合并显示，得分未按类别权重加权（按全部有效票平均），"
            "以免推算出小类别的评价"
        )
    lines: list[Line] = []
    if with_groups and len(groups) > 1:  # one group holding every category is the total itself
        for g in groups:
            lines.append(Line(g.label, g.categories, g.ballots, t.result(subject, categories=g.categories)))
    return SubjectRelease(subject, Line("全部", t.categories, ballots, overall), tuple(lines), weighted, note)


def release(
    t: Tally,
    *,
    weights: Mapping[str, Fraction | int | float] | None = None,
    policy: Policy = Policy(),
    subjects: Sequence[str] | None = None,
    parts: Mapping[str, str] | None = None,
) -> Release:
    """A unit's release: every subject in `subjects` (default all of `t`), each published over `t`
    unless `parts` names it (subject → PART or PENDING: read elsewhere or not final)."""
    groups = category_groups(t.ballots_by_category, policy=policy)
    out: dict[str, SubjectRelease] = {}
    for subject in t.subjects if subjects is None else subjects:
        code = (parts or {}).get(subject)
        if code:
            out[subject] = withheld(subject, code, policy=policy)
        else:
            out[subject] = release_subject(t, subject, groups=groups, weights=weights, policy=policy)
    return Release(out, tuple(groups), t.valid_ballots, t.invalid_ballots, policy)


def release_dimension(
    t: Tally,
    subject: str,
    *,
    groups: Sequence[CategoryGroup],
    weights: Mapping[str, Fraction | int | float] | None = None,
    policy: Policy = Policy(),
    code: str = "",
) -> SubjectRelease:
    """A per-dimension line (BAL-1 分项评价): the overall line only, under the same rules as the
    unit's main line (`groups` are the unit's, so weighting agrees with the main line)."""
    if code:
        return withheld(subject, code, policy=policy)
    if sum(g.ballots for g in groups) < policy.min_ballots:
        return withheld(subject, SMALL, policy=policy)
    return release_subject(t, subject, groups=groups, weights=weights, policy=policy, with_groups=False)

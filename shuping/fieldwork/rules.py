"""Pure rules of the field assessment (FLD-1, FLD-2; Art. 6). No Django import.

- `draw_sample`: the sampled sub-units, re-derivable from (population, size, seed).
- `can_be_seen_on_site`: whether an indicator can be judged by seeing the site or talking to members —
  from its method and from the formalism lint's counter-signals (shuping.campaigns.lint, reused).
- `paper_only_warning`: the Art. 6 warning when a score rests only on reading files or hearing reports for
  such an indicator.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shuping.campaigns import lint

#: Methods by which an indicator is judged on site or by talking to people (AssessmentMethod values).
SITE_METHODS = frozenset({"site_visit", "member_visit", "interview", "survey"})
#: Evidence read from paper (Art. 6: 听汇报、查资料、看台账), as stored in IndicatorScore.evidence_kinds.
PAPER_KINDS = frozenset({"document_review", "report_hearing"})

ART6_TEXT = "对可以通过现场查看、走访党员群众等作出评价的，一般不以听汇报、查资料、看台账的方式进行考核"


def draw_sample(population: Sequence[int], size: int, seed: int) -> list[int]:
    """`size` members of `population`, drawn with `seed`; the same arguments always give the same sample.

    The population is sorted first so that the order it was read from the database in does not matter.
    """
    ordered = sorted(set(population))
    if size <= 0 or not ordered:
        return []
    return random.Random(seed).sample(ordered, min(size, len(ordered)))


def can_be_seen_on_site(*, text: str, guidance: str = "", method: str = "") -> tuple[bool, str]:
    """(True, why) when the indicator can be judged by 现场查看 or 走访党员群众 (Art. 6).

    Its method says so (实地查看、走访党员群众、个别谈话、问卷测评), or the lint finds site or outcome
    words in its text or scoring guidance (the lint's counter-signals: 实地, 走访, 满意度, 解决率 …).
    """
    if method in SITE_METHODS:
        return True, "考核方式为现场查看或走访谈话"
    result = lint.lint_indicator(f"{text}；{guidance}")
    if result.counter_signals:
        return True, f"指标可通过现场核实（“{result.counter_signals[0]}”）"
    return False, ""


def _note_is_paper(note: str) -> bool:
    """A free-text evidence note that itself says the evidence was files or reports (查阅台账 …)."""
    return any(w.code == lint.PAPER for w in lint.lint_indicator(note).warnings)


@dataclass(frozen=True)
class EvidenceFacts:
    """What one score rests on, as the service sees it."""

    kinds: frozenset[str]
    visits: int = 0
    talks: int = 0
    note: str = ""


def rests_only_on_paper(evidence: EvidenceFacts) -> bool:
    """No visit, talk or survey behind the score, and what is named is paper (or nothing but a paper note)."""
    if evidence.visits or evidence.talks or (evidence.kinds - PAPER_KINDS):
        return False
    return bool(evidence.kinds & PAPER_KINDS) or _note_is_paper(evidence.note)


def paper_only_warning(
    *, text: str, guidance: str, method: str, evidence: EvidenceFacts
) -> dict[str, str] | None:
    """The Art. 6 warning (reason, evidence, citation) or None."""
    if not rests_only_on_paper(evidence):
        return None
    visible, why = can_be_seen_on_site(text=text, guidance=guidance, method=method)
    if not visible:
        return None
    return {
        "code": "paper_only",
        "reason": f"本项评分只依据查资料、看台账或听汇报，而{why}。第六条：{ART6_TEXT}。"
        "请到现场看、听党员群众说，或填写保留理由。",
        "citation": lint.CITATION,
    }


def form_length(indicator_counts: Iterable[int]) -> int:
    """The number of items on a form (one line per indicator)."""
    return sum(indicator_counts)

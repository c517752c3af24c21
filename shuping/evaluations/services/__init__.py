"""Writes for 综合评价与研究 (EVA-1 … EVA-4): every page, API call, job and the demo calls these.

Keyword-only, atomic, preconditions checked before anything is written, `EvaluationError` /
`EvaluationConflict` with a Chinese message, and the audit event in the same transaction. Steps entered
for a meeting record the meeting in `on_behalf_of` (代录, SEC-4).

Rules enforced here (Art. 6 经党委（党组）研究; EVA-4):
- no one proposes, calibrates or decides on a set containing their own assessment;
- the chain is section draft → 部务会 → 常委会 / 党组会, each with date and 会议纪要 reference;
- approval is refused while a quota group touched by the set is broken, unless a written reason is given
  for that group; approval locks the set, moves the assessees on through 研究 to 反馈, and keeps history;
- a locked evaluation changes only through a recorded re-decision (a new step with its reason);
- approval and re-decision run every registered decision consequence (`consequences`, e.g. rectification's
  不得评优 and 约谈 under Art. 7) with the actor, in the same transaction.

A package (the file outgrew 600 lines): `base` holds what the modules share; every public name is
re-exported here, so `from shuping.evaluations import services; services.foo(...)` keeps working.
"""

from __future__ import annotations

from .adjustments import add_adjustment, remove_adjustment
from .ballot_links import link_ballot_subject, link_ballot_subjects_by_name
from .base import EvaluationConflict, EvaluationError
from .composites import compute_composites, set_flag
from .config import is_config_locked, save_config, start_evaluations
from .decisions import record_step, redecide
from .proposals import draft_opinion, propose_grade, update_opinion

__all__ = [
    "EvaluationConflict",
    "EvaluationError",
    "add_adjustment",
    "compute_composites",
    "draft_opinion",
    "is_config_locked",
    "link_ballot_subject",
    "link_ballot_subjects_by_name",
    "propose_grade",
    "record_step",
    "redecide",
    "remove_adjustment",
    "save_config",
    "set_flag",
    "start_evaluations",
    "update_opinion",
]

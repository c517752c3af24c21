"""Pure rules of oversight (no Django import).

Lateness (OVS-2 "who is late"): an assessment is behind when its stage lags what the campaign's
schedule expects on a day — the same rule `selectors.late_q` states in SQL (tests keep them equal).
Art. 5 sets the rhythm: field assessment before the meeting (述职评议前 … 实地考核), the meeting, the
composite evaluation, then the committee's 研究 and feedback by the campaign's end.
"""

from __future__ import annotations

from datetime import date

STAGES = ("report", "field", "meeting", "evaluation", "decision", "feedback", "rectification")


def expected_stage(
    today: date, *, field_starts_on: date, field_ends_on: date, meetings_end_on: date, ends_on: date
) -> str:
    """The least stage an assessee should have reached on `today`."""
    if today > ends_on:
        return "feedback"
    if today > meetings_end_on:
        return "evaluation"
    if today > field_ends_on:
        return "meeting"
    if today >= field_starts_on:
        return "field"
    return "report"


def is_late(stage: str, today: date, **schedule: date) -> bool:
    return STAGES.index(stage) < STAGES.index(expected_stage(today, **schedule))

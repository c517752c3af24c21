"""Pure rules of 反馈 (no Django): overdue acknowledgements and the BAL-6 guard on the 意见归纳.

- Overdue is computed, never stored (EVA-5): released, not acknowledged, and the deadline has passed.
- BAL-6: raw free-text opinions never reach the assessee; the organizer writes a de-identified summary.
  `copied_passages` finds where a summary repeats a voter's opinion word for word, so the service can
  refuse it before it is released.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

#: A run of this many characters copied from a ballot opinion counts as quoting it.
QUOTE_WINDOW = 12
#: Opinions shorter than this (“无”, “很好”) are too common to count as quotations.
MIN_OPINION = 6

_SPACE = re.compile(r"[\s，。、；：！？,.;:!?“”\"'‘’（）()《》]+")


def acknowledge_by(released_on: date, days: int) -> date:
    """The acknowledgement deadline: `days` calendar days after release (the campaign's setting)."""
    return released_on + timedelta(days=max(0, days))


def is_overdue(*, released_on: date | None, acknowledged: bool, due_on: date | None, today: date) -> bool:
    """EVA-5: released, not yet acknowledged, past its deadline."""
    return released_on is not None and not acknowledged and due_on is not None and today > due_on


def days_overdue(due_on: date | None, today: date) -> int:
    return max(0, (today - due_on).days) if due_on else 0


def _plain(text: str) -> str:
    return _SPACE.sub("", text or "")


def copied_passages(summary: str, opinions: Iterable[str], *, window: int = QUOTE_WINDOW) -> list[str]:
    """The ballot opinions (as typed) that `summary` repeats: the whole opinion, or `window` characters
    in a row of it, ignoring spaces and punctuation. Empty when the summary is the organizer's own words."""
    text = _plain(summary)
    if not text:
        return []
    found = []
    for opinion in opinions:
        plain = _plain(opinion)
        if len(plain) < MIN_OPINION:
            continue
        if plain in text or any(
            plain[i : i + window] in text for i in range(0, max(1, len(plain) - window + 1))
        ):
            found.append(opinion)
    return found


# --- 干部管理权限: who keeps a secretary's personnel file (EVA-7, Art. 7) ----------------------------------

#: The committee running the campaign keeps the file (下管一级: a province its prefecture secretaries, a
#: county its township secretaries).
ORGANIZER = "organizer"
#: The committee above the organizer keeps it (e.g. a province that manages county secretaries itself:
#: 县委书记由省委管理, so a prefecture's campaign hands their materials up to the province).
UPPER = "upper"
HOLDER_CHOICES = {ORGANIZER: "本级党委管理（下管一级）", UPPER: "上级党委管理"}
#: By default every level follows 下管一级; a campaign sets another rule per level of the assessed
#: organization (AdminLevel values; "" for organizations without an administrative level).
DEFAULT_HOLDER_RULES: dict[str, str] = {}


def holder_rule(level: str, rules: dict[str, str] | None) -> str:
    """The rule for secretaries of organizations at `level`: the campaign's setting, else 下管一级."""
    rule = (rules or {}).get(level or "", DEFAULT_HOLDER_RULES.get(level or "", ORGANIZER))
    return rule if rule in HOLDER_CHOICES else ORGANIZER


def file_holder(
    *,
    explicit: int | None,
    level: str,
    rules: dict[str, str] | None,
    organizer: int,
    organizer_parent: int | None,
) -> int:
    """The organization (id) that keeps the file: a person's own 干部管理权限 record first, else the level's
    rule; `UPPER` without a committee above the organizer falls back to the organizer."""
    if explicit is not None:
        return explicit
    if holder_rule(level, rules) == UPPER and organizer_parent is not None:
        return organizer_parent
    return organizer


def is_transfer(*, holder: int, organizer: int) -> bool:
    """Materials are transferred only to another organization: when the organizer itself keeps the file they
    are filed in its own archive (本级存档), never 'transferred' from its organization department to itself."""
    return holder != organizer

"""Ballot box states and the allowed transitions, subject sections (BAL-1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BoxStatus(models.TextChoices):
    """草拟 → 演练中 → 草拟 (rehearsal wiped) … → 投票中 → (计票中 →) 已封箱.

    计票中 (counting): phone voting has stopped; paper ballots are still keyed in (BAL-4).
    """

    DRAFT = "draft", _("草拟")
    REHEARSAL = "rehearsal", _("演练中")
    OPEN = "open", _("投票中")
    COUNTING = "counting", _("计票中")
    CLOSED = "closed", _("已封箱")


#: The only allowed status changes (BallotBox.transition_to enforces them).
TRANSITIONS: dict[str, frozenset[str]] = {
    BoxStatus.DRAFT: frozenset({BoxStatus.REHEARSAL, BoxStatus.OPEN}),
    BoxStatus.REHEARSAL: frozenset({BoxStatus.DRAFT}),
    BoxStatus.OPEN: frozenset({BoxStatus.COUNTING, BoxStatus.CLOSED}),
    BoxStatus.COUNTING: frozenset({BoxStatus.CLOSED}),
    BoxStatus.CLOSED: frozenset(),
}


class Section(models.TextChoices):
    """On-site reporters and, in a separate section, written reporters (BAL-1)."""

    ON_SITE = "on_site", _("现场述职")
    WRITTEN = "written", _("书面述职")


class ScaleKind(models.TextChoices):
    """Rating scales offered when creating a box; the chosen grades are copied onto the box."""

    GOOD_TO_POOR = "good_to_poor", _("好 / 较好 / 一般 / 差")
    COMPETENCE = "competence", _("优秀 / 称职 / 基本称职 / 不称职")
    CUSTOM = "custom", _("自定义等次和分值")


class Channel(models.TextChoices):
    """How a ballot was cast: on a phone (BAL-3) or on paper, keyed in by a clerk (BAL-4)."""

    PHONE = "phone", _("手机")
    PAPER = "paper", _("纸质")

"""点评 (MTG-3, Art. 5): 点评稿 drafted beforehand by staff, finalised after the meeting on the commenter's
behalf (代录, attributed), each problem a structured item ready to seed rectification.

Drafts come from the problem matrix (REP-4, shuping.reports.matrix) by the commenter's portfolio: the
presiding secretary gets every problem (逐一点评), committee members the problems of their portfolio. The
drafts are confidential until 研究 (EVA-9): only the organizer's staff and the department's leaders see them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from shuping.campaigns.models import Assessment
from shuping.core.errors import DomainError

from . import rules
from .choices import CommentaryStatus, CommenterRole, MeetingStatus, ProblemCategory
from .models import Commentary, CommentaryProblem, Commenter, Meeting
from .services import MeetingConflict, MeetingError, audit

if TYPE_CHECKING:
    from shuping.accounts.models import User


@dataclass(frozen=True)
class ProblemInput:
    text: str
    category: str = ""
    source: str = ""


def _has_matrix() -> bool:
    return importlib.util.find_spec("shuping.reports.matrix") is not None


def _drafts_for(
    meeting: Meeting, assessment: Assessment, commenters: list[Commenter]
) -> dict[int, tuple[str, list[ProblemInput]]]:
    """{commenter id: (draft text, problems)} for one reporter, from the problem matrix when available."""
    if _has_matrix():
        from shuping.reports import matrix

        built = matrix.build(assessment)
        drafts = matrix.draft_commentaries(
            built,
            person_name=assessment.person_name,
            commenters=[(c.name, c.portfolio or c.get_role_display(), c.keywords) for c in commenters],
        )
        out = {}
        for commenter, draft in zip(commenters, drafts, strict=True):
            problems = [
                ProblemInput(p.text, rules.classify_problem(p.text), p.source) for p in draft.problems
            ]
            out[commenter.pk] = (draft.text, problems)
        return out
    # Without the problem matrix: an outline the staff fill in (no problem is invented).
    return {
        c.pk: (
            f"{c.name}同志点评{assessment.person_name}同志：\n一、肯定成绩：\n二、指出问题：（问题对照表尚未启用，请对照述职报告、实地考核情况填写）\n三、努力方向：",
            [],
        )
        for c in commenters
    }


@transaction.atomic
def draft_commentaries(*, actor: User | None, meeting: Meeting, source: str = "web") -> list[Commentary]:
    """Draft the 点评稿 of every commenter for every reporter of the meeting (MTG-3).

    The presiding secretary: every reporter (书面点评 for written reporters). Committee members and guidance
    staff: the on-site reporters whose problems touch their portfolio. A draft already finalised is never
    overwritten; a draft not finalised is refreshed.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    commenters = list(meeting.commenters.order_by("position", "pk"))
    commenters.sort(key=lambda c: c.role != CommenterRole.PRESIDING)  # the matrix gives the first one all
    if not commenters or commenters[0].role != CommenterRole.PRESIDING:
        raise MeetingError("会议尚无主持会议的书记，不能起草点评稿。", field="presiding")
    agenda = list(meeting.agenda.select_related("assessment__campaign").order_by("mode", "position"))
    if not agenda:
        raise MeetingError("请先确定述职人，再起草点评稿。", field="agenda")
    existing = {(c.assessment_id, c.commenter_id): c for c in meeting.commentaries.all()}
    written: list[Commentary] = []
    for item in agenda:
        drafts = _drafts_for(meeting, item.assessment, commenters)
        for commenter in commenters:
            text, problems = drafts[commenter.pk]
            is_presiding = commenter.role == CommenterRole.PRESIDING
            if not is_presiding and (not item.is_on_site or not problems):
                continue
            current = existing.get((item.assessment_id, commenter.pk))
            if current is not None and current.is_final:
                continue
            if current is None:
                current = Commentary.objects.create(
                    meeting=meeting,
                    assessment=item.assessment,
                    commenter=commenter,
                    is_written=is_presiding and not item.is_on_site,
                    draft_text=text,
                    drafted_by=actor if getattr(actor, "pk", None) else None,
                )
            else:
                current.draft_text = text
                current.save(update_fields=["draft_text"])
                current.problems.all().delete()
            _store_problems(current, problems)
            written.append(current)
    audit(actor, "meetings.commentary_draft", meeting, source, drafts=len(written))
    return written


def _store_problems(commentary: Commentary, problems: Sequence[ProblemInput]) -> None:
    CommentaryProblem.objects.bulk_create(
        CommentaryProblem(
            commentary=commentary,
            text=p.text.strip()[:500],
            category=p.category if p.category in ProblemCategory.values else rules.classify_problem(p.text),
            source=p.source[:32],
            position=i,
        )
        for i, p in enumerate(problems)
        if p.text.strip()
    )


@transaction.atomic
def save_draft(
    *, actor: User | None, commentary: Commentary, draft_text: str, source: str = "web"
) -> Commentary:
    """Staff edit a 点评稿 before the meeting."""
    commentary = Commentary.objects.select_for_update().get(pk=commentary.pk)
    if commentary.is_final:
        raise MeetingConflict("点评已定稿，不能再修改点评稿。", code="final")
    commentary.draft_text = draft_text.strip()
    commentary.save(update_fields=["draft_text"])
    audit(actor, "meetings.commentary_draft_edit", commentary, source)
    return commentary


@transaction.atomic
def finalise_commentary(
    *,
    actor: User | None,
    commentary: Commentary,
    remarks: str,
    direction: str,
    problems: Sequence[ProblemInput],
    source: str = "web",
) -> Commentary:
    """Enter what the commenter said, on their behalf (代录): remarks, the problems pointed out (each a
    structured item) and the direction (Art. 5: 重点指出存在的问题和努力方向).

    Allowed once the meeting has begun (一述一评 is entered as it goes) or after it. The audit event names
    the staff member who typed it (`actor`) and the commenter it was entered for (`on_behalf_of`).
    """
    commentary = (
        Commentary.objects.select_for_update().select_related("commenter", "meeting").get(pk=commentary.pk)
    )
    if commentary.meeting.status == MeetingStatus.PLANNED:
        raise MeetingConflict("会议尚未召开：会前只能起草点评稿，会后再录入点评意见。", code="planned")
    if not remarks.strip():
        raise MeetingError("请录入点评意见。", field="remarks")
    if not direction.strip():
        raise MeetingError(
            "请录入努力方向（《办法》第五条：重点指出存在的问题和努力方向）。", field="direction"
        )
    cleaned = [p for p in problems if p.text.strip()]
    for p in cleaned:
        if p.category and p.category not in ProblemCategory.values:
            raise MeetingError("问题类别不正确。", field="problems")
    commentary.remarks = remarks.strip()
    commentary.direction = direction.strip()
    commentary.status = CommentaryStatus.FINAL
    commentary.entered_by = actor if getattr(actor, "pk", None) else None
    commentary.finalised_at = timezone.now()
    commentary.save(update_fields=["remarks", "direction", "status", "entered_by", "finalised_at"])
    commentary.problems.all().delete()
    _store_problems(commentary, cleaned)
    audit(
        actor,
        "meetings.commentary_final",
        commentary,
        source,
        on_behalf_of=commentary.commenter.name_and_post,
        assessment=commentary.assessment_id,
        problems=len(cleaned),
        is_written=commentary.is_written,
    )
    return commentary


@dataclass(frozen=True)
class FinalInput:
    """One row of the meeting's 点评定稿 page (FLOW-4)."""

    commentary: Commentary
    remarks: str
    direction: str
    problems: Sequence[ProblemInput] = ()


@transaction.atomic
def finalise_commentaries(
    *, actor: User | None, meeting: Meeting, rows: Sequence[FinalInput], source: str = "web"
) -> list[Commentary]:
    """Every reporter's final 点评 of a meeting in one submit (FLOW-4): each row entered on its commenter's
    behalf (代录, one audit event per row naming the commenter). All or nothing: a refused row names the
    commenter and reporter, and no row is saved; `field` is `c<commentary id>-<input>` for the page."""
    if not rows:
        raise MeetingError("请至少勾选一条要定稿的点评。", field="rows")
    done = []
    for row in rows:
        commentary = row.commentary
        if commentary.meeting_id != meeting.pk:
            raise MeetingError("点评不属于本次会议。", field="rows")
        try:
            done.append(
                finalise_commentary(
                    actor=actor,
                    commentary=commentary,
                    remarks=row.remarks,
                    direction=row.direction,
                    problems=row.problems,
                    source=source,
                )
            )
        except DomainError as exc:
            who = f"{commentary.commenter.name}点评{commentary.assessment.person_name}"
            raise type(exc)(
                f"{who}：{exc.message}（本次均未保存）", field=f"c{commentary.pk}-{exc.field}", code=exc.code
            ) from exc
    return done


@transaction.atomic
def record_commentary(
    *,
    actor: User | None,
    meeting: Meeting,
    assessment: Assessment,
    commenter: Commenter,
    remarks: str,
    direction: str,
    problems: Sequence[ProblemInput] = (),
    source: str = "web",
) -> Commentary:
    """Enter a commentary that had no draft (a commenter who spoke unplanned), on their behalf (代录)."""
    if commenter.meeting_id != meeting.pk:
        raise MeetingError("点评人不属于本次会议。", field="commenter")
    item = getattr(assessment, "agenda_item", None)
    if item is None or item.meeting_id != meeting.pk:
        raise MeetingError("该考核对象不在本次会议的议程中。", field="assessment")
    commentary, _created = Commentary.objects.get_or_create(
        assessment=assessment,
        commenter=commenter,
        defaults={
            "meeting": meeting,
            "is_written": commenter.role == CommenterRole.PRESIDING and not item.is_on_site,
        },
    )
    return finalise_commentary(
        actor=actor,
        commentary=commentary,
        remarks=remarks,
        direction=direction,
        problems=problems,
        source=source,
    )

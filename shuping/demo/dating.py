"""Demo only: last year's round dated last winter, when it happened (FLOW-6).

The services stamp what they write with the present moment, as they must. A demo built today that also
shows last year's round would then say the reports were submitted, the feedback released and the files
transferred this week — eleven months after the committee decided. So, after building last year's round
through the services, the demo moves those moments back into the round's own window, in the order they
happen (reports → 研究 → feedback → 通报 → transfer). These are the only writes in the demo that bypass a
service; they touch nothing but timestamps (and, for this year's reports, the late flag those timestamps
would have set, and the deadline of a report still in draft: a week before the meeting that hears it).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from shuping.campaigns.models import Campaign


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def date_last_round(campaign: Campaign) -> None:
    """Move the moments of `campaign` (last year's, decided) into its window: reports a few weeks after the
    start, feedback three weeks after the committee's 研究, the 通报 and the transfers after that."""
    from shuping.evaluations.models import DecisionStep, Evaluation
    from shuping.feedback.models import ArchiveTransfer, Circular, CircularCopy, Feedback
    from shuping.reports.models import Report

    decided = DecisionStep.objects.filter(campaign=campaign, kind="committee").order_by("-held_on").first()
    if decided is None:
        return
    decided_on = decided.held_on
    submitted = campaign.starts_on + timedelta(days=20)
    Report.objects.filter(assessment__campaign=campaign, submitted_at__isnull=False).update(
        submitted_at=_at(submitted), due_on=submitted + timedelta(days=5)
    )
    Report.objects.filter(assessment__campaign=campaign, reviewed_at__isnull=False).update(
        reviewed_at=_at(submitted + timedelta(days=3))
    )
    Evaluation.objects.filter(campaign=campaign).update(
        computed_at=_at(decided_on - timedelta(days=20)),
        proposed_at=_at(decided_on - timedelta(days=16)),
        opinion_updated_at=_at(decided_on - timedelta(days=16)),
    )
    Evaluation.objects.filter(campaign=campaign, decided_at__isnull=False).update(decided_at=_at(decided_on))
    released = decided_on + timedelta(days=10)
    Feedback.objects.filter(campaign=campaign, released_at__isnull=False).update(
        released_at=_at(released), acknowledge_by_on=released + timedelta(days=7)
    )
    Feedback.objects.filter(campaign=campaign, acknowledged_at__isnull=False).update(
        acknowledged_at=_at(released + timedelta(days=3), 15)
    )
    issued = released + timedelta(days=5)
    Circular.objects.filter(campaign=campaign).update(issued_on=issued, published_at=_at(issued))
    CircularCopy.objects.filter(circular__campaign=campaign, read_at__isnull=False).update(
        read_at=_at(issued + timedelta(days=2))
    )
    sent = released + timedelta(days=12)
    ArchiveTransfer.objects.filter(campaign=campaign).update(sent_at=_at(sent))
    ArchiveTransfer.objects.filter(campaign=campaign, acknowledged_at__isnull=False).update(
        acknowledged_at=_at(sent + timedelta(days=3))
    )


def date_reports(campaign: Campaign) -> None:
    """This year's submitted reports handed in before their deadline (a few days ahead, in tree order) and
    reviewed soon after it — not all at the moment the demo was built, which would mark every one late."""
    from shuping.reports.models import Report

    for n, report in enumerate(
        Report.objects.filter(assessment__campaign=campaign, submitted_at__isnull=False).order_by(
            "assessment__organization_path"
        )
    ):
        if report.due_on is None:
            continue
        submitted = report.due_on - timedelta(days=1 + n % 5)
        changes = {"submitted_at": _at(submitted, 9 + n % 8), "is_late": False}
        if report.reviewed_at is not None:  # reviewed a few days after the deadline
            changes["reviewed_at"] = _at(min(report.due_on + timedelta(days=3), timezone.localdate()), 16)
        Report.objects.filter(pk=report.pk).update(**changes)


def date_drafts(campaign: Campaign, meeting=None) -> None:
    """This year's reports still in draft are due a week before the 述职评议会 that hears them (the province
    staggers its deadlines by meeting), or a week from today when no meeting is set — never already overdue
    (the campaign-wide deadline, the day field work began, passed long ago for everyone else)."""
    from shuping.reports.choices import ReportStatus
    from shuping.reports.models import Report

    today = timezone.localdate()
    due = meeting.held_on - timedelta(days=7) if meeting is not None else today + timedelta(days=7)
    Report.objects.filter(assessment__campaign=campaign, status=ReportStatus.DRAFT).update(
        due_on=max(due, today + timedelta(days=1))
    )


def date_held_meetings(campaign: Campaign) -> None:
    """A 述职评议会 held on a past day happened on that day: opened at 9:00, each reporter heard in turn, the
    box open and sealed late in the morning, the count certified and the presiding secretary's 点评 final
    by noon — not at the moment the demo was built (the 计票结果报告单 prints the sealing time)."""
    from datetime import timedelta as td

    from shuping.ballots.models import BallotBox, TallyCertificate
    from shuping.meetings.models import AgendaItem, Commentary, Meeting

    for meeting in Meeting.objects.filter(campaign=campaign, status="held"):
        day = meeting.held_on
        start = _at(day, 9)
        Meeting.objects.filter(pk=meeting.pk).update(started_at=start, ended_at=start + td(hours=3))
        for n, item in enumerate(meeting.agenda.filter(reported_at__isnull=False).order_by("position")):
            AgendaItem.objects.filter(pk=item.pk).update(reported_at=start + td(minutes=5 + 15 * n))
        boxes = BallotBox.objects.filter(meeting_link__meeting=meeting)
        boxes.filter(opened_at__isnull=False).update(opened_at=start + td(hours=2))
        boxes.filter(closed_at__isnull=False).update(closed_at=start + td(hours=2, minutes=30))
        TallyCertificate.objects.filter(box__in=boxes).update(certified_at=start + td(hours=2, minutes=50))
        Commentary.objects.filter(meeting=meeting, finalised_at__isnull=False).update(
            finalised_at=start + td(hours=3)
        )

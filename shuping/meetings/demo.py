"""Demo meetings (issue 8, item 8): one held 述职评议会 with commentary and counted votes, one still to come.

Called by the demo generator after `build_demo_campaigns`; everything goes through the same services as
the pages and the ballot engine's own services (phones vote through start_session / submit_ballot).
"""

from __future__ import annotations

import random
from collections.abc import Collection
from typing import Any

from django.db import transaction

from shuping.ballots import services as ballot_services
from shuping.campaigns.models import Campaign

from . import commentary, services, voting
from .choices import AttendeeCategory, CommenterRole
from .commentary import ProblemInput
from .models import Meeting

GRADES = ("good", "good", "good", "fairly_good", "fairly_good", "average")


def _attendance(
    meeting: Meeting, actor: Any, sizes: dict[str, int], named: dict[str, list] | None = None
) -> None:
    venue = meeting.venues.get(is_main=True)
    for category, headcount in sizes.items():
        services.set_attendance(
            actor=actor,
            meeting=meeting,
            venue=venue,
            category=category,
            headcount=headcount,
            attendees=(named or {}).get(category, ()),
            source="system",
        )


@transaction.atomic
def build_demo_meetings(
    *,
    campaign: Campaign,
    actor: Any,
    per_meeting: int = 3,
    seed: int = 2024,
    member: tuple[str, str] | None = None,
    later: Collection[int] = (),
) -> dict[str, Meeting | None]:
    """Create a held meeting and a planned one for `campaign` and return {"held": …, "planned": …}.

    `actor` must be organizer staff of the campaign's organizer (the ballot engine checks it). The held
    meeting hears the first `per_meeting` assessees with a secretary (on-site first, written listed),
    has its plan sent up when the campaign came from an upper notice, its first reporter attending as a
    committee member (so recused from their own rating: a main box and a 单列 box, MTG-2), slips issued to
    every voting attendee, every slip voted on a phone (grades drawn with `seed`), voting closed and sealed, the count
    certified when ballot engine II is present, and the presiding secretary's commentary final on every
    reporter (代录). `member` is the committee member who comments by portfolio, (name, post) — recorded by
    name and post (MTG-3); by default the organizer's 组织部部长 under a demo name. The planned meeting
    takes the next `per_meeting` assessees, attendance recorded, 点评稿
    drafted; assessments in `later` (pks) head its agenda, never the held meeting's (their report is still
    being written). Either is None when the campaign has too few assessees.
    """
    rng = random.Random(seed)
    everyone = list(
        campaign.assessments.filter(is_excluded=False, person__isnull=False).order_by("organization_path")
    )
    others = [a for a in everyone if a.pk not in later]
    second = [a for a in everyone if a.pk in later] + others[per_meeting:]
    out: dict[str, Meeting | None] = {"held": None, "planned": None}
    batches = [others[:per_meeting], second[:per_meeting]]
    if not batches[0]:
        return out
    held = services.create_meeting(
        actor=actor,
        campaign=campaign,
        held_on=campaign.meetings_start_on,
        venue="常委会议室",
        source="system",
    )
    services.set_agenda(actor=actor, meeting=held, assessments=batches[0], source="system")
    # The first reporter also sits on the committee: they vote, but never on themselves (回避, MTG-2) —
    # the room gets a main box without them and a 单列 box on them that everybody else votes in.
    first = batches[0][0]
    _attendance(
        held,
        actor,
        {
            AttendeeCategory.COMMITTEE_MEMBER: 9,
            AttendeeCategory.PARTY_CONGRESS: 6,
            AttendeeCategory.GRASSROOTS: 5,
            AttendeeCategory.GUIDANCE: 2,
        },
        named={
            AttendeeCategory.COMMITTEE_MEMBER: [
                services.AttendeeInput(
                    first.person_name, f"{first.organization_name}书记", person_id=first.person_id
                )
            ]
        },
    )
    name, post = member or ("陈国平", f"{campaign.organizer.display_name}常委、组织部部长")
    services.add_commenter(
        actor=actor,
        meeting=held,
        role=CommenterRole.MEMBER,
        name=name,
        post=post,
        portfolio="分管组织工作",
        keywords=["党员", "支部", "组织"],
        source="system",
    )
    if campaign.source_notice_id:
        services.send_plan_up(actor=actor, meeting=held, source="system")
    voting.set_up_ballots(actor=actor, meeting=held, source="system")
    issued = voting.issue_slips(actor=actor, meeting=held, source="system")
    commentary.draft_commentaries(actor=actor, meeting=held, source="system")
    services.start_meeting(actor=actor, meeting=held, source="system")
    voting.open_voting(actor=actor, meeting=held, source="system")
    for box_slips in issued:
        subjects = list(box_slips.meeting_box.subject_assessments)
        for slip in box_slips.slips:
            session = ballot_services.start_session(code=slip.code)
            ballot_services.submit_ballot(
                token=session.token, ratings={s: rng.choice(GRADES) for s in subjects}
            )
    voting.close_voting(actor=actor, meeting=held, source="system")
    services.end_meeting(actor=actor, meeting=held, source="system")
    for item in held.commentaries.filter(commenter__role=CommenterRole.PRESIDING).select_related(
        "assessment"
    ):
        commentary.finalise_commentary(
            actor=actor,
            commentary=item,
            remarks=f"{item.assessment.person_name}同志抓基层党建工作思路清晰，履行第一责任人职责比较到位。",
            direction="聚焦基层组织建设薄弱环节，以钉钉子精神抓好整改落实。",
            problems=[
                ProblemInput("软弱涣散党组织整顿转化不够彻底"),
                ProblemInput("党员教育管理存在宽松软现象"),
            ],
            source="system",
        )
    if voting._counting() is not None:
        voting.certify(
            actor=actor,
            meeting=held,
            scrutineers="刘雅琴（组织部干部监督室主任）、黄志强（纪委监委派驻组干部）",
            counters="吴晓东（组织部组织科干部）、何婷（组织部办公室干部）",
        )
    out["held"] = Meeting.objects.get(pk=held.pk)
    if batches[1]:
        planned = services.create_meeting(
            actor=actor,
            campaign=campaign,
            held_on=campaign.meetings_end_on,
            venue="第二会议室",
            source="system",
        )
        services.set_agenda(actor=actor, meeting=planned, assessments=batches[1], source="system")
        _attendance(planned, actor, {AttendeeCategory.COMMITTEE_MEMBER: 9, AttendeeCategory.GRASSROOTS: 6})
        commentary.draft_commentaries(actor=actor, meeting=planned, source="system")
        out["planned"] = planned
    return out

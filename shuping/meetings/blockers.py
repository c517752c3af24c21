"""The meetings app's stage precondition (CMP-1 hook, MTG-3): an assessee enters 综合评价 only once the
presiding secretary's commentary on them is final (Art. 5: 上级党组织书记应逐一进行点评).

It blocks leaving 述职评议 for that assessee only — never the meeting, never another reporter. Enforced for
campaigns that use the meetings app (at least one meeting) and for any campaign whose settings say
`"commentary_required": true`; `false` turns it off. One query for a whole campaign page (PERF-5).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shuping.campaigns.blockers import batch_blocker
from shuping.campaigns.choices import Stage

from .choices import CommentaryStatus, CommenterRole


@batch_blocker(Stage.MEETING)
def presiding_commentary_missing(assessments: Sequence[Any]) -> dict[int, str]:
    from .models import AgendaItem, Commentary, Meeting

    if not assessments:
        return {}
    campaign_ids = {a.campaign_id for a in assessments}
    using = set(Meeting.objects.filter(campaign_id__in=campaign_ids).values_list("campaign_id", flat=True))
    ids = [a.pk for a in assessments]
    on_agenda = set(AgendaItem.objects.filter(assessment_id__in=ids).values_list("assessment_id", flat=True))
    commented = set(
        Commentary.objects.filter(
            assessment_id__in=ids, commenter__role=CommenterRole.PRESIDING, status=CommentaryStatus.FINAL
        ).values_list("assessment_id", flat=True)
    )
    out = {}
    for a in assessments:
        setting = (a.campaign.settings or {}).get("commentary_required")
        required = setting if isinstance(setting, bool) else a.campaign_id in using
        if not required or a.pk in commented:
            continue
        if a.pk not in on_agenda:
            out[a.pk] = "尚未安排到述职评议会。"
        else:
            out[a.pk] = "主持会议的书记对其点评尚未录入定稿。"
    return out

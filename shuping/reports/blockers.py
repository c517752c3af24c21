"""The reports app's stage precondition (CMP-1 hook, REP-1): an assessment leaves 报告 only with an accepted
report.

Enforced for campaigns that use the reports app — those with at least one report — and for any campaign
whose settings say `"report_required": true`; `"report_required": false` turns it off (e.g. a campaign run
on paper). One query for a whole campaign page (batch blocker, PERF-5).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shuping.campaigns.blockers import batch_blocker
from shuping.campaigns.choices import Stage

from .choices import ReportStatus


@batch_blocker(Stage.REPORT)
def report_not_accepted(assessments: Sequence[Any]) -> dict[int, str]:
    from .models import Report

    if not assessments:
        return {}
    campaign_ids = {a.campaign_id for a in assessments}
    rows = list(
        Report.objects.filter(assessment__campaign_id__in=campaign_ids).values_list(
            "assessment_id", "assessment__campaign_id", "status"
        )
    )
    status_of = {a: s for a, _c, s in rows}
    using = {c for _a, c, _s in rows}
    out = {}
    for a in assessments:
        setting = (a.campaign.settings or {}).get("report_required")
        required = setting if isinstance(setting, bool) else a.campaign_id in using
        if not required:
            continue
        status = status_of.get(a.pk)
        if status == ReportStatus.ACCEPTED:
            continue
        if status is None:
            out[a.pk] = "述职报告尚未提交。"
        else:
            out[a.pk] = f"述职报告{ReportStatus(status).label}，尚未审核通过。"
    return out

"""The feedback app's stage hooks (CMP-1): an assessee leaves 反馈 only once the result has been released
to them (Art. 6: 研究后，向被评议考核人反馈); once released, 整改 cannot be stepped back to 反馈.

Enforced for campaigns that use this app (at least one feedback row) and for any campaign whose settings
say `"feedback_required": true` (`false` turns it off). One query per page (PERF-5).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shuping.campaigns.blockers import batch_blocker, reopen_guard
from shuping.campaigns.choices import Stage


@batch_blocker(Stage.FEEDBACK)
def feedback_not_released(assessments: Sequence[Any]) -> dict[int, str]:
    from .models import Feedback

    if not assessments:
        return {}
    campaign_ids = {a.campaign_id for a in assessments}
    rows = list(
        Feedback.objects.filter(campaign_id__in=campaign_ids).values_list(
            "assessment_id", "campaign_id", "released_at"
        )
    )
    released = {a for a, _c, r in rows if r is not None}
    using = {c for _a, c, _r in rows}
    out = {}
    for a in assessments:
        setting = (a.campaign.settings or {}).get("feedback_required")
        required = setting if isinstance(setting, bool) else a.campaign_id in using
        if required and a.pk not in released:
            out[a.pk] = "反馈意见尚未送达本人。"
    return out


@reopen_guard(Stage.RECTIFICATION)
def feedback_released(assessment) -> str | None:
    from .models import Feedback

    if Feedback.objects.filter(assessment_id=assessment.pk, released_at__isnull=False).exists():
        return "反馈意见已送达本人，不能退回“反馈”阶段。"
    return None

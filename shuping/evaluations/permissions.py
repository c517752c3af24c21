"""Permission predicates for 综合评价与研究 (SEC-1, SEC-2, EVA-4, EVA-9): `can_<verb>_<thing>(user, obj)`.

Scoping (404) is the selectors' job; these decide what a user who can see an object may do (403).
"""

from __future__ import annotations

from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns.choices import CampaignRole

from . import selectors


def can_view_calibration(user, campaign) -> bool:
    """The calibration screen and the decision chain: organizer staff and department leaders (EVA-9)."""
    return selectors.is_result_reader(user, campaign)


def can_manage_evaluations(user, campaign) -> bool:
    """Compute, propose, edit opinions, enter decision steps (代录): the campaign's organizer staff."""
    return CampaignRole.ORGANIZER_STAFF in campaign_selectors.campaign_roles(user, campaign)


def can_see_evaluation(user, assessment) -> bool:
    """EVA-9: staff and leaders always; whoever may see the assessment only once it is past 研究."""
    return selectors.can_read_results(user, assessment)

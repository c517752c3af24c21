"""Test data for oversight: campaigns built through the campaigns services on the persona world.

Stages are moved with `Assessment.transition_to` (the model's one place a stage changes) rather than the
campaigns service, whose blockers belong to other apps (reports, fieldwork …) and are not under test here.
"""

from __future__ import annotations

from shuping.campaigns import services as campaign_services
from shuping.campaigns.choices import STAGE_ORDER, stage_index
from shuping.campaigns.models import Assessment, Campaign
from shuping.oversight import services


def opened(organizer, year: int) -> Campaign:
    campaign = campaign_services.create_campaign(actor=None, organizer=organizer, year=year)
    campaign_services.apply_scope_proposal(actor=None, campaign=campaign)
    return campaign_services.confirm_scope(actor=None, campaign=campaign)


def advance(assessment: Assessment, stage: str) -> Assessment:
    while stage_index(assessment.stage) < stage_index(stage):
        assessment.save(
            update_fields=assessment.transition_to(STAGE_ORDER[stage_index(assessment.stage) + 1])
        )
    return assessment


def decided(campaign: Campaign, stage: str = "feedback") -> Campaign:
    for assessment in campaign.assessments.filter(is_excluded=False):
        advance(assessment, stage)
    return campaign


def submitted_report(campaign: Campaign, *, problems: str = "个别党组织书记抓党建责任压得不实。"):
    report = services.draft_upward_report(actor=None, campaign=campaign)
    report = services.update_upward_report(actor=None, report=report, problems_text=problems)
    return services.submit_upward_report(actor=None, report=report)

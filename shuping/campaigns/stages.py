"""Where each stage of the year is worked (FLOW-1): a registry of the stage pages other apps own.

The campaigns app knows the stages (报告 → 实地考核 → 述职评议 → 综合评价 → 研究 → 反馈 → 整改) but not the
pages where they are done: those live in the apps that record them, and those apps import campaigns, not
the reverse. So each app registers, in its `ready()`, two kinds of providers (as the blocker registry does):

- `@campaign_pages` — `func(user, campaign) -> list[StagePage]`: the campaign-wide pages of a stage (审核,
  实地考核安排, each 述职评议会, 等次校准, 研究, 反馈, 通报, 整改, 向上级报告) with their state, and ONLY those the
  user may open — the provider asks the same permission predicate the target view asks;
- `@assessment_page(stage)` — `func(user, assessment) -> str | None`: the URL where that assessment's stage
  is worked, or None when the user may not open it.

The campaign page lists the campaign pages (its 各环节 panel) and links each board column's heading to the
first page of the column's stage; the assessment page turns its stage chips into links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .choices import STAGE_ORDER


@dataclass(frozen=True)
class StagePage:
    stage: str  # a Stage value, or "" for what follows the stages (向上级报告)
    label: str  # e.g. "等次校准"
    url: str
    state: str = ""  # e.g. "3 人待研究"
    is_attention: bool = False  # something waits for the viewer here


CampaignProvider = Callable[[object, object], list[StagePage]]
AssessmentProvider = Callable[[object, object], "str | None"]

_CAMPAIGN: list[CampaignProvider] = []
_ASSESSMENT: dict[str, list[AssessmentProvider]] = {}


def campaign_pages(func: CampaignProvider) -> CampaignProvider:
    if func not in _CAMPAIGN:
        _CAMPAIGN.append(func)
    return func


def assessment_page(stage: str) -> Callable[[AssessmentProvider], AssessmentProvider]:
    def register(func: AssessmentProvider) -> AssessmentProvider:
        providers = _ASSESSMENT.setdefault(stage, [])
        if func not in providers:
            providers.append(func)
        return func

    return register


def _order(page: StagePage) -> int:
    return STAGE_ORDER.index(page.stage) if page.stage in STAGE_ORDER else len(STAGE_ORDER)


def pages_for_campaign(user, campaign) -> list[StagePage]:
    """Every stage page of the campaign the user may open, in the year's order."""
    pages = [page for provider in _CAMPAIGN for page in provider(user, campaign)]
    return sorted(pages, key=_order)  # stable: each provider's own order kept within a stage


def stage_urls_for_assessment(user, assessment) -> dict[str, str]:
    """stage → the URL where this assessment's stage is worked, for the stages it has reached (done or
    current: a stage not begun has nothing to show yet) that the user may open."""
    out: dict[str, str] = {}
    for stage in STAGE_ORDER[: STAGE_ORDER.index(assessment.stage) + 1]:
        for provider in _ASSESSMENT.get(stage, []):
            url = provider(user, assessment)
            if url:
                out[stage] = url
                break
    return out

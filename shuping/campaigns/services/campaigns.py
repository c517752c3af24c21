"""A campaign (CMP-1, CMP-7): created with last year's settings, indicator sets and schedule (or the upper
level's notice), its schedule and settings updated."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from shuping.orgs.models import Organization

from .. import rules
from ..models import Campaign, CampaignNotice, default_settings
from .base import SETTINGS_KEY, CampaignConflict, CampaignError, audit, check_editable, schedule_of

if TYPE_CHECKING:
    from shuping.accounts.models import User


def previous_campaign(organizer: Organization, year: int) -> Campaign | None:
    return Campaign.objects.filter(organizer=organizer, year__lt=year).order_by("-year").first()


@transaction.atomic
def create_campaign(
    *,
    actor: User | None,
    organizer: Organization,
    year: int,
    title: str = "",
    notice: CampaignNotice | None = None,
    source: str = "web",
) -> Campaign:
    """Open the organizer's campaign for `year` (CMP-1).

    Settings (grade scale, the share below 好, weights) and indicator sets are copied from the organizer's
    last campaign; the schedule is last year's moved on a year, else the upper level's notice (CMP-7),
    else Art. 5's default (year end / early next year). Started from a notice, the notice's indicator sets
    are copied when there is no campaign of our own from last year.
    """
    from .. import indicators

    if not 2019 <= year <= 2100:
        raise CampaignError("考核年度应在 2019 年（《办法》施行）之后。", field="year")
    if Campaign.objects.filter(organizer=organizer, year=year).exists():
        raise CampaignConflict(
            f"{organizer.display_name} {year} 年度的述职评议考核已经创建。", field="year", code="duplicate"
        )
    previous = previous_campaign(organizer, year)
    if previous is not None:
        schedule = rules.default_schedule(year, schedule_of(previous), previous.year)
        settings = dict(previous.settings)
    elif notice is not None:
        schedule = rules.Schedule.from_dict(notice.schedule)
        settings = default_settings()
    else:
        schedule = rules.default_schedule(year)
        settings = default_settings()
    campaign = Campaign.objects.create(
        organizer=organizer,
        year=year,
        title=title.strip()
        or f"{organizer.display_name}{year}年度党委（党组）书记抓基层党建工作述职评议考核",
        settings=settings,
        copied_from=previous,
        source_notice=notice,
        created_by=actor if getattr(actor, "pk", None) else None,
        **{name: getattr(schedule, name) for name in rules.Schedule.__dataclass_fields__},
    )
    if previous is not None and previous.indicator_sets.exists():
        indicators.copy_indicator_sets(
            actor=actor, source_campaign=previous, campaign=campaign, source=source
        )
    elif notice is not None and notice.campaign.indicator_sets.exists():
        indicators.copy_indicator_sets(
            actor=actor, source_campaign=notice.campaign, campaign=campaign, source=source
        )
    audit(
        actor,
        "campaigns.campaign.create",
        campaign,
        source,
        year=year,
        copied_from=previous.pk if previous else None,
        notice=notice.pk if notice else None,
    )
    return campaign


@transaction.atomic
def update_schedule(
    *, actor: User | None, campaign: Campaign, source: str = "web", **dates: date
) -> Campaign:
    """Change the schedule (CMP-1); inconsistent dates are refused with Chinese messages."""
    unknown = set(dates) - set(rules.Schedule.__dataclass_fields__)
    if unknown:
        raise TypeError(f"unknown schedule fields: {sorted(unknown)}")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_editable(campaign)
    schedule = rules.with_overrides(schedule_of(campaign), **dates)
    problems = schedule.problems()
    if problems:
        raise CampaignError("".join(problems), field="schedule")
    for name, value in dates.items():
        setattr(campaign, name, value)
    campaign.save()
    audit(
        actor,
        "campaigns.campaign.schedule",
        campaign,
        source,
        **{k: v for k, v in schedule.as_dict().items()},
    )
    return campaign


@transaction.atomic
def update_settings(
    *,
    actor: User | None,
    campaign: Campaign,
    lower_grades_min_percent: int | None = None,
    weights: dict[str, int] | None = None,
    source: str = "web",
) -> Campaign:
    """Set what the regulation leaves open (Art. 6 “一定比例”, weights): per campaign, copied next year.

    `weights` are the composite's component weights (EVA-1), keyed by `choices.CompositeComponent`
    (ballot, field, observations, report, commentary); they sum to 100, or `{}` clears them.
    """
    from ..choices import CompositeComponent

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_editable(campaign)
    settings = dict(campaign.settings)
    if lower_grades_min_percent is not None:
        if not 0 <= lower_grades_min_percent <= 100:
            raise CampaignError("“较好及以下等次”比例应在 0 到 100 之间。", field="lower_grades_min_percent")
        settings["lower_grades_min_percent"] = lower_grades_min_percent
    if weights is not None:
        # Other apps may register components of their own (evaluations providers): any short key.
        unknown = {k for k in weights if k not in CompositeComponent.values and not SETTINGS_KEY.fullmatch(k)}
        if unknown:
            raise CampaignError("权重项不是允许的取值：" + "、".join(sorted(unknown)), field="weights")
        weights = {k: int(v) for k, v in weights.items()}
        if any(v < 0 for v in weights.values()) or (weights and sum(weights.values()) != 100):
            raise CampaignError("各项权重应为非负整数，合计 100。", field="weights")
        settings["weights"] = dict(weights)
    campaign.settings = settings
    campaign.save(update_fields=["settings"])
    audit(actor, "campaigns.campaign.settings", campaign, source, settings=settings)
    return campaign

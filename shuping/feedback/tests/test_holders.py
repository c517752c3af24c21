"""干部管理权限 (EVA-7): who keeps a secretary's file, per level and per person; transfers never go from the
organizer's department to itself — the files it keeps stay in its own archive (本级存档)."""

from __future__ import annotations

import pytest

from shuping.feedback import rules, selectors, services
from shuping.feedback.tests.builders import decided_campaign

ORG, UP = rules.ORGANIZER, rules.UPPER


@pytest.mark.req("EVA-7")
@pytest.mark.parametrize(
    ("explicit", "level", "configured", "parent", "expected"),
    [
        (None, "county", None, 1, 10),  # 下管一级 by default: the organizer
        (None, "county", {"county": UP}, 1, 1),  # 县委书记由上级党委管理
        (None, "township", {"county": UP}, 1, 10),  # the rule is per level
        (None, "county", {"county": UP}, None, 10),  # no committee above in the system: the organizer
        (7, "county", {"county": UP}, 1, 7),  # the person's own record wins
        (None, "", {"": UP}, 1, 1),  # organizations without an administrative level
        (None, "county", {"county": "nonsense"}, 1, 10),  # an unknown rule is 下管一级
    ],
)
def test_the_file_holder_rule(explicit, level, configured, parent, expected):
    holder = rules.file_holder(
        explicit=explicit, level=level, rules=configured, organizer=10, organizer_parent=parent
    )
    assert holder == expected
    assert rules.is_transfer(holder=holder, organizer=10) is (expected != 10)


@pytest.mark.req("EVA-7")
def test_a_level_rule_sends_county_secretaries_files_up_and_keeps_the_rest(world):
    campaign = decided_campaign(world, organizer=world.prefecture, assessee_org=world.county, extra=2)
    services.release_all(actor=world.organizer_staff, campaign=campaign)
    # 下管一级 everywhere: nothing to transfer, and the service says why instead of sending to itself.
    with pytest.raises(services.FeedbackConflict) as refused:
        services.seal_transfers(actor=world.organizer_staff, campaign=campaign)
    assert refused.value.code == "self_held" and "本级存档" in refused.value.message
    services.save_holder_rules(
        actor=world.organizer_staff, campaign=campaign, holder_rules={"county": rules.UPPER}
    )
    rows = {r["assessment"].pk: r for r in selectors.authorities_of(campaign)}
    county = campaign.assessments.get(organization=world.county)
    assert rows[county.pk]["holder"] == world.province and not rows[county.pk]["is_self"]
    assert rows[county.pk]["basis"] == rules.HOLDER_CHOICES[rules.UPPER]
    transfers = services.seal_transfers(actor=world.organizer_staff, campaign=campaign)
    assert {t.holder_id for t in transfers} == {world.province.pk}
    moved = {i.assessment_id for t in transfers for i in t.items.all()}
    assert county.pk in moved
    for pk, row in rows.items():
        assert (pk in moved) is (row["assessment"].organization_level == "county")
        assert row["holder"].pk != campaign.organizer_id or pk not in moved


@pytest.mark.req("EVA-7")
def test_upper_is_refused_without_a_committee_above_and_rules_are_audited(world):
    from shuping.audit.models import AuditEvent

    campaign = decided_campaign(world, extra=1)  # the province's own campaign: no parent in the system
    with pytest.raises(services.FeedbackError):
        services.save_holder_rules(
            actor=world.organizer_staff, campaign=campaign, holder_rules={"prefecture": rules.UPPER}
        )
    with pytest.raises(services.FeedbackError):
        services.save_holder_rules(
            actor=world.organizer_staff, campaign=campaign, holder_rules={"prefecture": "central"}
        )
    services.save_holder_rules(
        actor=world.organizer_staff, campaign=campaign, holder_rules={"prefecture": rules.ORGANIZER}
    )
    assert AuditEvent.objects.filter(action="feedback.holder_rules").exists()

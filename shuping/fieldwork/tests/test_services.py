"""Field assessment services (FLD-1 … FLD-4): plans, idempotent records, the Art. 6 warning, observations."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuping.audit.models import AuditEvent
from shuping.campaigns import selectors as campaign_selectors
from shuping.campaigns import services as campaign_services
from shuping.campaigns.blockers import blockers_for
from shuping.campaigns.choices import CampaignRole, Stage
from shuping.core.errors import DomainError
from shuping.fieldwork import selectors, services
from shuping.fieldwork.choices import FieldStatus
from shuping.fieldwork.models import FieldRecord, IndicatorScore, SiteVisit, Talk
from tests.access.targets_fieldwork import PNG


def _submit(field, key=None, **kwargs):
    return services.submit_record(
        actor=kwargs.pop("actor", field.member),
        field_assessment=field.fa,
        client_uuid=key or uuid.uuid4(),
        **kwargs,
    )


@pytest.mark.req("FLD-1", "SEC-1")
def test_team_members_get_field_assessor_on_the_campaign_through_the_campaigns_services(field):
    for user in (field.leader, field.member):
        assert CampaignRole.FIELD_ASSESSOR in campaign_selectors.campaign_roles(user, field.campaign)
    assert AuditEvent.objects.filter(action="fieldwork.team.create").exists()
    assert AuditEvent.objects.filter(action="campaigns.grant.create").count() >= 2


@pytest.mark.req("FLD-1")
def test_the_random_sample_is_stored_with_its_seed_and_can_be_re_derived(field):
    fa = field.fa
    stored = list(fa.sampled_units.values_list("organization_id", flat=True))
    assert fa.sample_seed == 20241215 and len(stored) == 2
    assert services.rederive_sample(fa) == stored
    assert set(stored) <= set(fa.sample_population)
    event = AuditEvent.objects.get(action="fieldwork.plan.create")
    assert event.detail["seed"] == 20241215 and event.detail["units"] == stored


@pytest.mark.req("FLD-1")
def test_a_chosen_sample_must_be_sub_units_of_the_assessee(field, world):
    # 甲市委's own campaign assesses its counties; 乙县委's sub-unit is 丙镇党委.
    campaign = campaign_services.create_campaign(actor=None, organizer=world.prefecture, year=2024)
    campaign_services.apply_scope_proposal(actor=None, campaign=campaign)
    campaign_services.grant_campaign_role(
        actor=None, campaign=campaign, user=world.organizer_staff, role=CampaignRole.ORGANIZER_STAFF
    )
    team = services.create_team(
        actor=world.organizer_staff,
        campaign=campaign,
        name="县级考核组",
        leader=field.leader,
        starts_on=campaign.field_starts_on,
        ends_on=campaign.field_ends_on,
    )
    county = campaign.assessments.get(organization=world.county)
    dates = {"visit_starts_on": team.starts_on, "visit_ends_on": team.ends_on}
    with pytest.raises(DomainError):
        services.plan_field_assessment(
            actor=world.organizer_staff,
            team=team,
            assessment=county,
            chosen_unit_ids=[world.province.pk],
            **dates,
        )
    fa = services.plan_field_assessment(
        actor=world.organizer_staff,
        team=team,
        assessment=county,
        chosen_unit_ids=[world.township.pk],
        **dates,
    )
    assert fa.sample_method == "chosen" and fa.sample_seed is None
    assert services.rederive_sample(fa) == [world.township.pk]


@pytest.mark.req("FLD-1")
def test_only_organizer_staff_plan_and_a_leader_is_refused(field, world):
    with pytest.raises(DomainError):
        services.create_team(
            actor=world.department_leader,
            campaign=field.campaign,
            name="第二考核组",
            leader=field.member,
            starts_on=field.team.starts_on,
            ends_on=field.team.ends_on,
        )
    with pytest.raises(DomainError):
        services.plan_field_assessment(
            actor=world.organizer_staff,
            team=field.team,
            assessment=field.assessment,
            visit_starts_on=field.team.starts_on,
            visit_ends_on=field.team.ends_on,
        )  # already planned


@pytest.mark.req("FLD-1", "CMP-4")
def test_the_township_form_is_shorter_than_the_prefecture_form(field):
    prefecture_set = selectors.indicator_set_for(field.assessment)
    township_set = field.campaign.indicator_sets.get(admin_level="township")
    assert field.fa.indicator_set == prefecture_set
    assert township_set.indicators.count() < prefecture_set.indicators.count()


@pytest.mark.req("FLD-2")
def test_the_same_draft_submitted_twice_is_stored_once(field):
    key = uuid.uuid4()
    visit = services.VisitInput(place="一村党群服务中心", facts="便民服务窗口有人值守")
    first = _submit(field, key, visit=visit)
    second = _submit(field, key, visit=visit)
    assert first.created and not second.created
    assert second.record.pk == first.record.pk
    assert FieldRecord.objects.filter(client_uuid=key).count() == 1
    assert SiteVisit.objects.count() == 1
    assert AuditEvent.objects.filter(action="fieldwork.record.submit").count() == 1


@pytest.mark.req("FLD-2")
def test_a_draft_uuid_cannot_be_reused_for_another_field_assessment(field, world):
    key = uuid.uuid4()
    _submit(field, key, talk=services.TalkInput(summary="党员说活动阵地常开放", members_count=3))
    other_fa = field.fa.__class__.objects.get(pk=field.fa.pk)
    other_fa.pk = other_fa.pk + 999  # a field assessment the key was not made for
    with pytest.raises(DomainError):
        services.submit_record(actor=field.member, field_assessment=other_fa, client_uuid=key)


@pytest.mark.req("FLD-2")
def test_a_talk_records_counts_and_categories_never_names(field):
    result = _submit(
        field,
        talk=services.TalkInput(
            summary="群众反映村里矛盾调解及时",
            members_count=4,
            masses_count=6,
            categories=("members", "masses"),
        ),
    )
    talk = Talk.objects.get(record=result.record)
    assert talk.people_count == 10 and talk.categories == ["members", "masses"]
    assert not hasattr(talk, "names")
    with pytest.raises(DomainError):
        _submit(field, talk=services.TalkInput(summary="…", members_count=1, categories=("张三",)))


@pytest.mark.req("FLD-2")
def test_only_reading_ledgers_on_a_site_indicator_draws_the_warning_and_a_reason_keeps_it(field):
    indicators = selectors.form_indicators(field.fa)
    site = next(i for i in indicators if i.method == "site_visit")
    result = _submit(
        field,
        scores=[
            services.ScoreInput(
                indicator_id=site.pk, percent=90, evidence_kinds=("document_review",), note="查阅台账"
            )
        ],
    )
    assert len(result.warnings) == 1 and "第六条" in result.warnings[0]["reason"]
    score = IndicatorScore.objects.get(indicator=site)
    assert score.has_open_warning
    assert selectors.field_score_for(field.fa).score is None  # nothing counts yet
    with pytest.raises(DomainError):
        services.override_warning(actor=field.member, score=score, reason="")
    services.override_warning(actor=field.member, score=score, reason="该村道路中断，无法到现场")
    assert selectors.field_score_for(field.fa).score == 90


@pytest.mark.req("FLD-2")
def test_a_visit_behind_the_score_draws_no_warning(field):
    site = next(i for i in selectors.form_indicators(field.fa) if i.method == "site_visit")
    unit = field.fa.sampled_units.first()
    result = _submit(
        field,
        visit=services.VisitInput(place="二村", facts="整顿后的支部按月开展主题党日", unit_id=unit.pk),
        photos=[SimpleUploadedFile("x.png", PNG, content_type="image/png")],
        scores=[
            services.ScoreInput(
                indicator_id=site.pk, percent=85, evidence_kinds=("document_review",), with_new_visit=True
            )
        ],
    )
    assert result.warnings == []
    score = IndicatorScore.objects.get(indicator=site)
    assert list(score.visits.values_list("unit_id", flat=True)) == [unit.pk]
    assert score.visits.get().photos.count() == 1


@pytest.mark.req("FLD-2", "SEC-6")
def test_bad_records_change_nothing(field):
    site = selectors.form_indicators(field.fa)[0]
    cases = [
        {},
        {"visit": services.VisitInput(place="一村", facts="")},
        {"scores": [services.ScoreInput(indicator_id=site.pk, percent=120)]},
        {"scores": [services.ScoreInput(indicator_id=999999, percent=50)]},
        {"scores": [services.ScoreInput(indicator_id=site.pk, percent=50, with_new_visit=True)]},
        {
            "visit": services.VisitInput(place="一村", facts="看到了"),
            "photos": [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")],
        },
    ]
    for kwargs in cases:
        with pytest.raises(DomainError):
            _submit(field, **kwargs)
    assert FieldRecord.objects.count() == 0 and SiteVisit.objects.count() == 0


@pytest.mark.req("FLD-2", "SEC-2")
def test_only_the_team_records(field, world):
    with pytest.raises(DomainError):
        _submit(field, actor=world.organizer_staff, talk=services.TalkInput(summary="x", members_count=1))


@pytest.mark.req("FLD-1", "CMP-1")
def test_an_open_field_assessment_blocks_leaving_the_field_stage_until_completed(field, world):
    staff = world.organizer_staff
    assessment = campaign_services.transition_assessment(
        actor=staff, assessment=field.assessment, to_stage=Stage.FIELD
    )
    assert any("实地考核尚未完成" in r for r in blockers_for(assessment))
    with pytest.raises(DomainError):
        services.complete_field_assessment(actor=field.leader, field_assessment=field.fa)  # nothing recorded
    _submit(field, talk=services.TalkInput(summary="党员认可支部工作", members_count=5))
    with pytest.raises(DomainError):
        services.complete_field_assessment(actor=field.member, field_assessment=field.fa)  # not the leader
    fa = services.complete_field_assessment(actor=field.leader, field_assessment=field.fa)
    assert fa.status == FieldStatus.COMPLETED
    assert not any("实地考核" in r for r in blockers_for(assessment))
    with pytest.raises(DomainError):
        _submit(field, talk=services.TalkInput(summary="补记", members_count=1))


@pytest.mark.req("FLD-4")
def test_observations_are_written_by_organizer_staff_optionally_scored(field, world):
    obs = services.record_observation(
        actor=world.organizer_staff,
        organizer=world.province,
        assessment=field.assessment,
        observed_on=date(2024, 6, 3),
        source_kind="research",
        text="调研中发现该市推动村级集体经济增收成效明显",
        score=88,
    )
    assert obs.person_id == field.assessment.person_id and obs.score == 88
    services.record_observation(
        actor=world.organizer_staff,
        organizer=world.province,
        assessment=field.assessment,
        observed_on=date(2024, 7, 1),
        source_kind="talk",
        text="谈心谈话了解到班子团结",
    )
    for actor, kwargs in [
        (world.department_leader, {}),
        (world.organizer_staff, {"score": 101}),
        (world.organizer_staff, {"text": ""}),
        (world.organizer_staff, {"source_kind": "rumour"}),
    ]:
        args = {
            "organizer": world.province,
            "assessment": field.assessment,
            "observed_on": date(2024, 6, 3),
            "source_kind": "research",
            "text": "情况",
            **kwargs,
        }
        with pytest.raises(DomainError):
            services.record_observation(actor=actor, **args)
    assert selectors.observations_visible_to(world.department_leader).count() == 2
    assert selectors.observations_visible_to(world.assessee).count() == 0
    assert selectors.observations_visible_to(world.liaison).count() == 0

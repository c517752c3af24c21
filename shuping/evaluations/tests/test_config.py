"""EVA-1, EVA-2, EVA-4: the campaign's rules — the page and the API prefilled from last year's, saved through
services.save_config with Chinese errors and nothing lost, staff only, locked after the committee's 研究."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from shuping.audit.models import AuditEvent
from shuping.campaigns import services as campaign_services
from shuping.campaigns.models import Campaign
from shuping.core.errors import DomainError
from shuping.evaluations import selectors, services
from shuping.evaluations.choices import StepKind
from shuping.evaluations.models import Evaluation, EvaluationConfig

from .builders import campaign_at_evaluation

D = date(2024, 1, 20)


def _last_year(world):
    """示范省委's 2022 campaign with its own rules, saved; 2023's is created after it (copies its settings)."""
    staff = world.organizer_staff
    old = campaign_services.create_campaign(actor=staff, organizer=world.province, year=2022)
    services.save_config(
        actor=staff,
        campaign=old,
        bands=[["好", 92], ["较好", 82], ["一般", 62]],
        top_max_percent=Decimal("30"),
        rounding="floor",
        weights={"ballot": 25, "field": 40, "observations": 25, "report": 10, "commentary": 0},
        lower_min_percent=20,
    )
    return old


def _post(world, **over):
    data = {
        "weight_ballot": "30",
        "weight_field": "40",
        "weight_observations": "20",
        "weight_report": "10",
        "weight_commentary": "0",
        "band_0": "91",
        "band_1": "81",
        "band_2": "61",
        "veto_0_flag": "serious_incident",
        "veto_0_label": "发生严重违纪违法问题（一票否决）",
        "veto_0_cap": "一般",
        "veto_1_label": "巡视巡察发现重大问题",
        "veto_1_cap": "较好",
        "threshold_0_measure": "top_rate",
        "threshold_0_percent": "55",
        "threshold_0_rules_out": "好",
        "threshold_1_measure": "top_two_rate",
        "threshold_1_percent": "",
        "threshold_1_rules_out": "较好",
        "adjustment_cap": "5",
        "lower_min_percent": "18",
        "top_max_percent": "",
        "rounding": "half_up",
        "pool_below": "4",
        "disagreement_percent": "40",
        "group_local_committee": "市（地）委",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.req("EVA-1", "EVA-2")
def test_page_carries_last_years_settings_over(client, world):
    _last_year(world)
    campaign = campaign_at_evaluation(world, year=2023)
    client.force_login(world.organizer_staff)
    page = client.get(f"/evaluations/campaigns/{campaign.pk}/rules/").content.decode()
    assert "以下沿用 2022 年设置，尚未保存为本年度规则" in page
    assert 'name="band_0" value="92"' in page and 'name="band_2" value="62"' in page
    assert 'name="weight_report" value="10"' in page and 'name="lower_min_percent" value="20"' in page
    assert '<option value="floor" selected>' in page
    assert 'name="top_max_percent" value="30"' in page
    assert "保存规则" in page
    # reachable from the calibration screen
    assert (
        f'href="/evaluations/campaigns/{campaign.pk}/rules/"'
        in client.get(f"/evaluations/campaigns/{campaign.pk}/").content.decode()
    )


@pytest.mark.req("EVA-1", "EVA-2")
def test_saving_the_page_stores_every_rule(client, world):
    campaign = campaign_at_evaluation(world)
    client.force_login(world.organizer_staff)
    response = client.post(f"/evaluations/campaigns/{campaign.pk}/rules/", _post(world))
    assert response.status_code == 302
    config = EvaluationConfig.objects.get(campaign=campaign)
    assert config.bands == [["好", 91], ["较好", 81], ["一般", 61]]
    assert config.vetoes == [
        {"flag": "serious_incident", "cap": "一般", "label": "发生严重违纪违法问题（一票否决）"},
        {"flag": "veto_1", "cap": "较好", "label": "巡视巡察发现重大问题"},
    ]
    assert config.ballot_thresholds == [{"min_percent": 55, "rules_out": "好", "measure": "top_rate"}]
    assert config.adjustment_cap == Decimal("5") and config.top_max_percent is None
    assert (config.rounding, config.pool_below, config.disagreement_percent) == ("half_up", 4, 40)
    assert config.groups == {"local_committee": "市（地）委"}
    settings = Campaign.objects.get(pk=campaign.pk).settings
    assert settings["weights"] == {
        "ballot": 30,
        "field": 40,
        "observations": 20,
        "report": 10,
        "commentary": 0,
    }
    assert settings["lower_grades_min_percent"] == 18
    assert AuditEvent.objects.filter(action="evaluations.config.save").exists()
    # what the composite and the quota now use
    rules = selectors.scoring_rules(Campaign.objects.get(pk=campaign.pk))
    assert rules.weights["report"] == 10 and [v.flag for v in rules.vetoes] == ["serious_incident", "veto_1"]
    page = client.get(f"/evaluations/campaigns/{campaign.pk}/rules/").content.decode()
    assert "本年度规则已保存" in page and 'value="市（地）委"' in page
    services.start_evaluations(actor=world.organizer_staff, campaign=campaign)
    calibration = client.get(f"/evaluations/campaigns/{campaign.pk}/").content.decode()
    assert "<h3>市（地）委</h3>" in calibration and "不少于 18%" in calibration and "四舍五入" in calibration


@pytest.mark.req("EVA-1")
@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"weight_report": "0"}, "各项权重合计应为 100，现为 90。"),
        ({"band_0": "80"}, "分数段应在 0 到 100 分之间，且“好”的分数线高于“较好”"),  # equal to 较好
        ({"band_0": "101"}, "“好”最低分不能大于 100。"),
        ({"lower_min_percent": "abc"}, "应为整数。"),
        ({"lower_min_percent": "101"}, "不能大于 100。"),
        ({"threshold_0_percent": "150"}, "门槛比例（%）不能大于 100。"),
        ({"disagreement_percent": "0"}, "不能小于 1。"),
        ({"veto_0_cap": "好"}, "选择一个有效的选项"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_typed_is_lost(client, world, over, message):
    campaign = campaign_at_evaluation(world, extra=1)
    client.force_login(world.organizer_staff)
    response = client.post(f"/evaluations/campaigns/{campaign.pk}/rules/", _post(world, **over))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "未保存" in page
    assert 'value="巡视巡察发现重大问题"' in page and 'value="市（地）委"' in page  # kept as typed
    for value in over.values():
        if value not in ("好",):
            assert f'value="{value}"' in page
    assert not EvaluationConfig.objects.filter(campaign=campaign).exists()
    assert Campaign.objects.get(pk=campaign.pk).settings.get("weights") in ({}, None)


@pytest.mark.req("EVA-1", "EVA-2")
@pytest.mark.parametrize(
    ("fields", "ok"),
    [
        ({"bands": [["好", 100], ["较好", 50], ["一般", 0]]}, True),  # the extremes
        ({"bands": [["好", 90], ["较好", 90], ["一般", 60]]}, False),  # equal floors
        ({"bands": [["较好", 90], ["好", 80], ["一般", 60]]}, False),  # wrong order
        ({"bands": [["好", 90], ["较好", 80], ["一般", -1]]}, False),
        ({"ballot_thresholds": [{"min_percent": 100, "rules_out": "一般", "measure": "top_two_rate"}]}, True),
        ({"ballot_thresholds": [{"min_percent": 101}]}, False),
        ({"ballot_thresholds": [{"min_percent": 50, "rules_out": "差"}]}, False),
        ({"ballot_thresholds": [{"min_percent": 50, "measure": "score"}]}, False),
        ({"vetoes": [{"flag": "a", "cap": "好", "label": "x"}]}, False),
        ({"vetoes": [{"flag": "a", "cap": "差", "label": " "}]}, False),
        (
            {
                "vetoes": [
                    {"flag": "a", "cap": "差", "label": "x"},
                    {"flag": "a", "cap": "一般", "label": "y"},
                ]
            },
            False,
        ),
        ({"pool_below": 0}, True),
        ({"pool_below": 101}, False),
        ({"disagreement_percent": 1}, True),
        ({"disagreement_percent": 0}, False),
        ({"top_max_percent": Decimal("100")}, True),
        ({"top_max_percent": Decimal("100.5")}, False),
        ({"adjustment_cap": Decimal("0")}, True),
        ({"rounding": "bankers"}, False),
        ({"groups": {"local_committee": ""}}, False),
        ({"lower_min_percent": 0}, True),
        ({"lower_min_percent": 100}, True),
        ({"lower_min_percent": 101}, False),
        ({"weights": {"ballot": 50, "field": 50}}, True),
        ({"weights": {"ballot": 50, "field": 49}}, False),
    ],
)
def test_save_config_rules_and_boundaries(world, fields, ok):
    campaign = campaign_at_evaluation(world, extra=0)
    if ok:
        services.save_config(actor=world.organizer_staff, campaign=campaign, **fields)
        assert EvaluationConfig.objects.filter(campaign=campaign).exists()
    else:
        with pytest.raises(DomainError) as refused:
            services.save_config(actor=world.organizer_staff, campaign=campaign, **fields)
        assert refused.value.message and not refused.value.message.isascii()
        assert not EvaluationConfig.objects.filter(campaign=campaign).exists()


def _approve(world, campaign):
    staff = world.organizer_staff
    evaluations = services.start_evaluations(actor=staff, campaign=campaign)
    for i, e in enumerate(evaluations):
        services.propose_grade(actor=staff, evaluation=e, grade="一般" if i == 0 else "好")
    evaluations = list(Evaluation.objects.filter(campaign=campaign))
    for kind, minutes in (
        (StepKind.SECTION_DRAFT, "科室拟定稿"),
        (StepKind.DEPARTMENT_MEETING, "部务会纪要"),
        (StepKind.COMMITTEE, "常委会纪要〔2024〕5号"),
    ):
        services.record_step(
            actor=staff,
            campaign=campaign,
            kind=kind,
            evaluations=evaluations,
            held_on=D,
            minutes_reference=minutes,
        )


@pytest.mark.req("EVA-4")
def test_rules_are_locked_after_approval(client, world):
    campaign = campaign_at_evaluation(world)
    _approve(world, campaign)
    with pytest.raises(services.EvaluationConflict) as refused:
        services.save_config(actor=world.organizer_staff, campaign=campaign, pool_below=3)
    assert "规则已锁定" in refused.value.message
    client.force_login(world.organizer_staff)
    url = f"/evaluations/campaigns/{campaign.pk}/rules/"
    page = client.get(url).content.decode()
    assert "综合评价规则已锁定，只能查看（EVA-4）" in page
    assert '<fieldset class="eva-plain" disabled>' in page and "保存规则" not in page
    response = client.post(url, _post(world), follow=True)
    assert "规则已锁定，不能修改" in response.content.decode()
    assert EvaluationConfig.objects.get(campaign=campaign).pool_below == 5


@pytest.mark.req("EVA-9", "SEC-2")
def test_leaders_read_the_rules_and_only_staff_save_them(client, world):
    campaign = campaign_at_evaluation(world)
    url = f"/evaluations/campaigns/{campaign.pk}/rules/"
    client.force_login(world.department_leader)
    page = client.get(url).content.decode()
    assert "只有本次考核的组织部门工作人员可以修改规则" in page and "保存规则" not in page
    assert client.post(url, _post(world)).status_code == 403
    assert not EvaluationConfig.objects.filter(campaign=campaign).exists()
    client.force_login(world.assessee)
    assert client.get(url).status_code == 403


def _put(client, campaign, body):
    return client.put(
        f"/api/v1/evaluations/campaigns/{campaign.pk}/config",
        json.dumps(body),
        content_type="application/json",
    )


@pytest.mark.req("EVA-1", "EVA-2", "EVA-4")
def test_api_reads_and_writes_the_rules(client, world):
    _last_year(world)
    campaign = campaign_at_evaluation(world, year=2023)
    client.force_login(world.organizer_staff)
    url = f"/api/v1/evaluations/campaigns/{campaign.pk}/config"
    got = client.get(url).json()
    assert got["carried_from_year"] == 2022 and not got["is_saved"] and not got["is_locked"]
    assert {g: Decimal(str(v)) for g, v in got["bands"].items()} == {"好": 92, "较好": 82, "一般": 62}
    assert got["weights"]["report"] == 10 and got["rounding"] == "floor"
    assert "沿用 2022 年设置" in got["origin"] and "向下取整" in got["rule"]
    done = _put(client, campaign, {"bands": {"好": 95, "较好": 85.5, "一般": 60}, "top_max_percent": None})
    assert done.status_code == 200, done.content
    assert done.json()["is_saved"] and done.json()["top_max_percent"] is None
    config = EvaluationConfig.objects.get(campaign=campaign)
    assert config.bands == [["好", 95], ["较好", "85.5"], ["一般", 60]] and config.rounding == "floor"
    bad = _put(client, campaign, {"bands": {"好": 80, "较好": 85, "一般": 60}})
    assert bad.status_code == 400 and "分数段" in bad.json()["detail"]
    assert bad.json()["errors"][0]["field"] == "bands"
    assert _put(client, campaign, {"weights": {"ballot": 10}}).status_code == 400
    client.force_login(world.department_leader)
    assert client.get(url).status_code == 200
    assert _put(client, campaign, {"pool_below": 3}).status_code == 403
    client.force_login(world.liaison)
    assert _put(client, campaign, {"pool_below": 3}).status_code == 403
    client.force_login(world.outsider)
    assert _put(client, campaign, {"pool_below": 3}).status_code == 404
    client.force_login(world.organizer_staff)
    _approve(world, campaign)
    locked = _put(client, campaign, {"pool_below": 3})
    assert locked.status_code == 409 and "锁定" in locked.json()["detail"]
    assert client.get(url).json()["is_locked"]

"""加减分 recorded per assessee and counted in the composite (EVA-1, CMP-4; EVA-4 locking; EVA-9 access).

A campaign at 综合评价 with the 市、县 template's indicator set (加分 “基层党建工作经验被中央或省级推广” up
to 3, 减分 “基层党组织发生严重违纪违法问题…” up to 5) and a stand-in ballot provider giving every assessee
80, so the composite moves by exactly the 加减分.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuping.audit.models import AuditEvent
from shuping.campaigns import indicators
from shuping.campaigns.choices import AdjustmentKind
from shuping.evaluations import components, providers, selectors, services
from shuping.evaluations.choices import StepKind
from shuping.evaluations.models import AdjustmentEntry, Evaluation
from shuping.evaluations.providers import Value
from shuping.orgs.choices import AdminLevel, OrgKind

from .builders import campaign_at_evaluation

D = date(2024, 1, 20)


@pytest.fixture
def ballot80():
    @providers.provider("ballot", label="民主评议")
    def fake(assessment):
        return Value(score=80)

    yield
    providers.batch_provider("ballot", label="民主评议")(components.ballot_component)


@pytest.fixture
def setup(world, ballot80):
    campaign = campaign_at_evaluation(world, extra=3)
    staff = world.organizer_staff
    own = indicators.create_set_from_template(
        actor=staff, campaign=campaign, kind=OrgKind.LOCAL_COMMITTEE, level=AdminLevel.PREFECTURE
    )
    other = indicators.create_set_from_template(
        actor=staff, campaign=campaign, kind=OrgKind.TOWNSHIP_COMMITTEE, level=AdminLevel.TOWNSHIP
    )
    services.compute_composites(actor=staff, campaign=campaign)
    evaluation = Evaluation.objects.select_related("assessment").get(
        campaign=campaign, assessment__organization=world.prefecture
    )
    bonus = own.adjustments.get(kind=AdjustmentKind.BONUS)
    penalty = own.adjustments.get(kind=AdjustmentKind.PENALTY)
    foreign = other.adjustments.get()
    return campaign, staff, evaluation, bonus, penalty, foreign


def _add(staff, evaluation, item, points, reason="获省委通报表扬", **kw):
    return services.add_adjustment(
        actor=staff, evaluation=evaluation, item=item, points=points, reason=reason, **kw
    )


def _score(evaluation) -> Decimal:
    evaluation.refresh_from_db()
    return evaluation.composite_score


# --- service rules and boundaries ---------------------------------------------------------------------


@pytest.mark.req("EVA-1")
def test_points_up_to_the_items_maximum_are_accepted_and_beyond_refused(setup):
    _campaign, staff, evaluation, bonus, penalty, _foreign = setup
    assert bonus.max_points == Decimal("3") and penalty.max_points == Decimal("5")
    entry = _add(staff, evaluation, bonus, "3", basis="省委组织部通报〔2024〕5号", on_behalf_of="省委组织部")
    assert entry.points == Decimal("3") and entry.signed_points == Decimal("3")
    assert entry.kind == AdjustmentKind.BONUS and entry.item_text == bonus.text
    assert entry.recorded_by == staff and entry.on_behalf_of == "省委组织部"
    with pytest.raises(services.EvaluationError) as exc:
        _add(staff, evaluation, bonus, "3.01")
    assert exc.value.field == "points" and "最高 3 分" in exc.value.message
    with pytest.raises(services.EvaluationError) as exc:
        _add(staff, evaluation, penalty, "5.01", reason="巡察发现问题")
    assert exc.value.field == "points"
    assert _add(staff, evaluation, penalty, "5", reason="巡察发现问题").signed_points == Decimal("-5")
    for bad in ("0", "-1", "abc", "", "0.001", "NaN"):
        with pytest.raises(services.EvaluationError) as exc:
            _add(staff, evaluation, bonus, bad)
        assert exc.value.field == "points", bad
    assert AdjustmentEntry.objects.filter(evaluation=evaluation).count() == 2


@pytest.mark.req("EVA-1")
def test_item_of_another_indicator_set_reason_empty_are_refused_with_chinese_errors(setup):
    _campaign, staff, evaluation, bonus, _penalty, foreign = setup
    with pytest.raises(services.EvaluationError) as exc:
        _add(staff, evaluation, foreign, "1")
    assert exc.value.field == "item" and "地方党委书记抓基层党建考核指标（市、县）" in exc.value.message
    for missing in (None, "", "x", 999999):
        with pytest.raises(services.EvaluationError):
            _add(staff, evaluation, missing, "1")
    with pytest.raises(services.EvaluationError) as exc:
        _add(staff, evaluation, bonus, "1", reason="   ")
    assert exc.value.field == "reason" and exc.value.message == "请写明事由。"
    assert not AdjustmentEntry.objects.exists()


@pytest.mark.req("EVA-1")
def test_add_and_remove_are_audited_with_attribution(setup):
    _campaign, staff, evaluation, bonus, _penalty, _foreign = setup
    entry = _add(staff, evaluation, bonus, "2", on_behalf_of="省委组织部")
    added = AuditEvent.objects.filter(action="evaluations.adjustment.add").get()
    assert added.on_behalf_of == "省委组织部" and added.detail["points"] == "2.00"
    services.remove_adjustment(actor=staff, entry=entry)
    removed = AuditEvent.objects.filter(action="evaluations.adjustment.remove").get()
    assert removed.detail["entry"] == entry.pk and removed.detail["kind"] == "bonus"
    assert not AdjustmentEntry.objects.exists()


@pytest.mark.req("EVA-1", "EVA-4")
def test_locked_evaluation_refuses_adding_and_removing(setup):
    campaign, staff, evaluation, bonus, _penalty, _foreign = setup
    entry = _add(staff, evaluation, bonus, "1")
    everyone = list(Evaluation.objects.filter(campaign=campaign))
    for e in everyone:
        services.propose_grade(actor=staff, evaluation=e, grade="较好", reason="研究")
    for kind, ref in (
        (StepKind.SECTION_DRAFT, "拟定稿"),
        (StepKind.DEPARTMENT_MEETING, "部务会纪要〔2024〕3号"),
        (StepKind.COMMITTEE, "常委会纪要〔2024〕5号"),
    ):
        services.record_step(
            actor=staff, campaign=campaign, kind=kind, evaluations=everyone, held_on=D, minutes_reference=ref
        )
    evaluation.refresh_from_db()
    assert evaluation.is_locked
    with pytest.raises(services.EvaluationConflict) as exc:
        _add(staff, evaluation, bonus, "1")
    assert exc.value.code == "locked" and "重新研究" in exc.value.message
    with pytest.raises(services.EvaluationConflict):
        services.remove_adjustment(actor=staff, entry=entry)
    assert AdjustmentEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.req("EVA-1", "EVA-4")
def test_nobody_records_adjustments_on_their_own_grade(setup, world):
    from shuping.accounts.choices import Role
    from shuping.accounts.models import RoleGrant

    _campaign, _staff, evaluation, bonus, _penalty, _foreign = setup
    RoleGrant.objects.create(user=world.assessee, role=Role.ORGANIZER_STAFF, organization=world.province)
    with pytest.raises(services.EvaluationConflict):
        _add(world.assessee, evaluation, bonus, "1")


# --- the composite ------------------------------------------------------------------------------------


@pytest.mark.req("EVA-1")
def test_composite_moves_by_exactly_the_points_with_its_own_explained_step(setup):
    _campaign, staff, evaluation, bonus, penalty, _foreign = setup
    assert _score(evaluation) == Decimal("80.00")
    _add(staff, evaluation, bonus, "2.5")
    assert _score(evaluation) == Decimal("82.50")
    entry = _add(
        staff, evaluation, penalty, "4", reason="巡察发现软弱涣散问题。", basis="巡察反馈〔2024〕2号"
    )
    assert _score(evaluation) == Decimal("78.50")
    lines = evaluation.explanation
    assert "加减分：加分“基层党建工作经验被中央或省级推广”+2.5 分，事由：获省委通报表扬。" in lines
    assert any(
        line.startswith("加减分：减分“")
        and "-4.0 分，事由：巡察发现软弱涣散问题（依据：巡察反馈〔2024〕2号）。" in line
        for line in lines
    )
    assert "加减分 -1.5 分，得 78.50 分。" in lines
    # a points-only component: stored with its points, never a weighted or missing component
    assert evaluation.components["adjustments"]["points_text"] == "-1.5"
    assert evaluation.components["adjustments"]["score"] is None
    assert not any("加减分" in line and "权重" in line for line in lines)
    services.remove_adjustment(actor=staff, entry=entry)
    assert _score(evaluation) == Decimal("82.50")


@pytest.mark.req("EVA-1")
def test_the_campaigns_cap_limits_the_points(setup):
    campaign, staff, evaluation, bonus, _penalty, _foreign = setup
    services.save_config(actor=staff, campaign=campaign, adjustment_cap=Decimal("2"))
    _add(staff, evaluation, bonus, "3")
    assert _score(evaluation) == Decimal("82.00")
    assert "adjustment_cap" in evaluation.fired_rules
    assert any("超过上限 ±2.0 分" in line for line in evaluation.explanation)


@pytest.mark.req("EVA-1")
def test_points_only_component_is_not_a_weighted_one(setup):
    campaign, staff, evaluation, _bonus, _penalty, _foreign = setup
    with pytest.raises(services.EvaluationError) as exc:
        services.save_config(
            actor=staff, campaign=campaign, weights={"ballot": 50, "field": 40, "adjustments": 10}
        )
    assert exc.value.field == "weights" and "加减分" in exc.value.message
    # an assessee without entries: no 加减分 component, nothing redistributed for it
    other = Evaluation.objects.filter(campaign=campaign).exclude(pk=evaluation.pk).first()
    assert "adjustments" not in other.components
    assert not any("加减分" in line for line in other.explanation)


@pytest.mark.req("EVA-1", "PERF-5")
def test_adjustments_provider_queries_are_constant_for_a_campaign(setup):
    campaign, staff, evaluation, bonus, penalty, _foreign = setup
    assessments = [e.assessment for e in selectors.campaign_evaluations(campaign)]
    counts = []
    for _round in range(2):
        for e in selectors.campaign_evaluations(campaign):
            _add(staff, e, bonus, "1")
            _add(staff, e, penalty, "0.5", reason="督查发现问题")
        with CaptureQueriesContext(connection) as ctx:
            values = components.adjustments_component(assessments)
        counts.append(len(ctx))
    assert counts == [1, 1]
    v = values[evaluation.assessment_id]
    assert v.score is None and v.adjustment_points == 1 and len(v.lines) == 4


@pytest.mark.req("EVA-1")
def test_calibration_shows_the_adjustment_column(setup):
    campaign, staff, evaluation, bonus, _penalty, _foreign = setup
    assert not selectors.calibration(campaign)["has_adjustments"]
    _add(staff, evaluation, bonus, "2")
    screen = selectors.calibration(campaign)
    assert screen["has_adjustments"]
    row = next(r for r in screen["rows"] if r["evaluation"].pk == evaluation.pk)
    assert row["adjustment"] == "+2.0"
    assert "adjustments" not in [c["name"] for c in screen["columns"]]


# --- the page and the API -----------------------------------------------------------------------------


def _page(assessment_pk: int) -> str:
    return f"/evaluations/assessments/{assessment_pk}/"


@pytest.mark.req("EVA-1")
def test_page_adds_and_deletes_and_keeps_input_on_error(client, setup):
    _campaign, staff, evaluation, bonus, _penalty, _foreign = setup
    url = _page(evaluation.assessment_id)
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert "录入加减分" in page and "加分 · 基层党建工作经验被中央或省级推广（最高分值 3 分）" in page
    assert "减分 · 基层党组织发生严重违纪违法问题、造成恶劣影响（最高分值 5 分）" in page
    assert "村（社区）党组织软弱涣散且整顿不力" not in page  # the township set's item is not offered
    # bad input: the page comes back with the error and everything typed
    bad = client.post(
        url + "adjustments/",
        {
            "item": bonus.pk,
            "points": "3.01",
            "reason": "获省委通报表扬的典型经验",
            "basis": "省委组织部通报〔2024〕5号",
            "on_behalf_of": "省委组织部",
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and "最高 3 分，不能填 3.01 分" in body
    assert "获省委通报表扬的典型经验</textarea>" in body and 'value="3.01"' in body
    assert 'value="省委组织部通报〔2024〕5号"' in body and 'value="省委组织部"' in body
    assert f'<option value="{bonus.pk}" selected>' in body
    assert not AdjustmentEntry.objects.exists()
    ok = client.post(
        url + "adjustments/",
        {
            "item": bonus.pk,
            "points": "3",
            "reason": "获省委通报表扬的典型经验",
            "basis": "省委组织部通报〔2024〕5号",
            "on_behalf_of": "省委组织部",
        },
    )
    assert ok.status_code == 302
    entry = AdjustmentEntry.objects.get()
    assert _score(evaluation) == Decimal("83.00")
    page = client.get(url).content.decode()
    assert "获省委通报表扬的典型经验" in page and "依据：省委组织部通报〔2024〕5号" in page
    assert "（代省委组织部录入）" in page and "+3 分" in page.replace("</strong>", "")
    assert "加减分 +3.0 分，得 83.00 分。" in page
    remove = f"{url}adjustments/{entry.pk}/delete/"
    assert f'action="{remove}"' in page
    assert client.post(remove).status_code == 302
    assert not AdjustmentEntry.objects.exists() and _score(evaluation) == Decimal("80.00")
    assert client.post(remove).status_code == 404


@pytest.mark.req("EVA-1", "EVA-9")
def test_page_leaders_read_others_see_nothing(client, setup, world):
    _campaign, staff, evaluation, bonus, _penalty, _foreign = setup
    _add(staff, evaluation, bonus, "2", reason="经验被省委推广")
    url = _page(evaluation.assessment_id)
    leader = world.users["department_leader"]
    client.force_login(leader)
    page = client.get(url).content.decode()
    assert "经验被省委推广" in page and "录入加减分" not in page and "/delete/" not in page
    assert client.post(url + "adjustments/", {"item": bonus.pk}).status_code == 403
    for persona in ("assessee", "liaison"):
        client.force_login(world.users[persona])
        assert client.get(url).status_code == 403
        assert client.post(url + "adjustments/1/delete/").status_code == 403
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404
    assert AdjustmentEntry.objects.count() == 1


@pytest.mark.req("EVA-1", "EVA-9")
def test_api_lists_creates_and_deletes_with_the_same_rules(client, setup, world):
    _campaign, staff, evaluation, bonus, penalty, foreign = setup
    base = f"/api/v1/evaluations/{evaluation.pk}/adjustments"
    client.force_login(staff)
    made = client.post(
        base,
        {"item_id": penalty.pk, "points": "1.5", "reason": "巡察发现问题", "basis": "巡察反馈〔2024〕2号"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["kind"] == "penalty" and body["signed_points"] == "-1.50" and body["recorded_by"]
    assert _score(evaluation) == Decimal("78.50")
    for payload, field in (
        ({"item_id": penalty.pk, "points": "5.01", "reason": "x"}, "points"),
        ({"item_id": foreign.pk, "points": "1", "reason": "x"}, "item"),
        ({"item_id": bonus.pk, "points": "1", "reason": " "}, "reason"),
    ):
        refused = client.post(base, payload, content_type="application/json")
        assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == field
    assert [row["id"] for row in client.get(base).json()] == [body["id"]]
    leader = world.users["department_leader"]
    client.force_login(leader)
    assert client.get(base).json()[0]["reason"] == "巡察发现问题"
    assert (
        client.post(
            base, {"item_id": bonus.pk, "points": "1", "reason": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.delete(f"{base}/{body['id']}").status_code == 403
    for persona in ("assessee", "liaison", "outsider"):
        client.force_login(world.users[persona])
        assert client.get(base).status_code == 404
        assert client.delete(f"{base}/{body['id']}").status_code == 404
    client.force_login(staff)
    assert client.delete(f"{base}/{body['id']}").status_code == 204
    assert client.delete(f"{base}/{body['id']}").status_code == 404
    assert _score(evaluation) == Decimal("80.00")

"""API-1: the API writes what the pages write — organizations, people, a campaign's scope, accounts, grants —
over the same services (same permissions, same audit), with personal tokens for integrations."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from shuping.accounts.choices import Role
from shuping.accounts.models import ApiToken, RoleGrant, User
from shuping.accounts.services import issue_api_token, revoke_api_token
from shuping.audit.models import AuditEvent
from shuping.campaigns.models import Assessment
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.models import Organization


def bearer(token: str) -> Client:
    """A client that sends only the token: no cookie, no CSRF token — as an integration would."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", enforce_csrf_checks=True)


def post(client: Client, path: str, body: dict, method: str = "post"):
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.fixture
def staff_token(world):
    _token, value = issue_api_token(actor=world.organizer_staff, name="干部系统同步")
    return value


@pytest.mark.req("API-1")
def test_a_token_acts_as_its_account_with_its_scope_and_no_csrf(world, staff_token):
    client = bearer(staff_token)
    codes = {o["code"] for o in client.get("/api/v1/orgs?limit=200").json()["items"]}
    assert "T-PROV" in codes and "T-OPROV" not in codes  # the account's scope, not more
    assert client.get(f"/api/v1/orgs/{world.other_prefecture.pk}").status_code == 404
    response = post(
        client,
        "/api/v1/orgs",
        {
            "parent_id": world.county.pk,
            "name": "中共丁镇委员会",
            "code": "T-TOWN-D",
            "kind": OrgKind.TOWNSHIP_COMMITTEE,
            "admin_level": AdminLevel.TOWNSHIP,
        },
    )
    assert response.status_code == 201, response.content
    event = AuditEvent.objects.get(action="orgs.organization.create", target_id=str(response.json()["id"]))
    assert event.actor_id == world.organizer_staff.pk and event.source == "api"
    assert ApiToken.objects.get(user=world.organizer_staff).last_used_at is not None


@pytest.mark.req("API-1")
def test_only_a_keyed_hash_of_the_token_is_stored_and_a_revoked_token_opens_nothing(world, staff_token):
    stored = ApiToken.objects.get(user=world.organizer_staff)
    assert staff_token not in {stored.key_index, stored.prefix, stored.name}
    assert staff_token.startswith(stored.prefix)
    assert bearer(staff_token).get("/api/v1/campaigns").status_code == 200
    revoke_api_token(actor=world.organizer_staff, api_token=stored)
    assert bearer(staff_token).get("/api/v1/campaigns").status_code == 401
    assert (
        bearer(staff_token[:-1] + ("A" if staff_token[-1] != "A" else "B"))
        .get("/api/v1/campaigns")
        .status_code
        == 401
    )
    assert (
        AuditEvent.objects.filter(
            action__in=["accounts.api_token.issue", "accounts.api_token.revoke"]
        ).count()
        == 2
    )


@pytest.mark.req("API-1")
def test_a_disabled_account_token_opens_nothing_and_administrators_get_no_token(world, staff_token):
    from shuping.accounts.services import AccountError, disable_user

    disable_user(user=world.organizer_staff, actor=world.system_admin)
    assert bearer(staff_token).get("/api/v1/campaigns").status_code == 401
    with pytest.raises(AccountError):
        issue_api_token(actor=world.system_admin, name="x")


@pytest.mark.req("API-1")
def test_the_token_page_issues_once_and_revokes_from_the_account_page(world, login):
    client = login(world.liaison)
    page = client.get("/accounts/password/").content.decode()
    assert "/accounts/tokens/" in page  # reachable by clicking from 账号与密码
    response = client.post("/accounts/tokens/", {"name": "门户"})
    token = ApiToken.objects.get(user=world.liaison)
    html = response.content.decode()
    assert response["Cache-Control"] == "no-store" and "只显示这一次" in html and token.prefix in html
    again = client.get("/accounts/tokens/").content.decode()
    assert token.prefix in again and "只显示这一次" not in again
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.req("API-1")
def test_organization_writes_follow_the_pages_permissions(world, staff_token, login):
    client = bearer(staff_token)
    moved = post(client, f"/api/v1/orgs/{world.township.pk}/move", {"parent_id": world.prefecture.pk})
    assert moved.status_code == 200 and moved.json()["parent_id"] == world.prefecture.pk
    assert Organization.objects.get(pk=world.township.pk).depth == world.prefecture.depth + 1
    renamed = post(client, f"/api/v1/orgs/{world.county.pk}", {"short_name": "乙县"}, method="patch")
    assert renamed.status_code == 200 and renamed.json()["short_name"] == "乙县"
    closed = post(client, f"/api/v1/orgs/{world.county.pk}/close", {"ended_on": "2026-06-30"})
    assert closed.status_code == 200 and closed.json()["valid_to_on"] == "2026-06-30"
    loop = post(client, f"/api/v1/orgs/{world.prefecture.pk}/move", {"parent_id": world.township.pk})
    assert loop.status_code == 400 and "下级" in loop.json()["detail"]
    # The department leader reads but does not maintain the tree (403); the outsider does not see it (404).
    leader = login(world.department_leader)
    assert (
        post(leader, f"/api/v1/orgs/{world.county.pk}", {"short_name": "x"}, method="patch").status_code
        == 403
    )
    outsider = Client()
    outsider.force_login(world.outsider)
    assert (
        post(outsider, f"/api/v1/orgs/{world.county.pk}", {"short_name": "x"}, method="patch").status_code
        == 404
    )
    assert Organization.objects.get(pk=world.county.pk).short_name == "乙县"


@pytest.mark.req("API-1")
def test_people_and_secretaryships_through_the_api(world, staff_token):
    client = bearer(staff_token)
    response = post(
        client,
        "/api/v1/people",
        {
            "name": "李明",
            "gender": "male",
            "position": "丙镇党委书记",
            "organization_id": world.township.pk,
            "started_on": "2024-03-01",
        },
    )
    assert response.status_code == 201, response.content
    person = response.json()
    assert person["secretaryships"][0]["organization"]["id"] == world.township.pk
    post_id = person["secretaryships"][0]["id"]
    ended = post(client, f"/api/v1/secretaryships/{post_id}/end", {"ended_on": "2026-07-01"})
    assert ended.status_code == 200 and ended.json()["ended_on"] == "2026-07-01"
    bad = post(
        client,
        "/api/v1/secretaryships",
        {"person_id": person["id"], "organization_id": world.other_prefecture.pk, "started_on": "2026-07-02"},
    )
    assert bad.status_code == 404  # another province's organization is outside the token's scope
    assert AuditEvent.objects.filter(source="api", action__startswith="orgs.").count() >= 3


@pytest.mark.req("API-1")
def test_accounts_and_grants_are_the_system_administrators_and_audited(world, login):
    system = login(world.system_admin)
    created = post(system, "/api/v1/accounts", {"username": "xian_wang", "full_name": "王晓明"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert len(body["initial_password"]) >= 12
    user = User.objects.get(username="xian_wang")
    assert user.must_change_password
    granted = post(
        system,
        "/api/v1/grants",
        {
            "user_id": user.pk,
            "role": Role.ORGANIZER_STAFF,
            "organization_id": world.county.pk,
            "include_subtree": True,
        },
    )
    assert granted.status_code == 201, granted.content
    grant_event = AuditEvent.objects.get(action="accounts.grant.create")
    assert grant_event.actor_id == world.system_admin.pk and grant_event.source == "api"
    again = post(
        system,
        "/api/v1/grants",
        {"user_id": user.pk, "role": Role.ORGANIZER_STAFF, "organization_id": world.county.pk},
    )
    assert again.status_code == 400 and "已有" in again.json()["detail"]
    to_admin = post(
        system,
        "/api/v1/grants",
        {"user_id": world.security_admin.pk, "role": Role.VIEWER, "organization_id": world.county.pk},
    )
    assert to_admin.status_code == 400 and "三员分立" in to_admin.json()["detail"]
    # 三员分立: neither the security administrator nor organizer staff may create accounts or grants.
    for persona in ("security_admin", "audit_admin", "organizer_staff"):
        client = Client()
        client.force_login(world.users[persona])
        assert (
            post(client, "/api/v1/accounts", {"username": f"x_{persona}", "full_name": "某"}).status_code
            == 403
        )
        assert (
            post(
                client,
                "/api/v1/grants",
                {"user_id": user.pk, "role": Role.VIEWER, "organization_id": world.county.pk},
            ).status_code
            == 403
        )
    grant_id = granted.json()["id"]
    assert system.delete(f"/api/v1/grants/{grant_id}").status_code == 204
    assert not RoleGrant.objects.filter(pk=grant_id).exists()
    assert AuditEvent.objects.filter(action="accounts.grant.revoke", actor=world.system_admin).exists()


@pytest.mark.req("API-1")
def test_shuping_grant_uses_the_same_service_and_rules(world):
    out = StringIO()
    call_command("grant", "liaison", Role.VIEWER, world.county.code, "--subtree", stdout=out)
    assert "已授权" in out.getvalue()
    grant = RoleGrant.objects.get(user=world.liaison, role=Role.VIEWER)
    assert grant.include_subtree and AuditEvent.objects.get(action="accounts.grant.create").source == "cli"
    with pytest.raises(CommandError, match="已有"):
        call_command("grant", "liaison", Role.VIEWER, world.county.code)
    with pytest.raises(CommandError, match="三员分立"):
        call_command("grant", "secadmin", Role.VIEWER, world.county.code)
    listing = StringIO()
    call_command("grant", "liaison", "--list", stdout=listing)
    assert world.county.code in listing.getvalue()
    call_command("grant", "liaison", Role.VIEWER, world.county.code, "--revoke", stdout=StringIO())
    assert not RoleGrant.objects.filter(user=world.liaison, role=Role.VIEWER).exists()


@pytest.mark.req("API-1", "CMP-2")
def test_a_campaign_is_built_end_to_end_through_the_api_alone(world, staff_token, login):
    """Accounts → tree → campaign → Art. 3 scope → assessments, with nothing but the API and JSON."""
    system = login(world.system_admin)
    clerk = post(
        system, "/api/v1/accounts", {"username": "xian_clerk", "full_name": "县委组织部 刘干事"}
    ).json()
    granted = post(
        system,
        "/api/v1/grants",
        {
            "user_id": clerk["id"],
            "role": "organizer_staff",
            "organization_id": world.county.pk,
            "include_subtree": True,
        },
    )
    assert granted.status_code == 201, granted.content
    _token, county_token = issue_api_token(actor=User.objects.get(pk=clerk["id"]), name="县委组织部系统")
    client = bearer(county_token)
    people = {"中共丁镇委员会": "T-D", "中共戊镇委员会": "T-W"}
    for name, code in people.items():
        org = post(
            client,
            "/api/v1/orgs",
            {
                "parent_id": world.county.pk,
                "name": name,
                "code": code,
                "kind": OrgKind.TOWNSHIP_COMMITTEE,
                "admin_level": AdminLevel.TOWNSHIP,
            },
        )
        assert org.status_code == 201, org.content
        person = post(
            client,
            "/api/v1/people",
            {"name": f"{name[2]}书记", "organization_id": org.json()["id"], "started_on": "2023-01-01"},
        )
        assert person.status_code == 201, person.content
    # The county's organizer staff runs the county's campaign over its townships.
    campaign = post(client, "/api/v1/campaigns", {"organizer_id": world.county.pk, "year": 2026})
    assert campaign.status_code == 201, campaign.content
    cid = campaign.json()["id"]
    proposal = client.get(f"/api/v1/campaigns/{cid}/scope/proposal").json()
    proposed = {p["organization_name"] for p in proposal}
    assert {"中共丁镇委员会", "中共戊镇委员会"} <= proposed and all(p["paragraph"] for p in proposal)
    applied = post(client, f"/api/v1/campaigns/{cid}/scope/apply", {"include_optional": []})
    assert applied.status_code == 200, applied.content
    rows = {a["organization_name"]: a for a in applied.json()}
    assert {"中共丁镇委员会", "中共戊镇委员会"} <= set(rows)
    target = rows["中共戊镇委员会"]["id"]
    mode = post(client, f"/api/v1/assessments/{target}/reporting-mode", {"reporting_mode": "written"})
    assert mode.status_code == 200 and mode.json()["reporting_mode"] == "written", mode.content
    excluded = post(client, f"/api/v1/assessments/{target}/exclude", {"reason": "该镇年内撤并"})
    assert excluded.status_code == 200 and excluded.json()["is_excluded"]
    assert post(client, f"/api/v1/assessments/{target}/exclude", {"reason": ""}).status_code == 422
    confirmed = post(client, f"/api/v1/campaigns/{cid}/scope/confirm", {"confirm": True})
    assert confirmed.status_code == 200, confirmed.content
    assert Assessment.objects.filter(campaign_id=cid, is_excluded=False).count() == len(rows) - 1
    scope_events = AuditEvent.objects.filter(source="api", action__startswith="campaigns.").values_list(
        "action", flat=True
    )
    assert {"campaigns.scope.apply", "campaigns.assessment.exclude"} <= set(scope_events)


@pytest.mark.req("API-1")
def test_scope_writes_are_refused_to_those_who_do_not_manage_the_campaign(world, staff_token, login):
    client = bearer(staff_token)
    cid = post(client, "/api/v1/campaigns", {"organizer_id": world.province.pk, "year": 2026}).json()["id"]
    leader = login(world.department_leader)
    assert leader.get(f"/api/v1/campaigns/{cid}/scope/proposal").status_code == 403
    assert post(leader, f"/api/v1/campaigns/{cid}/scope/apply", {"include_optional": []}).status_code == 403
    outsider = Client()
    outsider.force_login(world.outsider)
    assert post(outsider, f"/api/v1/campaigns/{cid}/scope/apply", {"include_optional": []}).status_code == 404
    assert not Assessment.objects.filter(campaign_id=cid).exists()

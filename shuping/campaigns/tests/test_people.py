"""Who works on a campaign (SEC-1): campaign roles granted and revoked from the 人员与权限 panel, liaisons
named per assessment or created on the spot with a one-time initial password — services and pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant, User
from shuping.audit.models import AuditEvent
from shuping.campaigns import people, selectors, services
from shuping.campaigns.choices import CampaignRole, CampaignStatus
from shuping.campaigns.models import CampaignGrant
from shuping.campaigns.services import CampaignConflict, CampaignError
from tests.personas import _user


@pytest.fixture
def open_campaign(world, province_campaign):
    return services.confirm_scope(actor=world.organizer_staff, campaign=province_campaign)


@pytest.fixture
def county_clerk(world):
    """A county organization-department clerk: granted inside the province's subtree, so grantable."""
    user = _user("county-clerk", "乙县委组织部 刘干事")
    RoleGrant.objects.create(user=user, role=Role.ORGANIZER_STAFF, organization=world.county)
    return user


@pytest.mark.req("SEC-1")
def test_grant_and_revoke_a_campaign_role_are_audited_and_change_access(world, open_campaign, county_clerk):
    staff = world.organizer_staff
    assert not selectors.campaigns_visible_to(county_clerk).filter(pk=open_campaign.pk).exists()
    grant = services.grant_campaign_role(
        actor=staff, campaign=open_campaign, user=county_clerk, role=CampaignRole.FIELD_ASSESSOR
    )
    assert selectors.campaigns_visible_to(county_clerk).filter(pk=open_campaign.pk).exists()
    people.revoke_campaign_role(actor=staff, grant=grant)
    assert not CampaignGrant.objects.exists()
    assert not selectors.campaigns_visible_to(county_clerk).filter(pk=open_campaign.pk).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="campaigns.grant").values_list("action", "detail")
    )
    assert [a for a, _d in actions] == ["campaigns.grant.create", "campaigns.grant.revoke"]
    assert actions[1][1]["role"] == CampaignRole.FIELD_ASSESSOR


@pytest.mark.req("SEC-1")
def test_nobody_revokes_their_own_organizer_staff_role_and_a_closed_campaign_is_frozen(world, open_campaign):
    staff = world.organizer_staff
    own = services.grant_campaign_role(
        actor=staff, campaign=open_campaign, user=staff, role=CampaignRole.ORGANIZER_STAFF
    )
    with pytest.raises(CampaignConflict, match="本人"):
        people.revoke_campaign_role(actor=staff, grant=own)
    open_campaign.status = CampaignStatus.CLOSED
    open_campaign.save()
    with pytest.raises(CampaignConflict, match="已结束"):
        services.grant_campaign_role(
            actor=staff, campaign=open_campaign, user=world.liaison, role=CampaignRole.VIEWER
        )


@pytest.mark.req("SEC-1")
def test_user_search_stays_within_the_organizers_subtree_and_skips_administrators(
    world, open_campaign, county_clerk
):
    found = {u.username for u in selectors.grantable_users(open_campaign, "干事")}
    assert "county-clerk" in found and "organizer" in found
    assert "outsider" not in found  # 邻省's clerk: granted outside the province
    assert not selectors.grantable_users(open_campaign, "管理员")
    assert selectors.grantable_user(open_campaign, world.outsider.pk) is None
    assert selectors.grantable_user(open_campaign, county_clerk.pk) == county_clerk


@pytest.mark.req("SEC-1", "SEC-2")
def test_people_panel_searches_grants_and_revokes(world, open_campaign, county_clerk, login):
    client = login(world.organizer_staff)
    url = reverse("campaigns:people", args=[open_campaign.pk])
    detail = client.get(reverse("campaigns:detail", args=[open_campaign.pk])).content.decode()
    assert "人员与权限" in detail and "组织科 王干事" in detail  # the organizer's own staff, read-only
    results = client.get(url, {"q": "刘"}, HTTP_HX_REQUEST="true").content.decode()
    assert "乙县委组织部 刘干事" in results and "授予" in results
    panel = client.post(
        url + "grant/",
        {"user": county_clerk.pk, "role": CampaignRole.GUIDANCE_STAFF},
        HTTP_HX_REQUEST="true",
        follow=True,  # htmx follows the redirect, and the panel is drawn again in place
    ).content.decode()
    assert "已授予 乙县委组织部 刘干事“上级指导人员”角色" in panel
    grant = CampaignGrant.objects.get(user=county_clerk)
    r = client.post(url + "grant/", {"user": world.outsider.pk, "role": CampaignRole.VIEWER}, follow=True)
    assert "不在本组织单位的授权范围内" in r.content.decode()
    r = client.post(url + "grant/", {"user": county_clerk.pk, "role": "liaison"}, follow=True)
    assert "联络员请在考核对象上指定" in r.content.decode()
    client.post(url + "revoke/", {"grant": grant.pk})
    assert not CampaignGrant.objects.exists()
    assert login(world.department_leader).get(url).status_code == 403


@pytest.mark.req("SEC-1")
def test_liaison_is_picked_from_the_assessees_organization_or_earlier_years(world, open_campaign):
    staff = world.organizer_staff
    assessment = open_campaign.assessments.get()
    assert list(selectors.liaison_candidates(assessment)) == [world.liaison]  # liaison grant on 甲市委
    services.add_liaison(actor=staff, assessment=assessment, user=world.liaison)
    assert not selectors.liaison_candidates(assessment).exists()
    with pytest.raises(CampaignConflict, match="已是联络员"):
        services.add_liaison(actor=staff, assessment=assessment, user=world.liaison)
    # Next year the same person is offered again without any grant on the organization (nothing typed twice).
    RoleGrant.objects.filter(user=world.liaison).delete()
    nxt = services.create_campaign(actor=staff, organizer=world.province, year=2025)
    services.apply_scope_proposal(actor=staff, campaign=nxt)
    assert list(selectors.liaison_candidates(nxt.assessments.get())) == [world.liaison]
    people.remove_liaison(actor=staff, assessment=assessment, user=world.liaison)
    assert not assessment.liaisons.exists()
    assert AuditEvent.objects.filter(action="campaigns.assessment.liaison_remove").count() == 1


@pytest.mark.req("SEC-1", "SEC-3")
def test_a_liaison_account_created_on_the_spot_sees_only_its_assessment(world, open_campaign, login):
    assessment = open_campaign.assessments.get()
    client = login(world.organizer_staff)
    url = reverse("campaigns:assessment", args=[assessment.pk]) + "liaisons/"
    r = client.post(url + "create/", {"full_name": "甲市委办 钱秘书", "username": "qian-mishu"})
    body = r.content.decode()
    assert r.status_code == 200 and "只显示这一次" in body and r["Cache-Control"].startswith("max-age=0")
    user = User.objects.get(username="qian-mishu")
    password = body.split('class="secret">', 1)[1].split("<", 1)[0]
    assert user.check_password(password) and user.must_change_password
    assert password not in client.get(reverse("campaigns:assessment", args=[assessment.pk])).content.decode()
    assert list(assessment.liaisons.all()) == [user]
    newcomer = Client()
    newcomer.force_login(user)
    assert (
        newcomer.get(reverse("campaigns:assessment", args=[assessment.pk])).status_code == 302
    )  # change first
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    assert newcomer.get(reverse("campaigns:assessment", args=[assessment.pk])).status_code == 200
    assert newcomer.get(reverse("campaigns:detail", args=[open_campaign.pk])).status_code == 200
    assert newcomer.get(reverse("campaigns:people", args=[open_campaign.pk])).status_code == 403
    # A taken username changes nothing.
    r = client.post(url + "create/", {"full_name": "另一人", "username": "QIAN-mishu"}, follow=True)
    assert "已被使用" in r.content.decode() and User.objects.filter(full_name="另一人").count() == 0


@pytest.mark.req("SEC-1")
def test_naming_a_liaison_through_the_page_and_the_page_shows_them(world, open_campaign, login):
    assessment = open_campaign.assessments.get()
    client = login(world.organizer_staff)
    page = reverse("campaigns:assessment", args=[assessment.pk])
    assert "未指定" in client.get(page).content.decode()
    url = reverse("campaigns:assessment", args=[assessment.pk]) + "liaisons/"
    r = client.post(url + "add/", {"user": world.liaison.pk}, HTTP_HX_REQUEST="true", follow=True)
    assert "已指定 甲市委 联络员 赵 为联络员" in r.content.decode()
    r = client.post(url + "add/", {"user": world.outsider.pk}, follow=True)
    assert "请从本单位已授权的人员中选择" in r.content.decode()
    assert list(assessment.liaisons.all()) == [world.liaison]
    assert login(world.department_leader).post(url + "add/", {"user": world.liaison.pk}).status_code == 403


@pytest.mark.req("PERF-5")
def test_people_panel_query_count_does_not_grow_with_grants(world, open_campaign, login):
    client = login(world.organizer_staff)
    url = reverse("campaigns:detail", args=[open_campaign.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(5):
        user = _user(f"viewer{i}", f"查阅 {i}")
        services.grant_campaign_role(
            actor=world.organizer_staff, campaign=open_campaign, user=user, role=CampaignRole.VIEWER
        )
    assert count() == before


def test_campaign_error_is_raised_for_admins_as_liaisons(world, open_campaign):
    with pytest.raises(CampaignError, match="三员分立"):
        services.add_liaison(
            actor=world.organizer_staff, assessment=open_campaign.assessments.get(), user=world.system_admin
        )

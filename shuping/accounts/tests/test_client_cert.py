"""USB-key client certificate plug-in (SEC-3): the subject the proxy verified maps to one account."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from shuping.accounts.client_cert import ClientCertificateProvider, certificate_user, parse_dn

HEADER = "HTTP_X_SSL_CLIENT_S_DN"


def _request(dn: str | None):
    meta: dict[str, Any] = {} if dn is None else {HEADER: dn}
    return RequestFactory().get("/", **meta)


def test_both_dn_forms_nginx_writes_are_parsed():
    assert parse_dn("CN=zhang,OU=组织部,O=示范省委,C=CN")["CN"] == "zhang"
    assert parse_dn("/C=CN/O=示范省委/CN=zhang")["O"] == "示范省委"
    assert parse_dn(r"CN=Li\, Si,O=x")["CN"] == "Li, Si"


@pytest.mark.req("SEC-3")
def test_the_verified_certificate_names_the_account_and_only_that_one(settings, world):
    settings.SHUPING_CLIENT_CERT_HEADER = HEADER
    staff = world.organizer_staff
    provider = ClientCertificateProvider()
    request = _request(f"CN={staff.username},O=示范省委组织部,C=CN")
    assert provider.applies_to(request, staff)
    assert certificate_user(request) == staff
    assert provider.verify(request, staff) == staff
    assert provider.verify(request, world.liaison) is None  # someone else's key does not do
    assert not provider.applies_to(_request(None), staff)


@pytest.mark.req("SEC-3")
def test_a_header_is_ignored_unless_the_deployment_says_the_proxy_sets_it(settings, world):
    settings.SHUPING_CLIENT_CERT_HEADER = ""
    request = _request(f"CN={world.organizer_staff.username}")  # forged by a client, no proxy configured
    assert certificate_user(request) is None
    assert not ClientCertificateProvider().applies_to(request, world.organizer_staff)


def test_disabled_accounts_and_other_attributes_do_not_match(settings, world):
    settings.SHUPING_CLIENT_CERT_HEADER = HEADER
    settings.SHUPING_CLIENT_CERT_ATTRIBUTE = "UID"
    staff = world.organizer_staff
    assert certificate_user(_request(f"CN={staff.username}")) is None
    assert certificate_user(_request(f"UID={staff.username},CN=x")) == staff
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert certificate_user(_request(f"UID={staff.username}")) is None

"""SSO plug-ins (SEC-3) against a stub identity provider served over HTTP on loopback inside the test."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from shuping.accounts.sso import CASProvider, OIDCProvider, sign_in
from shuping.audit.models import AuditEvent

SECRET = "stub-client-secret-0123456789"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hs256(claims: dict, secret: str = SECRET) -> str:
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"


class StubIdP:
    """A tiny identity provider: an OIDC token endpoint and a CAS serviceValidate endpoint."""

    def __init__(self) -> None:
        self.codes: dict[str, dict] = {}  # code -> ID token claims
        self.tickets: dict[str, str] = {}  # ticket -> username
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _reply(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                claims = stub.codes.pop(form.get("code", [""])[0], None)
                if self.path != "/token" or claims is None or form.get("client_secret") != [SECRET]:
                    return self._reply(400, b'{"error": "invalid_grant"}', "application/json")
                token = claims.pop("_token", None) or _hs256(claims)
                self._reply(
                    200, json.dumps({"id_token": token, "token_type": "Bearer"}).encode(), "application/json"
                )

            def do_GET(self) -> None:
                url = urllib.parse.urlparse(self.path)
                ticket = urllib.parse.parse_qs(url.query).get("ticket", [""])[0]
                user = stub.tickets.pop(ticket, None)
                ns = 'xmlns:cas="http://www.yale.edu/tp/cas"'
                if url.path == "/cas/p3/serviceValidate" and user:
                    body = f"<cas:serviceResponse {ns}><cas:authenticationSuccess><cas:user>{user}</cas:user></cas:authenticationSuccess></cas:serviceResponse>"
                else:
                    body = f'<cas:serviceResponse {ns}><cas:authenticationFailure code="INVALID_TICKET"/></cas:serviceResponse>'
                self._reply(200, body.encode(), "application/xml")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def idp():
    stub = StubIdP()
    yield stub
    stub.close()


def _request(path: str = "/accounts/sso/callback", session=None):
    request = RequestFactory().get(path)
    if session is None:
        SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    else:
        request.session = session
    return request


def _oidc(idp) -> OIDCProvider:
    return OIDCProvider(
        {
            "issuer": idp.url,
            "authorization_endpoint": f"{idp.url}/authorize",
            "token_endpoint": f"{idp.url}/token",
            "client_id": "shuping",
            "client_secret": SECRET,
            "redirect_uri": "https://shuping.example/accounts/sso/callback",
        }
    )


def _claims(idp, username: str, nonce: str, **extra) -> dict:
    return {"iss": idp.url, "aud": "shuping", "exp": time.time() + 60, "nonce": nonce,
            "preferred_username": username, **extra}  # fmt: skip


@pytest.mark.req("SEC-3")
def test_oidc_signs_in_the_matching_active_user_through_the_audited_path(idp, world):
    provider = _oidc(idp)
    start = _request("/accounts/sso/")
    url = provider.login_url(start, "/")
    params = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    assert url.startswith(f"{idp.url}/authorize?") and params["client_id"] == ["shuping"]
    state, nonce = params["state"][0], params["nonce"][0]
    idp.codes["c1"] = _claims(idp, world.organizer_staff.username, nonce)

    back = _request(f"/accounts/sso/callback?code=c1&state={state}", session=start.session)
    assert sign_in(back, provider) == world.organizer_staff
    assert back.session["_auth_user_id"] == str(world.organizer_staff.pk)
    event = AuditEvent.objects.filter(action="accounts.login").latest("sequence")
    assert event.outcome == "success" and event.detail["username"] == world.organizer_staff.username


@pytest.mark.req("SEC-3")
@pytest.mark.parametrize(
    "tamper",
    ["wrong_state", "wrong_nonce", "expired", "other_audience", "other_issuer", "bad_signature", "alg_none",
     "unknown_user", "disabled_user", "reused_code"],
)  # fmt: skip
def test_oidc_refuses_anything_not_exactly_right_and_audits_the_refusal(idp, world, tamper):
    provider = _oidc(idp)
    start = _request("/accounts/sso/")
    params = urllib.parse.parse_qs(urllib.parse.urlparse(provider.login_url(start, "/")).query)
    state, nonce = params["state"][0], params["nonce"][0]
    username = world.organizer_staff.username
    claims = _claims(idp, username, nonce)
    if tamper == "wrong_state":
        state = "forged"
    elif tamper == "wrong_nonce":
        claims["nonce"] = "replayed"
    elif tamper == "expired":
        claims["exp"] = time.time() - 5
    elif tamper == "other_audience":
        claims["aud"] = "another-app"
    elif tamper == "other_issuer":
        claims["iss"] = "https://evil.example"
    elif tamper == "bad_signature":
        claims["_token"] = _hs256(dict(claims), secret="not-the-secret")
    elif tamper == "alg_none":
        claims["_token"] = _b64(b'{"alg":"none"}') + "." + _b64(json.dumps(claims).encode()) + "."
    elif tamper == "unknown_user":
        claims["preferred_username"] = "nobody"
    elif tamper == "disabled_user":
        world.organizer_staff.is_active = False
        world.organizer_staff.save(update_fields=["is_active"])
    if tamper != "reused_code":
        idp.codes["c1"] = claims
    failures = AuditEvent.objects.filter(action="accounts.login").exclude(outcome="success").count()

    back = _request(f"/accounts/sso/callback?code=c1&state={state}", session=start.session)
    assert sign_in(back, provider) is None
    assert "_auth_user_id" not in back.session
    assert (
        AuditEvent.objects.filter(action="accounts.login").exclude(outcome="success").count() == failures + 1
    )


@pytest.mark.req("SEC-3")
def test_cas_validates_the_ticket_server_to_server(idp, world):
    provider = CASProvider(
        {"server_url": f"{idp.url}/cas", "service_url": "https://shuping.example/accounts/cas/"}
    )
    start = _request("/accounts/cas/login")
    assert provider.login_url(start, "/").startswith(f"{idp.url}/cas/login?service=https%3A%2F%2Fshuping")
    idp.tickets["ST-1-abc"] = world.liaison.username

    assert (
        sign_in(_request("/accounts/cas/?ticket=ST-1-abc", session=start.session), provider) == world.liaison
    )
    # A ticket is good once; unknown and malformed tickets are refused.
    assert sign_in(_request("/accounts/cas/?ticket=ST-1-abc", session=start.session), provider) is None
    assert sign_in(_request("/accounts/cas/?ticket=forged", session=start.session), provider) is None


# --- the mounted routes: a real browser round trip through /accounts/sso/<provider>/ -------------------


def _oidc_settings(idp) -> dict:
    return {
        "issuer": idp.url,
        "authorization_endpoint": f"{idp.url}/authorize",
        "token_endpoint": f"{idp.url}/token",
        "client_id": "shuping",
        "client_secret": SECRET,
        "redirect_uri": "http://testserver/accounts/sso/oidc/callback/",
    }


@pytest.mark.req("SEC-3")
def test_sso_routes_sign_a_user_in_and_return_to_where_they_were_going(idp, world, client, settings):
    settings.SHUPING_OIDC = _oidc_settings(idp)
    login_page = client.get("/accounts/login/").content.decode()
    assert "统一身份认证（OIDC）登录" in login_page

    start = client.get("/accounts/sso/oidc/?next=/orgs/")
    assert start.status_code == 302 and start.url.startswith(f"{idp.url}/authorize?")
    params = urllib.parse.parse_qs(urllib.parse.urlparse(start.url).query)
    idp.codes["c-route"] = _claims(idp, world.organizer_staff.username, params["nonce"][0])

    back = client.get(f"/accounts/sso/oidc/callback/?code=c-route&state={params['state'][0]}")
    assert back.status_code == 302 and back.url == "/orgs/"
    assert client.get("/orgs/").status_code == 200


@pytest.mark.req("SEC-3")
def test_a_refused_sso_return_goes_back_to_the_login_page_with_a_chinese_message(
    idp, world, client, settings
):
    settings.SHUPING_OIDC = _oidc_settings(idp)
    client.get("/accounts/sso/oidc/")
    back = client.get("/accounts/sso/oidc/callback/?code=nope&state=forged", follow=True)
    assert back.redirect_chain[-1][0] == "/accounts/login/"
    assert "统一身份认证未通过" in back.content.decode()
    assert "_auth_user_id" not in client.session


def test_unconfigured_sso_providers_do_not_exist(client):
    assert client.get("/accounts/sso/oidc/").status_code == 404
    assert client.get("/accounts/sso/cas/callback/").status_code == 404
    assert client.get("/accounts/sso/saml/").status_code == 404
    assert "统一身份认证" not in client.get("/accounts/login/").content.decode()

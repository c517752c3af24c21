"""SSO plug-ins (SEC-3): OpenID Connect and CAS for provincial 统一身份认证.

Both implement `second_factor.IdentityProvider` — they replace the password step: `login_url()` sends
the browser to the identity provider with a fresh `state` (OIDC) kept in the session, `complete()` checks
what comes back *server to server* (OIDC: code → token endpoint → ID token signature, issuer, audience,
expiry, nonce; CAS: ticket → serviceValidate) and returns the matching **active, unlocked** Shuping user
or None. `sign_in()` then signs that user in through the same session and audit services as the
password form; a refusal is audited as a failed attempt. Nothing is enabled by default: a deployment
configures SHUPING_OIDC or SHUPING_CAS and mounts a callback view that calls `sign_in()`.

Accounts are matched, never created: the identity provider proves who someone is, Shuping's grants
decide what they may do (SEC-1, SEC-2).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.http import HttpRequest

from . import services
from .models import User
from .policy import client_ip

SESSION_KEY = "shuping_sso"
#: Performs an HTTP request and returns the body: (method, url, form or None) -> bytes. Replaceable in tests.
Transport = Callable[[str, str, dict[str, str] | None], bytes]


def urllib_transport(method: str, url: str, form: dict[str, str] | None) -> bytes:
    """The default transport: HTTPS to the identity provider, 10 s timeout."""
    if not url.startswith(("https://", "http://")):
        raise ValueError("identity provider URL must be http(s)")
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 — scheme checked above
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.read()


def _b64url(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def _active_user(username: str) -> User | None:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or user.is_locked():
        return None
    return user


class OIDCProvider:
    """OpenID Connect authorization-code flow. Settings (SHUPING_OIDC): issuer, authorization_endpoint,
    token_endpoint, client_id, client_secret, redirect_uri, optional jwks (RS256 keys as a JWKS dict),
    username_claim (default preferred_username), counts_as_second_factor (default False)."""

    name = "oidc"
    label = "统一身份认证（OIDC）"

    def __init__(self, config: dict[str, Any] | None = None, transport: Transport | None = None) -> None:
        self.config = config or getattr(settings, "SHUPING_OIDC", {})  # deployment setting, unset by default
        self.transport = transport or urllib_transport
        self.counts_as_second_factor = bool(self.config.get("counts_as_second_factor", False))

    def login_url(self, request: HttpRequest, next_url: str) -> str:
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = {"state": state, "nonce": nonce, "next": next_url}
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": self.config["client_id"],
                "redirect_uri": self.config["redirect_uri"],
                "scope": "openid profile",
                "state": state,
                "nonce": nonce,
            }
        )
        return f"{self.config['authorization_endpoint']}?{query}"

    def complete(self, request: HttpRequest) -> User | None:
        pending = request.session.pop(SESSION_KEY, None) or {}
        state, code = request.GET.get("state", ""), request.GET.get("code", "")
        if not pending or not code or not hmac.compare_digest(state, pending.get("state", "")):
            return None
        try:
            body = self.transport(
                "POST",
                self.config["token_endpoint"],
                {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.config["redirect_uri"],
                    "client_id": self.config["client_id"],
                    "client_secret": self.config["client_secret"],
                },
            )
            claims = self.verify_id_token(json.loads(body)["id_token"], nonce=pending["nonce"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if claims is None:
            return None
        return _active_user(str(claims.get(self.config.get("username_claim", "preferred_username"), "")))

    def verify_id_token(self, token: str, *, nonce: str) -> dict[str, Any] | None:
        """The ID token's claims if its signature (HS256 with the client secret, or RS256 with a
        configured JWKS key), issuer, audience, expiry and nonce are all right; else None."""
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_b64url(header_b64))
        signed = f"{header_b64}.{payload_b64}".encode()
        signature = _b64url(signature_b64)
        if header.get("alg") == "HS256":
            expected = hmac.new(self.config["client_secret"].encode(), signed, hashlib.sha256).digest()
            if not hmac.compare_digest(expected, signature):
                return None
        elif header.get("alg") == "RS256":
            keys = [
                k for k in self.config.get("jwks", {}).get("keys", []) if k.get("kid") == header.get("kid")
            ]
            if not keys:
                return None
            numbers = rsa.RSAPublicNumbers(
                int.from_bytes(_b64url(keys[0]["e"]), "big"), int.from_bytes(_b64url(keys[0]["n"]), "big")
            )
            try:
                numbers.public_key().verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
            except Exception:
                return None
        else:
            return None  # "none" and anything unexpected are refused
        claims = json.loads(_b64url(payload_b64))
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if (
            claims.get("iss") != self.config["issuer"]
            or self.config["client_id"] not in audiences
            or float(claims.get("exp", 0)) < time.time()
            or not hmac.compare_digest(str(claims.get("nonce", "")), nonce)
        ):
            return None
        return claims


class CASProvider:
    """CAS 2.0/3.0 (`/login`, `/p3/serviceValidate`). Settings (SHUPING_CAS): server_url, service_url,
    counts_as_second_factor (default False)."""

    name = "cas"
    label = "统一身份认证（CAS）"
    _NS = {"cas": "http://www.yale.edu/tp/cas"}

    def __init__(self, config: dict[str, Any] | None = None, transport: Transport | None = None) -> None:
        self.config = config or getattr(settings, "SHUPING_CAS", {})  # deployment setting, unset by default
        self.transport = transport or urllib_transport
        self.counts_as_second_factor = bool(self.config.get("counts_as_second_factor", False))

    def login_url(self, request: HttpRequest, next_url: str) -> str:
        request.session[SESSION_KEY] = {"next": next_url}
        service = urllib.parse.urlencode({"service": self.config["service_url"]})
        return f"{self.config['server_url'].rstrip('/')}/login?{service}"

    def complete(self, request: HttpRequest) -> User | None:
        ticket = request.GET.get("ticket", "")
        if not ticket.startswith("ST-"):
            return None
        query = urllib.parse.urlencode({"service": self.config["service_url"], "ticket": ticket})
        try:
            body = self.transport(
                "GET", f"{self.config['server_url'].rstrip('/')}/p3/serviceValidate?{query}", None
            )
            # The CAS server is configured and trusted, but its reply is still parsed with entities off (INT-1).
            root = ElementTree.fromstring(body)
        except (OSError, ElementTree.ParseError, DefusedXmlException):
            return None
        user = root.find("cas:authenticationSuccess/cas:user", self._NS)
        if user is None or not (user.text or "").strip():
            return None
        return _active_user(user.text.strip())


#: SSO plug-ins by URL name: the settings name that configures each, and its class.
PROVIDERS: dict[str, tuple[str, type]] = {
    "oidc": ("SHUPING_OIDC", OIDCProvider),
    "cas": ("SHUPING_CAS", CASProvider),
}


def configured_provider(name: str) -> Any | None:
    """The SSO provider `name` if the deployment configured it (SHUPING_OIDC / SHUPING_CAS), else None."""
    entry = PROVIDERS.get(name)
    if entry is None:
        return None
    config = getattr(settings, entry[0], None)
    return entry[1](config) if config else None


def configured_providers() -> list[Any]:
    return [p for p in (configured_provider(name) for name in PROVIDERS) if p is not None]


def sign_in(request: HttpRequest, provider: Any) -> User | None:
    """Complete an SSO return and sign the user in (audited either way); None when refused.

    When the provider does not count as the second factor and the user needs one, the session is left
    unverified and SecondFactorMiddleware asks for it, exactly as after a password.
    """
    user = provider.complete(request)
    ip = client_ip(request)
    if user is None:
        services.register_login_failure(username=f"{provider.name}:?", ip=ip, reason=f"sso_{provider.name}")
        return None
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    services.register_login_success(
        user=user, ip=ip, second_factor=provider.name if provider.counts_as_second_factor else ""
    )
    return user

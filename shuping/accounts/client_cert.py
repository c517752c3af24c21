"""Client certificates from a USB key (SM2), terminated at the proxy (SEC-3) — the matching half.

nginx verifies the certificate against the issuing CA (`ssl_verify_client optional`) and forwards the
verified subject DN in a header it always overwrites (deploy/nginx/shuping-proxy.conf); Django sees it
as SHUPING_CLIENT_CERT_HEADER (e.g. "HTTP_X_SSL_CLIENT_S_DN"). Unset header name → the plug-in is off,
whatever a client sends.

`certificate_user(request)` maps the subject to an active account by one DN attribute
(SHUPING_CLIENT_CERT_ATTRIBUTE, default "CN"; e.g. "UID" or "serialNumber" per the province's CA
profile) equal to the username. `ClientCertificateProvider.verify()` is the second-factor check: the
certificate presented on this request belongs to the user who gave the password.

Not yet wired: django-otp stores the verifying *device* in the session, so using this as a second factor
in the sign-in pages needs a small django-otp Device model for certificate bindings (an accounts
migration) — see docs/security.md, open items.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .models import User

_DN_PART = re.compile(r"(?:^|[,/])\s*([A-Za-z][A-Za-z0-9.]*)\s*=\s*((?:\\.|[^,/])*)")


def parse_dn(dn: str) -> dict[str, str]:
    """DN attributes from nginx's RFC 2253 (`CN=张三,O=…`) or legacy (`/O=…/CN=张三`) form."""
    return {name.upper(): value.replace("\\,", ",").strip() for name, value in _DN_PART.findall(dn or "")}


def certificate_subject(request: HttpRequest) -> str:
    """The verified subject DN the proxy forwarded, or "" (plug-in off, or no certificate)."""
    header = getattr(settings, "SHUPING_CLIENT_CERT_HEADER", "")
    return request.META.get(header, "").strip() if header else ""


def certificate_user(request: HttpRequest) -> User | None:
    """The active, unlocked account the presented certificate names, or None."""
    attribute = getattr(settings, "SHUPING_CLIENT_CERT_ATTRIBUTE", "CN").upper()
    value = parse_dn(certificate_subject(request)).get(attribute, "")
    if not value:
        return None
    user = User.objects.filter(username=value, is_active=True).first()
    return None if user is None or user.is_locked() else user


class ClientCertificateProvider:
    """Second factor by certificate: applies when the proxy forwarded a verified subject."""

    name = "client_cert"
    label = "USB Key 数字证书"

    def applies_to(self, request: HttpRequest, user: Any) -> bool:
        return bool(certificate_subject(request))

    def is_enrolled(self, user: Any) -> bool:
        return True  # certificates are issued by the CA off-line; nothing to enrol here

    def verify(self, request: HttpRequest, user: Any, response: str = "") -> User | None:
        """The user, if the certificate on this very request names them; else None."""
        holder = certificate_user(request)
        return holder if holder is not None and holder.pk == getattr(user, "pk", None) else None

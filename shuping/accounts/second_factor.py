"""Second factor behind one pluggable interface (SEC-3).

A *provider* proves, after the password, that the person holds something: a phone app (TOTP, built in),
a USB key whose client certificate the proxy verified (plug-in point below), later others. Providers are
listed in SHUPING_SECOND_FACTOR_PROVIDERS; the views ask the first one that applies to the user.

    begin(request, user)  -> Challenge: what to show (enrol with a QR code, or ask for a code)
    verify(request, user, response) -> Device | None: the device that proved it, or None

Plug-in points for deployments (docs/security.md):
- **Client certificate (USB key, SM2)** — terminated at the proxy, which verifies the certificate against
  the issuing CA and forwards the verified subject in the header named by SHUPING_CLIENT_CERT_HEADER
  (and strips that header from client requests). A provider reads it and matches it to the user.
- **SSO (CAS / OIDC, provincial 统一身份认证)** — replaces the password step rather than adding to it: an
  `IdentityProvider` (interface below) sends the browser to the identity provider and maps what returns
  to a User; whether it also counts as the second factor is the provider's declaration.
Neither is enabled by default; both go through the same audit and session services as the built-in flow.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Protocol

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django_otp.plugins.otp_totp.models import TOTPDevice


@dataclass(frozen=True)
class Challenge:
    """What the second-factor page shows.

    kind: "code" — ask for a one-time code from an enrolled device;
          "enrol" — first use: show `qr_svg` / `secret` for the authenticator app, then ask for a code.
    """

    kind: str
    provider: str
    qr_svg: str = ""
    secret: str = ""
    device: Any = None


class SecondFactorProvider(Protocol):
    """The interface every second factor implements."""

    name: str
    label: str

    def applies_to(self, request: HttpRequest, user) -> bool:
        """Whether this provider can serve this user on this request."""

    def is_enrolled(self, user) -> bool:
        """Whether the user has a confirmed device with this provider (else: enrolment first)."""

    def begin(self, request: HttpRequest, user) -> Challenge:
        """Prepare the challenge; for a user with no device, start enrolment."""

    def verify(self, request: HttpRequest, user, response: str) -> Any | None:
        """The device that accepted `response`, or None. Must be throttled against guessing."""


class IdentityProvider(Protocol):
    """Plug-in point for SSO (CAS / OIDC): replaces the password step. Not built in yet."""

    name: str
    label: str
    counts_as_second_factor: bool

    def login_url(self, request: HttpRequest, next_url: str) -> str:
        """Where to send the browser to sign in at the identity provider."""

    def complete(self, request: HttpRequest) -> Any | None:
        """On return from the identity provider: the matching active User, or None."""


def _qr_svg(data: str) -> str:
    """An inline SVG QR code (no external request, works on an intranet)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


class TOTPProvider:
    """Time-based one-time codes (RFC 6238) from any authenticator app, via django-otp's TOTPDevice."""

    name = "totp"
    label = "动态口令（手机验证器）"

    def applies_to(self, request: HttpRequest, user) -> bool:
        return True

    def confirmed_device(self, user) -> TOTPDevice | None:
        return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()

    def is_enrolled(self, user) -> bool:
        return self.confirmed_device(user) is not None

    def begin(self, request: HttpRequest, user) -> Challenge:
        if self.is_enrolled(user):
            return Challenge(kind="code", provider=self.name)
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)
        raw = base64.b32encode(device.bin_key).decode().rstrip("=")
        secret = " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))  # easier to type by hand
        return Challenge(
            kind="enrol", provider=self.name, qr_svg=_qr_svg(device.config_url), secret=secret, device=device
        )

    def verify(self, request: HttpRequest, user, response: str) -> TOTPDevice | None:
        code = "".join(ch for ch in (response or "") if ch.isdigit())
        if len(code) != 6:
            return None
        # An enrolled user verifies against the confirmed device; a new one against the pending device.
        device = self.confirmed_device(user) or (
            TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        )
        if device is None:
            return None
        # TOTPDevice.verify_token throttles repeated failures and refuses a code already used.
        return device if device.verify_token(code) else None


def providers() -> list[SecondFactorProvider]:
    """The configured providers, in order of preference."""
    return [import_string(path)() for path in settings.SHUPING_SECOND_FACTOR_PROVIDERS]


def provider_for(request: HttpRequest, user) -> SecondFactorProvider:
    """The first configured provider that applies to this user."""
    for provider in providers():
        if provider.applies_to(request, user):
            return provider
    raise LookupError("no second-factor provider applies")

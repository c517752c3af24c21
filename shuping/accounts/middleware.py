"""Session lifetime, second factor and password rotation, enforced on every request (SEC-3).

- Idle timeout: 30 min without a request (SESSION_COOKIE_AGE + SESSION_SAVE_EVERY_REQUEST expire the
  session server-side; the last-activity stamp checked here makes it hold for any session backend).
- Absolute timeout: SHUPING_SESSION_ABSOLUTE_SECONDS after sign-in, however active the user is.
- Second factor: a user who must have one (administrators, organizer staff) and whose session is not
  OTP-verified is sent to the second-factor pages — also when the obligation arose after sign-in.
- Rotation: an administrator whose password is older than SHUPING_ADMIN_PASSWORD_MAX_AGE_DAYS is sent
  to 修改密码 until it is changed; so is any account still on a generated initial password.

Sessions of disabled accounts end at once (services.disable_user deletes them); Django's backend also
refuses inactive users on every request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .policy import password_expired, requires_second_factor

SESSION_STARTED = "shuping_session_started_at"
SESSION_LAST_SEEN = "shuping_session_last_seen_at"
#: Why the last session ended, shown once on the login page ("timeout").
LOGOUT_REASON = "shuping_logout_reason"


def _exempt(request, names: tuple[str, ...]) -> bool:
    """Pages a user must reach while the middleware holds them back (and static files)."""
    path = request.path_info
    if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
        return True
    match = getattr(request, "resolver_match", None)
    if match is None:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(path)
        except Resolver404:
            return False
    return match.view_name in names


class SessionTimeoutMiddleware:
    """Ends a session idle for longer than SESSION_COOKIE_AGE or older than the absolute limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.get(SESSION_STARTED)
            last_seen = request.session.get(SESSION_LAST_SEEN)
            idle = last_seen is not None and now - float(last_seen) > settings.SESSION_COOKIE_AGE
            expired = started is not None and now - float(started) > settings.SHUPING_SESSION_ABSOLUTE_SECONDS
            if idle or expired:
                logout(request)
                request.session[LOGOUT_REASON] = "timeout"
                return redirect_to_login(request.get_full_path())
            if started is None:
                request.session[SESSION_STARTED] = now
            request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


SECOND_FACTOR_PAGES = ("accounts:second_factor", "accounts:second_factor_enrol", "accounts:logout")


class SecondFactorMiddleware:
    """Holds a signed-in user who needs a second factor on the second-factor pages until verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SHUPING_REQUIRE_SECOND_FACTOR:
            user = getattr(request, "user", None)
            if (
                user is not None
                and user.is_authenticated
                and not user.is_verified()
                and requires_second_factor(user)
                and not _exempt(request, SECOND_FACTOR_PAGES)
            ):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:second_factor')}?{query}")
        return self.get_response(request)


ROTATION_PAGES = ("accounts:password_change", "accounts:logout", *SECOND_FACTOR_PAGES)


class PasswordRotationMiddleware:
    """Sends an administrator whose password is past its maximum age to 修改密码."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and password_expired(user)
            and not _exempt(request, ROTATION_PAGES)
        ):
            reason = "initial" if user.must_change_password else "expired"
            return redirect(reverse("accounts:password_change") + f"?{reason}=1")
        return self.get_response(request)

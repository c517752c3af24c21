"""Sign-in, second factor, password change and the security administrator's page (SEC-3), in Chinese."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import admin_only, public, signed_in

from . import services, sso
from .forms import ApiTokenForm, LoginForm, ResetSecondFactorForm, SecondFactorForm, ShupingPasswordChangeForm
from .middleware import LOGOUT_REASON
from .models import ApiToken, User
from .policy import client_ip, requires_second_factor
from .second_factor import provider_for
from .selectors import accounts_needing_attention

#: A password verified but the second factor not yet given: {"user_id", "backend", "at", "next"}.
PENDING = "shuping_second_factor_pending"
#: How long a verified password waits for its second factor.
PENDING_SECONDS = 5 * 60


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """Password step; hands over to the second factor when the user needs one."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.session.pop(LOGOUT_REASON, "") == "timeout"
        context["sso_providers"] = sso.configured_providers()
        return context

    def form_valid(self, form):
        user = form.get_user()
        if requires_second_factor(user):
            self.request.session[PENDING] = {
                "user_id": user.pk,
                "backend": user.backend,
                "at": timezone.now().timestamp(),
                "next": self.get_success_url(),
            }
            return redirect("accounts:second_factor")
        auth_login(self.request, user)
        services.register_login_success(user=user, ip=client_ip(self.request))
        return redirect(self.get_success_url())


login_view = public("登录页：未登录用户必须能访问")(LoginView.as_view())
logout_view = public("退出：仅接受 POST，结束当前会话")(auth_views.LogoutView.as_view())


# --- single sign-on (SEC-3 plug-ins: provincial 统一身份认证) -------------------------------------------


@public("统一身份认证：跳转到已配置的认证平台；未配置时不存在（404）")
def sso_start(request: HttpRequest, provider: str) -> HttpResponse:
    plugin = sso.configured_provider(provider)
    if plugin is None:
        raise Http404
    return redirect(plugin.login_url(request, _safe_next(request, request.GET.get("next"))))


@public("统一身份认证回调：认证平台返回后由服务器直接向平台核验，再按本系统账号登录；未配置时不存在")
def sso_callback(request: HttpRequest, provider: str) -> HttpResponse:
    plugin = sso.configured_provider(provider)
    if plugin is None:
        raise Http404
    next_url = (request.session.get(sso.SESSION_KEY) or {}).get("next")
    if sso.sign_in(request, plugin) is None:
        messages.error(
            request, "统一身份认证未通过，或本系统没有对应的有效账号。请重试，或使用用户名和密码登录。"
        )
        return redirect("accounts:login")
    # A user who still owes a second factor is sent on by SecondFactorMiddleware, as after a password.
    return redirect(_safe_next(request, next_url))


# --- second factor -------------------------------------------------------------------------------------


def _candidate(request: HttpRequest) -> User | None:
    """Who is giving a second factor: the user whose password was just verified, or a signed-in user
    who needs one and has not given it this session."""
    user = request.user
    if user.is_authenticated:
        verified = user.is_verified()  # type: ignore[attr-defined]  # set on request.user by django_otp's OTPMiddleware
        return None if verified or not requires_second_factor(user) else user
    pending = request.session.get(PENDING)
    if not pending or timezone.now().timestamp() - float(pending["at"]) > PENDING_SECONDS:
        return None
    candidate = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if candidate is None or candidate.is_locked():
        return None
    return candidate


def _leave(request: HttpRequest) -> HttpResponse:
    """No second factor to give here: go on if signed in, else back to the password."""
    request.session.pop(PENDING, None)
    if request.user.is_authenticated:
        return redirect(_safe_next(request, request.GET.get("next")))
    return redirect("accounts:login")


def _complete(request: HttpRequest, user: User, device, provider_name: str) -> HttpResponse:
    pending = request.session.pop(PENDING, None) or {}
    if request.user.is_authenticated:
        otp_login(request, device)
    else:
        # django-otp stores the verified device in the session on login (an attribute it reads, not a field)
        user.otp_device = device  # type: ignore[attr-defined]
        auth_login(request, user, backend=pending.get("backend") or request.session.get(BACKEND_SESSION_KEY))
    services.register_login_success(user=user, ip=client_ip(request), second_factor=provider_name)
    return redirect(_safe_next(request, pending.get("next") or request.GET.get("next")))


def _refuse(request: HttpRequest, user: User, form: SecondFactorForm) -> HttpResponse | None:
    """A wrong code counts like a wrong password; on lockout the whole sign-in starts over."""
    failed = services.register_login_failure(
        username=user.username, ip=client_ip(request), reason=services.BAD_SECOND_FACTOR
    )
    if failed is not None and failed.is_locked():
        request.session.pop(PENDING, None)
        if request.user.is_authenticated:
            auth_logout(request)
        until = timezone.localtime(failed.locked_until_at).strftime("%H:%M")
        messages.error(request, LoginForm.error_messages["locked"] % {"time": until})
        return redirect("accounts:login")
    form.add_error("code", "动态口令不正确或已使用，请输入验证器上当前显示的 6 位数字。")
    return None


def _check_code(
    request: HttpRequest, user, provider, form: SecondFactorForm, *, enrol: bool
) -> HttpResponse | None:
    """The typed code: signed in (enrolling confirms the device), or refused — a response when the refusal
    ends the attempt (lockout), else None with the error on the form."""
    device = provider.verify(request, user, form.cleaned_data["code"])
    if device is not None:
        if enrol:
            services.confirm_second_factor_device(user=user, device=device)
        return _complete(request, user, device, provider.name)
    return _refuse(request, user, form)


def _second_factor_page(request: HttpRequest, *, enrol: bool) -> HttpResponse:
    user = _candidate(request)
    if user is None:
        return _leave(request)
    provider = provider_for(request, user)
    if provider.is_enrolled(user) == enrol:
        return redirect("accounts:second_factor" if enrol else "accounts:second_factor_enrol")
    challenge = provider.begin(request, user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answered = _check_code(request, user, provider, form, enrol=enrol)
        if answered is not None:
            return answered
    template = "accounts/second_factor_enrol.html" if enrol else "accounts/second_factor.html"
    return render(
        request, template, {"form": form, "challenge": challenge, "candidate": user, "provider": provider}
    )


@public("第二因素：密码已验证、尚待动态口令的用户；无待验证状态时转回登录页")
def second_factor(request: HttpRequest) -> HttpResponse:
    return _second_factor_page(request, enrol=False)


@public("第二因素绑定：密码已验证、尚未绑定验证器的用户；无待验证状态时转回登录页")
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    return _second_factor_page(request, enrol=True)


# --- password --------------------------------------------------------------------------------------------


@signed_in("修改本人密码")
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ShupingPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                user=request.user,
                new_password=form.cleaned_data["new_password1"],
                keep_session_key=request.session.session_key or "",
            )
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect(settings.LOGIN_REDIRECT_URL)
    max_age = settings.SHUPING_ADMIN_PASSWORD_MAX_AGE_DAYS
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "expired": request.GET.get("expired") == "1",
            "initial": request.GET.get("initial") == "1",
            "max_age_days": max_age,
        },
    )


# --- API tokens (API-1) ----------------------------------------------------------------------------------


@signed_in("本人的 API 令牌：签发（只显示一次）与吊销；管理员不签发令牌")
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    issued = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, issued = services.issue_api_token(actor=request.user, name=form.cleaned_data["name"])
        except services.AccountError as error:
            form.add_error("name", str(error))
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    response = render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "issued": issued, "tokens": tokens, "may_issue": not request.user.admin_role},
    )
    response["Cache-Control"] = "no-store"  # the page that shows a new token once must not be cached
    return response


@signed_in("吊销本人的 API 令牌（他人的令牌 404）")
@require_POST
def revoke_api_token(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    api_token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_api_token(actor=request.user, api_token=api_token)
    messages.success(request, f"令牌“{api_token.name}”（{api_token.prefix}…）已吊销。")
    return redirect("accounts:api_tokens")


# --- security administrator ------------------------------------------------------------------------------


@admin_only("security", "安全管理员：查看被锁定或登录失败的账号，解除锁定、重置动态口令")
def security_accounts(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/security_accounts.html",
        {
            "accounts": accounts_needing_attention(),
            "now": timezone.now(),
            "lockout_failures": settings.SHUPING_LOGIN_LOCKOUT_FAILURES,
            "lockout_minutes": settings.SHUPING_LOGIN_LOCKOUT_SECONDS // 60,
        },
    )


@admin_only("security", "安全管理员：解除账号锁定")
@require_POST
def unlock(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(User, pk=user_id)
    services.unlock_user(user=user, actor=request.user)
    messages.success(request, f"已解除 {user.display_name} 的账号锁定。")
    return redirect("accounts:security_accounts")


@admin_only("security", "安全管理员：重置用户的动态口令（手机丢失时）")
@require_POST
def reset_second_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ResetSecondFactorForm(request.POST)
    if form.is_valid():
        services.reset_second_factor(user=form.user, actor=request.user)
        messages.success(request, f"已重置 {form.user.display_name} 的动态口令，其下次登录时需重新绑定。")
    else:
        messages.error(request, "; ".join(str(e) for e in form.errors.get("username", ["请填写用户名。"])))
    return redirect("accounts:security_accounts")

"""Sign-in, second-factor and password forms (SEC-3), in Chinese."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User
from .policy import client_ip


class LoginForm(AuthenticationForm):
    """Django's sign-in form with the lockout and throttle policy and clear Chinese messages.

    Order of checks: the address throttle, then the account lock (the password is not even tried on a
    locked account), then the password. Every outcome is audited through the services; the password is
    never recorded.
    """

    error_messages = {
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("账号已停用。如需恢复，请联系系统管理员。"),
        "locked": _("登录失败次数过多，账号已临时锁定，请于 %(time)s 后重试或联系安全管理员。"),
        "throttled": _("该网络地址登录失败次数过多，请稍后再试。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")

    def _locked_error(self, user: User) -> ValidationError:
        until = timezone.localtime(user.locked_until_at).strftime("%H:%M")
        return ValidationError(self.error_messages["locked"], code="locked", params={"time": until})

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or password is None:
            return self.cleaned_data
        ip = client_ip(self.request) if self.request is not None else ""
        if services.address_throttled(ip=ip):
            services.register_login_failure(username=username, ip=ip, reason=services.THROTTLED)
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        candidate = User.objects.filter(username=username).first()
        if candidate is not None and candidate.is_locked():
            services.register_login_failure(username=username, ip=ip, reason=services.LOCKED)
            raise self._locked_error(candidate)
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is not None:
            return self.cleaned_data
        # The backend refuses disabled accounts; say so only to someone who knows the password.
        if candidate is not None and not candidate.is_active and candidate.check_password(password):
            services.register_login_failure(username=username, ip=ip, reason=services.INACTIVE)
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        user = services.register_login_failure(username=username, ip=ip, reason=services.BAD_CREDENTIALS)
        if user is not None and user.is_locked():
            raise self._locked_error(user)
        raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class SecondFactorForm(forms.Form):
    """The six-digit code from the authenticator app."""

    code = forms.CharField(
        label=_("动态口令"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("请输入 6 位动态口令。")},
    )


class ShupingPasswordChangeForm(PasswordChangeForm):
    """Django's form (current password, new password twice; validators give Chinese messages).

    The view saves through services.change_password, not form.save(). Django reports a refused password
    under the confirmation field; it is shown under 新密码, where the user typed it.
    """

    def _post_clean(self):
        super()._post_clean()
        errors = self._errors.get("new_password2") if self._errors else None
        if not errors:
            return
        refused = [e for e in errors.as_data() if e.code != "password_mismatch"]
        if not refused:
            return
        kept = [e for e in errors.as_data() if e.code == "password_mismatch"]
        del self._errors["new_password2"]
        self.cleaned_data.pop("new_password2", None)
        for error in kept:
            self.add_error("new_password2", error)
        for error in refused:
            self.add_error("new_password1", error)


class ResetSecondFactorForm(forms.Form):
    """Which user lost their authenticator (the security administrator resets it)."""

    username = forms.CharField(label=_("用户名"), max_length=150)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise ValidationError(_("没有这个用户名。"))
        self.user = user
        return username


class ApiTokenForm(forms.Form):
    """Issue a personal API token (API-1): what it is for, so its owner can tell tokens apart."""

    name = forms.CharField(
        label="用途",
        max_length=64,
        error_messages={"required": "请填写令牌用途。", "max_length": "用途不超过 64 个字。"},
    )

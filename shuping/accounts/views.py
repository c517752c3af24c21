"""Sign-in and sign-out in Chinese (SEC-3)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from shuping.core.access import public

login_view = public("登录页：未登录用户必须能访问")(
    auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True)
)
logout_view = public("退出：仅接受 POST，结束当前会话")(auth_views.LogoutView.as_view())

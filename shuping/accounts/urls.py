from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("sso/<slug:provider>/", views.sso_start, name="sso_start"),
    path("sso/<slug:provider>/callback/", views.sso_callback, name="sso_callback"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/enrol/", views.second_factor_enrol, name="second_factor_enrol"),
    path("password/", views.password_change, name="password_change"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("security/", views.security_accounts, name="security_accounts"),
    path("security/users/<int:user_id>/unlock/", views.unlock, name="unlock"),
    path("security/second-factor/reset/", views.reset_second_factor, name="reset_second_factor"),
]

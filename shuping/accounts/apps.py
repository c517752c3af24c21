from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shuping.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

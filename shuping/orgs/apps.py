from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "shuping.orgs"
    label = "orgs"
    verbose_name = "党组织与干部"

from django.urls import path, register_converter

from . import views


class _Format:
    regex = "pdf|docx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_Format, "docfmt")

app_name = "oversight"
urlpatterns = [
    path("", views.index, name="index"),
    path("orgs/<int:pk>/", views.dashboard, name="dashboard"),
    path("orgs/<int:pk>/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/report/", views.report_draft, name="report_draft"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/file.<docfmt:fmt>", views.report_file, name="report_file"),
]

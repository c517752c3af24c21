"""Root URLconf. Every route declares its access rule (shuping.core.access); the harness checks it."""

from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("shuping.core.urls")),
    path("accounts/", include("shuping.accounts.urls")),
    path("orgs/", include("shuping.orgs.urls")),
    path("jobs/", include("shuping.jobs.urls")),
    path("documents/", include("shuping.documents.urls")),
    path("audit/", include("shuping.audit.urls")),
    path("campaigns/", include("shuping.campaigns.urls")),
    path("ballots/", include("shuping.ballots.urls")),
    path("v/", include("shuping.ballots.urls_vote")),
    path("reports/", include("shuping.reports.urls")),
    path("p/", include("shuping.reports.urls_public")),
    path("field/", include("shuping.fieldwork.urls")),
    path("oversight/", include("shuping.oversight.urls")),
    path("meetings/", include("shuping.meetings.urls")),
    path("evaluations/", include("shuping.evaluations.urls")),
    path("feedback/", include("shuping.feedback.urls")),
    path("rectification/", include("shuping.rectification.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "shuping.core.views.bad_request"
handler403 = "shuping.core.views.permission_denied"
handler404 = "shuping.core.views.page_not_found"
handler500 = "shuping.core.views.server_error"

from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("campaigns/<int:pk>/", views.calibration, name="calibration"),
    path("campaigns/<int:pk>/compute/", views.compute, name="compute"),
    path("campaigns/<int:pk>/link-by-name/", views.link_by_name, name="link_by_name"),
    path("campaigns/<int:pk>/propose/", views.propose, name="propose"),
    path("campaigns/<int:pk>/accept-all/", views.accept_all, name="accept_all"),
    path("campaigns/<int:pk>/rules/", views.config, name="config"),
    path("campaigns/<int:pk>/decisions/", views.decisions, name="decisions"),
    path("campaigns/<int:pk>/forms/", views.batch_forms, name="batch_forms"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/adjustments/", views.adjustment_add, name="adjustment_add"),
    path(
        "assessments/<int:pk>/adjustments/<int:entry_pk>/delete/",
        views.adjustment_remove,
        name="adjustment_remove",
    ),
    path("assessments/<int:pk>/opinion/", views.opinion, name="opinion"),
    path("assessments/<int:pk>/opinion/draft/", views.draft_opinion, name="draft_opinion"),
    path("assessments/<int:pk>/flags/", views.flag, name="flag"),
    path("assessments/<int:pk>/redecide/", views.redecide, name="redecide"),
    path("assessments/<int:pk>/form.pdf", views.form_pdf, name="form_pdf"),
    path("assessments/<int:pk>/form.docx", views.form_docx, name="form_docx"),
]

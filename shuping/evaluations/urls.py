from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("campaigns/<int:pk>/", views.calibration, name="calibration"),
    path("campaigns/<int:pk>/rules/", views.config, name="config"),
    path("campaigns/<int:pk>/decisions/", views.decisions, name="decisions"),
    path("campaigns/<int:pk>/forms/", views.batch_forms, name="batch_forms"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/form.pdf", views.form_pdf, name="form_pdf"),
    path("assessments/<int:pk>/form.docx", views.form_docx, name="form_docx"),
]

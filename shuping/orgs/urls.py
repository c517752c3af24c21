from django.urls import path

app_name = "orgs"
urlpatterns: list = []

# ORG-4 import and export (shuping/orgs/views_import.py).
from . import views_import  # noqa: E402

urlpatterns += [
    path("import/", views_import.import_page, name="import"),
    path("import/templates/<str:kind>.<str:fmt>", views_import.import_template, name="import_template"),
    path("import/<int:job_id>/", views_import.import_job, name="import_job"),
    path("import/<int:job_id>/errors.csv", views_import.import_errors, name="import_errors"),
    path("<int:pk>/export.xlsx", views_import.export_subtree, name="export"),
]

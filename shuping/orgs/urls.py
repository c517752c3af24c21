from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("search/", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("people/<int:pk>/", views.person_detail, name="person"),
]

# ORG-4 import and export (shuping/orgs/views_import.py).
from . import views_import  # noqa: E402

urlpatterns += [
    path("import/", views_import.import_page, name="import"),
    path("import/templates/<str:kind>.<str:fmt>", views_import.import_template, name="import_template"),
    path("import/<int:job_id>/", views_import.import_job, name="import_job"),
    path("import/<int:job_id>/errors.csv", views_import.import_errors, name="import_errors"),
    path("<int:pk>/export.xlsx", views_import.export_subtree, name="export"),
]

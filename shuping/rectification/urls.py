from django.urls import path

from . import views, views_exports

app_name = "rectification"
urlpatterns = [
    path("", views.index, name="index"),
    path("assessments/<int:pk>/", views.assessment_list, name="list"),
    path("items/<int:pk>/", views.item, name="item"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("campaigns/<int:pk>/", views.campaign_board, name="campaign"),
    path("campaigns/<int:pk>/annual-grades/", views.annual_grades, name="annual_grades"),
    path("campaigns/<int:pk>/circular.xlsx", views_exports.circular_xlsx, name="circular_xlsx"),
    path("campaigns/<int:pk>/circular.pdf", views_exports.circular_pdf, name="circular_pdf"),
    path("campaigns/<int:pk>/units.xlsx", views_exports.units_xlsx, name="units_xlsx"),
]

from django.urls import path

from . import views, views_publish

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("assessments/<int:pk>/", views.report_edit, name="edit"),
    path("assessments/<int:pk>/upload/", views.report_upload, name="upload"),
    path("assessments/<int:pk>/submit/", views.report_submit, name="submit"),
    path("assessments/<int:pk>/review/", views.report_review, name="review"),
    path("assessments/<int:pk>/print/", views.report_print, name="print"),
    path("assessments/<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("assessments/<int:pk>/original/", views.report_original, name="original"),
    path("assessments/<int:pk>/similar/", views.report_similar, name="similar"),
    path("assessments/<int:pk>/matrix/", views.report_matrix, name="matrix"),
    path("campaigns/<int:pk>/quality/", views.campaign_quality, name="quality"),
    path("campaigns/<int:pk>/publications/", views_publish.publication_list, name="publications"),
    path("publications/<int:pk>/", views_publish.publication_detail, name="publication"),
    path("publications/<int:pk>/export/", views_publish.publication_export, name="publication_export"),
    path("publications/<int:pk>/qr.svg", views_publish.publication_qr, name="publication_qr"),
    path("opinions/<int:pk>/moderate/", views_publish.opinion_moderate, name="opinion_moderate"),
]

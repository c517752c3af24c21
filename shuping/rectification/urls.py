from django.urls import path

from . import views, views_exports, views_writes

app_name = "rectification"
urlpatterns = [
    path("", views.index, name="index"),
    path("assessments/<int:pk>/", views.assessment_list, name="list"),
    path("assessments/<int:pk>/start/", views_writes.list_start, name="list_start"),
    path("assessments/<int:pk>/items/add/", views_writes.list_add_item, name="list_add_item"),
    path(
        "assessments/<int:pk>/items/<int:item_pk>/update/",
        views_writes.list_update_item,
        name="list_update_item",
    ),
    path("assessments/<int:pk>/merge/", views_writes.list_merge, name="list_merge"),
    path("assessments/<int:pk>/submit/", views_writes.list_submit, name="list_submit"),
    path("assessments/<int:pk>/confirm/", views_writes.list_confirm, name="list_confirm"),
    path("assessments/<int:pk>/return/", views_writes.list_return, name="list_return"),
    path("assessments/<int:pk>/admonition/", views_writes.list_admonition, name="list_admonition"),
    path("assessments/<int:pk>/referral/", views_writes.list_referral, name="list_referral"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/progress/", views_writes.item_progress, name="item_progress"),
    path("items/<int:pk>/done/", views_writes.item_done, name="item_done"),
    path("items/<int:pk>/update/", views_writes.item_update, name="item_update"),
    path(
        "items/<int:pk>/milestones/<int:milestone_pk>/done/",
        views_writes.item_milestone,
        name="item_milestone",
    ),
    path("items/<int:pk>/close/", views_writes.item_close, name="item_close"),
    path("items/<int:pk>/send-back/", views_writes.item_send_back, name="item_send_back"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("campaigns/<int:pk>/", views.campaign_board, name="campaign"),
    path("campaigns/<int:pk>/close/", views_writes.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/sample/", views_writes.campaign_sample, name="campaign_sample"),
    path("campaigns/<int:pk>/settings/", views_writes.campaign_settings, name="campaign_settings"),
    path("campaigns/<int:pk>/annual-grades/", views.annual_grades, name="annual_grades"),
    path(
        "campaigns/<int:pk>/annual-grades/record/",
        views_writes.annual_grades_record,
        name="annual_grades_record",
    ),
    path("campaigns/<int:pk>/circular.xlsx", views_exports.circular_xlsx, name="circular_xlsx"),
    path("campaigns/<int:pk>/circular.pdf", views_exports.circular_pdf, name="circular_pdf"),
    path("campaigns/<int:pk>/units.xlsx", views_exports.units_xlsx, name="units_xlsx"),
]

from django.urls import path

from . import views, views_manage

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.wizard_start, name="wizard_start"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/scope/", views.wizard_scope, name="wizard_scope"),
    path("<int:pk>/indicators/", views.wizard_indicators, name="wizard_indicators"),
    path("<int:pk>/schedule/", views.wizard_schedule, name="wizard_schedule"),
    path("<int:pk>/calendar/", views.meeting_calendar, name="calendar"),
    path("<int:pk>/people/", views_manage.campaign_people, name="people"),
    path("<int:pk>/close/", views_manage.campaign_close, name="close"),
    path("<int:pk>/notices/<int:notice_pk>/notice.<str:fmt>", views_manage.notice_file, name="notice_file"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/stage/", views.assessment_stage, name="assessment_stage"),
    path("assessments/<int:pk>/reopen/", views_manage.assessment_reopen, name="assessment_reopen"),
    path("assessments/<int:pk>/liaisons/", views_manage.assessment_liaisons, name="assessment_liaisons"),
    path("assessments/<int:pk>/findings/", views_manage.assessment_findings, name="assessment_findings"),
]

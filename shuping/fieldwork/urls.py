from django.urls import path

from . import views

app_name = "fieldwork"
urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/<int:pk>/", views.plan, name="plan"),
    path("campaigns/<int:pk>/teams/", views.plan_team, name="plan_team"),
    path("campaigns/<int:pk>/cover/", views.plan_cover, name="plan_cover"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/records/", views.record, name="record"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/survey/", views.survey, name="survey"),
    path("<int:pk>/report.<str:fmt>", views.team_report, name="report"),
    path("scores/<int:pk>/override/", views.override, name="override"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("observations/", views.observations, name="observations"),
    path("observations/record/", views.observations_record, name="observations_record"),
]

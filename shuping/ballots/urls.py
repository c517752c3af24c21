"""Organizer pages for ballot boxes at /ballots/ (BAL-1, BAL-2, BAL-6, BAL-8)."""

from django.urls import path

from . import views

app_name = "ballots"
urlpatterns = [
    path("", views.box_list, name="list"),
    path("new/", views.box_create, name="create"),
    path("<int:pk>/", views.box_detail, name="detail"),
    path("<int:pk>/setup/", views.box_setup, name="setup"),
    path("<int:pk>/slips/", views.box_slips, name="slips"),
    path("<int:pk>/transition/", views.box_transition, name="transition"),
    path("<int:pk>/turnout/", views.box_turnout, name="turnout"),
    path("<int:pk>/tally/", views.box_tally, name="tally"),
]

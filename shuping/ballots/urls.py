"""Organizer pages for ballot boxes at /ballots/ (BAL-1, BAL-2, BAL-4, BAL-6, BAL-8, MTG-4)."""

from django.urls import path

from . import views, views_counting

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
    path("<int:pk>/paper/", views_counting.paper_entry, name="paper"),
    path("<int:pk>/paper/submit", views_counting.paper_submit, name="paper_submit"),
    path("<int:pk>/paper/check", views_counting.paper_check, name="paper_check"),
    path("<int:pk>/reconcile/", views_counting.reconcile, name="reconcile"),
    path("<int:pk>/certificate.<str:fmt>", views_counting.certificate_file, name="certificate"),
    path("<int:pk>/screen/", views_counting.screen, name="screen"),
    path("<int:pk>/screen/live", views_counting.screen_live, name="screen_live"),
]

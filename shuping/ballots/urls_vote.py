"""Voting at /v/ (BAL-3): public — voters are credentials, not accounts."""

from django.urls import path

from . import views_counting, views_vote

app_name = "vote"
urlpatterns = [
    path("", views_vote.page, name="page"),
    path("session", views_vote.session, name="session"),
    path("submit", views_vote.submit, name="submit"),
    path("<slug:public_id>/receipts", views_counting.receipts, name="receipts"),
]

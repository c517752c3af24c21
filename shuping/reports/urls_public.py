from django.urls import path

from . import views_public

app_name = "publication"
urlpatterns = [
    path("<str:token>/", views_public.public_page, name="page"),
    path("<str:token>/opinion/", views_public.public_opinion, name="opinion"),
]

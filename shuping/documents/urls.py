from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("register/", views.register_index, name="register_index"),
    path("register/<int:pk>/", views.register, name="register"),
]

from django.urls import path

from . import views, views_commentary, views_offline

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("campaigns/<int:campaign_pk>/new/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/commentary/", views_commentary.commentary_batch, name="commentaries"),
    path("<int:pk>/commentary/<int:commentary_pk>/", views.commentary_edit, name="commentary"),
    path("<int:pk>/day/", views.meeting_day, name="day"),
    path("<int:pk>/day/live", views.meeting_day_live, name="day_live"),
    path("<int:pk>/slips/", views.meeting_slips, name="slips"),
    path("<int:pk>/pack/", views.meeting_pack, name="pack"),
    path("<int:pk>/offline/<int:box_pk>/export", views_offline.offline_export, name="offline_export"),
    path("<int:pk>/offline/import", views_offline.offline_import, name="offline_import"),
    path("offline/box/<int:box_pk>/results", views_offline.offline_results, name="offline_results"),
]

from django.urls import path

from . import views, views_commentary, views_offline, views_writes

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("campaigns/<int:campaign_pk>/new/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/send-plan/", views_writes.send_plan, name="send_plan"),
    path("<int:pk>/ballots/", views_writes.set_up_ballots, name="set_up_ballots"),
    path("<int:pk>/agenda/", views_writes.agenda, name="agenda"),
    path("<int:pk>/attendance/", views_writes.attendance, name="attendance"),
    path("<int:pk>/venues/", views_writes.venue_add, name="venue_add"),
    path("<int:pk>/commenters/", views_writes.commenter_add, name="commenter_add"),
    path("<int:pk>/commentary/draft/", views_writes.draft_commentaries, name="draft_commentaries"),
    path("<int:pk>/commentary/", views_commentary.commentary_batch, name="commentaries"),
    path("<int:pk>/commentary/<int:commentary_pk>/", views.commentary_edit, name="commentary"),
    path("<int:pk>/commentary/<int:commentary_pk>/draft/", views.commentary_draft, name="commentary_draft"),
    path("<int:pk>/day/", views.meeting_day, name="day"),
    path("<int:pk>/day/live", views.meeting_day_live, name="day_live"),
    path("<int:pk>/day/start/", views_writes.day_start, name="day_start"),
    path("<int:pk>/day/next/", views_writes.day_next, name="day_next"),
    path("<int:pk>/day/open-voting/", views_writes.day_open_voting, name="day_open_voting"),
    path("<int:pk>/day/stop-phone/", views_writes.day_stop_phone, name="day_stop_phone"),
    path("<int:pk>/day/close-voting/", views_writes.day_close_voting, name="day_close_voting"),
    path("<int:pk>/day/end/", views_writes.day_end, name="day_end"),
    path("<int:pk>/slips/", views.meeting_slips, name="slips"),
    path("<int:pk>/pack/", views.meeting_pack, name="pack"),
    path("<int:pk>/offline/<int:box_pk>/export", views_offline.offline_export, name="offline_export"),
    path("<int:pk>/offline/import", views_offline.offline_import, name="offline_import"),
    path("offline/box/<int:box_pk>/results", views_offline.offline_results, name="offline_results"),
]

from django.urls import path

from . import views, views_writes

app_name = "feedback"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("campaigns/<int:pk>/", views.board, name="board"),
    path("campaigns/<int:pk>/release/", views_writes.board_release_all, name="board_release_all"),
    path("campaigns/<int:pk>/config/", views_writes.board_config, name="board_config"),
    path("campaigns/<int:pk>/letters/", views.letters, name="letters"),
    path("campaigns/<int:pk>/circulars/", views.circulars, name="circulars"),
    path("campaigns/<int:pk>/circulars/publish/", views_writes.circulars_publish, name="circulars_publish"),
    path("campaigns/<int:pk>/transfers/", views.transfers, name="transfers"),
    path("campaigns/<int:pk>/transfers/seal/", views_writes.transfers_seal, name="transfers_seal"),
    path(
        "campaigns/<int:pk>/transfers/authority/",
        views_writes.transfers_authority,
        name="transfers_authority",
    ),
    path("campaigns/<int:pk>/transfers/rules/", views_writes.transfers_rules, name="transfers_rules"),
    path("campaigns/<int:pk>/transfers/export/", views_writes.transfers_export, name="transfers_export"),
    path("assessments/<int:pk>/", views.feedback, name="feedback"),
    path("assessments/<int:pk>/draft/", views_writes.feedback_draft, name="feedback_draft"),
    path("assessments/<int:pk>/release/", views_writes.feedback_release, name="feedback_release"),
    path("assessments/<int:pk>/acknowledge/", views_writes.feedback_acknowledge, name="feedback_acknowledge"),
    path("assessments/<int:pk>/paper/", views_writes.feedback_paper, name="feedback_paper"),
    path("assessments/<int:pk>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("assessments/<int:pk>/letter.docx", views.letter_docx, name="letter_docx"),
    path("circulars/<int:pk>/", views.circular, name="circular"),
    path("circulars/<int:pk>/document.pdf", views.circular_pdf, name="circular_pdf"),
    path("circulars/<int:pk>/document.docx", views.circular_docx, name="circular_docx"),
    path("transfers/<int:pk>/", views.transfer, name="transfer"),
    path("transfers/<int:pk>/acknowledge/", views_writes.transfer_acknowledge, name="transfer_acknowledge"),
    path("transfers/<int:pk>/paper/", views_writes.transfer_paper, name="transfer_paper"),
    path("transfers/<int:pk>/export/", views_writes.transfer_export, name="transfer_export"),
    path("transfers/<int:pk>/list.pdf", views.transfer_pdf, name="transfer_pdf"),
    path("transfers/<int:pk>/list.docx", views.transfer_docx, name="transfer_docx"),
    path("people/<int:pk>/", views.person, name="person"),
]

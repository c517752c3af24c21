from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("campaigns/<int:pk>/", views.board, name="board"),
    path("campaigns/<int:pk>/letters/", views.letters, name="letters"),
    path("campaigns/<int:pk>/circulars/", views.circulars, name="circulars"),
    path("campaigns/<int:pk>/transfers/", views.transfers, name="transfers"),
    path("assessments/<int:pk>/", views.feedback, name="feedback"),
    path("assessments/<int:pk>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("assessments/<int:pk>/letter.docx", views.letter_docx, name="letter_docx"),
    path("circulars/<int:pk>/", views.circular, name="circular"),
    path("circulars/<int:pk>/document.pdf", views.circular_pdf, name="circular_pdf"),
    path("circulars/<int:pk>/document.docx", views.circular_docx, name="circular_docx"),
    path("transfers/<int:pk>/", views.transfer, name="transfer"),
    path("transfers/<int:pk>/list.pdf", views.transfer_pdf, name="transfer_pdf"),
    path("transfers/<int:pk>/list.docx", views.transfer_docx, name="transfer_docx"),
    path("people/<int:pk>/", views.person, name="person"),
]

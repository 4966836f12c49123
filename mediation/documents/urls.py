from django.urls import path

from mediation.documents import views

app_name = "documents"
urlpatterns = [
    path(
        "cases/<str:reference>/documents/<int:document_id>/download/",
        views.download,
        name="download",
    ),
    path(
        "cases/<str:reference>/certificate/revoke/",
        views.certificate_revoke,
        name="certificate-revoke",
    ),
    path("manage/letter-templates/", views.letter_templates, name="letter-templates"),
    path(
        "manage/letter-templates/<str:code>/",
        views.letter_template_edit,
        name="letter-template-edit",
    ),
    path("verify-certificate/", views.verify, name="verify"),
    path("letters-to-post/", views.letters_to_post, name="letters-to-post"),
    path("letters-to-post/<int:message_id>/pdf/", views.letter_pdf, name="letter-pdf"),
    path("letters-to-post/<int:message_id>/posted/", views.letter_posted, name="letter-posted"),
]

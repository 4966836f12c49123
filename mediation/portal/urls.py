"""The portal's pages, under /portal/. Every URL here must have a row in the permission matrix
(mediation/portal/tests/test_permissions.py), which fails on a URL without one."""

from django.urls import path

from mediation.portal import views

app_name = "portal"

C = "c/<str:reference>/"
urlpatterns = [
    path("", views.start, name="start"),
    path("link/<str:token>/", views.link, name="link"),
    path("new-link/", views.new_link, name="new-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("words-we-use/", views.words, name="words"),
    path("cases/", views.cases, name="cases"),
    path(C, views.case, name="case"),
    path(C + "meeting/", views.meeting, name="meeting"),
    path(C + "meeting/calendar.ics", views.meeting_ics, name="meeting-ics"),
    path(C + "dates/", views.dates, name="dates"),
    path(C + "supporter/", views.supporter, name="supporter"),
    path(C + "outcome/", views.outcome, name="outcome"),
    path(C + "certificate/", views.certificate, name="certificate"),
    path(C + "documents/", views.documents_and_files, name="documents-and-files"),
    path(C + "documents/letters/<int:document_id>/", views.document_download, name="document"),
    path(C + "documents/files/<int:upload_id>/", views.upload, name="upload"),
    path(C + "attendee/", views.attendee, name="attendee"),
    path(C + "actions/", views.actions, name="actions"),
    path(C + "actions/<int:action_id>/", views.action_progress, name="action"),
    path(C + "information/", views.information, name="information"),
    path("views/", views.views, name="views"),
    path("views/thank-you/", views.views_thanks, name="views-thanks"),
]

"""The survey behind a person's link (under /portal/, with the portal's session) and the staff
pages of a case's feedback. Each URL has its row in the access matrix
(mediation/common/tests/test_every_url.py)."""

from django.urls import path

from mediation.feedback import views

app_name = "feedback"

urlpatterns = [
    path("portal/feedback/", views.survey, name="survey"),
    path("portal/feedback/thank-you/", views.thanks, name="thanks"),
    path("cases/<str:reference>/feedback/", views.case_feedback, name="case"),
    path("cases/<str:reference>/feedback/record/", views.record, name="record"),
    path("cases/<str:reference>/feedback/send/", views.send, name="send"),
]

from django.urls import path

from mediation.privacy import views

app_name = "privacy"

urlpatterns = [
    path("manage/privacy/", views.overview, name="overview"),
    path("manage/privacy/erasure/<int:request_id>/", views.erasure_decide, name="erasure-decide"),
    path("manage/privacy/subject-access/", views.subject_access, name="subject-access"),
    path(
        "manage/privacy/subject-access/download/",
        views.subject_access_download,
        name="subject-access-download",
    ),
    path("cases/<str:reference>/privacy/", views.case_privacy, name="case"),
]

from django.urls import path

from mediation.uploads import views

app_name = "uploads"

urlpatterns = [
    path("cases/<str:reference>/uploads/", views.case_files, name="case-files"),
    path("cases/<str:reference>/uploads/upload/", views.upload_add, name="upload"),
    path(
        "cases/<str:reference>/uploads/<int:upload_id>/download/",
        views.upload_download,
        name="download",
    ),
    path(
        "cases/<str:reference>/uploads/<int:upload_id>/share/",
        views.upload_share,
        name="share",
    ),
    path(
        "cases/<str:reference>/uploads/<int:upload_id>/remove/",
        views.upload_remove,
        name="remove",
    ),
    path(
        "cases/<str:reference>/uploads/views/record/",
        views.child_views_add,
        name="child-views-record",
    ),
]

from django.urls import path

from mediation.uploads import views

app_name = "uploads"

urlpatterns = [
    path(
        "cases/<str:reference>/documents/<int:upload_id>/download/",
        views.upload_download,
        name="download",
    ),
]

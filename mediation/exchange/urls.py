"""The caseload pages, under Manage. Each URL has its row in the access matrix
(mediation/common/tests/test_every_url.py)."""

from django.urls import path

from mediation.exchange import views

app_name = "exchange"

ONE = "manage/caseload/import/<int:import_id>/"
urlpatterns = [
    path("manage/caseload/import/", views.import_start, name="import"),
    path("manage/caseload/import/template.csv", views.import_template, name="import-template"),
    path(ONE + "columns/", views.import_columns, name="import-columns"),
    path(ONE, views.import_detail, name="import-detail"),
    path(ONE + "progress/", views.import_progress, name="import-progress"),
    path(ONE + "start/", views.import_run, name="import-run"),
    path("manage/caseload/export/", views.export_caseload, name="export"),
    path("manage/hand-over/", views.handover_start, name="handover"),
    path("manage/hand-over/<int:handover_id>/", views.handover_detail, name="handover-detail"),
    path(
        "manage/hand-over/<int:handover_id>/progress/",
        views.handover_progress,
        name="handover-progress",
    ),
    path(
        "manage/hand-over/<int:handover_id>/archive.zip",
        views.handover_download,
        name="handover-download",
    ),
]

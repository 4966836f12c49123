from django.urls import path

from mediation.reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/cases/", views.cases, name="cases"),
    path("reports/export/cases.csv", views.export_cases, name="export-cases"),
    path("reports/export/counts.csv", views.export_counts, name="export-counts"),
    path("reports/export/appeals.csv", views.export_appeals, name="export-appeals"),
    path("reports/sen2/", views.sen2, name="sen2"),
    path("reports/export/sen2.csv", views.export_sen2, name="export-sen2"),
    path("reports/export/feedback.csv", views.export_feedback, name="export-feedback"),
    path("reports/quarterly/", views.quarterly, name="quarterly"),
    path("reports/quarterly/<int:report_id>/", views.quarterly_detail, name="quarterly-detail"),
    path("reports/quarterly/<int:report_id>/pdf/", views.quarterly_pdf, name="quarterly-pdf"),
    path("reports/quarterly/<int:report_id>/send/", views.quarterly_send, name="quarterly-send"),
    path("cases/<str:reference>/appeal/", views.appeal, name="appeal"),
]

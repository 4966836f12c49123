from django.urls import path

from mediation.privacy import audit_log_views as views

app_name = "audit"

urlpatterns = [
    path("manage/audit-log/", views.audit_log, name="log"),
    path("manage/audit-log/check/", views.audit_check, name="check"),
]

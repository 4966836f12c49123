from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mediation.audit"
    label = "audit"
    verbose_name = "Audit log"

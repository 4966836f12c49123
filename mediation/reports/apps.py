from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mediation.reports"
    label = "reports"
    verbose_name = "Reports and KPIs"

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "mediation.exchange"
    label = "exchange"
    verbose_name = "Caseload import, export and hand-over"

from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "mediation.parties"
    label = "parties"
    verbose_name = "Parties, attendance and expenses"

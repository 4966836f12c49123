from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "mediation.outcomes"
    label = "outcomes"
    verbose_name = "Outcome statements and agreed actions"

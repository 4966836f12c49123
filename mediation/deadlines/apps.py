from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "mediation.deadlines"
    label = "deadlines"
    verbose_name = "Statutory deadlines"

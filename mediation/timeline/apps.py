from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "mediation.timeline"
    label = "timeline"
    verbose_name = "Case history"

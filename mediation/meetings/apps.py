from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "mediation.meetings"
    label = "meetings"
    verbose_name = "Meetings and scheduling"

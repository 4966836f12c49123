from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "mediation.common"
    label = "common"

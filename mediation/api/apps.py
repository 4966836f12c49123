from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mediation.api"
    label = "api"
    verbose_name = "The local authorities' API"

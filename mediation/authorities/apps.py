from django.apps import AppConfig


class AuthoritiesConfig(AppConfig):
    name = "mediation.authorities"
    label = "authorities"
    verbose_name = "Commissioning local authorities"

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "mediation.portal"
    label = "portal"
    verbose_name = "Secure portal for parties"

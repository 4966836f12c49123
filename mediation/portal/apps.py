from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "mediation.portal"
    label = "portal"
    verbose_name = "Secure portal for parties"

    def ready(self) -> None:
        from mediation.portal import session  # noqa: F401  (connects the sign-in signal)

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "mediation.portal"
    label = "portal"
    verbose_name = "Secure portal for parties"

    def ready(self) -> None:
        from mediation.portal import session

        session.connect_signals()  # staff sign-in ends a portal session; dates offered

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "mediation.portal"
    label = "portal"
    verbose_name = "Secure portal for parties"

    def ready(self) -> None:
        # A staff sign-in ends a portal session (session.py connects that on import); new
        # meeting dates email the parties (signals.py).
        from mediation.portal import session  # noqa: F401, PLC0415 (apps load before models)
        from mediation.portal.signals import connect_signals  # noqa: PLC0415 (apps load before models)

        connect_signals()

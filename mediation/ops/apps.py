from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the service: health check, the task worker's heartbeat and periodic duties,
    the database-unavailable page, backups and restores (ADR 0025)."""

    name = "mediation.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from anymail.signals import tracking  # noqa: PLC0415 (connected once the apps are ready)

        from mediation.ops import middleware  # noqa: F401, PLC0415 (connects its got_request_exception receiver; apps load before models)
        from mediation.ops.deliveries import tracking_received  # noqa: PLC0415 (imports models)

        tracking.connect(tracking_received, dispatch_uid="ops_delivery_tracking")

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the service: health check, the task worker's heartbeat and periodic duties,
    the database-unavailable page, backups and restores (ADR 0025)."""

    name = "mediation.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from mediation.ops import middleware  # noqa: F401, PLC0415 (connects its got_request_exception receiver; apps load before models)

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "mediation.feedback"
    label = "feedback"
    verbose_name = "What the people on a case thought of the service"

    def ready(self) -> None:
        # A case that closes sends the end-of-case survey (signals.py).
        from mediation.feedback.signals import connect_signals  # noqa: PLC0415 (apps load before models)

        connect_signals()

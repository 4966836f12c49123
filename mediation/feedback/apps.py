from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "mediation.feedback"
    label = "feedback"
    verbose_name = "What families and everyone on a case thought of the service"

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "mediation.privacy"
    label = "privacy"
    verbose_name = "Retention, subject access and erasure"

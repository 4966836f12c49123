from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "mediation.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks to local authorities' systems"

from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "mediation.uploads"
    label = "uploads"
    verbose_name = "Files sent to the service and children's views"

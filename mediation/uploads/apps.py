from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "mediation.uploads"
    label = "uploads"
    verbose_name = "Uploaded documents and children's views"

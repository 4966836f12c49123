from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "mediation.documents"
    label = "documents"
    verbose_name = "Documents and certificates"

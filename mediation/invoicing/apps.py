from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "mediation.invoicing"
    label = "invoicing"
    verbose_name = "Invoices and tariffs"

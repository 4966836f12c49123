from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """Moving a case along its route, and the staff pages built on its steps and clocks."""

    name = "mediation.workflow"
    label = "workflow"
    verbose_name = "Case workflow"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Made-up data: the demo that `make run` loads, and the synthetic cases (up to a million)
    that the benchmark and the scale tests use. Nothing in the product imports this app."""

    name = "mediation.demo"
    label = "demo"
    verbose_name = "Demo and synthetic data"

from django_tasks import task

from mediation.privacy.services import retention_run


@task()
def retention_task() -> int:
    """Daily; idempotent (a second run the same day lists and removes nothing more)."""
    return len(retention_run().anonymised)

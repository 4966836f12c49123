from django_tasks import task

from mediation.deadlines.services import open_cases_recalculate_for_change


@task()
def calendar_change_task(change_id: int) -> int:
    return open_cases_recalculate_for_change(change_id=change_id)

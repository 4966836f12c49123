from django_tasks import task

from mediation.exchange.handover import handover_close_run, handover_make
from mediation.exchange.services import caseload_import_check, caseload_import_run


@task()
def caseload_check_task(job_id: int) -> bool:
    return caseload_import_check(job_id=job_id)


@task()
def caseload_import_task(job_id: int) -> bool:
    return caseload_import_run(job_id=job_id)


@task()
def handover_make_task(handover_id: int) -> bool:
    return handover_make(handover_id=handover_id)


@task()
def handover_close_task(handover_id: int, by_id: int) -> bool:
    return handover_close_run(handover_id=handover_id, by_id=by_id)

from django_tasks import task

from mediation.exchange.services import caseload_import_check, caseload_import_run


@task()
def caseload_check_task(job_id: int) -> bool:
    return caseload_import_check(job_id=job_id)


@task()
def caseload_import_task(job_id: int) -> bool:
    return caseload_import_run(job_id=job_id)

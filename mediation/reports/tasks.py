from django_tasks import task

from mediation.reports.services import quarterly_report_generate


@task()
def quarterly_report_task(report_id: int, version: int) -> bool:
    return quarterly_report_generate(report_id=report_id, version=version)

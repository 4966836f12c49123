from django_tasks import task

from mediation.feedback.services import survey_invite_case


@task()
def survey_invite_task(case_id: int) -> int:
    return survey_invite_case(case_id=case_id)

from django_tasks import task

from mediation.portal.notices import party_notices_send


@task()
def party_notices_task(case_id: int) -> int:
    """Tell the parties of one case what is newly needed from them (after dates are offered, a
    meeting is booked, a statement is sent to agree...)."""
    return party_notices_send(case_id=case_id)

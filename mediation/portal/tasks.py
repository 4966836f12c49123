"""The portal's background work: a sign-in link asked for by address (ADR 0011, issue 20), and
telling the parties of a case what is newly needed from them (ADR 0040)."""

from django_tasks import task

from mediation.common.encryption import decrypt_text
from mediation.portal.notices import party_notices_send
from mediation.portal.services import sign_in_links_send


@task()
def party_notices_task(case_id: int) -> int:
    """Tell the parties of one case what is newly needed from them (after dates are offered, a
    meeting is booked, a statement is sent to agree...)."""
    return party_notices_send(case_id=case_id)


@task()
def sign_in_links_task(sealed_email: str) -> int:
    """Look the address up and email its links, out of the request (sign_in_links_ask)."""
    return sign_in_links_send(email=decrypt_text(sealed_email)).sent

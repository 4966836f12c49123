"""The portal's background work: a sign-in link asked for by address (ADR 0011, issue 20)."""

from django_tasks import task

from mediation.common.encryption import decrypt_text
from mediation.portal.services import sign_in_links_send


@task()
def sign_in_links_task(sealed_email: str) -> int:
    """Look the address up and email its links, out of the request (sign_in_links_ask)."""
    return sign_in_links_send(email=decrypt_text(sealed_email)).sent

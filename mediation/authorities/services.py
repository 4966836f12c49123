from django.db import transaction
from django.http import HttpRequest

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.authorities.models import LocalAuthority


@transaction.atomic
def local_authority_save(
    *, authority: LocalAuthority, by: User, request: HttpRequest | None = None
) -> LocalAuthority:
    creating = authority.pk is None
    authority.save()
    audit_record(
        actor=by,
        verb="local_authority.create" if creating else "local_authority.update",
        target=authority,
        request=request,
    )
    return authority

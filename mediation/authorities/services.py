from django.db import transaction
from django.http import HttpRequest

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.authorities.models import LocalAuthority
from mediation.common.models import ServiceDetails
from mediation.common.service_details import service_contact_forget


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


@transaction.atomic
def service_details_save(
    *, details: ServiceDetails, by: User, request: HttpRequest | None = None
) -> ServiceDetails:
    """Managers' change to how parties reach the service (Manage → Service details)."""
    details.save()
    audit_record(actor=by, verb="service_details.update", target=details, request=request)
    transaction.on_commit(service_contact_forget)
    return details

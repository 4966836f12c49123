"""Writes for the commissioning LAs and their contracts, each with an audit event."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.authorities.models import Contract, LocalAuthority
from mediation.common.errors import ServiceError
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


def contract_overlap(
    contract: Contract, members: Iterable[LocalAuthority]
) -> tuple[LocalAuthority, Contract] | None:
    """A member LA already in another contract on some day of this one's dates."""
    others = Contract.objects.exclude(pk=contract.pk).filter(
        members__in=[member.pk for member in members]
    )
    if contract.ends_on is not None:
        others = others.filter(starts_on__lte=contract.ends_on)
    others = others.exclude(ends_on__lt=contract.starts_on)
    for other in others.prefetch_related("members").distinct():
        for member in members:
            if any(m.pk == member.pk for m in other.members.all()):
                return member, other
    return None


@transaction.atomic
def contract_save(
    *,
    contract: Contract,
    members: Iterable[LocalAuthority],
    by: User,
    request: HttpRequest | None = None,
) -> Contract:
    """Add or change a contract: its lead council, member LAs (the lead always among them) and
    dates. An LA may be in only one contract on any day."""
    if not by.can_manage_service:
        raise ServiceError("Only managers keep the contracts.")
    if contract.ends_on is not None and contract.ends_on < contract.starts_on:
        raise ServiceError("The contract must end on or after the day it starts.")
    chosen = {member.pk: member for member in members}
    chosen.setdefault(contract.lead.pk, contract.lead)
    # Lock the LAs so two managers cannot put one LA in two contracts at the same moment.
    list(LocalAuthority.objects.select_for_update().filter(pk__in=list(chosen)))
    clash = contract_overlap(contract, chosen.values())
    if clash is not None:
        member, other = clash
        raise ServiceError(
            f"{member.name} is already in the contract “{other.name}” on some of these dates. "
            "Give that contract an end date first, or choose other dates."
        )
    creating = contract.pk is None
    contract.save()
    contract.members.set(list(chosen.values()))
    audit_record(
        actor=by,
        verb="contract.create" if creating else "contract.update",
        target=contract,
        request=request,
        detail={
            "lead": contract.lead_id,
            "members": sorted(chosen),
            "starts_on": contract.starts_on.isoformat(),
            "ends_on": contract.ends_on.isoformat() if contract.ends_on else None,
        },
    )
    return contract

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import (
    EncryptedTOTPDevice,
    MediatorCpd,
    MediatorRegistration,
    Role,
    User,
)
from mediation.audit.services import audit_record
from mediation.common.errors import ServiceError
from mediation.notifications.services import message_queue


def _end_sessions_of(user: User, *, keep: str | None = None) -> None:
    """Delete every session of the user (ASVS 7.4.2: disabling or changing credentials ends them),
    except `keep` (the session key of the request making the change, when the user changes their
    own account: that one gets a new key instead, see accounts.views.user_edit)."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


@transaction.atomic
def staff_user_save(
    *,
    user: User,
    password: str,
    by: User,
    employed_by: Iterable[Any] | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Create or update a staff account. A change of privilege (a new password, a new role,
    deactivation) ends the user's sessions: they sign in again with what they may now do. When
    the user changes their own account, the session they made the change in is kept, and the
    view gives it a new key."""
    creating = user.pk is None
    role_before = (
        None if creating else User.objects.filter(pk=user.pk).values_list("role", flat=True).first()
    )
    role_changed = not creating and role_before != user.role
    changed_credentials = bool(password) or role_changed or (not creating and not user.is_active)
    if password:
        user.set_password(password)
    user.save()
    if employed_by is not None:
        user.employed_by_authorities.set(employed_by)
    if changed_credentials and not creating:
        keep = None
        if request is not None and by.pk == user.pk and hasattr(request, "session"):
            keep = request.session.session_key  # one's own: this session gets a new key instead
        _end_sessions_of(user, keep=keep)
    if password and not creating:
        security_notice(
            user,
            what="password",
            subject="Your password for the case system was changed",
            body="A manager set a new password for your account.",
        )
    audit_record(
        actor=by,
        verb="user.create" if creating else "user.update",
        target=user,
        request=request,
        detail={
            "role": user.role,
            "active": user.is_active,
            "password_changed": bool(password),
            "role_changed": role_changed,
        },
    )
    return user


@transaction.atomic
def staff_two_factor_reset(*, user: User, by: User, request: HttpRequest | None = None) -> None:
    """A lost phone: remove the user's authenticator so that they set up a new one at their next
    sign-in; every session of theirs ends now (ASVS 7.4.2)."""
    if user.pk == by.pk:
        raise ValueError("Ask another manager to reset your own authenticator")
    EncryptedTOTPDevice.objects.filter(user=user).delete()
    _end_sessions_of(user)
    audit_record(actor=by, verb="user.two_factor_reset", target=user, request=request)
    security_notice(
        user,
        what="authenticator",
        subject="Your authenticator app for the case system was reset",
        body="A manager removed the authenticator app from your account. At your next sign-in "
        "you will be asked to set one up again.",
    )


def security_notice(user: User, *, what: str, subject: str, body: str) -> None:
    """Tell a staff member about a change to how they sign in (ASVS 6.3.7), so that a change they
    did not expect is noticed."""
    if not user.email:
        return
    message_queue(
        key=f"security:{what}:{user.pk}:{timezone.now().isoformat()}",
        to_email=user.email,
        to_name=user.display_name,
        subject=subject,
        body=f"{body}\n\nIf you did not expect this, tell your manager straight away.\n",
    )


# The mediators' register ----------------------------------------------------------------------


def _require_mediator(mediator: User, by: User) -> None:
    if not by.can_manage_service:
        raise ServiceError("Only managers keep the mediators' register.")
    if mediator.role != Role.MEDIATOR:
        raise ServiceError(f"{mediator.display_name} is not a mediator.")


@transaction.atomic
def mediator_registration_save(
    *, mediator: User, by: User, data: dict[str, Any], request: HttpRequest | None = None
) -> MediatorRegistration:
    """Record a mediator's registration (register, number, renewal date) and accreditation. A
    new renewal date is a renewal: managers are reminded again before it."""
    _require_mediator(mediator, by)
    fields = ("register", "number", "renews_on", "accreditation", "accredited_on")
    entry, created = MediatorRegistration.objects.select_for_update().get_or_create(
        mediator=mediator, defaults={**{name: data.get(name) for name in fields}, "updated_by": by}
    )
    before = None if created else entry.renews_on
    if not created:
        for name in fields:
            setattr(entry, name, data.get(name))
        entry.updated_by = by
        entry.save()
    audit_record(
        actor=by,
        verb="mediator_registration.save",
        target=entry,
        request=request,
        detail={
            "mediator": mediator.pk,
            "renews_on": entry.renews_on.isoformat(),
            "previous_renews_on": before.isoformat() if before else None,
        },
    )
    return entry


@transaction.atomic
def mediator_cpd_save(
    *, mediator: User, by: User, data: dict[str, Any], request: HttpRequest | None = None
) -> MediatorCpd:
    """Record a mediator's CPD hours for a year (a second entry for a year replaces the first)."""
    _require_mediator(mediator, by)
    cpd, _created = MediatorCpd.objects.update_or_create(
        mediator=mediator,
        year=data["year"],
        defaults={"hours": data["hours"], "note": data.get("note", ""), "updated_by": by},
    )
    audit_record(
        actor=by,
        verb="mediator_cpd.save",
        target=cpd,
        request=request,
        detail={"mediator": mediator.pk, "year": cpd.year, "hours": str(cpd.hours)},
    )
    return cpd

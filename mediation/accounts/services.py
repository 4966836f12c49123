from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record


def _end_sessions_of(user: User) -> None:
    """Delete every session of the user (ASVS 7.4.2: disabling or changing credentials ends them)."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
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
    """Create or update a staff account; a new password or deactivation ends the user's sessions."""
    creating = user.pk is None
    changed_credentials = bool(password) or (not creating and not user.is_active)
    if password:
        user.set_password(password)
    user.save()
    if employed_by is not None:
        user.employed_by_authorities.set(employed_by)
    if changed_credentials and not creating:
        _end_sessions_of(user)
    audit_record(
        actor=by,
        verb="user.create" if creating else "user.update",
        target=user,
        request=request,
        detail={"role": user.role, "active": user.is_active, "password_changed": bool(password)},
    )
    return user

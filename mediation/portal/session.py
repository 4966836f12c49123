"""The portal session: separate from staff sign-in, and the one gate every portal page uses.

A party has no user account. Signing in (the POST of "Continue" on a link) flushes the session
(a new session key; any staff sign-in in that browser ends) and stores a signed value holding
the PortalAccess id and the time. The session is Django's own, so the 30-minute idle limit
(SESSION_COOKIE_AGE, kept by IdleSessionMiddleware without writes, ADR 0050) is the staff one; the absolute limit
(SESSION_ABSOLUTE_AGE) is checked here. Nothing from request.user is ever consulted, so a staff
session reaches no portal data, and no portal session reaches a staff page (they need a user).

`portal_view(kinds...)` is the only way into a portal page: it loads the access from the session,
checks it is not revoked, that the case in the URL is one this person was invited to, that their
kind may use the page, and audits the read with the party as the actor. Anything else is the
same 404 page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mediation.audit.reads import read_noted, reads_actor, refusal_noted
from mediation.cases.models import Case
from mediation.portal.models import ONE_FORM_KINDS, AccessKind, PortalAccess

SESSION_KEY = "portal_access"
_SALT = "mediation.portal.session"


def portal_sign_in(request: HttpRequest, access: PortalAccess) -> None:
    request.session.flush()  # new key, nothing carried over (staff sign-in included)
    request.session[SESSION_KEY] = signing.dumps(
        {"a": access.pk, "t": int(time.time())}, salt=_SALT
    )


def portal_sign_out(request: HttpRequest) -> None:
    request.session.flush()


def signed_in_access_id(request: HttpRequest) -> int | None:
    value = request.session.get(SESSION_KEY)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=_SALT)
    except signing.BadSignature:
        return None
    if int(time.time()) - int(data.get("t", 0)) >= settings.SESSION_ABSOLUTE_AGE:
        return None
    access_id = data.get("a")
    return access_id if isinstance(access_id, int) else None


@receiver(user_logged_in)
def _staff_sign_in_ends_portal_session(sender, request, user, **kwargs) -> None:  # noqa: ANN001, ARG001
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


def not_found(request: HttpRequest) -> HttpResponse:
    """The one answer for a page you may not see, are not signed in for, or that does not exist."""
    return render(request, "portal/not_found.html", status=404)


def current_access(request: HttpRequest) -> PortalAccess | None:
    """The access this browser signed in with, if it is still active."""
    access_id = signed_in_access_id(request)
    if access_id is None:
        return None
    return (
        PortalAccess.objects.select_related("case", "party", "case__local_authority")
        .filter(pk=access_id, revoked_at=None)
        .first()
    )


def sibling_accesses(access: PortalAccess) -> QuerySet[PortalAccess]:
    """The active accesses of the person signed in: the same email address, on any case, except
    child's views and survey links (such a link never opens anything but its own form)."""
    if access.kind in ONE_FORM_KINDS:
        return PortalAccess.objects.filter(pk=access.pk, revoked_at=None)
    return PortalAccess.objects.filter(email=access.email, revoked_at=None).exclude(
        kind__in=ONE_FORM_KINDS
    )


# The verb of a party's reads in the audit log (staff reads are "read").
PORTAL_READ = "portal.view"


def _refusal_of_a_real_case(reference: str | None, **detail: Any) -> None:
    """A portal URL naming a case that exists, refused: noted for the audit log (a URL naming
    no real case is only a 404)."""
    if reference is None:
        return
    case_id = Case.objects.filter(reference=reference).values_list("pk", flat=True).first()
    if case_id is not None:
        refusal_noted(Case, case_id, case_id=case_id, **detail)


class PortalRequest(HttpRequest):
    """A request to a portal page (portal_view): `portal_access` is the signed-in person's access
    for the page, which the portal's base template reads. Used in annotations only."""

    portal_access: PortalAccess


def portal_view(*kinds: str) -> Callable[..., Any]:
    """The gate of every portal page. Views get `(request, access, ...)`; a URL with a
    `reference` gets the access of the signed-in person for that case."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            signed_in = current_access(request)
            reference = kwargs.pop("reference", None)
            if signed_in is None:
                if request.session.get(SESSION_KEY):
                    portal_sign_out(request)  # revoked or timed out: end it
                _refusal_of_a_real_case(reference)
                return not_found(request)
            # Whatever this request shows or refuses is recorded with the party as the actor
            # (one event per request, mediation.audit.reads).
            reads_actor(signed_in.actor, verb=PORTAL_READ)
            access = signed_in
            if reference is not None:
                for_case = (
                    sibling_accesses(signed_in)
                    .select_related("case", "party", "case__local_authority")
                    .filter(case__reference=reference)
                    .order_by("id")
                    .first()
                )
                if for_case is None or for_case.kind in ONE_FORM_KINDS:
                    _refusal_of_a_real_case(reference, object="portal_case")
                    return not_found(request)
                access = for_case
                reads_actor(access.actor, verb=PORTAL_READ)
            if access.kind not in kinds:
                refusal_noted(
                    PortalAccess,
                    access.pk,
                    case_id=access.case_id,
                    object="portal_page",
                )
                return not_found(request)
            read_noted(access)
            portal_request = cast(PortalRequest, request)  # it gains its access here
            portal_request.portal_access = access
            return view(portal_request, access, *args, **kwargs)

        return wrapped

    return decorator


ALL_KINDS = (AccessKind.PARENT, AccessKind.LA_OFFICER, AccessKind.INFORMATION_PROVIDER)

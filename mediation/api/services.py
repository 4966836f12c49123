"""Tokens, the limit on calls, the LA's writes through the API, and the periodic agreed-action
events.

The writes (`la_informed_record`, `attendee_record`, `action_done_record`,
`action_new_date_record`) are thin: each locks the case, returns at once when the same thing is
already recorded (so a repeated identical call records nothing twice), refuses a different
answer to a question already answered (a StaleCase: 409), and otherwise calls the same service
as the staff page (workflow, parties, outcomes), which applies the same rules and records the
history and audit event with the LA's system as the actor.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.authorities.actors import AuthoritySystem
from mediation.authorities.models import LocalAuthority
from mediation.cases.models import Case
from mediation.common.errors import NotAllowed, ServiceError, StaleCase
from mediation.deadlines.clocks import AGREED_ACTION_PREFIX, service_calendar
from mediation.deadlines.models import Deadline
from mediation.documents.services import rate_take
from mediation.domain.case_states import CaseState, Step
from mediation.domain.dates import format_day
from mediation.outcomes.models import AgreedAction, OutcomeStatement
from mediation.outcomes.services import action_mark_done, action_vary
from mediation.parties.services import la_attendee_name
from mediation.webhooks.models import EventKind
from mediation.webhooks.selectors import authorities_wanting
from mediation.webhooks.services import webhook_event_record
from mediation.workflow.selectors import case_steps
from mediation.workflow.services import case_take_step

from .models import ApiToken, Scope

TOKEN_PREFIX = "mla_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Tokens --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    # The token itself: shown once, never stored.
    secret: str


def _token_refusal(name: str, scopes: list[str], expires_on: date, today: date) -> str | None:
    if not name.strip():
        return "Enter a name for the token, such as the system that will use it."
    if len(name.strip()) > 100:
        return "The name must be 100 characters or fewer."
    if not scopes:
        return "Choose what the token may do."
    if not set(scopes) <= set(Scope.values):
        return "Choose what the token may do from the list."
    if expires_on <= today:
        return "The expiry date must be in the future."
    if expires_on > today + timedelta(days=settings.API_TOKEN_MAX_DAYS):
        latest = today + timedelta(days=settings.API_TOKEN_MAX_DAYS)
        return f"The expiry date must be on or before {format_day(latest)}."
    return None


@transaction.atomic
def token_create(
    *,
    authority: LocalAuthority,
    name: str,
    scopes: list[str],
    expires_on: date,
    by: User | None,
    request: HttpRequest | None = None,
) -> NewToken:
    """Make a token for the LA's system. `by` is the manager, or None for `manage.py api_token`.
    The token ends at the start of `expires_on` (London time)."""
    if by is not None and not by.can_manage_service:
        raise NotAllowed("Only managers can make API tokens.")
    today = timezone.localdate()
    refusal = _token_refusal(name, scopes, expires_on, today)
    if refusal:
        raise ServiceError(refusal)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.make_aware(datetime.combine(expires_on, datetime.min.time()))
    token = ApiToken.objects.create(
        local_authority=authority,
        name=name.strip(),
        prefix=secret[:12],
        token_hash=hash_token(secret),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
        created_by=by,
    )
    audit_record(
        actor=by or "manage.py api_token",
        verb="api.token_create",
        target=token,
        request=request,
        detail={"authority": authority.code, "scopes": token.scopes},
    )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(
    *, token: ApiToken, by: User | None, request: HttpRequest | None = None
) -> ApiToken:
    """Stop the token working at once (its calls stay in the audit log)."""
    if by is not None and not by.can_manage_service:
        raise NotAllowed("Only managers can revoke API tokens.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=by or "manage.py api_token", verb="api.token_revoke", target=token, request=request
    )
    return token


def token_find(secret: str) -> ApiToken | None:
    """The usable token with this secret (not revoked, not expired), or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("local_authority")
        .filter(token_hash=hash_token(secret))
        .first()
    )
    return token if token is not None and token.is_usable else None


def token_used(token: ApiToken) -> None:
    """Note when the token was last used, at most once a minute."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def system_of(token: ApiToken) -> AuthoritySystem:
    return AuthoritySystem(
        local_authority_id=token.local_authority_id,
        authority_name=token.local_authority.name,
        token_id=token.pk,
    )


def calls_left(key: str) -> int | None:
    """Count one call for `key` (a token, or a client address presenting bad tokens); None if
    within the limit, else the seconds until the window ends (the Retry-After)."""
    window = settings.API_RATE_WINDOW_SECONDS
    if rate_take(key=key, limit=settings.API_RATE_LIMIT, window=timedelta(seconds=window)):
        return None
    return max(1, window - int(timezone.now().timestamp()) % window)


# The LA's writes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteResult:
    changed: bool
    summary: str


def _locked(case: Case, system: AuthoritySystem) -> Case:
    case = Case.objects.select_for_update().select_related("local_authority").get(pk=case.pk)
    if not system.acts_for(case.local_authority_id):
        raise NotAllowed("That case is not one of this local authority's.")
    return case


@transaction.atomic
def la_informed_record(
    *, case: Case, system: AuthoritySystem, on: date, request: HttpRequest | None = None
) -> WriteResult:
    """The LA says the date it was told that the family wants mediation (the workflow's
    "LA informed" step)."""
    case = _locked(case, system)
    if case.la_informed_on == on:
        return WriteResult(False, f"Already recorded: the LA was told on {format_day(on)}.")
    if case.la_informed_on is not None:
        raise StaleCase(
            f"The LA is already recorded as told on {format_day(case.la_informed_on)}. "
            "If that is wrong, ask the service to correct it."
        )
    offer = next((o for o in case_steps(case) if o.step == Step.INFORM_LA), None)
    if offer is None:
        raise StaleCase(
            f"The case is at the stage “{case.get_status_display()}”, where the date the LA "
            "was told cannot be recorded."
        )
    if offer.blocked_because:
        raise StaleCase(offer.blocked_because)
    if on > timezone.localdate():
        raise ServiceError("The date the LA was told must be today or in the past.")
    case_take_step(
        case=case,
        step=Step.INFORM_LA,
        by=system,
        data={"on": on},
        expected_state=CaseState(case.status),
        request=request,
    )
    return WriteResult(True, f"Recorded: the LA was told on {format_day(on)}.")


@transaction.atomic
def attendee_record(
    *,
    case: Case,
    system: AuthoritySystem,
    name: str,
    email: str,
    issues: list[str],
    confirmed_on: date,
    request: HttpRequest | None = None,
) -> WriteResult:
    """The LA names its attendee and confirms the issues they can decide (reg 37(1))."""
    case = _locked(case, system)
    if not case.is_open:
        raise StaleCase("The case is closed: its attendees cannot change.")
    attendee, changed = la_attendee_name(
        case=case,
        by=system,
        name=name,
        email=email,
        issues=issues,
        confirmed_on=confirmed_on,
        request=request,
    )
    if not changed:
        return WriteResult(False, f"Already recorded: {attendee.name} attends for the LA.")
    return WriteResult(True, f"Recorded: {attendee.name} attends for the LA.")


def _action_of(case: Case, action_id: int) -> AgreedAction:
    """An agreed action of the case's final outcome statement (a draft's actions are not agreed
    yet, so the API does not show them)."""
    action = (
        AgreedAction.objects.select_for_update()
        .filter(pk=action_id, case=case, statement__status=OutcomeStatement.Status.FINAL)
        .select_related("case", "statement")
        .first()
    )
    if action is None:
        raise LookupError(action_id)
    return action


@transaction.atomic
def action_done_record(
    *,
    case: Case,
    action_id: int,
    system: AuthoritySystem,
    done_on: date,
    evidence: str,
    request: HttpRequest | None = None,
) -> WriteResult:
    """The LA reports an agreed action done, with the date and how it can be seen."""
    case = _locked(case, system)
    action = _action_of(case, action_id)
    if action.done_on is not None:
        if action.done_on == done_on and action.done_evidence == evidence.strip():
            return WriteResult(False, f"Already recorded: done on {format_day(done_on)}.")
        raise StaleCase(
            f"This action is already recorded as done on {format_day(action.done_on)}. "
            "If that is wrong, ask the service to correct it."
        )
    action_mark_done(action=action, by=system, done_on=done_on, evidence=evidence, request=request)
    return WriteResult(True, f"Recorded: done on {format_day(done_on)}.")


@transaction.atomic
def action_new_date_record(
    *,
    case: Case,
    action_id: int,
    system: AuthoritySystem,
    new_due: date,
    agreed_in_writing_on: date,
    reason: str,
    request: HttpRequest | None = None,
) -> WriteResult:
    """The LA reports a new date for an agreed action, agreed in writing by the parties."""
    case = _locked(case, system)
    action = _action_of(case, action_id)
    latest = action.variations.order_by("-at", "-id").first()
    if (
        latest is not None
        and action.varied_due == new_due
        and latest.agreed_in_writing_on == agreed_in_writing_on
        and latest.reason == reason.strip()
    ):
        return WriteResult(False, f"Already recorded: the new date is {format_day(new_due)}.")
    action_vary(
        action=action,
        by=system,
        new_due=new_due,
        agreed_in_writing_on=agreed_in_writing_on,
        reason=reason,
        request=request,
    )
    return WriteResult(True, f"Recorded: the new date is {format_day(new_due)}.")


# Agreed actions due soon or overdue ------------------------------------------------------------


def action_due_events_emit(*, today: date | None = None) -> int:
    """Record a webhook event for each agreed action that has become due soon or overdue
    (once per action, kind and due date, so running this again changes nothing). Only LAs
    with an endpoint that wants these events get them. Returns the number recorded."""
    today = today or timezone.localdate()
    calendar = service_calendar()
    soon_until = calendar.add_working_days(today, settings.DEADLINE_DUE_SOON_WORKING_DAYS)
    authorities = authorities_wanting(
        [EventKind.ACTION_DUE_SOON.value, EventKind.ACTION_OVERDUE.value]
    )
    if not authorities:
        return 0
    rows = (
        Deadline.objects.filter(
            case__local_authority_id__in=authorities,
            code__startswith=AGREED_ACTION_PREFIX,
            met_on__isnull=True,
            due__lte=soon_until,
            case__status__in=[s.value for s in CaseState if s != CaseState.CLOSED],
        )
        .select_related("case")
        .order_by("due", "id")
    )
    recorded = 0
    for row in rows:
        kind = EventKind.ACTION_OVERDUE if row.due < today else EventKind.ACTION_DUE_SOON
        action_id = row.code.removeprefix(AGREED_ACTION_PREFIX)
        with transaction.atomic():
            event = webhook_event_record(
                case=row.case,
                kind=kind,
                data={"action_id": int(action_id), "due": row.due.isoformat()},
                dedupe_key=f"{kind.value}:{action_id}:{row.due.isoformat()}",
            )
        recorded += event is not None
    return recorded

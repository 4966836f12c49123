"""The LA API, version 1: /api/v1/ (django-ninja; ADR 0027; docs/api.md for LA developers).

Every operation needs a token of one LA (`Authorization: Bearer mla_...`) and sees only that
LA's cases: another LA's case answers 404, as a case that does not exist. Writes need the
token's write scope and go through the same services as the staff pages. Errors are always
`{"errors": [{"field": ..., "message": ...}]}` with the staff pages' words. Each call is
audited (mediation.api.middleware) and counted against the token's limit (429 with
Retry-After beyond it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from mediation.authorities.actors import AuthoritySystem
from mediation.cases.models import Case
from mediation.common.errors import NotAllowed, ServiceError, StaleCase
from mediation.common.http import client_address
from mediation.webhooks.models import WebhookEndpoint
from mediation.webhooks.selectors import active_endpoints
from mediation.webhooks.services import endpoint_register, endpoint_remove

from . import services
from .models import ApiToken, Scope
from .records import case_record, case_records
from .schemas import (
    ActionDoneIn,
    ActionNewDateIn,
    AttendeeIn,
    CaseOut,
    CasePageOut,
    EndpointIn,
    EndpointOut,
    ErrorsOut,
    IsoDateTime,
    LaInformedIn,
    NewEndpointOut,
    Stage,
    WriteOut,
)

DESCRIPTION = """The cases of one commissioning local authority, read and answered by its own
SEND case system. Authenticate with `Authorization: Bearer <token>` (a manager makes tokens
under Manage → API access). Full guide: docs/api.md in the repository, including webhooks and
how to check their signatures."""

CURSOR_SALT = "mediation.api.cases.cursor"
PAGE_MAX = 100


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class ScopeMissing(Exception):
    pass


class BadInput(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class TokenAuth(HttpBearer):
    """A usable token of one LA; counts the call against the token's limit."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = services.token_find(token)
        if found is None:
            return None
        wait = services.calls_left(f"api:token:{found.pk}")
        request.api_system = services.system_of(found)  # type: ignore[attr-defined]
        if wait is not None:
            raise RateLimited(wait)
        services.token_used(found)
        return found


api = NinjaAPI(
    title="SEND mediation: the local authorities' API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
)

COMMON_ERRORS: dict[int, Any] = {
    400: ErrorsOut,
    401: ErrorsOut,
    403: ErrorsOut,
    404: ErrorsOut,
    429: ErrorsOut,
}
WRITE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: ErrorsOut}


# Errors: one shape for every refusal ----------------------------------------------------------


def _errors(
    request: HttpRequest, status: int, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"errors": [{"field": field, "message": message}]}, status=status
    )


def _field_of(location: tuple[Any, ...]) -> str | None:
    """ "body.payload.on" → "on"; a query parameter by its name."""
    parts = [str(part) for part in location if part not in ("body", "query", "path", "payload")]
    return ".".join(parts) or None


WORDS = {
    "missing": "This is needed.",
    "date_from_datetime_parsing": "Enter a date like 2026-03-09.",
    "date_parsing": "Enter a date like 2026-03-09.",
    "datetime_from_date_parsing": "Enter a date and time like 2026-03-09T09:00:00Z.",
    "datetime_parsing": "Enter a date and time like 2026-03-09T09:00:00Z.",
    "enum": "Choose one of the values the schema lists.",
    "literal_error": "Choose one of the values the schema lists.",
}


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        kind = str(error.get("type", ""))
        message = WORDS.get(kind) or str(error.get("msg", "This is not valid."))
        errors.append({"field": _field_of(tuple(error.get("loc", ()))), "message": message})
    if not errors:
        errors = [{"field": None, "message": "The request is not valid."}]
    return api.create_response(request, {"errors": errors}, status=400)


@api.exception_handler(BadInput)
def _bad_input(request: HttpRequest, exc: BadInput) -> HttpResponse:
    return _errors(request, 400, exc.message, exc.field)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    wait = services.calls_left(f"api:refused:{client_address(request)}")
    if wait is not None:
        return _rate_limited(request, RateLimited(wait))
    response = _errors(
        request,
        401,
        "Send a token of your local authority: Authorization: Bearer <token>. A token that "
        "was revoked or has expired no longer works.",
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = _errors(request, 429, f"Too many requests: try again in {exc.retry_after} seconds.")
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ScopeMissing)
def _scope_missing(request: HttpRequest, exc: ScopeMissing) -> HttpResponse:
    return _errors(request, 403, str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _errors(request, 404, "There is no such case for this local authority.")


@api.exception_handler(StaleCase)
def _conflict(request: HttpRequest, exc: StaleCase) -> HttpResponse:
    return _errors(request, 409, str(exc))


@api.exception_handler(NotAllowed)
def _not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
    return _errors(request, 403, str(exc))


@api.exception_handler(ServiceError)
def _refused(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _errors(request, 400, str(exc))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _errors(request, exc.status_code, exc.message)


# Helpers ---------------------------------------------------------------------------------------


def _system(request: HttpRequest) -> AuthoritySystem:
    return request.api_system  # type: ignore[attr-defined]


def _require(request: HttpRequest, scope: Scope, *query: str) -> None:
    """The token's scope, and no query parameter but those named (a misspelt filter would
    otherwise be ignored silently and return every case)."""
    unknown = sorted(set(request.GET) - set(query))
    if unknown:
        raise BadInput(unknown[0][:50], "This operation does not take this query parameter.")
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if not token.allows(scope):
        raise ScopeMissing(
            f"This token may not {Scope(scope).label.lower()}. Ask the service for a token "
            "with that scope."
        )


def _case(request: HttpRequest, reference: str) -> Case:
    request.api_reference = reference[:40]  # type: ignore[attr-defined]
    case = (
        Case.objects.select_related("local_authority")
        .filter(reference=reference, local_authority_id=_system(request).local_authority_id)
        .first()
    )
    if case is None:
        raise Http404
    request.api_case_id = case.pk  # type: ignore[attr-defined]
    return case


def _in_utc(moment: datetime, field: str) -> datetime:
    """A moment in UTC: PostgreSQL refuses zone offsets beyond 15 hours, which Python and ISO
    8601 allow (found by schemathesis); a moment that leaves the calendar is refused."""
    try:
        aware = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        return aware.astimezone(UTC)
    except (OverflowError, ValueError):
        raise BadInput(field, "Enter a date and time like 2026-03-09T09:00:00Z.") from None


def _after_cursor(cases: QuerySet[Case], cursor: str) -> QuerySet[Case]:
    try:
        at_text, pk = signing.loads(cursor, salt=CURSOR_SALT)
        at = datetime.fromisoformat(at_text)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadInput(
            "cursor", "This cursor is not one the API gave: start again without it."
        ) from None
    return cases.filter(Q(last_activity_at__gt=at) | Q(last_activity_at=at, pk__gt=pk))


# Reading ---------------------------------------------------------------------------------------


@api.get(
    "/cases",
    response={200: CasePageOut, **COMMON_ERRORS},
    url_name="cases",
    summary="The LA's cases, oldest change first",
)
def case_list(
    request: HttpRequest,
    changed_since: IsoDateTime | None = None,
    stage: Stage | None = None,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=PAGE_MAX),
) -> CasePageOut | dict[str, Any]:
    """Every case of the token's LA, ordered by when it last changed (then by an internal
    number), `limit` at a time. `changed_since` keeps cases changed at or after that moment;
    `stage` keeps cases at that stage. A case that changes while you page through appears
    again on a later page, with its new details."""
    _require(request, Scope.READ, "changed_since", "stage", "cursor", "limit")
    cases = Case.objects.filter(local_authority_id=_system(request).local_authority_id)
    if changed_since is not None:
        cases = cases.filter(last_activity_at__gte=_in_utc(changed_since, "changed_since"))
    if stage is not None:
        cases = cases.filter(status=stage.value)
    if cursor:
        cases = _after_cursor(cases, cursor)
    page = list(
        cases.select_related("local_authority").order_by("last_activity_at", "pk")[: limit + 1]
    )
    more = len(page) > limit
    page = page[:limit]
    next_cursor = (
        signing.dumps([page[-1].last_activity_at.isoformat(), page[-1].pk], salt=CURSOR_SALT)
        if more
        else None
    )
    return {"cases": case_records(page), "next_cursor": next_cursor}


@api.get(
    "/cases/{reference}",
    response={200: CaseOut, **COMMON_ERRORS},
    url_name="case_detail",
    summary="One case",
)
def case_detail(request: HttpRequest, reference: str) -> Any:
    _require(request, Scope.READ)
    return case_record(_case(request, reference))


# Writing the LA's responses ----------------------------------------------------------------------


def _written(case: Case, result: services.WriteResult) -> dict[str, Any]:
    return {"reference": case.reference, "changed": result.changed, "summary": result.summary}


@api.post(
    "/cases/{reference}/la-informed",
    response={200: WriteOut, **WRITE_ERRORS},
    url_name="la_informed",
    summary="Record the day the LA was told the family wants mediation",
)
def la_informed(request: HttpRequest, reference: str, payload: LaInformedIn) -> Any:
    _require(request, Scope.WRITE)
    case = _case(request, reference)
    result = services.la_informed_record(
        case=case, system=_system(request), on=payload.on, request=request
    )
    return _written(case, result)


@api.post(
    "/cases/{reference}/attendee",
    response={200: WriteOut, **WRITE_ERRORS},
    url_name="attendee",
    summary="Name the LA's attendee and confirm what they can decide",
)
def attendee(request: HttpRequest, reference: str, payload: AttendeeIn) -> Any:
    """The person who attends the meeting for the LA, and the issues the LA confirms they can
    make decisions on (SEND Regulations 2014 reg 37(1)). Found among the case's LA
    representatives by email address (or name), or added."""
    _require(request, Scope.WRITE)
    case = _case(request, reference)
    result = services.attendee_record(
        case=case,
        system=_system(request),
        name=payload.name,
        email=payload.email,
        issues=[issue.value for issue in payload.issues],
        confirmed_on=payload.confirmed_on,
        request=request,
    )
    return _written(case, result)


def _action_missing() -> HttpError:
    return HttpError(
        404,
        "There is no such agreed action on this case. Only the actions of a final outcome "
        "statement can be reported on.",
    )


@api.post(
    "/cases/{reference}/actions/{action_id}/done",
    response={200: WriteOut, **WRITE_ERRORS},
    url_name="action_done",
    summary="Report an agreed action done",
)
def action_done(request: HttpRequest, reference: str, action_id: int, payload: ActionDoneIn) -> Any:
    _require(request, Scope.WRITE)
    case = _case(request, reference)
    try:
        result = services.action_done_record(
            case=case,
            action_id=action_id,
            system=_system(request),
            done_on=payload.done_on,
            evidence=payload.evidence,
            request=request,
        )
    except LookupError:
        raise _action_missing() from None
    return _written(case, result)


@api.post(
    "/cases/{reference}/actions/{action_id}/new-date",
    response={200: WriteOut, **WRITE_ERRORS},
    url_name="action_new_date",
    summary="Report a new date for an agreed action, agreed in writing",
)
def action_new_date(
    request: HttpRequest, reference: str, action_id: int, payload: ActionNewDateIn
) -> Any:
    _require(request, Scope.WRITE)
    case = _case(request, reference)
    try:
        result = services.action_new_date_record(
            case=case,
            action_id=action_id,
            system=_system(request),
            new_due=payload.new_due,
            agreed_in_writing_on=payload.agreed_in_writing_on,
            reason=payload.reason,
            request=request,
        )
    except LookupError:
        raise _action_missing() from None
    return _written(case, result)


# Webhook endpoints ---------------------------------------------------------------------------


def _endpoint_out(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "created_at": endpoint.created_at,
    }


@api.get(
    "/webhooks",
    response={200: list[EndpointOut], **COMMON_ERRORS},
    url_name="webhooks",
    summary="The LA's webhook endpoints",
)
def webhook_list(request: HttpRequest) -> Any:
    _require(request, Scope.READ)
    return [_endpoint_out(e) for e in active_endpoints(_system(request).local_authority_id)]


@api.post(
    "/webhooks",
    response={201: NewEndpointOut, **COMMON_ERRORS},
    summary="Register a webhook endpoint",
)
def webhook_create(request: HttpRequest, payload: EndpointIn) -> Any:
    """Events of the kinds listed are posted to `url` (https), signed with the secret in the
    answer: it is shown only this once."""
    _require(request, Scope.READ)
    system = _system(request)
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    made = endpoint_register(
        authority=token.local_authority,
        url=payload.url,
        events=[event.value for event in payload.events],
        description=payload.description,
        by=system,
        request=request,
    )
    return Status(201, {**_endpoint_out(made.endpoint), "secret": made.secret})


@api.delete(
    "/webhooks/{endpoint_id}",
    response={204: None, **COMMON_ERRORS},
    url_name="webhook_detail",
    summary="Remove a webhook endpoint",
)
def webhook_delete(request: HttpRequest, endpoint_id: int) -> Any:
    _require(request, Scope.READ)
    endpoint = active_endpoints(_system(request).local_authority_id).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise HttpError(404, "There is no such webhook endpoint for this local authority.")
    endpoint_remove(endpoint=endpoint, by=_system(request), request=request)
    return Status(204, None)

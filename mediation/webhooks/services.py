"""Registering endpoints, recording events in the outbox, and delivering them signed.

Recording (`webhook_event_record`) is one small call in the service where the thing happens
(a meeting booked: mediation.meetings.services.meeting_book), inside its transaction: the event
and one delivery per interested endpoint are written with the change, and each delivery is
queued for the task worker once the change commits (mediation.common.dispatch). Nothing is
recorded for an LA with no endpoint that wants that kind of event.

Delivering (`webhook_deliver`) claims the delivery with a conditional UPDATE (pending and due,
or sending with its lease run out), posts the JSON body signed with the endpoint's secret,
logs the try, and marks it delivered on a 2xx answer: a delivered row is never claimed again,
so an event acknowledged once is never sent again. Any other answer, a time-out or a refused
address is tried again later (WEBHOOK_RETRY_SECONDS), then given up. The worker's periodic duty
(`webhooks_deliver_due`) sends what is due again and takes up deliveries whose worker died.

Signing: `Mediation-Signature: v1=<hex HMAC-SHA-256 of "<timestamp>.<body>">` with the
endpoint's secret, and the timestamp in `Mediation-Timestamp` (docs/api.md shows how to check it).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from mediation.audit.services import audit_record
from mediation.authorities.actors import Actor, AuthoritySystem, staff_member
from mediation.authorities.models import LocalAuthority
from mediation.common.dispatch import enqueue_on_commit
from mediation.common.errors import NotAllowed, ServiceError
from mediation.webhooks.models import (
    EventKind,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

SIGNATURE_VERSION = "v1"
SECRET_PREFIX = "whsec_"


# Endpoints -----------------------------------------------------------------------------------


def _refused_address(host: str) -> bool:
    """True for an address inside our own network (loopback, private, link-local such as a
    cloud's metadata service, multicast, reserved): an LA's endpoint is on the internet."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_global


def endpoint_url_refusal(url: str) -> str | None:
    """Why an address cannot be an endpoint, in words for the person; None if it can."""
    url = url.strip()
    if len(url) > 500:
        return "The address must be 500 characters or fewer."
    parts = urllib.parse.urlsplit(url)
    allow_local = settings.WEBHOOK_ALLOW_LOCAL_ADDRESSES
    if parts.scheme != "https" and not (allow_local and parts.scheme == "http"):
        return "The address must start with https:// (deliveries are only sent encrypted)."
    if not parts.hostname:
        return "Enter the full address, like https://send.example.gov.uk/mediation-events."
    if parts.username or parts.password:
        return "The address must not hold a user name or password: each delivery is signed."
    if not allow_local and (parts.hostname == "localhost" or _refused_address(parts.hostname)):
        return "The address must be on the internet, not a private or local network."
    return None


def _events_refusal(events: list[str]) -> str | None:
    if not events:
        return "Choose at least one kind of event to receive."
    unknown = sorted(set(events) - set(EventKind.values))
    if unknown:
        return f"These are not kinds of event: {', '.join(unknown)}."
    return None


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _check_may_manage(by: Actor, authority: LocalAuthority) -> None:
    if isinstance(by, AuthoritySystem):
        if not by.acts_for(authority.pk):
            raise NotAllowed("A local authority manages its own endpoints only.")
    elif not by.can_manage_service:
        raise NotAllowed("Only managers can manage webhook endpoints.")


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    # Shown once, when the endpoint is made; kept encrypted to sign deliveries.
    secret: str


@transaction.atomic
def endpoint_register(
    *,
    authority: LocalAuthority,
    url: str,
    events: list[str],
    description: str,
    by: Actor,
    request: HttpRequest | None = None,
) -> NewEndpoint:
    """Register an HTTPS endpoint of the LA's system for the kinds of event listed."""
    _check_may_manage(by, authority)
    refusal = endpoint_url_refusal(url) or _events_refusal(events)
    if refusal:
        raise ServiceError(refusal)
    active = WebhookEndpoint.objects.filter(local_authority=authority, removed_at__isnull=True)
    if active.count() >= settings.WEBHOOK_MAX_ENDPOINTS:
        raise ServiceError(
            f"A local authority can have {settings.WEBHOOK_MAX_ENDPOINTS} endpoints at most: "
            "remove one first."
        )
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        local_authority=authority,
        url=url.strip(),
        description=description.strip()[:100],
        events=sorted(set(events)),
        secret=secret,
        created_by=staff_member(by),
        created_by_system=str(by) if isinstance(by, AuthoritySystem) else "",
    )
    audit_record(
        actor=by,
        verb="webhook.endpoint_create",
        target=endpoint,
        request=request,
        detail={"authority": authority.code, "events": endpoint.events},
    )
    return NewEndpoint(endpoint=endpoint, secret=secret)


@transaction.atomic
def endpoint_remove(
    *, endpoint: WebhookEndpoint, by: Actor, request: HttpRequest | None = None
) -> WebhookEndpoint:
    """Stop sending to the endpoint; what is waiting for it is not sent."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    _check_may_manage(by, endpoint.local_authority)
    if endpoint.removed_at is not None:
        return endpoint
    endpoint.removed_at = timezone.now()
    endpoint.save(update_fields=["removed_at"])
    WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED
    )
    audit_record(actor=by, verb="webhook.endpoint_remove", target=endpoint, request=request)
    return endpoint


# Events ----------------------------------------------------------------------------------------


def webhook_event_record(
    *,
    case: models.Model,
    kind: EventKind,
    data: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> WebhookEvent | None:
    """Record that `kind` happened on `case`, for every endpoint of its LA that wants it.

    Call inside the transaction of the change. `data` holds only codes, dates and references
    (never names or free text). Returns the event, or None when no endpoint wants it (or, with
    a `dedupe_key`, when it was already recorded).
    """
    authority_id = case.local_authority_id  # type: ignore[attr-defined]
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            local_authority_id=authority_id, removed_at__isnull=True
        )
        if kind.value in endpoint.events
    ]
    if not endpoints:
        return None
    if dedupe_key is not None and WebhookEvent.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    event = WebhookEvent.objects.create(
        local_authority_id=authority_id,
        case_id=case.pk,
        case_reference=case.reference,  # type: ignore[attr-defined]
        kind=kind.value,
        data=data or {},
        dedupe_key=dedupe_key,
    )
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(event=event, endpoint=endpoint, enqueued_at=now) for endpoint in endpoints
    )
    for delivery in deliveries:
        enqueue_on_commit("mediation.webhooks.tasks.deliver_webhook_task", delivery_id=delivery.pk)
    return event


def event_body(event: WebhookEvent, authority_code: str) -> bytes:
    """The JSON body of a delivery: the same bytes at every try."""
    case_path = reverse("api:case_detail", kwargs={"reference": event.case_reference})
    return json.dumps(
        {
            "id": str(event.public_id),
            "type": event.kind,
            "occurred_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
            "local_authority": authority_code,
            "case": {
                "reference": event.case_reference,
                "href": f"{settings.SITE_URL}{case_path}",
            },
            "data": event.data,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Mediation-Signature` header: HMAC-SHA-256 of "<timestamp>.<body>"."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SIGNATURE_VERSION}={mac.hexdigest()}"


# Delivering ----------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other (not a 2xx): never followed to another address."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    excerpt: str
    error: str


def _resolves_inside(host: str) -> bool:
    """True if the name points at an address inside our own network (checked before each try;
    production refuses them, see WEBHOOK_ALLOW_LOCAL_ADDRESSES)."""
    try:
        found = socket.getaddrinfo(host, None)
    except OSError:
        return False  # the request itself will fail and say so
    return any(_refused_address(str(info[4][0])) for info in found)


def _post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    refusal = endpoint_url_refusal(url)
    if refusal is None and not settings.WEBHOOK_ALLOW_LOCAL_ADDRESSES:
        host = urllib.parse.urlsplit(url).hostname or ""
        if _resolves_inside(host):
            refusal = "The address is on a private or local network."
    if refusal:
        return Answer(None, "", refusal[:200])
    # The scheme was checked just above: https, or http only where WEBHOOK_ALLOW_LOCAL_ADDRESSES.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    limit = settings.WEBHOOK_RESPONSE_EXCERPT
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:  # nosec B310
            return Answer(response.status, response.read(limit).decode(errors="replace"), "")
    except urllib.error.HTTPError as answered:
        text = answered.read(limit).decode(errors="replace") if answered.fp else ""
        return Answer(answered.code, text, "")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as failed:
        reason = getattr(failed, "reason", failed)
        return Answer(None, "", f"{type(failed).__name__}: {reason}"[:200])


def _retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after the `attempts`-th failed try, or None to give up."""
    schedule = settings.WEBHOOK_RETRY_SECONDS
    if attempts > len(schedule):
        return None
    return timedelta(seconds=schedule[attempts - 1])


def webhook_deliver(*, delivery_id: int) -> bool:
    """Try one delivery if it is due and nobody else is sending it. True if it was delivered."""
    now = timezone.now()
    lease_ran_out = now - timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=WebhookDelivery.Status.SENDING, sending_started_at__lt=lease_ran_out)
        )
        .update(
            status=WebhookDelivery.Status.SENDING,
            sending_started_at=now,
            enqueued_at=None,
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return False
    delivery = WebhookDelivery.objects.select_related(
        "event", "endpoint", "event__local_authority"
    ).get(pk=delivery_id)
    endpoint, event = delivery.endpoint, delivery.event
    mine = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.SENDING, sending_started_at=now
    )
    if endpoint.removed_at is not None:
        mine.update(status=WebhookDelivery.Status.FAILED)
        return False
    body = event_body(event, event.local_authority.code)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"{settings.SERVICE_NAME} webhooks",
        "Mediation-Event-Id": str(event.public_id),
        "Mediation-Event-Type": event.kind,
        "Mediation-Timestamp": str(timestamp),
        "Mediation-Signature": signature(endpoint.secret, timestamp, body),
    }
    started = time.monotonic()
    answer = _post(endpoint.url, body, headers)
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        started_at=now,
        duration_ms=int((time.monotonic() - started) * 1000),
        status_code=answer.status_code,
        response_excerpt=answer.excerpt[: settings.WEBHOOK_RESPONSE_EXCERPT],
        error=answer.error,
    )
    if answer.status_code is not None and 200 <= answer.status_code < 300:
        mine.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=timezone.now())
        return True
    delay = _retry_delay(delivery.attempts)
    if delay is None:
        mine.update(status=WebhookDelivery.Status.FAILED)
    else:
        mine.update(status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now() + delay)
    return False


def _due() -> Q:
    """Deliveries to try now: a retry whose wait is over, or a try whose worker died."""
    now = timezone.now()
    lease_ran_out = now - timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    return Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookDelivery.Status.SENDING, sending_started_at__lt=lease_ran_out
    )


def webhooks_enqueue_due(limit: int = 500) -> int:
    """Hand every delivery that is due to the task worker, once (run by the worker's periodic
    duty, so a slow endpoint never holds up the other duties). Returns how many were queued."""
    now = timezone.now()
    lease_ran_out = now - timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.filter(_due())
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=lease_ran_out))
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=due).update(enqueued_at=now)
        for pk in due:
            enqueue_on_commit("mediation.webhooks.tasks.deliver_webhook_task", delivery_id=pk)
    return len(due)


def webhooks_deliver_due(limit: int = 200) -> int:
    """Try every delivery that is due, here and now; returns how many were delivered."""
    due = list(
        WebhookDelivery.objects.filter(_due())
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(webhook_deliver(delivery_id=pk) for pk in due)


def webhooks_prune(*, keep_days: int | None = None) -> int:
    """Delete events (with their deliveries and log) older than WEBHOOK_KEEP_DAYS whose
    deliveries are all finished. Returns the number of events deleted."""
    keep_days = keep_days if keep_days is not None else settings.WEBHOOK_KEEP_DAYS
    cutoff = timezone.now() - timedelta(days=keep_days)
    unfinished = WebhookDelivery.objects.filter(
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING]
    ).values("event_id")
    old = WebhookEvent.objects.filter(occurred_at__lt=cutoff).exclude(pk__in=unfinished)
    return old.delete()[1].get("webhooks.WebhookEvent", 0)

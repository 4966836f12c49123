"""Reads of endpoints and their deliveries, for the API access page and the API."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from mediation.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def active_endpoints(local_authority_id: int) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(
        local_authority_id=local_authority_id, removed_at__isnull=True
    ).order_by("created_at", "id")


def authorities_wanting(kinds: Iterable[str]) -> set[int]:
    """The LAs with an active endpoint that wants any of these kinds of event."""
    wanted = set(kinds)
    return {
        endpoint.local_authority_id
        for endpoint in WebhookEndpoint.objects.filter(removed_at__isnull=True).only(
            "id", "local_authority_id", "events"
        )
        if wanted & set(endpoint.events)
    }


def recent_attempts(endpoint: WebhookEndpoint, limit: int = 20) -> list[WebhookAttempt]:
    """The endpoint's latest tries, newest first, with their event."""
    return list(
        WebhookAttempt.objects.filter(delivery__endpoint=endpoint)
        .select_related("delivery__event")
        .order_by("-started_at", "-id")[:limit]
    )


def waiting_count(endpoint: WebhookEndpoint) -> int:
    return WebhookDelivery.objects.filter(
        endpoint=endpoint,
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING],
    ).count()

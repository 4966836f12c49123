"""Reads for the API access page (managers)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from mediation.authorities.models import LocalAuthority
from mediation.webhooks.models import WebhookEndpoint
from mediation.webhooks.selectors import active_endpoints

from .models import ApiToken


@dataclass(frozen=True)
class AuthorityAccess:
    authority: LocalAuthority
    tokens: int
    endpoints: int


def authorities_with_access() -> list[AuthorityAccess]:
    """Every LA with how many usable tokens and endpoints it has (two queries)."""
    now = timezone.now()
    authorities = LocalAuthority.objects.annotate(
        usable=Count(
            "api_tokens",
            filter=Q(api_tokens__revoked_at__isnull=True, api_tokens__expires_at__gt=now),
        )
    ).order_by("name")
    endpoints = dict(
        WebhookEndpoint.objects.filter(removed_at__isnull=True)
        .values_list("local_authority_id")
        .annotate(n=Count("id"))
        .values_list("local_authority_id", "n")
    )
    return [AuthorityAccess(la, la.usable, endpoints.get(la.pk, 0)) for la in authorities]


def tokens_of(authority: LocalAuthority) -> list[ApiToken]:
    return list(
        ApiToken.objects.filter(local_authority=authority)
        .select_related("created_by", "revoked_by")
        .order_by("-created_at", "-id")
    )


def endpoints_of(authority: LocalAuthority) -> list[WebhookEndpoint]:
    return list(active_endpoints(authority.pk))

"""The demo's API access (development only, `manage.py load_demo_data`): a token of the first
demo LA that reads and writes, with a fixed value so the guide can show a working call, and a
webhook endpoint on this machine whose deliveries show in Manage → API access."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mediation.accounts.models import User
from mediation.authorities.models import LocalAuthority
from mediation.webhooks.models import EventKind
from mediation.webhooks.services import endpoint_register

from .models import ApiToken, Scope
from .services import TOKEN_PREFIX, hash_token

# Only ever in demo data: a real token is random and shown once (services.token_create).
DEMO_TOKEN = f"{TOKEN_PREFIX}demo-token-for-the-demo-data-only-never-in-production"
DEMO_ENDPOINT = "http://127.0.0.1:8765/mediation-events"


def demo_api_access(*, authority: LocalAuthority, manager: User) -> str:
    """Make the demo token and endpoint of `authority`; returns the token."""
    ApiToken.objects.create(
        local_authority=authority,
        name="Demo SEND system",
        prefix=DEMO_TOKEN[:12],
        token_hash=hash_token(DEMO_TOKEN),
        scopes=[Scope.READ, Scope.WRITE],
        expires_at=timezone.now() + timedelta(days=365),
        created_by=manager,
    )
    endpoint_register(
        authority=authority,
        url=DEMO_ENDPOINT,
        events=list(EventKind.values),
        description="Demo: a listener on this machine (nothing answers unless you start one)",
        by=manager,
    )
    return DEMO_TOKEN

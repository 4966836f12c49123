"""Turning a calendar subscription on, giving it a new address, turning it off; and noting a
read of it. The token is `secrets.token_urlsafe(32)` (256 bits), stored only as its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record

from .models import CalendarFeed


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_new_address(*, user: User, request: HttpRequest | None = None) -> str:
    """Turn the user's subscription on, or give it a new address (the old one stops working).
    Returns the token, to be shown once."""
    token = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token_hash": hash_token(token)}
    )
    if not created:
        feed.token_hash = hash_token(token)
        feed.created_at = timezone.now()
        feed.last_read_at = None
        feed.save(update_fields=["token_hash", "created_at", "last_read_at"])
    audit_record(
        actor=user,
        verb="calendar_feed.create" if created else "calendar_feed.replace",
        target=feed,
        request=request,
    )
    return token


@transaction.atomic
def feed_turn_off(*, user: User, request: HttpRequest | None = None) -> bool:
    """Delete the subscription: its address stops working. False if it was not on."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return False
    audit_record(actor=user, verb="calendar_feed.delete", target=feed, request=request)
    feed.delete()
    return True


def feed_find(token: str) -> CalendarFeed | None:
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), user__is_active=True)
        .first()
    )


def feed_read(*, feed: CalendarFeed, meetings: int, request: HttpRequest | None = None) -> None:
    """Audit a read of the feed (its actor is the feed, not a signed-in person)."""
    now = timezone.now()
    if feed.last_read_at is None or now - feed.last_read_at > timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    audit_record(
        actor=f"calendar:feed:{feed.pk}",
        verb="calendar_feed.read",
        target=feed,
        request=request,
        detail={"user": feed.user_id, "meetings": meetings},
    )

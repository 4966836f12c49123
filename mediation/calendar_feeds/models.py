"""A staff member's private calendar subscription: one address with a long random token that
Outlook or Google Calendar reads every few hours. Only the token's SHA-256 is kept: the
address is shown once, when it is made; a new one replaces it, and turning it off deletes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Written at most once an hour (calendar programs read the feed often).
    last_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"

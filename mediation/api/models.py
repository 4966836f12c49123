"""Tokens with which a local authority's own system uses the API (docs/api.md, ADR 0027).

A token belongs to one LA and sees only that LA's cases. It is shown once when made; only its
SHA-256 is kept (like the portal's links, ADR 0011), with the first characters to tell tokens
apart. It has a name (the system that uses it), an expiry and scopes, and a manager (or
`manage.py api_token revoke`) can revoke it at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.authorities.models import LocalAuthority


class Scope(models.TextChoices):
    READ = "read", "Read cases"
    WRITE = "write", "Write the LA's responses"


class ApiToken(models.Model):
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    # The token's first characters, to recognise it in a list ("mla_Xy12ab…").
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Written at most once a minute (the API must not write on every call for this).
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["local_authority", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [Scope(scope).label for scope in self.scopes if scope in Scope.values]

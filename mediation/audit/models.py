"""The append-only audit log: who read or changed what, when and from where, never the data itself.

Rows are written only by mediation.audit.services.audit_record. Database triggers refuse UPDATE and
DELETE (installed by migration 0002 on SQLite and PostgreSQL), and each row carries the SHA-256 of
the previous row's hash plus its own fields, so a removed or altered row breaks the chain
(audit_verify_chain finds where).
"""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=30, blank=True)
    # Dotted verbs: "case.view", "case.create", "case.transition", "access.denied", "auth.sign_in" ...
    verb = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The case the event concerns, if any; a plain id so that audit rows outlive anonymised cases.
    case_id = models.BigIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    # Non-sensitive facts only (state names, field names changed), never free text or personal data.
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["case_id", "-id"], name="audit_case_idx"),
            models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
            models.Index(fields=["verb", "-id"], name="audit_verb_idx"),
            # The audit log page's other filters (mediation/audit/selectors.py): a kind of
            # event is a verb prefix ("auth."), which a plain B-tree serves only under the C
            # collation; an address is an exact match. Measured at 7.8 million events: a
            # rare prefix or an address read the whole table (about 1 s) without these.
            models.Index(
                fields=["verb"], name="audit_verb_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["ip_address", "-id"], name="audit_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """One row holding the newest hash; locking it serialises appends so the chain never forks."""

    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.last_hash

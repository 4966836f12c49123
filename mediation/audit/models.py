"""The append-only audit log: who read or changed what, when and from where, never the data itself.

Rows are written only by mediation.audit.services. An event is written at once (AuditEvent) and
sealed into the keyed chain soon after, in order, by the sealer (AuditSeal: its number in the
chain and an HMAC under a key kept outside the database; ADR 0024). Until then it is listed in
AuditUnsealed. Database triggers refuse UPDATE and DELETE of events and seals (installed by
migrations 0002 and 0004 on SQLite and PostgreSQL); signed checkpoints written outside the
database catch the removal of the newest events (mediation/audit/checkpoints.py).
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
    # The plain SHA-256 chain of ADR 0003, kept on events written before keyed sealing (checked
    # once and sealed under the key by migration 0004); empty on later events.
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

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


class AuditSeal(models.Model):
    """An event's place in the keyed chain: number `seq` (1, 2, 3 ... with no gaps) and the
    HMAC-SHA-256 of the previous seal's MAC and this event (mediation/audit/chain.py)."""

    seq = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="seal")
    key_id = models.CharField(max_length=32)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq}: event {self.event_id}"


class AuditUnsealed(models.Model):
    """An event written but not yet sealed; the sealer takes these in id order and removes them.

    Only the queue: removing a row here does not hide an event, as the check reads every event.
    """

    event = models.OneToOneField(
        AuditEvent, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.event_id)

"""Every message the system sends, one row per recipient, with its delivery status.

A Message row is written in the same transaction as the change that causes it (a transactional
outbox), so a message is never lost when the process dies after the commit; the send task claims
the row with a conditional UPDATE, so a message is never sent twice when the task reruns.
States: pending → sent, or pending → failed (retried by `send_pending_messages`).

A message goes by email (sent by the task), by text message (sent by the task through the text
backend, mediation.notifications.texts) or by letter (a PDF stored as its attachment, which
staff download, print and post; "sent" then means posted).

Sent is not delivered: with an email provider that reports back (django-anymail's tracking
webhook, mediation.notifications.webhooks) each message also gets its `delivery_status`
(delivered, bounced, complained...), shown on the case and, when it failed, on My work. Attachments (an .ics invitation, a
PDF letter) are stored with the message so a resend sends exactly what was first sent.
"""

from django.db import models

from mediation.common.kept_documents import kept_bytes

SECRET_MARK = "[one-time link]"


class Message(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    # Stable per purpose and recipient (e.g. "reminder:MED-2026-00001:certificate_due:2026-03-10:7"),
    # so a rerun of the task that creates messages cannot create a second one.
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        TEXT = "text", "Text message"

    class Delivery(models.TextChoices):
        UNKNOWN = "", "Not reported"
        QUEUED = "queued", "Accepted by the provider"
        DELIVERED = "delivered", "Delivered"
        OPENED = "opened", "Opened"
        DEFERRED = "deferred", "Delayed"
        BOUNCED = "bounced", "Bounced"
        REJECTED = "rejected", "Refused by the provider"
        FAILED = "failed", "Could not be delivered"
        COMPLAINED = "complained", "Marked as spam"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    idempotency_key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient_email = models.EmailField(blank=True)
    recipient_phone = models.CharField(max_length=30, blank=True)
    recipient_name = models.CharField(max_length=120, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the current attempt claimed the message: the sending lease runs from here, so a
    # slow send is not taken for a dead one (and sent twice) just because the row is old.
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A one-time secret (a portal sign-in link) that the body shows as SECRET_MARK. It is put
    # into the email only when sending and erased once sent (unless settings
    # NOTIFICATIONS_KEEP_SENT_SECRETS, for the development outbox), so the database does not
    # keep a usable link after delivery (docs/adr/0011-portal-links.md).
    secret = models.CharField(max_length=300, blank=True)
    # The email or text provider's id for it, which its delivery reports name.
    provider_id = models.CharField(max_length=200, blank=True, db_index=True)
    delivery_status = models.CharField(
        max_length=15, choices=Delivery.choices, blank=True, default=Delivery.UNKNOWN
    )
    delivery_status_at = models.DateTimeField(null=True, blank=True)
    # The provider's short reason (a bounce's description), never the message's content.
    delivery_detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="message_status_idx"),
            models.Index(fields=["channel", "status"], name="message_channel_status_idx"),
            models.Index(fields=["case_id", "delivery_status"], name="message_delivery_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_email or self.recipient_phone}"

    @property
    def failed_delivery(self) -> bool:
        """The provider says it did not reach the person (or they marked it as spam)."""
        return self.delivery_status in FAILED_DELIVERY

    @property
    def body_as_sent(self) -> str:
        """The body with the secret in place while it is kept (the development outbox)."""
        return self.body.replace(SECRET_MARK, self.secret) if self.secret else self.body


FAILED_DELIVERY = frozenset(
    {
        Message.Delivery.BOUNCED,
        Message.Delivery.REJECTED,
        Message.Delivery.FAILED,
        Message.Delivery.COMPLAINED,
    }
)


class MessageAttachment(models.Model):
    """A file sent with a message: an .ics invitation with an email, or a PDF letter."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=100)
    # A MIME type with optional parameters, e.g. "text/calendar; method=REQUEST".
    content_type = models.CharField(max_length=100)
    # The bytes are in `content`, or (DOCUMENT_STORAGE=s3) in the documents storage under
    # `stored_name`; read them with content_bytes().
    content = models.BinaryField()
    stored_name = models.CharField(max_length=200, blank=True, default="", db_default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename

    def content_bytes(self) -> bytes:
        return kept_bytes(self.content, self.stored_name)

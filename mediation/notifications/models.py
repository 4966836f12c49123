"""Every message the system sends, one row per recipient, with its delivery status.

A Message row is written in the same transaction as the change that causes it (a transactional
outbox), so a message is never lost when the process dies after the commit; the send task claims
the row with a conditional UPDATE, so a message is never sent twice when the task reruns.
States: pending → sent, or pending → failed (retried by `send_pending_messages`).

A message goes by email (sent by the task) or by letter (a PDF stored as its attachment, which
staff download, print and post; "sent" then means posted). Attachments (an .ics invitation, a
PDF letter) are stored with the message so a resend sends exactly what was first sent.
"""

from django.db import models

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

    idempotency_key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient_email = models.EmailField(blank=True)
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

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="message_status_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_email}"

    @property
    def body_as_sent(self) -> str:
        """The body with the secret in place while it is kept (the development outbox)."""
        return self.body.replace(SECRET_MARK, self.secret) if self.secret else self.body


class MessageAttachment(models.Model):
    """A file sent with a message: an .ics invitation with an email, or a PDF letter."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=100)
    # A MIME type with optional parameters, e.g. "text/calendar; method=REQUEST".
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename

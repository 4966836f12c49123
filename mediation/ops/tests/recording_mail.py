"""An email backend for the fault test that records every hand-over durably, duplicates included.

Each email handed over is appended as one JSON line to FAULT_MAIL_LOG and flushed to disk, as a
mail server's "250 OK" would be final: a duplicate send shows as a second line with the same
Message-ID. Before that, the send takes FAULT_SEND_SECONDS (a slow SMTP server) and leaves a
marker file in FAULT_SENDING_DIR, so the test knows a send is under way and can kill the process
mid-send. With FAULT_HOLD=1 in the environment the send never finishes (the process is killed).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


def _fault_setting(name: str) -> Any:
    """One of fault_settings.py's own settings (the type checker knows only the test settings)."""
    return getattr(settings, name)


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            message_id = message.extra_headers.get("Message-ID", "")
            marker = (
                Path(_fault_setting("FAULT_SENDING_DIR")) / f"{os.getpid()}-{time.monotonic_ns()}"
            )
            marker.write_text(message_id)
            if os.environ.get("FAULT_HOLD") == "1":
                time.sleep(3600)  # killed here, mid-send
            time.sleep(_fault_setting("FAULT_SEND_SECONDS"))
            line = json.dumps({"message_id": message_id, "to": message.to, "pid": os.getpid()})
            with open(_fault_setting("FAULT_MAIL_LOG"), "a") as log:
                log.write(line + "\n")
                log.flush()
                os.fsync(log.fileno())
            sent += 1
        return sent

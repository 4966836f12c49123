"""Helpers the fault test runs in their own processes: `python -m mediation.ops.tests.fault_driver`.

- seed N: some demo cases (with deadlines overdue or due, so reminders are due) and N messages queued,
  each with its send task in the database queue;
- probe DIR: a signed-in page read, then again after the test restarted PostgreSQL (it writes
  DIR/ready, waits for DIR/restarted), printing both status codes: the second request finds its
  connection dead and must be retried, not answered with a 500.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.ops.tests.fault_settings")


REMINDED_STORIES = (
    "dates-offered",
    "statement-draft",
    "statement-agreed",
    "family-declines",
    "certificate-due",
    "follow-up",
)


def seed(count: int) -> None:
    from django.db import transaction

    from mediation.demo.loader import demo_load
    from mediation.notifications.services import message_queue

    # The demo cases whose deadlines are overdue or due this week: reminders are due on them.
    demo_load(only=REMINDED_STORIES)
    with transaction.atomic():
        for number in range(count):
            message_queue(
                key=f"fault-test:{number}",
                to_email=f"person{number}@example.org",
                to_name="",
                subject=f"Message {number}",
                body="Body",
            )


def probe(folder: Path) -> None:
    from django.test import Client

    from conftest import login
    from mediation.accounts.models import User

    user = User.objects.filter(role="manager", is_active=True).first()
    client = Client(raise_request_exception=False)
    login(client, user)
    statuses = [client.get("/cases/").status_code]
    (folder / "ready").write_text("")
    deadline = time.monotonic() + 60
    while not (folder / "restarted").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    statuses.append(client.get("/cases/").status_code)
    print(" ".join(str(status) for status in statuses))


def main() -> None:
    import django

    django.setup()
    command, argument = sys.argv[1], sys.argv[2]
    if command == "seed":
        seed(int(argument))
    elif command == "probe":
        probe(Path(argument))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()

"""Faults injected: the real task worker killed mid-send 20 times, PostgreSQL restarted while
sending, and every message and reminder due is still sent exactly once.

Runs in the PostgreSQL run only, against a throwaway cluster of its own (scripts/pg_throwaway.sh)
so that it can restart it. The processes are the real ones: `manage.py db_worker` (with its
sweep of pending and stale messages) and `manage.py send_deadline_reminders`, with the settings
of mediation/ops/tests/fault_settings.py: the database task queue, a 6-second sending lease, and
an email backend that appends every hand-over to a file (recording_mail.py), so a message sent
twice would show as two lines with one Message-ID.

Each kill is timed by the backend's "sending" marker and lands while a send is under way, and
those runs hold the send open (FAULT_HOLD=1) until the kill, so every kill is mid-send whatever
the machine's load. What this does not cover: a kill in the microseconds after the mail server
accepted a message and before it is recorded as sent; that message would be sent again, with
the same Message-ID (docs/adr/0025-production-backups-and-faults.md).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
KILLS = 20  # of the worker; and two of the reminder run, below
REMINDER_KILLS_AT = {0, 10}

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def cluster():
    if connection.vendor != "postgresql":
        pytest.skip("restarts PostgreSQL: part of the PostgreSQL run")
    script = ROOT / "scripts" / "pg_throwaway.sh"
    out = subprocess.run([str(script), "start"], check=True, capture_output=True, text=True).stdout
    values = dict(pair.split("=", 1) for pair in out.removeprefix("export ").split())
    yield values
    subprocess.run([str(script), "stop", values["PGTMP"]], check=False)


class Run:
    """The processes of one fault run, their logs, and the files the mail backend writes."""

    def __init__(self, cluster: dict[str, str], folder: Path) -> None:
        self.cluster = cluster
        self.folder = folder
        self.mail_log = folder / "mail.jsonl"
        self.sending = folder / "sending"
        self.sending.mkdir()
        self.mail_log.touch()
        self.environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PG"))},
            "DJANGO_SETTINGS_MODULE": "mediation.ops.tests.fault_settings",
            "DATABASE_URL": (
                f"postgres://postgres@/postgres?host={cluster['PGHOST']}&port={cluster['PGPORT']}"
            ),
            "FAULT_MAIL_LOG": str(self.mail_log),
            "FAULT_SENDING_DIR": str(self.sending),
            "PYTHONPATH": str(ROOT),
        }
        self.started: list[subprocess.Popen] = []
        self.logs = 0

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        return done.stdout

    def start(self, *args: str, hold: bool = False) -> subprocess.Popen:
        self.logs += 1
        log = (self.folder / f"process-{self.logs}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.environment | ({"FAULT_HOLD": "1"} if hold else {}),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append(process)
        return process

    def worker(self, *, hold: bool = False) -> subprocess.Popen:
        return self.start(
            "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "--no-startup-delay",
            hold=hold,
        )  # fmt: skip

    def markers(self) -> int:
        return len(list(self.sending.iterdir()))

    def wait_for_a_send(self, process: subprocess.Popen, since: int, seconds: float = 45) -> None:
        deadline = time.monotonic() + seconds
        while self.markers() == since:
            assert process.poll() is None, f"the process ended early:\n{self.tail()}"
            assert time.monotonic() < deadline, f"no send started in {seconds} s:\n{self.tail()}"
            time.sleep(0.02)

    def tail(self) -> str:
        newest = self.folder / f"process-{self.logs}.log"
        return "\n".join(newest.read_text(errors="replace").splitlines()[-30:])

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()

    def query(self, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(
            host=self.cluster["PGHOST"],
            port=self.cluster["PGPORT"],
            user="postgres",
            dbname="postgres",
        ) as database:
            return database.execute(sql).fetchall()


def test_every_message_and_reminder_is_sent_once_through_kills_and_a_restart(cluster, tmp_path):
    from mediation.notifications.models import Message
    from mediation.notifications.services import message_id_header

    started = time.monotonic()
    run = Run(cluster, tmp_path)
    try:
        run.run("manage.py", "migrate", "--verbosity", "0")
        run.run("-m", "mediation.ops.tests.fault_driver", "seed", "40")

        kills = reminder_kills = 0
        for round_number in range(KILLS + len(REMINDER_KILLS_AT)):
            before = run.markers()
            if round_number in REMINDER_KILLS_AT:
                # The daily reminder run: its reminders commit, then it is killed sending them.
                process = run.start("manage.py", "send_deadline_reminders", hold=True)
                reminder_kills += 1
            else:
                process = run.worker(hold=True)
                kills += 1
            run.wait_for_a_send(process, before)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        assert kills >= 20 and reminder_kills == 2

        # PostgreSQL restarts while the worker is sending; a signed-in page is read across it.
        probe = run.start("-m", "mediation.ops.tests.fault_driver", "probe", str(tmp_path))
        deadline = time.monotonic() + 60
        while not (tmp_path / "ready").exists():
            assert probe.poll() is None and time.monotonic() < deadline, run.tail()
            time.sleep(0.05)
        worker = run.worker()
        run.wait_for_a_send(worker, run.markers())
        subprocess.run(
            [str(ROOT / "scripts" / "pg_throwaway.sh"), "restart", cluster["PGTMP"]], check=True
        )
        (tmp_path / "restarted").write_text("")
        probe.wait(timeout=60)
        probe_log = (tmp_path / "process-23.log").read_text()

        # The daily run again (idempotent), then wait for the worker to send everything.
        run.run("manage.py", "send_deadline_reminders")
        deadline = time.monotonic() + 60
        while True:
            left = run.query(
                "SELECT count(*) FROM notifications_message "
                "WHERE channel = 'email' AND status <> 'sent'"
            )[0][0]
            if left == 0:
                break
            assert worker.poll() is None, run.tail()
            assert time.monotonic() < deadline, f"{left} messages not sent:\n{run.tail()}"
            time.sleep(0.5)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    finally:
        run.stop_all()

    messages = run.query(
        "SELECT id, idempotency_key FROM notifications_message WHERE channel = 'email'"
    )
    expected = {message_id_header(Message(pk=pk, idempotency_key=key)) for pk, key in messages}
    handed_over = Counter(
        json.loads(line)["message_id"] for line in run.mail_log.read_text().splitlines()
    )
    reminders = [key for _pk, key in messages if key.startswith("deadline:")]
    # The demo's deadlines overdue and due this week, to their owners and the managers.
    assert len(reminders) >= 5
    assert len(messages) >= 40 + len(reminders)
    assert set(handed_over) == expected, "every message sent, and nothing else"
    duplicates = {key: count for key, count in handed_over.items() if count != 1}
    assert duplicates == {}, "no message sent twice"
    assert probe_log.split()[-2:] == ["200", "200"], probe_log
    elapsed = time.monotonic() - started
    assert elapsed < 120, elapsed

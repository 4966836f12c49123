"""The real task worker killed while it delivers webhooks: every event is still acknowledged
exactly once, and nothing is sent for an event after its acknowledgement.

The worker (`manage.py db_worker`, with its periodic duties) runs in its own process against a
database of its own (a file on SQLite, a new database on PostgreSQL). An endpoint on this
machine holds the first request of KILLS different events open until the test has killed the
worker with SIGKILL mid-delivery, then drops it unanswered; every other request is answered
200. A last worker then delivers what is left, and is watched a while longer.

What this does not cover, as for email (docs/adr/0025): a kill in the moment after the
endpoint answered 200 and before the delivery was recorded. That delivery would be sent again,
with the same Mediation-Event-Id, which is why receivers are asked to ignore an id they have
already processed (docs/api.md).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
EVENTS = 12
KILLS = 4


class Endpoint:
    """Records (event id, what happened) in order: "held" (killed mid-delivery, never
    answered) or "acknowledged" (answered 200)."""

    def __init__(self) -> None:
        self.log: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                event = json.loads(body)["id"]
                with endpoint.lock:
                    held = [e for e, what in endpoint.log if what == "held"]
                    hold = len(held) < KILLS and event not in held
                    if hold:
                        endpoint.release.clear()
                        endpoint.log.append((event, "held"))
                if hold:
                    endpoint.release.wait(90)
                    self.close_connection = True
                    return
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")
                self.wfile.flush()
                with endpoint.lock:
                    endpoint.log.append((event, "acknowledged"))

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/events"

    def held(self) -> int:
        with self.lock:
            return sum(what == "held" for _e, what in self.log)

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def database_url(tmp_path):
    """A database of the processes' own, on the engine this run uses."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'webhooks.sqlite3'}"
        return
    import psycopg

    found = connection.get_connection_params()
    name = f"webhook_fault_{os.getpid()}"
    params = {key: found[key] for key in ("host", "port", "user", "password") if found.get(key)} | {
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    yield (
        f"postgres://{params.get('user', 'postgres')}@/{name}"
        f"?host={params.get('host', '')}&port={params.get('port', 5432)}"
    )
    with psycopg.connect(**params) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _statuses(database_url: str) -> Counter[str]:
    query = "SELECT status, count(*) FROM webhooks_webhookdelivery GROUP BY status"
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as database:
            return Counter(dict(database.execute(query).fetchall()))
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as database:
        return Counter(dict(database.execute(query).fetchall()))


def test_each_event_is_acknowledged_once_through_killed_workers(database_url, tmp_path):
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PG"))},
        "DJANGO_SETTINGS_MODULE": "mediation.webhooks.tests.fault_settings",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }
    endpoint = Endpoint()
    started: list[subprocess.Popen] = []

    def run(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]

    def worker() -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(started)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2",
             "--no-startup-delay"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append(process)
        return process

    try:
        run("manage.py", "migrate", "--verbosity", "0")
        run("-m", "mediation.webhooks.tests.fault_driver", "seed", endpoint.url, str(EVENTS))
        for kill in range(KILLS):
            process = worker()
            deadline = time.monotonic() + 90
            while endpoint.held() < kill + 1:
                assert process.poll() is None, (tmp_path / f"worker-{kill}.log").read_text()
                assert time.monotonic() < deadline, "no delivery started"
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)  # mid-delivery: the endpoint holds it open
            process.wait()
            endpoint.release.set()
        last = worker()
        deadline = time.monotonic() + 90
        while _statuses(database_url)["delivered"] < EVENTS:
            assert last.poll() is None
            assert time.monotonic() < deadline, _statuses(database_url)
            time.sleep(0.2)
        time.sleep(4)  # two leases and four sweeps more: nothing may be sent again
        last.send_signal(signal.SIGTERM)
        last.wait(timeout=30)
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait()
        endpoint.stop()

    log = list(endpoint.log)
    acknowledged = Counter(event for event, what in log if what == "acknowledged")
    held = [event for event, what in log if what == "held"]
    assert len(acknowledged) == EVENTS and set(acknowledged.values()) == {1}, acknowledged
    assert len(held) == KILLS == len(set(held))
    for event in acknowledged:
        after = log[log.index((event, "acknowledged")) + 1 :]
        assert event not in {e for e, _what in after}, "sent again after its acknowledgement"
    assert _statuses(database_url) == Counter({"delivered": EVENTS})

"""Past one machine: two web servers (gunicorn) and two task workers (`manage.py db_worker`),
each with its own port, working folder, MEDIA_ROOT, UPLOAD_ROOT and temporary folder, sharing
only the PostgreSQL database and the object store (moto's server standing in for S3). Shows:

- a file uploaded through web server A is downloaded through web server B (and A);
- a document made by either worker (a quarterly report, one given to each worker's own queue)
  is served by both web servers, byte for byte the object in the bucket;
- every task runs exactly once although both workers compete for the shared queue: each run of
  the test task leaves one object in the bucket, so a task run twice would leave two;
- nothing is kept on either machine's disk.

Runs in the PostgreSQL run only (SQLite is one file on one machine). The processes use the
test database of this run (the test commits its rows: transaction=True) and the settings of
two_machines_settings.py; every process is stopped when the test ends, passed or failed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from urllib.parse import quote

import pytest
import requests
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conftest import login
from mediation.authorities.models import LocalAuthority
from mediation.cases.tests.factories import LocalAuthorityFactory
from mediation.ops.models import WorkerHeartbeat
from mediation.ops.tests.object_store import Bucket, free_port, new_bucket, stop, wait_for_port
from mediation.ops.tests.two_machines_tasks import leave_a_trace
from mediation.reports import services as report_services
from mediation.reports.models import QuarterlyReport
from mediation.reports.tasks import quarterly_report_task
from mediation.uploads.models import Upload
from mediation.uploads.tests import samples

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
RUNS = 30  # tasks the two workers compete for
WAIT_SECONDS = 45
# As in two_machines_settings.py (not imported: it needs the bucket's variables).
DATABASE_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "machine-a", "machine-b"],
    }
}


@dataclass
class Machine:
    name: str
    folder: Path
    port: int
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def worker_id(self) -> str:
        return f"machine-{self.name}"

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name} of machine {self.name}:\n{log.read_text(errors='replace')[-3000:]}"
            for log in sorted(self.folder.glob("*.log"))
        )

    def files_kept(self) -> list[Path]:
        """Files on this machine's disk where the service would keep uploads or documents."""
        return [
            path
            for folder in (self.folder / "media", self.folder / "uploads")
            for path in folder.rglob("*")
            if path.is_file()
        ]


def _database_url() -> str:
    """This run's test database, for the other processes (host and port may be in OPTIONS)."""
    db = connection.settings_dict
    options = db.get("OPTIONS", {})
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or options.get("host", "")
    port = db.get("PORT") or options.get("port", "")
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@/{db['NAME']}?host={host}&port={port}"
    )


def _start(machine: Machine, environment: dict[str, str], log: str, *args: str) -> None:
    with (machine.folder / log).open("wb") as out:
        machine.processes.append(
            subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
                [sys.executable, *args],
                cwd=machine.folder,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )


@pytest.fixture
def postgresql(transactional_db) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two machines share a PostgreSQL database: part of the PostgreSQL run")


@pytest.fixture
def bucket(postgresql, request) -> Bucket:
    # moto's server only once the test is known to run.
    return new_bucket(request.getfixturevalue("moto_endpoint"))


@pytest.fixture
def machines(bucket, tmp_path) -> Iterator[dict[str, Machine]]:
    shared = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO", "PG", "DATABASE", "UPLOAD", "DOCUMENT", "AWS"))
        },
        **bucket.environment(),
        "DJANGO_SETTINGS_MODULE": "mediation.ops.tests.two_machines_settings",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": str(ROOT),
    }
    found: dict[str, Machine] = {}
    try:
        for name in ("a", "b"):
            machine = found[name] = Machine(name, tmp_path / f"machine-{name}", free_port())
            for folder in ("media", "uploads", "tmp"):
                (machine.folder / folder).mkdir(parents=True)
            environment = {
                **shared,
                "MACHINE": name,
                "MEDIA_ROOT": str(machine.folder / "media"),
                "UPLOAD_ROOT": str(machine.folder / "uploads"),
                "TMPDIR": str(machine.folder / "tmp"),
            }
            _start(
                machine, environment, "web.log",
                "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn_conf.py"),
                "--bind", f"127.0.0.1:{machine.port}", "--workers", "1",
                "config.wsgi:application",
            )  # fmt: skip
            _start(
                machine, environment, "worker.log",
                str(ROOT / "manage.py"), "db_worker", "--no-reload", "--no-startup-delay",
                "--interval", "0.1", "--worker-id", machine.worker_id,
                "--queue-name", f"default,{machine.worker_id}",
            )  # fmt: skip
        for machine in found.values():
            wait_for_port(machine.port, process=machine.processes[0], seconds=WAIT_SECONDS)
        _wait_until(
            lambda: (
                WorkerHeartbeat.objects.filter(
                    worker_id__in=[m.worker_id for m in found.values()]
                ).count()
                == 2
            ),
            found,
            "both workers to start",
        )
        yield found
    finally:
        for machine in found.values():
            for process in machine.processes:
                stop(process)


def _wait_until(ready, machines: dict[str, Machine], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not ready():
        for machine in machines.values():
            for process in machine.processes:
                assert process.poll() is None, f"a process stopped:\n{machine.logs()}"
        if time.monotonic() > deadline:
            logs = "\n".join(m.logs() for m in machines.values())
            raise AssertionError(f"Waited {WAIT_SECONDS} s for {what}:\n{logs}")
        time.sleep(0.2)


def _signed_in(client, user) -> requests.Session:
    """A browser session of `user` (both factors), made in the shared database: any machine
    accepts its cookie."""
    login(client, user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    return session


def test_two_web_servers_and_two_workers_share_only_the_database_and_the_object_store(
    machines, bucket, client, settings, open_case, case_officer_cal, manager_sue, local_authority
):
    a, b = machines["a"], machines["b"]

    # A file uploaded through A...
    officer = _signed_in(client, case_officer_cal)
    form_path = reverse("uploads:upload", args=[open_case.reference])
    page = officer.get(a.url + form_path, timeout=30)
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    sent = officer.post(
        a.url + form_path,
        data={"purpose": "la_file", "csrfmiddlewaretoken": token.group(1)},
        files={"file": ("Report.pdf", samples.PDF, "application/pdf")},
        allow_redirects=False,
        timeout=30,
    )
    assert sent.status_code == 302, sent.text[:2000]
    item = Upload.objects.get(case=open_case)
    assert bucket.keys("uploads/") == [f"uploads/{item.stored_name}"]
    # ...is downloaded through B, and A.
    download_path = reverse("uploads:download", args=[open_case.reference, item.pk])
    for machine in (b, a):
        got = officer.get(machine.url + download_path, timeout=30)
        assert got.status_code == 200, f"machine {machine.name}: {got.status_code}"
        assert got.content == samples.PDF

    # A document for each worker: quarterly reports asked for with the queue held back, then
    # each report's task put on one worker's own queue.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    other_authority = cast(
        LocalAuthority, LocalAuthorityFactory(name="Southfield Council", code="SFD")
    )
    reports = {
        machine.worker_id: report_services.quarterly_report_request(
            authority=authority, year=2026, quarter=3, by=manager_sue
        )
        for machine, authority in ((a, local_authority), (b, other_authority))
    }
    settings.TASKS = DATABASE_TASKS
    for worker_id, report in reports.items():
        quarterly_report_task.using(queue_name=worker_id).enqueue(
            report_id=report.pk, version=report.version
        )
    # And tasks both workers compete for.
    for number in range(RUNS):
        leave_a_trace.enqueue(number=number)

    _wait_until(
        lambda: DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count() == 0,
        machines,
        "every task to finish",
    )
    results = list(DBTaskResult.objects.all())
    assert len(results) == RUNS + 2
    assert {result.status for result in results} == {"SUCCESSFUL"}, [
        (r.task_path, r.status, r.traceback[-500:]) for r in results if r.status != "SUCCESSFUL"
    ]
    assert all(len(result.worker_ids) == 1 for result in results)  # each taken once

    # Every task ran exactly once: one trace each, none twice; and both workers took some.
    runs = bucket.keys("documents/runs/")
    assert Counter(key.split("/")[2] for key in runs) == {str(n): 1 for n in range(RUNS)}
    takers = Counter(
        result.worker_ids[0] for result in results if result.task_path.endswith("leave_a_trace")
    )
    assert set(takers) == {a.worker_id, b.worker_id}, takers
    assert sum(takers.values()) == RUNS

    # Each worker made its report; both web servers serve both, as kept in the bucket.
    manager = _signed_in(client, manager_sue)
    for worker_id, report in reports.items():
        made_by = DBTaskResult.objects.get(
            task_path__endswith="quarterly_report_task", args_kwargs__kwargs__report_id=report.pk
        ).worker_ids
        assert made_by == [worker_id]
        report.refresh_from_db()
        assert report.status == QuarterlyReport.Status.READY
        assert bytes(report.pdf) == b"" and report.stored_name
        kept = bucket.client.get_object(Bucket=bucket.name, Key=f"documents/{report.stored_name}")
        assert kept["ServerSideEncryption"] == "AES256"
        pdf = kept["Body"].read()
        assert pdf.startswith(b"%PDF-")
        for machine in (a, b):
            got = manager.get(
                machine.url + reverse("reports:quarterly-pdf", args=[report.pk]), timeout=30
            )
            assert got.status_code == 200, f"machine {machine.name}: {got.status_code}"
            assert got.content == pdf

    # Nothing was kept on either machine's own disk.
    assert a.files_kept() == [] and b.files_kept() == []

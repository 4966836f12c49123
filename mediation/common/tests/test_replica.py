"""Report reads go to the read replica only when one is configured and usable, and only inside
report_reads(); writes and other reads never do; a replica that is down or behind is left for
the main database with a log line. The last test proves it on a real PostgreSQL hot standby."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from mediation.cases.models import Case
from mediation.common import replica
from mediation.common.replica import ReportReplicaRouter, report_reads, report_reads_streamed

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "pg_throwaway.sh"


@pytest.fixture
def sqlite_databases(db, tmp_path, monkeypatch):
    """A configured replica: a connection handler of its own with real SQLite databases (the
    test database's connections are left alone)."""
    primary = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "primary.sqlite3")}
    folder = tmp_path / "replica"
    folder.mkdir()
    replica_settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(folder / "r.sqlite3")}
    handler = ConnectionHandler({"default": primary, "replica": replica_settings})
    monkeypatch.setattr(replica, "connections", handler)
    replica.forget_replica_health()
    yield handler
    handler.close_all()
    replica.forget_replica_health()


def test_router_sends_only_report_reads_to_a_usable_replica(sqlite_databases):
    router = ReportReplicaRouter()
    assert router.db_for_read(Case) is None
    with report_reads():
        assert router.db_for_read(Case) == "replica"
        assert router.db_for_write(Case) is None  # writes: the main database, always
    assert router.db_for_read(Case) is None
    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("default", "cases") is True


def test_a_replica_that_is_down_is_left_for_the_main_database_with_a_log_line(
    sqlite_databases, caplog
):
    # Its folder gone: SQLite cannot open the file, as a server that does not answer.
    sqlite_databases.settings["replica"]["NAME"] = "/nonexistent-folder/replica.sqlite3"
    with caplog.at_level(logging.WARNING, logger="mediation.common.replica"), report_reads():
        assert ReportReplicaRouter().db_for_read(Case) is None
    assert "Read replica cannot be reached (OperationalError" in caplog.text
    assert "report reads go to the main database for now" in caplog.text

    # Checked again only after REPLICA_CHECK_SECONDS: until then, no second log line.
    caplog.clear()
    with report_reads():
        assert ReportReplicaRouter().db_for_read(Case) is None
    assert caplog.text == ""


def test_a_replica_that_comes_back_is_used_again(sqlite_databases, tmp_path, caplog, monkeypatch):
    missing = tmp_path / "not-yet" / "replica.sqlite3"
    sqlite_databases.settings["replica"]["NAME"] = str(missing)
    monkeypatch.setattr(replica, "REPLICA_CHECK_SECONDS", 0)
    with report_reads():
        assert ReportReplicaRouter().db_for_read(Case) is None
    missing.parent.mkdir()  # the replica is back
    sqlite_databases["replica"].close()
    with caplog.at_level(logging.WARNING, logger="mediation.common.replica"), report_reads():
        assert ReportReplicaRouter().db_for_read(Case) == "replica"
    assert "Read replica usable again" in caplog.text


def test_an_export_streamed_after_the_view_returns_still_reads_from_the_replica(
    sqlite_databases,
):
    router = ReportReplicaRouter()

    def lines():
        for n in range(3):
            yield f"{n},{router.db_for_read(Case)}\n"

    body = report_reads_streamed(lines())
    assert router.db_for_read(Case) is None  # nothing runs until the response is sent
    assert list(body) == ["0,replica\n", "1,replica\n", "2,replica\n"]
    assert router.db_for_read(Case) is None


def test_without_a_replica_report_reads_change_nothing():
    with report_reads():
        assert ReportReplicaRouter().db_for_read(Case) is None


def test_wal_positions_are_compared_as_bytes():
    assert replica._lsn("0/3000000") == 0x3000000
    assert replica._lsn("16/B374D848") - replica._lsn("16/B374D800") == 0x48
    assert replica._lsn("1/0") > replica._lsn("0/FFFFFFFF")


def test_database_replica_url_adds_the_replica_and_the_router():
    code = (
        "import config.settings.test as s; "
        "print(sorted(s.DATABASES), s.DATABASES['replica']['HOST'], s.DATABASE_ROUTERS, "
        "s.DATABASE_REPLICA_MAX_LAG_SECONDS, s.DATABASES['replica']['OPTIONS'])"
    )
    env = dict(
        os.environ, PYTHONPATH=str(ROOT), DATABASE_REPLICA_URL="postgres://u@replica.internal/db"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "['default', 'replica'] replica.internal" in out
    assert "mediation.common.replica.ReportReplicaRouter" in out
    assert out.strip().endswith(" 30 {'connect_timeout': 3}")


@pytest.mark.postgres_only
def test_report_reads_on_a_real_hot_standby(tmp_path):
    """A throwaway primary and its hot standby (pg_basebackup, streaming): report reads go to
    the standby, no write ever does, a standby that lags or is down is left for the primary."""
    if connection.vendor != "postgresql":
        pytest.skip("starts a PostgreSQL primary and a hot standby: part of the PostgreSQL run")
    out = subprocess.run([str(SCRIPT), "start"], check=True, capture_output=True, text=True).stdout
    cluster = dict(pair.split("=", 1) for pair in out.removeprefix("export ").split())
    try:
        environment = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("DJANGO", "PG", "DATABASE"))
            },
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PYTHONPATH": str(ROOT),
        }
        primary = f"postgres://postgres@/postgres?host={cluster['PGHOST']}&port={cluster['PGPORT']}"
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT, env={**environment, "DATABASE_URL": primary}, check=True, timeout=300,
        )  # fmt: skip
        out = subprocess.run(
            [str(SCRIPT), "standby", cluster["PGTMP"]], check=True, capture_output=True, text=True
        ).stdout
        standby_port = out.strip().rsplit("=", 1)[1]
        checked = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("replica_check.py"))],
            cwd=ROOT,
            env={
                **environment,
                "DATABASE_URL": primary,
                "DATABASE_REPLICA_URL": (
                    f"postgres://postgres@/postgres?host={cluster['PGHOST']}&port={standby_port}"
                ),
                "DATABASE_REPLICA_MAX_LAG_SECONDS": "0",
                "STANDBY_STOP": f"{SCRIPT} standby-stop {cluster['PGTMP']}",
            },
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert checked.returncode == 0, checked.stderr[-3000:]
        seen = json.loads(checked.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run([str(SCRIPT), "stop", cluster["PGTMP"]], check=False)

    assert seen["replicated"] is True
    assert seen["alias_inside"] == "replica"
    assert "Replica Shire" in seen["names_read"]
    assert seen["reads_on_replica"] == 1
    assert seen["writes_on_replica"] == []  # no write ever reaches the standby
    assert seen["inserts_on_primary"] == 1  # the write inside report_reads() went to the primary
    assert seen["reads_outside_on_primary"] == 1
    assert seen["outside_sees_own_write"] is True

    assert seen["alias_lagging"] is None  # replay paused: the primary answers instead
    assert seen["lagging_read_sees_latest"] is True
    assert seen["caught_up_again"] is True

    assert seen["alias_down"] is None
    assert seen["down_read_count"] == 3
    log = "\n".join(seen["log"])
    assert "Read replica is behind:" in log
    assert "Read replica usable again" in log
    assert "Read replica cannot be reached" in log

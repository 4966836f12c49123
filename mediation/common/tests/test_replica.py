"""Report reads go to the read replica only when one is configured, and only inside
report_reads(); writes and other reads never do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mediation.cases.models import Case
from mediation.common.replica import ReportReplicaRouter, report_reads

ROOT = Path(__file__).resolve().parents[3]


def test_router_sends_only_report_reads_to_a_configured_replica(settings):
    router = ReportReplicaRouter()
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    assert router.db_for_read(Case) is None
    with report_reads():
        assert router.db_for_read(Case) == "replica"
        assert router.db_for_write(Case) is None
    assert router.db_for_read(Case) is None
    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("default", "cases") is True


def test_without_a_replica_report_reads_change_nothing():
    with report_reads():
        assert ReportReplicaRouter().db_for_read(Case) is None


def test_database_replica_url_adds_the_replica_and_the_router():
    code = (
        "import config.settings.test as s; "
        "print(sorted(s.DATABASES), s.DATABASES['replica']['HOST'], s.DATABASE_ROUTERS)"
    )
    env = dict(
        os.environ, PYTHONPATH=str(ROOT), DATABASE_REPLICA_URL="postgres://u@replica.internal/db"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "['default', 'replica'] replica.internal" in out
    assert "mediation.common.replica.ReportReplicaRouter" in out

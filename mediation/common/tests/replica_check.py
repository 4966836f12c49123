"""Run by test_replica.py in the PostgreSQL run, in a process of its own whose settings have
DATABASE_URL (a throwaway primary) and DATABASE_REPLICA_URL (its hot standby, made with
pg_basebackup): report reads go to the standby, writes never do, and a standby that lags or is
down is left for the primary with a log line. Prints what it saw as one JSON line.

    STANDBY_STOP="scripts/pg_throwaway.sh standby-stop DIR" python replica_check.py
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import subprocess
import time

import django

django.setup()

from django.db import connections, transaction  # noqa: E402  (after django.setup())
from django.test.utils import CaptureQueriesContext  # noqa: E402

from mediation.authorities.models import LocalAuthority  # noqa: E402
from mediation.common import replica  # noqa: E402


class Remember(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def wait_until(condition, seconds: float = 30.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def writes(captured: CaptureQueriesContext) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(verbs)
    ]


def main() -> None:
    log = Remember()
    logging.getLogger("mediation.common.replica").addHandler(log)
    replica.REPLICA_CHECK_SECONDS = 0  # check on every report read, to see each change at once
    seen: dict[str, object] = {}

    first = LocalAuthority.objects.create(name="Replica Shire", code="RPS")
    seen["replicated"] = wait_until(
        lambda: (
            LocalAuthority.objects.using("replica").filter(pk=first.pk).exists()
            and replica.replica_problem() is None
        )
    )

    # Report reads go to the standby; a write inside the same block goes to the primary.
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        with replica.report_reads():
            seen["alias_inside"] = replica._report_alias.get()
            seen["names_read"] = list(LocalAuthority.objects.values_list("name", flat=True))
            with transaction.atomic():
                LocalAuthority.objects.create(name="Written Inside", code="WRI")
        outside = list(LocalAuthority.objects.values_list("name", flat=True))
    seen["reads_on_replica"] = sum(
        "authorities_localauthority" in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")
        for q in on_replica.captured_queries
    )
    seen["writes_on_replica"] = writes(on_replica)
    seen["inserts_on_primary"] = len(writes(on_primary))
    seen["reads_outside_on_primary"] = sum(
        "authorities_localauthority" in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")
        for q in on_primary.captured_queries
    )
    seen["outside_sees_own_write"] = "Written Inside" in outside

    # A standby that lags (replay paused while the primary writes) is left for the primary.
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    LocalAuthority.objects.create(name="While Paused", code="WPA")
    time.sleep(1.1)  # so that the last replay is over a second old (the limit here is 0 s)
    with replica.report_reads():
        seen["alias_lagging"] = replica._report_alias.get()
        seen["lagging_read_sees_latest"] = LocalAuthority.objects.filter(code="WPA").exists()
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    seen["caught_up_again"] = wait_until(lambda: replica.report_database() == replica.REPLICA)

    # A standby that is down is left for the primary, and the report still works.
    connections["replica"].close()
    subprocess.run(shlex.split(os.environ["STANDBY_STOP"]), check=True)  # noqa: S603
    with replica.report_reads():
        seen["alias_down"] = replica._report_alias.get()
        seen["down_read_count"] = LocalAuthority.objects.count()
    seen["log"] = log.lines
    print(json.dumps(seen))


if __name__ == "__main__":
    main()

"""What one audit event costs: N calls of audit_record, each in its own transaction as in a request.

usage: DATABASE_URL=... python scripts/audit_cost.py [--calls 1000]

Run it against an empty, throwaway database (it migrates it first and writes N events):
SQLite: DATABASE_URL=sqlite:////tmp/x.sqlite3; PostgreSQL: a cluster from scripts/pg_throwaway.sh.
Prints the time per call (median of five rounds of N/5 calls) and the events' count. The
figures before and after the keyed audit log are in docs/adr/0024-keyed-anchored-audit-log.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connection, connections

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="writers at once (PostgreSQL), each its own connection",
    )
    args = parser.parse_args()

    django.setup()
    call_command("migrate", verbosity=0)
    # The models can be imported only once Django is set up, which this script does itself.
    from mediation.accounts.models import User  # noqa: PLC0415 (after django.setup())
    from mediation.audit.models import AuditEvent  # noqa: PLC0415 (after django.setup())
    from mediation.audit.services import (  # noqa: PLC0415 (after django.setup())
        audit_record,
        audit_seal_pending,
        audit_unsealed_count,
    )

    actor, _ = User.objects.get_or_create(username="audit.cost", defaults={"role": "case_officer"})
    rounds = 5
    per_round = max(1, args.calls // rounds)

    def write(count: int) -> None:
        try:
            for number in range(count):
                audit_record(actor=actor, verb="case.view", case_id=number, detail={"n": number})
        finally:
            connections.close_all()

    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        if args.threads == 1:
            write(per_round)
        else:
            writers = [
                threading.Thread(target=write, args=(per_round // args.threads,))
                for _ in range(args.threads)
            ]
            for writer in writers:
                writer.start()
            for writer in writers:
                writer.join()
        timings.append((time.perf_counter() - started) / per_round)
    median_ms = statistics.median(timings) * 1000
    waiting = audit_unsealed_count()
    started = time.perf_counter()
    audit_seal_pending()
    sweep_ms = (time.perf_counter() - started) * 1000
    print(
        f"{connection.vendor}, {args.threads} writer(s): {per_round * rounds} audit_record calls, "
        f"{median_ms:.3f} ms a call of wall time (median of {rounds} rounds; rounds "
        + ", ".join(f"{t * 1000:.3f}" for t in timings)
        + f" ms); {AuditEvent.objects.count()} events; {waiting} were still waiting to be "
        f"sealed at the end and the sweep sealed them in {sweep_ms:.0f} ms"
    )


if __name__ == "__main__":
    main()

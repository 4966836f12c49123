"""What auditing every read adds to a page: the same pages requested with and without the
read-audit middleware, in turns, on a throwaway database with the demo data.

usage: DATABASE_URL=... python scripts/read_audit_cost.py [--requests 300]

Run it against an empty, throwaway database (it migrates it and loads 30 demo cases):
SQLite: DATABASE_URL=sqlite:////tmp/x.sqlite3; PostgreSQL: a cluster from scripts/pg_throwaway.sh.
Prints the median time of a request to the case page, a party's page and My work, with and
without the middleware (rounds alternate, so a busy machine slows both alike), and the
difference. The figures are in docs/adr/0029-every-read-and-refusal-audited.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import django
from django.core.management import call_command

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

MIDDLEWARE = "mediation.audit.middleware.ReadAuditMiddleware"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    django.setup()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo_data", cases=30, stdout=quiet)
    # After django.setup(), which this script does itself.
    from django.conf import settings  # noqa: PLC0415
    from django.test import Client, override_settings  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from conftest import login  # noqa: PLC0415
    from mediation.accounts.models import User  # noqa: PLC0415
    from mediation.audit.models import AuditEvent  # noqa: PLC0415
    from mediation.cases.models import Case  # noqa: PLC0415

    officer = User.objects.get(username="casey.officer")
    case = Case.objects.filter(parties__isnull=False).order_by("pk").first()
    assert case is not None, "the demo data has cases with parties"
    party = case.parties.order_by("pk").first()
    assert party is not None
    urls = {
        "case page": reverse("cases:detail", args=[case.reference]),
        "party page": reverse("parties:detail", args=[case.reference, party.pk]),
        "my work": reverse("cases:my-work"),
    }
    without = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    client = login(Client(), officer)
    timings: dict[tuple[str, bool], list[float]] = {}
    rounds = max(1, args.requests // 10)
    for _ in range(rounds):
        for audited in (True, False):
            with override_settings(MIDDLEWARE=settings.MIDDLEWARE if audited else without):
                for name, url in urls.items():
                    for _ in range(10 // len(urls) + 1):
                        started = time.perf_counter()
                        response = client.get(url)
                        elapsed = time.perf_counter() - started
                        assert response.status_code == 200, (name, response.status_code)
                        timings.setdefault((name, audited), []).append(elapsed)
    print(
        f"{'page':<12} {'audited':>10} {'not':>10} {'added':>10}   (median ms, {connection_vendor()})"
    )
    for name in urls:
        yes = statistics.median(timings[(name, True)]) * 1000
        no = statistics.median(timings[(name, False)]) * 1000
        print(f"{name:<12} {yes:>10.2f} {no:>10.2f} {yes - no:>10.2f}")
    print(f"events written: {AuditEvent.objects.filter(verb='read').count()}")


def connection_vendor() -> str:
    from django.db import connection  # noqa: PLC0415 (after django.setup())

    return connection.vendor


if __name__ == "__main__":
    main()

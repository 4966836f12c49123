"""Two managers issuing at the same moment, on PostgreSQL (SQLite runs one writer at a time):
numbers stay gapless and distinct, and one LA's activities are billed once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from mediation.common import errors
from mediation.invoicing import selectors, services
from mediation.invoicing.models import BilledActivity, Invoice
from mediation.invoicing.tests import support

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

NOV_1, NOV_30 = date(2026, 11, 1), date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time")


def _race(jobs):
    """Run each job in its own thread and connection, started together."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 (the test inspects what each thread raised)
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _issue_job(authority, user):
    draft = selectors.invoice_draft(authority=authority, start=NOV_1, end=NOV_30)

    def job():
        return services.invoice_issue(
            authority=authority,
            start=NOV_1,
            end=NOV_30,
            fingerprint=draft.fingerprint,
            by=user,
        ).number

    return job


def test_concurrent_issues_for_different_las_get_consecutive_numbers(
    local_authority, other_authority, manager_sue, admin_ada, case_officer_cal
):
    for authority in (local_authority, other_authority):
        support.standard_tariffs(authority, manager_sue)
        support.mediation(authority, case_officer_cal, date(2026, 11, 3))
    results = _race(
        [_issue_job(local_authority, manager_sue), _issue_job(other_authority, admin_ada)]
    )
    assert sorted(results) == ["INV-2026-00001", "INV-2026-00002"]


def test_concurrent_issues_for_one_la_bill_its_activities_once(
    local_authority, manager_sue, admin_ada, case_officer_cal
):
    support.standard_tariffs(local_authority, manager_sue)
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 3))
    support.information_call(local_authority, case_officer_cal, date(2026, 11, 4))
    results = _race(
        [_issue_job(local_authority, manager_sue), _issue_job(local_authority, admin_ada)]
    )
    numbers = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, errors.ServiceError)]
    assert numbers == ["INV-2026-00001"] and len(refused) == 1, results
    assert Invoice.objects.count() == 1
    assert BilledActivity.objects.count() == 2

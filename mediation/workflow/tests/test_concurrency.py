"""Two people change one case at the same moment: one wins, the other is told clearly.

Runs on PostgreSQL (the `make test` PostgreSQL run), where the row lock taken by the service
is real; SQLite's in-memory test database cannot hold two writers in two threads at once.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from mediation.cases.models import Case
from mediation.common import errors
from mediation.domain.case_states import CaseState, Step
from mediation.workflow.services import case_take_step

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_steps_one_wins_the_other_is_refused(
    case_officer_cal, case_officer_cleo, open_case
):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: runs in the PostgreSQL run of make test")
    start = threading.Barrier(2)
    results: dict[str, str] = {}

    def attempt(name, step, by, data):
        from django.db import connection as thread_connection

        start.wait()
        try:
            case_take_step(
                case=open_case,
                step=step,
                by=by,
                data=data,
                expected_state=CaseState.MEDIATION_REQUESTED,
            )
            results[name] = "done"
        except errors.StaleCase as error:
            results[name] = f"refused: {error}"
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(
            target=attempt,
            args=("inform", Step.INFORM_LA, case_officer_cal, {"on": date(2026, 11, 4)}),
        ),
        threading.Thread(
            target=attempt,
            args=("withdraw", Step.FAMILY_WITHDRAWS, case_officer_cleo, {"on": date(2026, 11, 4)}),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(v.split(":")[0] for v in results.values()) == ["done", "refused"]
    assert any("Someone else changed this case" in v for v in results.values())
    case = Case.objects.get(pk=open_case.pk)
    assert case.status in {CaseState.ARRANGING, CaseState.CERTIFICATE_DUE}
    assert (case.la_informed_on is None) != (case.mediation_declined_on is None)

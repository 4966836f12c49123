from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from mediation.reports.tests.helpers import make_case

pytestmark = pytest.mark.django_db


def test_bench_reports_prints_timings(local_authority, case_officer_cal):
    make_case(
        local_authority,
        case_officer_cal,
        la_informed_on=date(2026, 4, 1),
        mediation_held_on=date(2026, 4, 20),
    )
    out = io.StringIO()
    call_command("bench_reports", "--la", "first", "--quarter", "2026-Q2", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 5
    assert all(re.search(r": \d+\.\d{3} s", line) for line in lines)
    assert "reports drill-down first page (1 mediations held)" in lines[2]
    assert lines[3].startswith("WeasyPrint import, once per process")
    assert "quarterly PDF, NFD, 2026-Q2" in lines[4]


def test_bench_reports_refuses_bad_arguments(local_authority):
    with pytest.raises(CommandError, match="No local authority"):
        call_command("bench_reports", "--la", "NOPE", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--quarter"):
        call_command("bench_reports", "--quarter", "2026-05", stdout=io.StringIO())

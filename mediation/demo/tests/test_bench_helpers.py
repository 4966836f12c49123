"""The benchmark's helpers that need synthetic cases: signed-in sessions and a certificate."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mediation.demo import synthetic


@pytest.mark.django_db
def test_bench_session_refuses_outside_the_benchmark(case_officer_cal):
    with pytest.raises(CommandError, match="only under config.settings.bench"):
        call_command("bench_session", "--username", case_officer_cal.username)


@pytest.mark.django_db
def test_bench_session_makes_verified_sessions_under_bench_settings(
    client, case_officer_cal, settings
):
    settings.BENCH = True
    out = StringIO()
    call_command(
        "bench_session", "--username", case_officer_cal.username, "--sessions", "2", stdout=out
    )
    made = json.loads(out.getvalue())
    assert len(made["sessions"]) == 2
    client.cookies[made["cookie_name"]] = made["sessions"][1]
    response = client.get("/my-work/")
    assert response.status_code == 200  # signed in and past the second factor


@pytest.mark.django_db
def test_bench_certificate_renders_a_generated_certificate():
    synthetic.generate(cases=30, seed=9, as_of=datetime(2026, 3, 2, 12, tzinfo=UTC), per_year=300)
    out = StringIO()
    call_command("bench_certificate", "--runs", "1", stdout=out)
    assert "certificate PDF (WeasyPrint, PDF/UA) | 1 |" in out.getvalue()

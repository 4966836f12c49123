"""The benchmark's settings and helpers stay out of every other configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from mediation.common.bulk import insert_rows, next_id, reset_sequences

ROOT = Path(__file__).resolve().parents[3]


def _load_bench_settings(**extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MEDIATION_BENCH"}
    env.update(
        SECRET_KEY="bench-test-secret-key-0123456789abcdef0123456789abcdef",
        FIELD_ENCRYPTION_KEYS="dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    code = "import config.settings.bench as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.BENCH)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_bench_settings_refuse_to_load_outside_the_benchmark():
    refused = _load_bench_settings()
    assert refused.returncode != 0
    assert "for the benchmark only" in refused.stderr


def test_bench_settings_are_production_settings_over_plain_http():
    loaded = _load_bench_settings(MEDIATION_BENCH="1", DJANGO_DEBUG="true")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == ["False", "False", "True"]  # DEBUG stays off


def test_the_floor_pages_exist_only_under_the_bench_settings():
    with pytest.raises(Resolver404):
        resolve("/bench/floor/")
    with pytest.raises(Resolver404):
        resolve("/bench/template/")


@pytest.mark.django_db(transaction=True)
def test_bulk_insert_with_explicit_ids_then_ordinary_inserts_carry_on():
    from mediation.authorities.models import LocalAuthority

    when = datetime(2026, 1, 1, tzinfo=UTC)
    first = next_id(LocalAuthority)
    insert_rows(
        LocalAuthority,
        ["id", "name", "code", "contact_email", "active", "created_at", "updated_at"],
        [
            (
                first + n,
                f"Bulk Council {n}",
                f"BLK{n}",
                "",
                True,
                when,
                when,
            )
            for n in range(3)
        ],
    )
    reset_sequences([LocalAuthority])
    later = LocalAuthority.objects.create(name="Ordinary Council", code="ORD")
    # After the bulk rows, never on one of them. Not always exactly first + 3: SQLite's
    # AUTOINCREMENT also remembers ids used by earlier tests that committed (transactional
    # tests), which the test database's flush does not forget.
    assert later.pk >= first + 3
    assert LocalAuthority.objects.get(code="BLK1").created_at == when

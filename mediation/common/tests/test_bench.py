"""The benchmark's settings and helpers stay out of every other configuration."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree  # noqa: S405  # nosec B405

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


def _bench_chart_module():
    """bench/chart.py is a script beside bench/run.py, not a package: loaded from its file."""
    spec = importlib.util.spec_from_file_location("bench_chart", ROOT / "bench" / "chart.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_chart"] = module  # its dataclass looks its module up while defined
    spec.loader.exec_module(module)
    return module


SAMPLE_RESULTS = {
    f"{page} @ {size}": {"requests_per_second": rps, "p50_ms": 1.0, "p99_ms": 2.0}
    for (page, size), rps in {
        ("floor: bare Django view", 10000): 2077.5,
        ("floor: bare Django view", 100000): 2226.0,
        ("floor: bare view, signed in", 10000): 530.3,
        ("floor: bare view, signed in", 100000): 529.9,
        ("Case page", 10000): 53.2,
        ("Case page", 100000): 46.1,
        ("Report: agreed actions <honoured> & kept", 10000): 66.0,
        ("Report: agreed actions <honoured> & kept", 100000): 45.0,
    }.items()
}


def test_the_bench_results_are_drawn_as_an_svg_chart_with_the_floors_marked(tmp_path):
    chart = _bench_chart_module()
    results = tmp_path / "2026-12-07-1200-sqlite-100000.json"
    results.write_text(json.dumps(SAMPLE_RESULTS))

    drawn = chart.chart_from_results_file(results)

    assert drawn == tmp_path / "2026-12-07-1200-sqlite-100000.svg"
    # Our own file just written, not outside input: the standard parser is enough.
    svg = ElementTree.fromstring(drawn.read_text())  # noqa: S314  # nosec B314
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    bar_titles = [t.text for t in svg.findall("svg:rect/svg:title", ns)]
    assert bar_titles == [
        "floor: bare Django view: 2,078 requests a second at 10,000 cases",
        "floor: bare Django view: 2,226 requests a second at 100,000 cases",
        "floor: bare view, signed in: 530 requests a second at 10,000 cases",
        "floor: bare view, signed in: 530 requests a second at 100,000 cases",
        "Case page: 53 requests a second at 10,000 cases",
        "Case page: 46 requests a second at 100,000 cases",
        "Report: agreed actions <honoured> & kept: 66 requests a second at 10,000 cases",
        "Report: agreed actions <honoured> & kept: 45 requests a second at 100,000 cases",
    ]
    # A longer bar for more requests a second (the scale is logarithmic, but ordered).
    widths = {
        t.text: float(r.get("width", "0"))
        for r in svg.findall("svg:rect", ns)
        if (t := r.find("svg:title", ns)) is not None
    }
    assert (
        widths[bar_titles[1]]
        > widths[bar_titles[3]]
        > widths[bar_titles[4]]
        > widths[bar_titles[5]]
    )
    texts = [t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "bare view floor (2,226)" in texts
    assert "signed-in floor (530)" in texts
    assert "target: half the signed-in floor (265)" in texts
    assert "10,000 cases" in texts and "100,000 cases" in texts


def test_a_results_file_that_is_not_the_benchmarks_is_refused():
    chart = _bench_chart_module()
    with pytest.raises(ValueError, match="not a benchmark result key"):
        chart.rows_from_results({"Case page": {"requests_per_second": 1.0}})

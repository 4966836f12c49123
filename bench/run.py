"""`make bench`: the whole benchmark in one run, on this machine.

    .venv/bin/python bench/run.py [--db postgresql|sqlite] [--small 10000] [--large 1000000]
                                  [--duration 10] [--connections 16] [--workers 4]
    .venv/bin/python bench/run.py --existing-database-url URL_10K --existing-database-url URL_1M
                                  [--timings]   # pages of databases generated earlier

1. A throwaway database: PostgreSQL from scripts/pg_throwaway.sh (or a temporary SQLite file),
   migrated; static files collected (whitenoise serves them, as in production).
2. `generate_cases` up to --small cases; gunicorn with config.settings.bench (production
   settings, DEBUG off, plain HTTP on 127.0.0.1; see that file for the differences).
3. wrk (Debian's) at --connections connections for --duration seconds per page, after a short
   warm-up, for every page in PAGES: the framework floor (a bare view, a GOV.UK template page)
   and signed-in staff pages (verified sessions from `manage.py bench_session`, one cookie per
   request in turn, so sixteen sessions are in use). Every page is first checked to answer 200
   for the signed-in user (not a redirect to sign-in).
4. `generate_cases` up to --large cases (gunicorn stopped meanwhile), ANALYZE, the same pages.
5. The timings in TIMINGS (deadline engine pure and through the database, a certificate PDF...).
6. A table (requests per second, p50, p99, ratio to the floor, growth from small to large,
   the targets met or not), printed and written to bench/results/<date>-<db>-<large>.md with
   the machine's CPU, cores, memory and load; the raw figures beside it (.json) and the
   table drawn as a chart (.svg: requests a second per page at both sizes, floors marked;
   bench/chart.py).

To add a page or a timing, add one line to PAGES or TIMINGS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote_plus

from chart import rows_from_results, svg_chart  # bench/chart.py, beside this script
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SEED = 1  # generate_cases seed (--seed changes it, for --existing-database-url)


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may use {case_reference}, {child_name}, {child_last_name}, {local_authority_id}
    signed_in: bool = True
    floor: bool = False  # the page others are compared with
    template_floor: bool = False  # the second floor: a GOV.UK page with no query
    user: str = "syn.officer01"  # a case officer; the report needs a manager


# The pages measured, in order. One line each.
PAGES = [
    Page("floor: bare Django view", "/bench/floor/", signed_in=False, floor=True),
    Page("floor: GOV.UK template page", "/bench/template/", signed_in=False, template_floor=True),
    Page("floor: bare view, signed in", "/bench/floor/"),
    Page("My work", "/my-work/"),
    Page("Team queue", "/team/"),
    Page("Case list: open, mediation, one LA", "/cases/?route=mediation&local_authority={local_authority_id}"),
    Page("Case list: all statuses, one LA", "/cases/?status=all&local_authority={local_authority_id}"),
    Page("Search by name", "/cases/?q={child_name}&status=all"),
    Page("Search by reference", "/cases/?q={case_reference}&status=all"),
    Page("Case page", "/cases/{case_reference}/"),
    Page("Calendar (this week)", "/calendar/?view=week"),
    Page("Enquiries (open)", "/enquiries/"),
    Page("Report: agreed actions honoured", "/reports/agreed-actions/", user="syn.manager01"),
    Page("Reports dashboard (this quarter)", "/reports/", user="syn.manager01"),
]  # fmt: skip

# Timings after the page measurements, on the large database. One line each:
# (what, command as a list; "manage.py" runs with the bench environment).
TIMINGS: list[tuple[str, list[str]]] = [
    ("Deadline engine, pure Python", [PYTHON, "bench/engine_bench.py", "--cases", "{engine_cases}"]),
    ("Deadline engine through the database", ["manage.py", "bench_deadlines", "--cases", "{db_engine_cases}"]),
    ("Certificate PDF", ["manage.py", "bench_certificate", "--runs", "10"]),
    ("Reports: dashboard, drill-down and a quarterly LA report", ["manage.py", "bench_reports", "--la", "first"]),
]  # fmt: skip

TARGET_FLOOR_SHARE = 0.5  # staff pages at least half the floor's requests per second
TARGET_P99_MS = 50.0
TARGET_GROWTH = 1.5  # no page more than 1.5 times slower at the large size


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


@dataclass
class Run:
    db: str
    sizes: list[int]
    results: dict[tuple[str, int], Result] = field(default_factory=dict)
    load: dict[int, str] = field(default_factory=dict)
    generation: dict[int, str] = field(default_factory=dict)
    timings: list[tuple[str, str]] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout  # noqa: S607
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "wrk": (wrk.splitlines() or ["?"])[0],
    }


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.env = dict(os.environ)
        self.env.update(
            MEDIATION_BENCH="1",
            DJANGO_SETTINGS_MODULE="config.settings.bench",
            SECRET_KEY=secrets.token_urlsafe(50),
            # A new key for a throwaway database; an existing one needs the key it was made with.
            FIELD_ENCRYPTION_KEYS=os.environ.get("FIELD_ENCRYPTION_KEYS") or self._fernet_key(),
            PYTHONPATH=str(ROOT),
            LOG_LEVEL="WARNING",
        )
        self.pg_tmp: str | None = None
        self.sqlite_path: str | None = None
        self.server: subprocess.Popen | None = None
        self.port = self._free_port()

    @staticmethod
    def _fernet_key() -> str:
        return Fernet.generate_key().decode()

    @staticmethod
    def _free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    # -- the database -----------------------------------------------------------------------

    def database_start(self) -> None:
        if self.args.existing_database_url:
            self.env["DATABASE_URL"] = self.args.existing_database_url[0]
            log("database: existing ones (nothing generated, nothing removed)")
            return
        if self.args.db == "postgresql":
            out = subprocess.run(  # noqa: S603 (our own script)
                [str(ROOT / "scripts/pg_throwaway.sh"), "start"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            values = dict(re.findall(r"(\w+)=(\S+)", out))
            self.pg_tmp = values["PGTMP"]
            self.env.update(PGHOST=values["PGHOST"], PGPORT=values["PGPORT"], PGUSER="postgres")
            self.env["DATABASE_URL"] = (
                f"postgres://postgres@/postgres?host={values['PGHOST']}&port={values['PGPORT']}"
            )
        else:
            handle, path = tempfile.mkstemp(prefix="mediation-bench-", suffix=".sqlite3")
            os.close(handle)
            self.sqlite_path = path
            self.env["DATABASE_URL"] = f"sqlite:///{path}"
        log(f"database: {self.args.db}")

    def database_stop(self) -> None:
        if self.pg_tmp:
            stop = [str(ROOT / "scripts/pg_throwaway.sh"), "stop", self.pg_tmp]
            subprocess.run(stop, check=False)  # noqa: S603 (our own script)
            self.pg_tmp = None
        if self.sqlite_path:
            for suffix in ("", "-wal", "-shm"):
                Path(self.sqlite_path + suffix).unlink(missing_ok=True)
            self.sqlite_path = None

    def manage(self, *arguments: str, capture: bool = False) -> str:
        completed = subprocess.run(  # noqa: S603 (manage.py with our own arguments)
            [PYTHON, "manage.py", *arguments],
            cwd=ROOT,
            env=self.env,
            check=True,
            text=True,
            capture_output=capture,
        )
        return completed.stdout if capture else ""

    def analyze(self) -> None:
        statement = "VACUUM ANALYZE" if self.args.db == "postgresql" else "ANALYZE"
        self.manage(
            "shell",
            "-c",
            f"from django.db import connection; connection.cursor().execute('{statement}')",
        )

    def generate(self, cases: int, run: Run) -> None:
        log(f"generating up to {cases:,} cases (seed {SEED})")
        started = time.perf_counter()
        out = self.manage(
            "generate_cases", "--cases", str(cases), "--seed", str(SEED), capture=True
        )
        elapsed = time.perf_counter() - started
        line = out.strip().splitlines()[-1] if out.strip() else ""
        log(line)
        self.analyze()
        run.generation[cases] = f"{line} (command wall time {elapsed:,.0f} s, then ANALYZE)"

    # -- the server -------------------------------------------------------------------------

    def server_start(self) -> None:
        self.server = subprocess.Popen(  # noqa: S603
            [
                PYTHON, "-m", "gunicorn", "config.wsgi:application",
                "--workers", str(self.args.workers),
                "--bind", f"127.0.0.1:{self.port}",
                "--log-level", "warning",
                "--access-logfile", "/dev/null",
            ],
            cwd=ROOT,
            env=self.env,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/bench/floor/"), timeout=2) as response:  # noqa: S310  # nosec B310
                    if response.status == 200:
                        log(f"gunicorn: {self.args.workers} workers on port {self.port}")
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise SystemExit("gunicorn did not start")

    def server_stop(self) -> None:
        if self.server is not None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
            self.server = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # -- measuring --------------------------------------------------------------------------

    def sessions(self, username: str) -> dict:
        out = self.manage(
            "bench_session",
            "--username", username,
            "--sessions", str(self.args.connections),
            "--seed", str(SEED),
            capture=True,
        )  # fmt: skip
        return json.loads(out.strip().splitlines()[-1])

    def page_path(self, page: Page, sample: dict) -> str:
        values = {k: quote_plus(str(v)) for k, v in sample.items() if isinstance(v, (str, int))}
        return page.path.format(**values)

    def check(self, page: Page, path: str, cookies: list[str]) -> None:
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
                return None

        opener = urllib.request.build_opener(NoRedirect)
        request = urllib.request.Request(self.url(path))  # noqa: S310
        if page.signed_in:
            request.add_header("Cookie", cookies[0])
        try:
            with opener.open(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise SystemExit(f"{page.name}: {path} answered {status}, not 200: stopping")

    def wrk(self, page: Page, path: str, cookies: list[str], seconds: int) -> Result:
        env = dict(os.environ, BENCH_COOKIES=",".join(cookies) if page.signed_in else "")
        command = [
            "wrk", "-t", "2", "-c", str(self.args.connections), "-d", f"{seconds}s",
            "--timeout", "10s", "-s", str(ROOT / "bench/wrk_report.lua"), self.url(path),
        ]  # fmt: skip
        out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout  # noqa: S603
        match = re.search(r"^BENCH (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)$", out, re.M)
        if not match:
            raise SystemExit(f"wrk gave no result for {page.name}:\n{out}")
        requests, errors, micros, p50, p99 = match.groups()
        return Result(
            requests_per_second=int(requests) / (int(micros) / 1e6),
            p50_ms=float(p50) / 1000,
            p99_ms=float(p99) / 1000,
            requests=int(requests),
            errors=int(errors),
        )

    def measure(self, size: int, run: Run) -> None:
        samples = {name: self.sessions(name) for name in sorted({p.user for p in PAGES})}
        sample = samples[PAGES[-1].user]
        self.server_start()
        try:
            for page in PAGES:
                path = self.page_path(page, sample)
                cookies = cookie_headers(samples[page.user])
                self.check(page, path, cookies)
            run.load[size] = load_average()
            for page in PAGES:
                path = self.page_path(page, sample)
                cookies = cookie_headers(samples[page.user])
                if self.args.warmup:
                    self.wrk(page, path, cookies, self.args.warmup)
                result = self.wrk(page, path, cookies, self.args.duration)
                run.results[(page.name, size)] = result
                log(
                    f"{size:>9,} cases  {page.name:<40} {result.requests_per_second:8.1f} req/s  "
                    f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
                    + (f"  ({result.errors} errors)" if result.errors else "")
                )
            run.load[size] += f" (before) → {load_average()} (after)"
        finally:
            self.server_stop()

    def timings(self, run: Run) -> None:
        values = {
            "engine_cases": str(self.args.engine_cases),
            "db_engine_cases": str(self.args.db_engine_cases),
        }
        for name, command in TIMINGS:
            command = [part.format(**values) for part in command]
            if command[0] == "manage.py":
                command = [PYTHON, *command]
            log(f"timing: {name}")
            completed = subprocess.run(  # noqa: S603 (the TIMINGS commands above)
                command, cwd=ROOT, env=self.env, capture_output=True, text=True
            )
            output = completed.stdout.strip() or completed.stderr.strip()[-2000:]
            if completed.returncode != 0:
                output = f"(failed, exit {completed.returncode})\n\n```\n{output}\n```"
            print(output, flush=True)
            run.timings.append((name, output))


def measure_existing(bench: Bench, run: Run, args: argparse.Namespace) -> None:
    """Measure the pages of each existing database (migrated first), smallest first."""
    by_size = []
    for url in args.existing_database_url:
        bench.env["DATABASE_URL"] = url
        bench.manage("migrate", "--verbosity", "0")
        count = bench.manage(
            "shell", "-c", "from mediation.cases.models import Case; print(Case.objects.count())",
            capture=True,
        )  # fmt: skip
        by_size.append((int(count.strip().splitlines()[-1]), url))
    by_size.sort()
    run.sizes = [size for size, _ in by_size]
    for size, url in by_size:
        bench.env["DATABASE_URL"] = url
        log(f"{size:,} cases; ANALYZE")
        bench.analyze()
        run.generation[size] = "an existing database made by generate_cases (not timed in this run)"
        bench.measure(size, run)
    if args.timings:
        bench.timings(run)


def cookie_headers(sample: dict) -> list[str]:
    """One Cookie header per session: the session and its signed seen stamp, as a browser
    sends them (the stamp is issued again once a minute; wrk keeps no cookies, so after the
    first minute every response carries a new one: a little more than a browser costs)."""
    return [
        f"{sample['cookie_name']}={key}; {sample['seen_cookie_name']}={seen}"
        for key, seen in zip(sample["sessions"], sample["seen"], strict=True)
    ]


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(run: Run, args: argparse.Namespace, info: dict[str, str], started: datetime) -> str:
    if len(run.sizes) == 1:
        return report_one_size(run, args, info, started)
    small, large = run.sizes
    floor = next(p for p in PAGES if p.floor)
    lines = [
        f"# Benchmark {started:%Y-%m-%d %H:%M} UTC: {run.db}, {small:,} and {large:,} cases",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in info.items()],
        f"- load average (1/5/15 min) while measuring: {small:,} cases: {run.load.get(small, '?')}; "
        f"{large:,} cases: {run.load.get(large, '?')}",
        "- A load average above the number of cores means other work shared them while this ran: "
        "figures are then noisy; compare rows of one run rather than runs.",
        "",
        "## Settings",
        "",
        f"- gunicorn {args.workers} sync workers, config.settings.bench (production settings, "
        "DEBUG off, whitenoise, plain HTTP on 127.0.0.1: see that file)",
        f"- wrk: 2 threads, {args.connections} connections, {args.duration} s per page after a "
        f"{args.warmup} s warm-up; signed-in pages use {args.connections} verified sessions in turn",
        f"- database: {run.db}"
        + (
            " (scripts/pg_throwaway.sh: fsync off, default shared_buffers)"
            if run.db == "postgresql"
            else ""
        ),
        "",
        "## Data",
        "",
        *[f"- {size:,}: {text}" for size, text in run.generation.items()],
        "",
        "## Pages",
        "",
        f"Targets at {large:,} cases: staff pages at least {TARGET_FLOOR_SHARE:.0%} of the floor's "
        f"requests per second, p99 under {TARGET_P99_MS:.0f} ms, and no page more than "
        f"{TARGET_GROWTH} times slower than at {small:,} (growth = requests per second at "
        f"{small:,} / at {large:,}).",
        "",
        "Growth against the floor divides each size's requests per second by the floor's at that "
        "size, so that a change in the machine's load between the two sizes (other work on the "
        "same cores) is not counted as growth.",
        "",
        "The floor is the bare Django view (no session, no template); the targets are judged "
        "against it. The share of the GOV.UK template page, the other floor the issue names, is "
        "shown beside it.",
        "",
        f"| page | req/s {small:,} | p50 ms | p99 ms | req/s {large:,} | p50 ms | p99 ms "
        f"| share of floor | share of template floor | growth | growth against the floor "
        f"| ≥ {TARGET_FLOOR_SHARE:.0%} floor "
        f"| p99 < {TARGET_P99_MS:.0f} ms | growth ≤ {TARGET_GROWTH} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    floor_small = run.results.get((floor.name, small))
    floor_large = run.results.get((floor.name, large))
    template_page = next(p for p in PAGES if p.template_floor)
    template_large = run.results.get((template_page.name, large))
    for page in PAGES:
        a = run.results.get((page.name, small))
        b = run.results.get((page.name, large))
        if a is None or b is None:
            continue
        share = b.requests_per_second / floor_large.requests_per_second if floor_large else 0
        template_share = (
            b.requests_per_second / template_large.requests_per_second if template_large else 0
        )
        growth = a.requests_per_second / b.requests_per_second if b.requests_per_second else 0
        relative = (
            growth * floor_large.requests_per_second / floor_small.requests_per_second
            if floor_small and floor_large
            else 0
        )
        staff = page.signed_in
        errors = f" ({a.errors + b.errors} errors)" if a.errors + b.errors else ""
        lines.append(
            f"| {page.name}{errors} | {a.requests_per_second:,.0f} | {a.p50_ms:.1f} | {a.p99_ms:.1f} "
            f"| {b.requests_per_second:,.0f} | {b.p50_ms:.1f} | {b.p99_ms:.1f} | {share:.2f} "
            f"| {template_share:.2f} | {growth:.2f} | {relative:.2f} "
            f"| {verdict(share >= TARGET_FLOOR_SHARE) if staff else '–'} "
            f"| {verdict(b.p99_ms < TARGET_P99_MS) if staff else '–'} "
            f"| {verdict(growth <= TARGET_GROWTH)} |"
        )
    lines += ["", "## Timings (at the large size)", ""]
    for name, output in run.timings:
        lines += [f"### {name}", "", output, ""]
    return "\n".join(lines) + "\n"


def report_one_size(
    run: Run, args: argparse.Namespace, info: dict[str, str], started: datetime
) -> str:
    """An existing database measured at its current size (--existing-database-url)."""
    (size,) = run.sizes
    floor = next(p for p in PAGES if p.floor)
    floor_result = run.results.get((floor.name, size))
    lines = [
        f"# Benchmark {started:%Y-%m-%d %H:%M} UTC: {run.db}, an existing database of {size:,} cases",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in info.items()],
        f"- load average (1/5/15 min) while measuring: {run.load.get(size, '?')}",
        "- A load average above the number of cores means other work shared them: figures are "
        "then noisy.",
        "",
        f"gunicorn {args.workers} sync workers, config.settings.bench; wrk 2 threads, "
        f"{args.connections} connections, {args.duration} s per page after {args.warmup} s.",
        "",
        f"| page | req/s | p50 ms | p99 ms | share of floor | ≥ {TARGET_FLOOR_SHARE:.0%} floor "
        f"| p99 < {TARGET_P99_MS:.0f} ms |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for page in PAGES:
        result = run.results.get((page.name, size))
        if result is None:
            continue
        share = result.requests_per_second / floor_result.requests_per_second if floor_result else 0
        staff = page.signed_in
        lines.append(
            f"| {page.name} | {result.requests_per_second:,.0f} | {result.p50_ms:.1f} "
            f"| {result.p99_ms:.1f} | {share:.2f} "
            f"| {verdict(share >= TARGET_FLOOR_SHARE) if staff else '–'} "
            f"| {verdict(result.p99_ms < TARGET_P99_MS) if staff else '–'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    global SEED
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds per page before measuring")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--engine-cases", type=int, default=100_000)
    parser.add_argument("--db-engine-cases", type=int, default=10_000)
    parser.add_argument("--out", default=str(ROOT / "bench/results"))
    parser.add_argument(
        "--existing-database-url",
        action="append",
        help="measure the pages of an existing database at its current size: no throwaway "
        "database, no generating (its synthetic cases' seed: --seed). Give it twice (a small "
        "and a large database made by generate_cases) for the growth columns",
    )
    parser.add_argument(
        "--timings",
        action="store_true",
        help="with --existing-database-url: also run the timings, on the largest database "
        "(bench_deadlines adds its own synthetic cases to it)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generate_cases seed (default 1)")
    parser.add_argument(
        "--pages",
        help="only the pages whose names contain one of these comma-separated words, "
        "and the three floors, the signed-in one included (for a quick look while working, "
        "not for the published figures)",
    )
    args = parser.parse_args()
    if args.pages:
        words = [w.strip().lower() for w in args.pages.split(",") if w.strip()]
        PAGES[:] = [
            p
            for p in PAGES
            if p.name.startswith("floor:") or any(w in p.name.lower() for w in words)
        ]
    SEED = args.seed
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    started = datetime.now(UTC)
    info = machine()
    bench = Bench(args)
    run = Run(db=args.db, sizes=[args.small, args.large])
    os.chdir(ROOT)
    try:
        bench.database_start()
        log("migrate, collectstatic")
        bench.manage("migrate", "--verbosity", "0")
        bench.manage("collectstatic", "--noinput", "--verbosity", "0")
        if args.existing_database_url:
            measure_existing(bench, run, args)
        else:
            for size in run.sizes:
                bench.generate(size, run)
                bench.measure(size, run)
            bench.timings(run)
    finally:
        bench.server_stop()
        bench.database_stop()
    text = report(run, args, info, started)
    print()
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{started:%Y-%m-%d-%H%M}-{args.db}-{run.sizes[-1]}.md"
    path.write_text(text)
    raw = {f"{name} @ {size}": vars(result) for (name, size), result in run.results.items()}
    path.with_suffix(".json").write_text(json.dumps(raw, indent=1))
    pages, sizes, values = rows_from_results(raw)
    title = f"Benchmark {started:%Y-%m-%d %H:%M} UTC, {args.db}: requests a second per page"
    path.with_suffix(".svg").write_text(svg_chart(pages, sizes, values, title))
    log(f"written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()

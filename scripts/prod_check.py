"""`make prod-check`: the production settings, served for real, answer as they should.

Starts a throwaway PostgreSQL (scripts/pg_throwaway.sh), migrates it, collects the static files,
runs `manage.py check --deploy --fail-level WARNING`, then starts gunicorn
(config/gunicorn_conf.py) and the task worker with config.settings.production and new random
keys, and checks over HTTP: HSTS, CSP with frame-ancestors, X-Content-Type-Options,
Referrer-Policy, the cookies' Secure, HttpOnly and SameSite, no Server banner, the redirect to
HTTPS, an unknown Host refused, no development outbox, and /healthz. Requests carry
X-Forwarded-Proto: https as our TLS-terminating proxy would (TRUSTED_PROXY_COUNT=1).
Prints one line per check; exits 1 if any failed. Takes about 30 seconds.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}


class Checks:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def check(self, name: str, ok: bool, seen: object = "") -> None:
        print(f"{'PASS' if ok else 'FAIL'}  {name}" + ("" if ok else f"  (saw: {seen!r})"))
        if not ok:
            self.failed.append(name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, headers: dict[str, str], body: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode(errors="replace")
    finally:
        connection.close()


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in headers if k.lower() == name.lower()]
    return values[0] if values else None


def cookie(headers: list[tuple[str, str]], name: str) -> str:
    for key, value in headers:
        if key.lower() == "set-cookie" and value.startswith(f"{name}="):
            return value
    return ""


def cookie_is_safe(value: str) -> bool:
    parts = {part.strip().lower() for part in value.split(";")}
    return (
        "secure" in parts and "httponly" in parts and "samesite=lax" in parts and "path=/" in parts
    )


def start_postgres() -> dict[str, str]:
    out = subprocess.run(  # noqa: S603 (our own script)
        [str(ROOT / "scripts" / "pg_throwaway.sh"), "start"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(pair.split("=", 1) for pair in out.removeprefix("export ").split())


def wait_for_health(port: int, seconds: float) -> tuple[int, dict]:
    deadline = time.monotonic() + seconds
    last: tuple[int, dict] = (0, {})
    while time.monotonic() < deadline:
        try:
            status, _headers, body = request(port, "GET", "/healthz", HTTPS)
            last = (status, json.loads(body))
            if status == 200:
                return last
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    return last


def main() -> int:
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="prod-check-"))
    pg = start_postgres()
    port = free_port()
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(scratch)),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"postgres://postgres@/postgres?host={pg['PGHOST']}&port={pg['PGPORT']}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "AUDIT_HMAC_KEYS": f"check={secrets.token_urlsafe(32)}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_COUNT": "1",
        "AUDIT_CHECKPOINT_DIR": str(scratch / "checkpoints"),
        "MEDIA_ROOT": str(scratch / "media"),
        "UPLOAD_ROOT": str(scratch / "uploads"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "LOG_LEVEL": "WARNING",
    }
    processes: list[subprocess.Popen] = []
    checks = Checks()
    try:

        def manage(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(  # noqa: S603 (our own manage.py)
                [PYTHON, "manage.py", *args],
                cwd=ROOT,
                env=environment,
                capture_output=True,
                text=True,
                timeout=300,
            )

        for step in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
            done = manage(*step)
            if done.returncode != 0:
                print(done.stdout + done.stderr)
                raise SystemExit(f"manage.py {step[0]} failed")
        deploy = manage("check", "--deploy", "--fail-level", "WARNING")
        checks.check(
            "manage.py check --deploy --fail-level WARNING: no issues",
            deploy.returncode == 0 and "no issues" in deploy.stdout,
            (deploy.stdout + deploy.stderr)[-500:],
        )
        password = secrets.token_urlsafe(16)
        made = manage(
            "shell",
            "-c",
            "from mediation.accounts.models import User; "
            f"User.objects.create_user('prod.check', 'check@example.org', '{password}', "
            "role='case_officer')",
        )
        if made.returncode != 0:
            print(made.stdout + made.stderr)
            raise SystemExit("could not make the test user")
        for name, command in (
            (
                "gunicorn",
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "-c",
                    "config/gunicorn_conf.py",
                    "config.wsgi:application",
                ],
            ),
            (
                "worker",
                [
                    PYTHON,
                    "manage.py",
                    "db_worker",
                    "--no-reload",
                    "--interval",
                    "1",
                    "--no-startup-delay",
                ],
            ),
        ):
            log_file = (scratch / f"{name}.log").open("w")
            processes.append(
                subprocess.Popen(  # noqa: S603 (our own programs)
                    command,
                    cwd=ROOT,
                    env=environment,
                    start_new_session=True,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            )

        status, health = wait_for_health(port, 45)
        checks.check("/healthz answers 200 once the worker reports", status == 200, health)
        checks.check(
            "/healthz reports the database, the heartbeat's age and the queue's, nothing else",
            set(health)
            == {
                "status",
                "database",
                "worker_heartbeat_age_seconds",
                "oldest_queued_task_age_seconds",
                "problems",
            }
            and health.get("database") == "ok"
            and (health.get("worker_heartbeat_age_seconds") or 99) < 30,
            health,
        )

        status, headers, body = request(port, "GET", "/sign-in/", HTTPS)
        checks.check("the sign-in page answers 200 over HTTPS", status == 200, status)
        hsts = header(headers, "Strict-Transport-Security") or ""
        checks.check(
            "HSTS for a year with subdomains",
            "max-age=31536000" in hsts and "includeSubDomains" in hsts,
            hsts,
        )
        csp = header(headers, "Content-Security-Policy") or ""
        checks.check(
            "CSP: default-src 'self', frame-ancestors 'none', no 'unsafe-inline'",
            "default-src 'self'" in csp
            and "frame-ancestors 'none'" in csp
            and "unsafe-inline" not in csp,
            csp,
        )
        checks.check(
            "X-Content-Type-Options: nosniff",
            header(headers, "X-Content-Type-Options") == "nosniff",
            header(headers, "X-Content-Type-Options"),
        )
        checks.check(
            "Referrer-Policy: same-origin",
            header(headers, "Referrer-Policy") == "same-origin",
            header(headers, "Referrer-Policy"),
        )
        checks.check("X-Frame-Options: DENY", header(headers, "X-Frame-Options") == "DENY", headers)
        checks.check(
            "Cache-Control: no-store on pages",
            "no-store" in (header(headers, "Cache-Control") or ""),
            header(headers, "Cache-Control"),
        )
        checks.check(
            "no Server header (no software or version named)",
            header(headers, "Server") is None,
            header(headers, "Server"),
        )
        csrf = cookie(headers, "__Host-csrftoken")
        checks.check(
            "CSRF cookie __Host-, Secure, HttpOnly, SameSite=Lax", cookie_is_safe(csrf), csrf
        )
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', body)
        if stylesheet:
            status_css, css_headers, _ = request(port, "GET", stylesheet.group(1), HTTPS)
            checks.check(
                "static files are served (collected, hashed names)",
                status_css == 200 and "max-age" in (header(css_headers, "Cache-Control") or ""),
                status_css,
            )
        else:
            checks.check("the sign-in page links its style sheet", False, body[:300])

        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        origin = f"https://127.0.0.1:{port}"
        form = f"csrfmiddlewaretoken={token.group(1) if token else ''}&username=prod.check&password={password}"
        status, headers, _ = request(
            port,
            "POST",
            "/sign-in/",
            HTTPS
            | {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": csrf.split(";")[0],
                "Origin": origin,
                "Referer": f"{origin}/sign-in/",
            },
            form,
        )
        session = cookie(headers, "__Host-sessionid")
        checks.check("signing in answers a redirect", status == 302, status)
        checks.check(
            "session cookie __Host-, Secure, HttpOnly, SameSite=Lax",
            cookie_is_safe(session),
            session,
        )

        status, headers, _ = request(port, "GET", "/sign-in/", {})
        checks.check(
            "plain HTTP is redirected to HTTPS",
            status == 301 and (header(headers, "Location") or "").startswith("https://"),
            (status, header(headers, "Location")),
        )
        status, _, _ = request(port, "GET", "/sign-in/", HTTPS | {"Host": "evil.example"})
        checks.check("an unknown Host is refused (400)", status == 400, status)
        status, _, _ = request(port, "GET", "/outbox/", HTTPS)
        checks.check("no development outbox (404)", status == 404, status)
        status, _, _ = request(port, "TRACE", "/sign-in/", HTTPS)
        checks.check("TRACE is not allowed", status in (400, 405), status)
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        subprocess.run(  # noqa: S603 (our own script)
            [str(ROOT / "scripts" / "pg_throwaway.sh"), "stop", pg["PGTMP"]], check=False
        )
        if checks.failed:
            for log in sorted(scratch.glob("*.log")):
                print(f"--- {log.name} (last lines)")
                print("\n".join(log.read_text(errors="replace").splitlines()[-40:]))
        shutil.rmtree(scratch, ignore_errors=True)
    took = time.monotonic() - started
    if checks.failed:
        print(f"prod-check: {len(checks.failed)} check(s) failed ({took:.0f} s)")
        return 1
    print(f"prod-check: every check passed ({took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

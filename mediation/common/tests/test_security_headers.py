"""Header baseline, keyed to the OWASP ZAP passive rules it stands in for (docs/security.md row 38).

ZAP 10038 CSP, 10020 anti-clickjacking, 10021 nosniff, 10015 cache-control, 10036/10037 Server
and X-Powered-By, 90022 error disclosure; plus Referrer-Policy, COOP and Permissions-Policy
(ASVS 3.4.3–3.4.8, 13.4.6, 14.3.2; checklist rows 25, 28, 29, 38). ZAP itself cannot be obtained
on this machine, so this test is what runs here.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import login
from mediation.common import csp

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_baseline(response) -> None:
    where = f"{response.request['PATH_INFO']} ({response.status_code})"
    csp = csp_directives(response)
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], where
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"], where
    assert csp["default-src"] == ["'self'"], where
    assert csp["script-src"] == ["'self'"], where
    assert csp["style-src"] == ["'self'"], where
    assert csp["img-src"] == ["'self'", "data:"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert csp["base-uri"] == ["'none'"], where
    assert csp["object-src"] == ["'none'"], where
    assert csp["form-action"] == ["'self'"], where
    assert csp["report-uri"] == [reverse("csp-report")], where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"] == "same-origin", where
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert "no-store" in response.headers["Cache-Control"].split(", "), where
    assert "geolocation=()" in response.headers["Permissions-Policy"], where
    assert "camera=()" in response.headers["Permissions-Policy"], where
    assert "Server" not in response.headers, where
    assert "X-Powered-By" not in response.headers, where


def test_sign_in_page(client):
    response = client.get(reverse("accounts:sign-in"))
    assert response.status_code == 200
    assert_baseline(response)


def test_staff_pages(client, open_case, case_officer_cal):
    login(client, case_officer_cal)
    for url in [
        reverse("cases:my-work"),
        reverse("cases:list"),
        reverse("cases:detail", args=[open_case.reference]),
        reverse("enquiries:new"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_baseline(response)


def test_two_factor_set_up_page_and_its_qr_code(client, case_officer_cal):
    client.force_login(case_officer_cal)
    response = client.get(reverse("accounts:two-factor-setup"))
    assert response.status_code == 200
    assert_baseline(response)
    found = re.search(r"<svg.*?</svg>", response.content.decode(), re.DOTALL)
    assert found is not None
    svg = found.group(0)
    # Inline SVG is markup, not script or style: it renders under the CSP as long as it carries
    # no style attribute or element and no script.
    assert not re.search(r"\sstyle\s*=|<style|<script|\son[a-z]+\s*=", svg, re.IGNORECASE)


def test_not_found_pages(client, case_officer_cal):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_baseline(response)
    login(client, case_officer_cal)
    response = client.get("/cases/MED-0000-00000/")
    assert response.status_code == 404
    assert_baseline(response)


def test_locked_out_page(case_officer_cal):
    client = Client(REMOTE_ADDR="192.0.2.99")
    for _ in range(10):
        response = client.post(
            reverse("accounts:sign-in"), {"username": "cal", "password": "wrong-password-1"}
        )
    assert response.status_code == 429
    assert_baseline(response)


@pytest.mark.urls("mediation.common.tests.urls_server_error")
def test_server_error_page_is_generic_and_has_no_inline_style():
    client = Client(raise_request_exception=False)
    response = client.get("/broken-for-test/")
    assert response.status_code == 500
    assert_baseline(response)
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "secret-internal-detail" not in body and "Traceback" not in body
    assert "style=" not in body and "<style" not in body


def test_cookies_are_http_only_and_same_site(client, case_officer_cal):
    page = client.get(reverse("accounts:sign-in"))
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        reverse("accounts:sign-in"), {"username": "cal", "password": "correct-horse-battery"}
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"


# Templates: the CSP forbids inline script, inline event handlers and inline style, so none of
# the project's templates may use them (a new one that did would break in the browser).
INLINE = [
    # A JSON data block (type="application/json") is not run, so the CSP does not apply to it.
    (
        re.compile(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>', re.IGNORECASE),
        "inline <script>",
    ),
    (re.compile(r"<style\b", re.IGNORECASE), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "inline event handler"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


def test_no_template_uses_inline_script_or_style():
    found = []
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 20
    for template in templates:
        text = template.read_text()
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{template.relative_to(TEMPLATES)}: {what}")
    assert found == []


# The CSP report endpoint (ASVS 3.4.7).

LEGACY_REPORT = {
    "csp-report": {
        "document-uri": "https://mediation.example.org/cases/MED-2026-00001/?q=Isla+Whitfield",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'",
        "blocked-uri": "https://evil.example.com/steal.js?child=Isla",
        "script-sample": "alert('Isla Whitfield')",
        "status-code": 200,
    }
}


@pytest.fixture(autouse=True)
def fresh_report_budget(monkeypatch):
    """Each test starts with the whole per-minute logging budget."""
    budget = csp._ReportBudget(csp.CSP_REPORTS_LOGGED_PER_MINUTE)
    monkeypatch.setattr(csp, "_report_budget", budget)


def post_report(client, payload, content_type="application/csp-report"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.generic("POST", reverse("csp-report"), body, content_type=content_type)


def test_a_report_is_accepted_and_only_the_directive_and_host_are_logged(client, caplog):
    with caplog.at_level(logging.WARNING, logger="mediation.security"):
        response = post_report(client, LEGACY_REPORT)
    assert response.status_code == 204
    assert response.content == b""
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["CSP violation: directive=script-src-elem blocked=evil.example.com"]
    logged = " ".join(messages)
    for secret in ["Isla", "Whitfield", "MED-2026", "steal.js", "alert"]:
        assert secret not in logged


def test_a_reporting_api_report_is_accepted(client, caplog):
    payload = [
        {
            "type": "csp-violation",
            "url": "https://mediation.example.org/my-work/",
            "body": {"effectiveDirective": "style-src-attr", "blockedURL": "inline"},
        }
    ]
    with caplog.at_level(logging.WARNING, logger="mediation.security"):
        response = post_report(client, payload, content_type="application/reports+json")
    assert response.status_code == 204
    assert [r.getMessage() for r in caplog.records] == [
        "CSP violation: directive=style-src-attr blocked=inline"
    ]


def test_a_report_cannot_inject_log_lines(client, caplog):
    report = {"csp-report": {"violated-directive": "img-src\nFAKE", "blocked-uri": "x\ny:z"}}
    with caplog.at_level(logging.WARNING, logger="mediation.security"):
        assert post_report(client, report).status_code == 204
    assert [r.getMessage() for r in caplog.records] == [
        "CSP violation: directive=unrecognised blocked=unparseable"
    ]


def test_the_report_endpoint_refuses_get(client):
    assert client.get(reverse("csp-report")).status_code == 405


def test_the_report_endpoint_refuses_oversize_bodies(client):
    padding = "a" * (csp.CSP_REPORT_MAX_BYTES + 1)
    report = {"csp-report": {"violated-directive": "img-src", "blocked-uri": "data", "p": padding}}
    assert post_report(client, report).status_code == 413


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/csp-report", 400),
        (b'{"something": "else"}', "application/json", 400),
        (b"[]", "application/reports+json", 400),
        (json.dumps(LEGACY_REPORT).encode(), "text/plain", 415),
    ],
)
def test_the_report_endpoint_refuses_what_is_not_a_report(client, body, content_type, status):
    assert post_report(client, body, content_type=content_type).status_code == status


def test_the_report_endpoint_needs_no_csrf_token(case_officer_cal):
    client = Client(enforce_csrf_checks=True)
    assert post_report(client, LEGACY_REPORT).status_code == 204


def test_a_flood_of_reports_is_answered_but_not_all_logged(client, caplog, monkeypatch):
    monkeypatch.setattr(csp, "_report_budget", csp._ReportBudget(per_minute=3))
    with caplog.at_level(logging.WARNING, logger="mediation.security"):
        codes = [post_report(client, LEGACY_REPORT).status_code for _ in range(10)]
    assert codes == [204] * 10
    assert len(caplog.records) == 3

"""CSV exports: managers only, audited, right numbers, and no names, emails, phone numbers or
dates of birth of children or families anywhere in the file."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.cases.models import Party
from mediation.cases.tests.factories import LocalAuthorityFactory
from mediation.reports.exports import opaque_id
from mediation.reports.tests.helpers import at, make_case

pytestmark = pytest.mark.django_db

EXPORTS = ("/reports/export/cases.csv", "/reports/export/counts.csv", "/reports/export/appeals.csv")
FIXTURE_SECRETS = (
    "Isla",
    "Whitfield",
    "Sarah",
    "07700",
    "900123",
    "example.com",
    "2016-04-12",
    "12/04/2016",
    "Hollybank",
    "Mill Lane",
    "RPT-2026",
)


@pytest.fixture
def world(local_authority, case_officer_cal):
    other = LocalAuthorityFactory(name="Southmoor County Council", code="SMC")
    cases = []
    for authority, appeal in ((local_authority, "yes"), (local_authority, "no"), (other, "yes")):
        case = make_case(
            authority,
            case_officer_cal,
            opened_at=at(date(2026, 4, 2)),
            la_informed_on=date(2026, 4, 3),
            mediation_held_on=date(2026, 4, 24),
            mediation_concluded_on=date(2026, 4, 24),
            certificate_issued_on=date(2026, 4, 27),
            certificate_kind="after_mediation",
            outcome="agreed_part",
            appeal_lodged=appeal,
            issue_health=True,
            child_setting="Hollybank Primary School",
        )
        Party.objects.create(
            case=case,
            role="supporter",
            name="Grace Whitfield",
            email="grace.whitfield@example.com",
            address="12 Mill Lane",
        )
        cases.append(case)
    return {"cases": cases, "other": other}


def rows_of(response) -> tuple[list[dict[str, str]], str]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text))), text


@pytest.mark.parametrize("url", EXPORTS)
@pytest.mark.parametrize(
    ("user", "status"),
    [("manager_sue", 200), ("admin_ada", 200), ("case_officer_cal", 403), ("mediator_mia", 403)],
)
def test_only_managers_may_export(client, cast, url, user, status):
    login(client, cast[user])
    assert client.get(url, {"period": "2026-Q2"}).status_code == status


@pytest.mark.parametrize("url", EXPORTS)
def test_exports_hold_no_names_or_contact_details_and_are_audited(client, manager_sue, world, url):
    login(client, manager_sue)
    response = client.get(url, {"period": "2026-Q2"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows, text = rows_of(response)
    assert rows
    for secret in FIXTURE_SECRETS:
        assert secret.lower() not in text.lower(), secret
    event = AuditEvent.objects.filter(verb="report.export").latest("at")
    assert event.actor == manager_sue
    assert event.detail["from"] == "2026-04-01" and event.detail["to"] == "2026-06-30"


def test_case_level_export(client, manager_sue, world):
    login(client, manager_sue)
    rows, _ = rows_of(client.get(EXPORTS[0], {"period": "2026-Q2", "la": "NFD"}))
    assert len(rows) == 2
    first = rows[0]
    assert first["row_id"] in {opaque_id(case.reference) for case in world["cases"]}
    assert len(first["row_id"]) == 16
    assert first["la_code"] == "NFD"
    assert first["opened_month"] == "2026-04"
    assert first["meeting_held_month"] == "2026-04"
    assert first["days_la_informed_to_meeting"] == "21"
    assert first["issue_health"] == "yes"
    assert {row["appeal_lodged"] for row in rows} == {"yes", "no"}


def test_counts_export(client, manager_sue, world):
    login(client, manager_sue)
    rows, _ = rows_of(client.get(EXPORTS[1], {"period": "2026-Q2"}))
    by = {(row["la_code"], row["measure"]): row for row in rows}
    assert by[("NFD", "mediations_held")]["value"] == "2"
    assert by[("SMC", "mediations_held")]["value"] == "1"
    assert by[("ALL", "mediations_held")]["value"] == "3"
    appealed = by[("NFD", "appealed_after_certificate")]
    assert (appealed["value"], appealed["out_of"], appealed["percent"]) == ("1", "2", "50")
    assert by[("NFD", "days_la_informed_to_meeting")]["average_days"] == "21.0"


def test_lg_inform_appeals_export(client, manager_sue, world):
    login(client, manager_sue)
    rows, _ = rows_of(client.get(EXPORTS[2], {"period": "2026-Q2"}))
    assert [
        (
            r["la_code"],
            r["mediation_cases"],
            r["followed_by_appeal"],
            r["percent_followed_by_appeal"],
        )
        for r in rows
    ] == [
        ("NFD", "2", "1", "50"),
        ("SMC", "1", "1", "100"),
    ]


def test_export_with_invalid_period_is_refused_and_not_audited(client, manager_sue, world):
    login(client, manager_sue)
    response = client.get(EXPORTS[0], {"period": "custom"})
    assert response.status_code == 400
    assert "Enter the date the period starts" in response.content.decode()
    assert not AuditEvent.objects.filter(verb="report.export").exists()


def test_formula_like_text_is_made_safe(client, manager_sue, case_officer_cal, db):
    authority = LocalAuthorityFactory(name="=HYPERLINK(1)", code="EVL")
    make_case(authority, case_officer_cal, mediation_held_on=date(2026, 4, 2))
    login(client, manager_sue)
    _, text = rows_of(client.get(EXPORTS[2], {"period": "2026-Q2"}))
    assert "'=HYPERLINK(1)" in text


@pytest.mark.parametrize("url", EXPORTS)
def test_exports_ask_for_a_fresh_code_first(client, manager_sue, url, monkeypatch):
    from mediation.accounts import step_up

    monkeypatch.setattr(step_up, "step_up_is_fresh", lambda request: False)
    login(client, manager_sue)
    response = client.get(url, {"period": "2026-Q2"})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:step-up"))
    assert not AuditEvent.objects.filter(verb="report.export").exists()

"""The SEN2 mediation figures per LA and calendar year: each worked out here from the cases made
and compared with the page, the CSV and the drill-down; bad input; a fixed number of queries."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.cases.tests.factories import LocalAuthorityFactory
from mediation.reports.tests.helpers import make_case

pytestmark = pytest.mark.django_db

SEN2 = "/reports/sen2/"


@pytest.fixture
def world(local_authority, case_officer_cal):
    other = LocalAuthorityFactory(name="Southmoor County Council", code="SMC")

    def held(authority, day, appeal, route="mediation"):
        return make_case(
            authority,
            case_officer_cal,
            route=route,
            mediation_held_on=day,
            status="meeting_held",
            appeal_lodged=appeal,
        )

    ours = {
        "appealed": held(local_authority, date(2025, 3, 4), "yes"),
        "appealed_late_december": held(local_authority, date(2025, 12, 31), "yes"),
        "not_appealed": held(local_authority, date(2025, 6, 10), "no"),
        "not_known": held(local_authority, date(2025, 7, 1), "unknown"),
        "not_asked": held(local_authority, date(2025, 9, 1), ""),
        # Not counted: disagreement resolution, another year, no meeting held.
        "dr": held(local_authority, date(2025, 5, 5), "yes", route="disagreement_resolution"),
        "last_year": held(local_authority, date(2024, 12, 31), "yes"),
        "next_year": held(local_authority, date(2026, 1, 1), "yes"),
        "not_held": held(local_authority, None, "yes"),
    }
    theirs = held(other, date(2025, 2, 2), "no")
    return {"ours": ours, "theirs": theirs, "other": other}


def _expected(cases):
    """The figures worked out from the cases themselves."""
    held = [
        c
        for c in cases
        if c.route == "mediation" and c.mediation_held_on and c.mediation_held_on.year == 2025
    ]
    return {
        "sen2_mediations_held": len(held),
        "sen2_followed_by_appeal": sum(c.appeal_lodged == "yes" for c in held),
        "sen2_not_appealed": sum(c.appeal_lodged == "no" for c in held),
        "sen2_appeal_not_known": sum(c.appeal_lodged in ("unknown", "") for c in held),
    }


def test_the_page_shows_each_figure_with_its_definition_and_its_cases(
    client, world, manager_sue, local_authority, django_assert_num_queries
):
    login(client, manager_sue)
    client.get(SEN2)
    expected = _expected(world["ours"].values())
    assert expected == {
        "sen2_mediations_held": 5,
        "sen2_followed_by_appeal": 2,
        "sen2_not_appealed": 1,
        "sen2_appeal_not_known": 2,
    }
    # Session, user with their OTP device (one query), the LA list, two aggregate queries:
    # whatever the data.
    with django_assert_num_queries(5):
        page = client.get(SEN2, {"la": local_authority.code, "year": "2025"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "2025: Northfield Borough Council" in html
    assert "followed by an appeal to the First-tier Tribunal" in html  # a definition
    for key, value in expected.items():
        # The number, linked to the cases behind it.
        assert f'&amp;metric={key}">{value}<span' in html, key
    # The drill-down lists exactly the cases behind a figure.
    drill = client.get(
        reverse("reports:cases"),
        {"period": "2025", "la": local_authority.code, "metric": "sen2_followed_by_appeal"},
    ).content.decode()
    ours = world["ours"]
    for name, case in ours.items():
        shown = case.reference in drill
        assert shown == (name in {"appealed", "appealed_late_december"}), name


def test_every_la_with_a_row_each(client, world, manager_sue):
    login(client, manager_sue)
    html = client.get(SEN2, {"year": "2025"}).content.decode()
    assert "2025: every local authority" in html
    assert "Southmoor County Council" in html and "Northfield Borough Council" in html


def test_the_csv_gives_each_la_and_the_total_with_definitions(client, world, manager_sue):
    login(client, manager_sue)
    response = client.get(reverse("reports:export-sen2"), {"year": "2025"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by = {(row["la_code"], row["figure"]): row for row in rows}
    expected = _expected(world["ours"].values())
    for key, value in expected.items():
        assert by[("NFD", key)]["value"] == str(value)
    theirs = _expected([world["theirs"]])
    for key, value in theirs.items():
        assert by[("SMC", key)]["value"] == str(value)
        assert by[("ALL", key)]["value"] == str(value + expected[key])
        assert by[("ALL", key)]["definition"]
    assert {row["year"] for row in rows} == {"2025"}
    assert AuditEvent.objects.filter(verb="report.export", detail__export="sen2-mediation").exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "2014"}, "Select a calendar year from the list"),
        ({"year": "next"}, "Select a calendar year from the list"),
        ({"la": "ZZZ", "year": "2025"}, "Select a local authority from the list"),
        ({"la": "NFD"}, "Select a calendar year"),
    ],
)
def test_bad_choices_are_shown_next_to_the_field(client, world, manager_sue, query, message):
    login(client, manager_sue)
    for url in (SEN2, reverse("reports:export-sen2")):
        page = client.get(url, query)
        assert page.status_code == 400
        html = page.content.decode()
        assert "There is a problem" in html and message in html
    assert not AuditEvent.objects.filter(verb="report.export").exists()


def test_who_may_see_the_figures_and_download_them(client, cast, world):
    for user, page, download in (
        ("manager_sue", 200, 200),
        ("case_officer_cleo", 200, 403),
        ("mediator_mia", 403, 403),
    ):
        login(client, cast[user])
        assert client.get(SEN2, {"year": "2025"}).status_code == page, user
        assert client.get(reverse("reports:export-sen2"), {"year": "2025"}).status_code == download

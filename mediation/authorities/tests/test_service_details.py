"""Manage → Service details: managers set how parties reach the service; the footer shows it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.authorities.models import LocalAuthority
from mediation.common.models import ServiceDetails
from mediation.common.service_details import service_contact

pytestmark = pytest.mark.django_db

URL = reverse("manage:service-details")
GOOD = {
    "name": "Westfield Mediation",
    "phone": "01632960111",
    "opening_hours": "Monday to Thursday, 10am to 4pm",
    "email": "help@westfield.example.org",
    "postal_address": "Westfield Mediation\n1 High Street\nWestfield WF1 1AA",
}


def test_a_manager_saves_the_details_and_every_page_footer_shows_them(client, manager_sue):
    login(client, manager_sue)
    response = client.post(URL, GOOD)
    assert response.status_code == 302
    details = ServiceDetails.objects.get()
    assert details.phone == "01632 960111"  # written the usual way
    assert AuditEvent.objects.filter(verb="service_details.update").exists()
    assert service_contact().phone == "01632 960111"
    page = client.get(reverse("portal:start")).content.decode()
    assert "01632 960111" in page
    assert "Monday to Thursday, 10am to 4pm" in page
    assert "help@westfield.example.org" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "", "Enter the phone number families ring"),
        ("phone", "call me", "Enter a phone number, like 0161 496 0000"),
        ("email", "not-an-email", "Enter an email address in the correct format"),
        ("name", "", "Enter the service&#x27;s name"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_kept(client, manager_sue, field, value, message):
    login(client, manager_sue)
    response = client.post(URL, {**GOOD, field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "govuk-error-summary" in page
    assert "Monday to Thursday, 10am to 4pm" in page  # what was typed is kept


def test_a_case_officer_may_not_change_them(client, case_officer_cal):
    login(client, case_officer_cal)
    assert client.post(URL, GOOD).status_code == 403


def test_each_local_authority_has_its_sendiass_contact(client, manager_sue):
    login(client, manager_sue)
    response = client.post(
        reverse("manage:authority-new"),
        {
            "name": "Eastmoor County Council",
            "code": "EMC",
            "contact_email": "",
            "iass_name": "Eastmoor SENDIASS",
            "iass_phone": "01632 960 222",
            "iass_email": "sendiass@eastmoor.example.org",
            "iass_website": "www.eastmoor-sendiass.example.org",
            "active": "on",
        },
    )
    assert response.status_code == 302
    authority = LocalAuthority.objects.get(code="EMC")
    assert authority.iass_contact == (
        "Eastmoor SENDIASS: phone 01632 960222, email sendiass@eastmoor.example.org, "
        "website https://www.eastmoor-sendiass.example.org"
    )
    bad = client.post(
        reverse("manage:authority-edit", args=[authority.pk]),
        {"name": authority.name, "code": "EMC", "iass_phone": "nope", "active": "on"},
    )
    assert bad.status_code == 400
    assert "Enter a phone number" in bad.content.decode()

"""Portal fixtures: a case with a parent, an LA officer, an information provider and a child,
each invited; and a second case (another family, same LA) for cross-case checks."""

from __future__ import annotations

import re

import pytest
from django.core import mail

LINK = re.compile(r"http://[^\s]+/portal/link/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch):
    """Emails are sent after commit; test transactions never commit, so send them at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def token_from_mail(to: str, subject: str = "") -> str:
    """The token in the newest email to this address (the locmem outbox); child's views links
    (the invitation and reminders to share the views) are skipped unless asked for by subject,
    since they may go to a parent's address too."""
    for message in reversed(mail.outbox):
        if subject and not message.subject.startswith(subject):
            continue
        if not subject and (
            message.subject.startswith("A link to share your views")
            or "the child's views" in message.subject
        ):
            continue
        if to in message.to:
            found = LINK.search(str(message.body))
            assert found, message.body
            return found.group(1)
    raise AssertionError(f"No email to {to}")


def sign_in(client, email: str) -> None:
    token = token_from_mail(email)
    response = client.post(f"/portal/link/{token}/")
    assert response.status_code == 302, response.status_code


@pytest.fixture
def portal_case(open_case, case_officer_cal):
    from mediation.cases.models import Party

    parent = open_case.parties.get(role="parent_carer")
    Party.objects.create(
        case=open_case,
        role="la_representative",
        name="Omar Hassan",
        email="omar.hassan@northfield.example.gov.uk",
        preferred_contact="email",
    )
    Party.objects.create(
        case=open_case,
        role="information_provider",
        name="Priya Shah",
        email="senco@hollybank.example.sch.uk",
        provider_kind="school",
        preferred_contact="email",
    )
    Party.objects.create(
        case=open_case, role="child", name="Isla Whitfield", email="", preferred_contact="phone"
    )
    assert parent.email
    return open_case


@pytest.fixture
def invited(portal_case, case_officer_cal):
    """Accesses for each kind on portal_case; the child's views link goes to the parent."""
    from mediation.portal import services

    case = portal_case
    parties = {p.role: p for p in case.parties.all()}
    return {
        "parent": services.access_invite(
            case=case, party=parties["parent_carer"], kind="parent", by=case_officer_cal
        ),
        "la_officer": services.access_invite(
            case=case, party=parties["la_representative"], kind="la_officer", by=case_officer_cal
        ),
        "information_provider": services.access_invite(
            case=case,
            party=parties["information_provider"],
            kind="information_provider",
            by=case_officer_cal,
        ),
        "child_views": services.access_invite(
            case=case,
            party=parties["child"],
            kind="child_views",
            send_to=parties["parent_carer"],
            by=case_officer_cal,
        ),
    }


def _second_case_for(local_authority, case_officer_cal):
    from mediation.cases import services as case_services
    from mediation.cases.tests.factories import enquiry_data
    from mediation.domain.case_states import Route
    from mediation.workflow import services as workflow_services

    enquiry = case_services.enquiry_record(
        by=case_officer_cal,
        data=enquiry_data(
            local_authority,
            caller_name="Tom Baker",
            email="tom.baker@example.com",
            child_first_name="Leo",
            child_last_name="Baker",
        ),
    )
    return workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
    )


@pytest.fixture
def other_case(local_authority, case_officer_cal):
    """Another family's case in the same LA, with its parent invited."""
    from mediation.portal import services

    case = _second_case_for(local_authority, case_officer_cal)
    parent = case.parties.get(role="parent_carer")
    services.access_invite(case=case, party=parent, kind="parent", by=case_officer_cal)
    return case

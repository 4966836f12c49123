"""The cast used by every permission test, and shared fixtures.

- case_officer_cal: case officer, owns the cases made by `open_case`
- case_officer_cleo: another case officer (sees every case of the service, owns none)
- mediator_mia: mediator assigned to `open_case`
- mediator_max: mediator not assigned to it
- manager_sue: manager
- admin_ada: administrator
"""

from __future__ import annotations

import os

import pytest

# Playwright's sync API leaves an event loop in the test thread; Django's ORM would then refuse
# to run in later tests (docs/development.md, "Quirks of the stack").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Django modules are imported inside the fixtures so that the pure domain tests can run
# without Django (`pytest -p no:django mediation/domain`).
def _make_user(username: str, first: str, last: str, role: str):
    from mediation.cases.tests.factories import UserFactory

    return UserFactory(username=username, first_name=first, last_name=last, role=role)


@pytest.fixture
def case_officer_cal(db):
    return _make_user("cal", "Cal", "Officer", "case_officer")


@pytest.fixture
def case_officer_cleo(db):
    return _make_user("cleo", "Cleo", "Officer", "case_officer")


@pytest.fixture
def mediator_mia(db):
    return _make_user("mia", "Mia", "Mediator", "mediator")


@pytest.fixture
def mediator_max(db):
    return _make_user("max", "Max", "Mediator", "mediator")


@pytest.fixture
def manager_sue(db):
    return _make_user("sue", "Sue", "Manager", "manager")


@pytest.fixture
def admin_ada(db):
    return _make_user("ada", "Ada", "Admin", "administrator")


@pytest.fixture
def cast(case_officer_cal, case_officer_cleo, mediator_mia, mediator_max, manager_sue, admin_ada):
    return {
        "case_officer_cal": case_officer_cal,
        "case_officer_cleo": case_officer_cleo,
        "mediator_mia": mediator_mia,
        "mediator_max": mediator_max,
        "manager_sue": manager_sue,
        "admin_ada": admin_ada,
    }


@pytest.fixture
def local_authority(db):
    from mediation.cases.tests.factories import LocalAuthorityFactory

    return LocalAuthorityFactory(name="Northfield Borough Council", code="NFD")


@pytest.fixture
def enquiry(case_officer_cal, local_authority):
    from mediation.cases import services
    from mediation.cases.tests.factories import ENQUIRY_RECEIVED, enquiry_data

    # Received the day after the decision notice, so the family's first contact with the
    # mediation adviser comes before every event the tests record (the fact rules refuse a
    # certificate dated before it).
    return services.enquiry_record(
        by=case_officer_cal, data=enquiry_data(local_authority, received_at=ENQUIRY_RECEIVED)
    )


@pytest.fixture
def open_case(enquiry, case_officer_cal, mediator_mia):
    from mediation.cases import services
    from mediation.domain.case_states import Route
    from mediation.workflow import services as workflow_services

    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry,
        route=Route.MEDIATION,
        owner=case_officer_cal,
        by=case_officer_cal,
        issue_health=True,
    )
    return services.case_assign_mediator(case=case, mediator=mediator_mia, by=case_officer_cal)


def login(client, user):
    """Sign a test client in with both factors, as a staff member who has verified their code."""
    from mediation.accounts.two_factor import device_with_key

    device = device_with_key(user, "JBSWY3DPEHPK3PXP")
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def audit_sealing_queries() -> int:
    """The queries an audit event costs in the request beyond its insert and its queue row:
    SQLite seals each event at once (reads the chain's head, inserts the seal); PostgreSQL puts
    it in the queue (one insert) and seals it after the commit, which a test's transaction never
    reaches (mediation/audit/services.py). So a page that records one read costs one query more
    on SQLite; query counts pinned exactly add this."""
    from django.db import connection

    return 1 if connection.vendor == "sqlite" else 0


def audit_write_queries() -> int:
    """Every query one audit event costs a request inside a test's transaction: the savepoint,
    the event, its queue row (PostgreSQL) or the chain's head and its seal (SQLite), the
    release. A page's read event (ADR 0029) adds this to its pinned count."""
    return 4 + audit_sealing_queries()

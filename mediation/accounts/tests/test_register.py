"""The mediators' register (issue 23, item 6): registrations, CPD, renewals due in 60 days, the
managers' reminder once per renewal, and a lapsed registration refused at allocation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import audit_sealing_queries, login
from mediation.accounts import services
from mediation.accounts.models import MediatorCpd, MediatorRegistration, User
from mediation.accounts.register import mediators_register, registration_reminders_send
from mediation.audit.models import AuditEvent
from mediation.cases import services as case_services
from mediation.cases.selectors import mediator_choices_for, mediator_refusal
from mediation.cases.tests.factories import UserFactory
from mediation.common.errors import ServiceError
from mediation.domain.dates import format_day_long
from mediation.domain.register import RegistrationState
from mediation.notifications.models import Message

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 10)


def _register(mediator, by, renews_on, **extra):
    data = {
        "register": "College of Mediators",
        "number": f"CM-{mediator.pk:04d}",
        "renews_on": renews_on,
        "accreditation": "",
        "accredited_on": None,
        **extra,
    }
    return services.mediator_registration_save(mediator=mediator, by=by, data=data)


# Allocation -----------------------------------------------------------------------------------


def test_a_lapsed_registration_is_refused_at_allocation_with_the_reason(
    open_case, mediator_max, manager_sue
):
    today = timezone.localdate()
    _register(mediator_max, manager_sue, today - timedelta(days=1))
    refusal = mediator_refusal(case=open_case, mediator=mediator_max)
    assert refusal is not None
    assert "registration as a mediator lapsed" in refusal
    assert f"due to be renewed by {format_day_long(today - timedelta(days=1))}" in refusal
    with pytest.raises(ServiceError, match="lapsed"):
        case_services.case_assign_mediator(case=open_case, mediator=mediator_max, by=manager_sue)
    open_case.refresh_from_db()
    assert open_case.mediator != mediator_max


def test_a_registration_renewing_today_still_allows_allocation(
    open_case, mediator_max, manager_sue
):
    _register(mediator_max, manager_sue, timezone.localdate())
    assert mediator_refusal(case=open_case, mediator=mediator_max) is None
    case_services.case_assign_mediator(case=open_case, mediator=mediator_max, by=manager_sue)
    open_case.refresh_from_db()
    assert open_case.mediator == mediator_max


def test_no_registration_is_a_warning_not_a_refusal(open_case, mediator_max):
    choices = {choice.mediator.pk: choice for choice in mediator_choices_for(case=open_case)}
    assert choices[mediator_max.pk].refusal is None
    assert "No registration is recorded" in (choices[mediator_max.pk].warning or "")


def test_the_assign_page_refuses_a_lapsed_mediator_next_to_the_field(
    client, open_case, mediator_max, manager_sue
):
    _register(mediator_max, manager_sue, timezone.localdate() - timedelta(days=30))
    login(client, manager_sue)
    url = reverse("cases:assign-mediator", args=[open_case.reference])
    page = client.get(url)
    assert "registration as a mediator lapsed" in page.content.decode()
    response = client.post(url, {"mediator": mediator_max.pk})
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "registration as a mediator lapsed" in body


# Renewals and reminders -----------------------------------------------------------------------


def test_register_lists_who_renews_in_60_days_and_who_has_lapsed(
    mediator_mia, mediator_max, manager_sue
):
    UserFactory(username="mo", first_name="Mo", last_name="Mediator", role="mediator")
    third = User.objects.get(username="mo")

    _register(mediator_mia, manager_sue, TODAY + timedelta(days=60))
    _register(mediator_max, manager_sue, TODAY - timedelta(days=1))
    _register(third, manager_sue, TODAY + timedelta(days=61))
    register = mediators_register(today=TODAY)
    assert [row.mediator for row in register.due_soon] == [mediator_mia]
    assert [row.mediator for row in register.lapsed] == [mediator_max]
    states = {row.mediator.pk: row.registration.state for row in register.rows}
    assert states[third.pk] is RegistrationState.CURRENT


def test_managers_are_reminded_once_per_renewal(mediator_mia, manager_sue, admin_ada):
    other_manager = UserFactory(username="meg", role="manager")
    _register(mediator_mia, manager_sue, TODAY + timedelta(days=61))
    assert registration_reminders_send(today=TODAY) == 0  # not yet within 60 days
    soon = TODAY + timedelta(days=1)
    assert registration_reminders_send(today=soon) == 2  # each active manager, not the admin
    assert registration_reminders_send(today=soon) == 0
    assert registration_reminders_send(today=soon + timedelta(days=30)) == 0
    messages = Message.objects.filter(idempotency_key__startswith="registration-renewal:")
    assert {m.recipient_email for m in messages} == {manager_sue.email, other_manager.email}
    message = messages.get(recipient_email=manager_sue.email)
    assert "must be renewed by" in message.body
    assert "Mia Mediator" in message.subject
    # A renewal recorded with a new date is a new renewal: reminded again when that comes near.
    _register(mediator_mia, manager_sue, TODAY + timedelta(days=400))
    assert registration_reminders_send(today=TODAY + timedelta(days=345)) == 2


def test_a_registration_already_lapsed_when_first_seen_says_so(mediator_mia, manager_sue):
    _register(mediator_mia, manager_sue, TODAY - timedelta(days=3))
    assert registration_reminders_send(today=TODAY) == 1
    message = Message.objects.get(idempotency_key__startswith="registration-renewal:")
    assert message.subject.startswith("Mediator's registration lapsed")
    assert "cannot be given new cases" in message.body


def test_the_daily_reminder_command_sends_registration_reminders(mediator_mia, manager_sue):
    _register(mediator_mia, manager_sue, timezone.localdate() + timedelta(days=10))
    out = StringIO()
    call_command("send_deadline_reminders", stdout=out)
    assert "1 new registration reminders" in out.getvalue()


# Pages ------------------------------------------------------------------------------------------


def test_register_page_shows_due_and_lapsed_with_a_fixed_number_of_queries(
    client, manager_sue, mediator_mia, mediator_max, django_assert_num_queries
):
    today = timezone.localdate()
    _register(mediator_mia, manager_sue, today + timedelta(days=20))
    _register(mediator_max, manager_sue, today - timedelta(days=2))
    for year in (today.year, today.year - 1):
        MediatorCpd.objects.create(
            mediator=mediator_mia, year=year, hours=Decimal("7.5"), updated_by=manager_sue
        )
    for n in range(5):
        UserFactory(username=f"extra{n}", role="mediator")
    login(client, manager_sue)
    url = reverse("manage:mediators")
    client.get(url)  # warm the session
    # Session, user with their OTP device (one query); the mediators with their registrations;
    # their CPD; the read event in its savepoint (event, queue row or seal:
    # conftest.audit_sealing_queries).
    with django_assert_num_queries(8 + audit_sealing_queries()):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Due to renew in the next 60 days" in body
    assert "Mia Mediator" in body and "Lapsed" in body
    assert "7.5" in body
    assert AuditEvent.objects.filter(verb="mediator_register.view", actor=manager_sue).exists()


def test_register_pages_are_for_managers_only(client, case_officer_cal, mediator_mia):
    login(client, case_officer_cal)
    for url in (
        reverse("manage:mediators"),
        reverse("manage:mediator-registration", args=[mediator_mia.pk]),
        reverse("manage:mediator-cpd", args=[mediator_mia.pk]),
    ):
        assert client.get(url).status_code == 403


def test_registration_form_saves_and_records_an_audit_event(client, manager_sue, mediator_mia):
    login(client, manager_sue)
    url = reverse("manage:mediator-registration", args=[mediator_mia.pk])
    response = client.post(
        url,
        {
            "register": "Civil Mediation Council",
            "number": "CMC 1234",
            "renews_on_day": "31",
            "renews_on_month": "3",
            "renews_on_year": "2028",
            "accreditation": "Accredited SEND mediator",
            "accredited_on_day": "1",
            "accredited_on_month": "9",
            "accredited_on_year": "2020",
        },
    )
    assert response.status_code == 302
    entry = MediatorRegistration.objects.get(mediator=mediator_mia)
    assert entry.renews_on == date(2028, 3, 31)
    assert entry.accredited_on == date(2020, 9, 1)
    assert AuditEvent.objects.filter(verb="mediator_registration.save").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "register", "Enter the register they are on"),
        ({}, "number", "Enter the registration number"),
        ({}, "renews_on", "Enter the renewal date"),
        (
            {"renews_on_day": "31", "renews_on_month": "2", "renews_on_year": "2028"},
            "renews_on",
            "Renewal date must be a real date",
        ),
        (
            {"renews_on_day": "1", "renews_on_month": "1"},
            "renews_on",
            "Renewal date must include a year",
        ),
        (
            {"accredited_on_day": "1", "accredited_on_month": "1", "accredited_on_year": "2099"},
            "accredited_on",
            "must be today or in the past",
        ),
        (
            {"accredited_on_day": "1", "accredited_on_month": "1", "accredited_on_year": "2020"},
            "accreditation",
            "Enter the accreditation, or leave its date empty",
        ),
        ({"number": "x" * 41}, "number", "40 characters or fewer"),
    ],
)
def test_registration_form_refuses_bad_input_keeping_what_was_typed(
    client, manager_sue, mediator_mia, data, field, message
):
    login(client, manager_sue)
    url = reverse("manage:mediator-registration", args=[mediator_mia.pk])
    posted = {"register": "  ", "number": "", **data}
    response = client.post(url, posted)
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert f'href="#id_{field}' in body
    if data.get("number"):
        assert data["number"] in body
    assert not MediatorRegistration.objects.exists()


def test_cpd_form_saves_and_replaces_a_year(client, manager_sue, mediator_mia):
    login(client, manager_sue)
    url = reverse("manage:mediator-cpd", args=[mediator_mia.pk])
    year = timezone.localdate().year
    assert (
        client.post(url, {"year": year, "hours": "12.5", "note": "Law update"}).status_code == 302
    )
    assert client.post(url, {"year": year, "hours": "14"}).status_code == 302
    cpd = MediatorCpd.objects.get(mediator=mediator_mia, year=year)
    assert cpd.hours == Decimal("14.0")
    assert "14.0" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "", "hours": "3"}, "Enter the year"),
        ({"year": "twenty", "hours": "3"}, "Year must be a number"),
        ({"year": "1999", "hours": "3"}, "Year must be 2000 or later"),
        ({"year": "2999", "hours": "3"}, "or earlier"),
        ({"year": "2026", "hours": ""}, "Enter the CPD hours"),
        ({"year": "2026", "hours": "-1"}, "CPD hours must be 0 or more"),
        ({"year": "2026", "hours": "12.25"}, "1 decimal place at most"),
        ({"year": "2026", "hours": "lots"}, "CPD hours must be a number"),
        ({"year": "2026", "hours": "501"}, "500 or fewer"),
    ],
)
def test_cpd_form_refuses_bad_input(client, manager_sue, mediator_mia, data, message):
    login(client, manager_sue)
    response = client.post(reverse("manage:mediator-cpd", args=[mediator_mia.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body
    assert not MediatorCpd.objects.exists()


def test_register_pages_of_someone_not_a_mediator_are_not_found(
    client, manager_sue, case_officer_cal
):
    login(client, manager_sue)
    assert (
        client.get(reverse("manage:mediator-registration", args=[case_officer_cal.pk])).status_code
        == 404
    )

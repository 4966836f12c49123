"""The mediators' register as the service keeps it: each mediator's registration, accreditation
and CPD hours (reads), and the managers' reminder of a renewal coming up (once per renewal).

The rule for current, due soon and lapsed is mediation.domain.register; a lapsed registration is
refused at allocation by mediation.cases.selectors.mediator_refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse

from mediation.accounts.models import MediatorCpd, MediatorRegistration, Role, User
from mediation.domain.dates import format_day_long
from mediation.domain.register import (
    RENEWAL_NOTICE_DAYS,
    Registration,
    RegistrationState,
    registration_state,
)
from mediation.notifications.services import message_queue

STATE_LABELS: dict[RegistrationState, str] = {
    RegistrationState.NOT_RECORDED: "No registration recorded",
    RegistrationState.CURRENT: "Registered",
    RegistrationState.DUE_SOON: "Due to renew",
    RegistrationState.LAPSED: "Lapsed",
}
STATE_TAGS: dict[RegistrationState, str] = {
    RegistrationState.NOT_RECORDED: "govuk-tag--grey",
    RegistrationState.CURRENT: "govuk-tag--green",
    RegistrationState.DUE_SOON: "govuk-tag--yellow",
    RegistrationState.LAPSED: "govuk-tag--red",
}


def registration_of(mediator: User, today: date) -> Registration:
    """The state of the mediator's registration (reads `mediator.registration`: select it with
    the mediator to avoid a query each)."""
    try:
        renews_on: date | None = mediator.registration.renews_on
    except MediatorRegistration.DoesNotExist:
        renews_on = None
    return registration_state(renews_on, today)


def lapsed_refusal(mediator: User, today: date) -> str | None:
    """Why a mediator may not take a new case because of their registration, or None."""
    registration = registration_of(mediator, today)
    if registration.allows_allocation:
        return None
    assert registration.renews_on is not None  # lapsed means a date is recorded
    return (
        f"{mediator.display_name}'s registration as a mediator lapsed: it was due to be renewed "
        f"by {format_day_long(registration.renews_on)}. Record the renewal under Manage, mediators' "
        "register, before giving them a case."
    )


@dataclass(frozen=True)
class RegisterRow:
    mediator: User
    entry: MediatorRegistration | None
    registration: Registration
    cpd_this_year: Decimal | None
    cpd_last_year: Decimal | None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.registration.state]

    @property
    def tag_class(self) -> str:
        return STATE_TAGS[self.registration.state]


@dataclass(frozen=True)
class Register:
    rows: list[RegisterRow]
    today: date
    this_year: int

    @property
    def due_soon(self) -> list[RegisterRow]:
        return [r for r in self.rows if r.registration.state is RegistrationState.DUE_SOON]

    @property
    def lapsed(self) -> list[RegisterRow]:
        return [r for r in self.rows if r.registration.state is RegistrationState.LAPSED]


def mediators_register(*, today: date) -> Register:
    """Every active mediator with their registration and CPD of this year and last (two
    queries, however many mediators), lapsed and soonest renewal first."""
    years = (today.year, today.year - 1)
    mediators = (
        User.objects.filter(role=Role.MEDIATOR, is_active=True)
        .select_related("registration")
        .prefetch_related(
            Prefetch("cpd_years", queryset=MediatorCpd.objects.filter(year__in=years))
        )
    )
    rows = []
    for mediator in mediators:
        entry = getattr(mediator, "registration", None)
        hours = {cpd.year: cpd.hours for cpd in mediator.cpd_years.all()}
        rows.append(
            RegisterRow(
                mediator,
                entry,
                registration_of(mediator, today),
                hours.get(years[0]),
                hours.get(years[1]),
            )
        )
    rows.sort(
        key=lambda r: (
            r.registration.renews_on is None,
            r.registration.renews_on or today,
            r.mediator.display_name,
        )
    )
    return Register(rows=rows, today=today, this_year=today.year)


# Reminders to the managers ---------------------------------------------------------------------


@transaction.atomic
def registration_reminders_send(*, today: date) -> int:
    """Tell every active manager about each active mediator whose registration renews within
    the notice period (or has lapsed): once per mediator, renewal date and manager, however
    often it runs. A new renewal date recorded later gets its own reminder. Returns how many
    messages were queued now."""
    horizon = today + timedelta(days=RENEWAL_NOTICE_DAYS)
    entries = MediatorRegistration.objects.filter(
        renews_on__lte=horizon, mediator__is_active=True, mediator__role=Role.MEDIATOR
    ).select_related("mediator")
    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True).exclude(email=""))
    link = settings.SITE_URL.rstrip("/") + reverse("manage:mediators")
    created = 0
    for entry in entries:
        name = entry.mediator.display_name
        when = format_day_long(entry.renews_on)
        if entry.renews_on < today:
            subject = f"Mediator's registration lapsed: {name}"
            first = (
                f"{name}'s registration on the {entry.register} register (number {entry.number}) "
                f"was due to be renewed by {when} and is not recorded as renewed. They cannot be "
                "given new cases until the renewal is recorded."
            )
        else:
            subject = f"Mediator's registration due to renew by {when}: {name}"
            first = (
                f"{name}'s registration on the {entry.register} register (number {entry.number}) "
                f"must be renewed by {when}. After that day they cannot be given new cases until "
                "the renewal is recorded."
            )
        body = (
            f"{first}\n\nWhen they have renewed, record the new renewal date in the mediators' "
            f"register:\n{link}\n"
        )
        for manager in managers:
            _message, was_created = message_queue(
                key=f"registration-renewal:{entry.mediator_id}:{entry.renews_on.isoformat()}:"
                f"{manager.pk}",
                to_email=manager.email,
                to_name=manager.display_name,
                subject=subject,
                body=body,
            )
            created += was_created
    return created

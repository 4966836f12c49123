"""Minimal valid objects for tests. Cases are made through the services where history matters."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory

from mediation.accounts.models import Role, User
from mediation.authorities.models import LocalAuthority
from mediation.cases.models import CallerType, ContactPreference
from mediation.domain.decisions import DecisionType


def _save(user: User, create: bool) -> None:
    """After the password is set (skip_postgeneration_save: factory_boy no longer saves)."""
    if create:
        user.save()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@mediation.example.org")
    role = Role.CASE_OFFICER
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    saved = factory.PostGeneration(lambda user, create, extracted, **kwargs: _save(user, create))


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority

    name = factory.Sequence(lambda n: f"Testshire Council {n}")
    code = factory.Sequence(lambda n: f"T{n:03d}")
    contact_email = "send@testshire.example.gov.uk"


#: When the `enquiry` fixture's call came in: the day after its decision notice was sent.
ENQUIRY_RECEIVED = datetime(2026, 11, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def enquiry_data(authority: LocalAuthority, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "caller_type": CallerType.PARENT_CARER,
        "caller_name": "Sarah Whitfield",
        "caller_relationship": "Mother",
        "phone": "07700 900123",
        "email": "sarah.whitfield@example.com",
        "preferred_contact": ContactPreference.PHONE,
        "child_first_name": "Isla",
        "child_last_name": "Whitfield",
        "child_date_of_birth": date(2016, 4, 12),
        "child_setting": "Hollybank Primary School",
        "local_authority": authority,
        "decision_type": DecisionType.REFUSE_ASSESSMENT,
        "notice_sent_on": date(2026, 11, 2),
        "letter_dated_on": date(2026, 10, 30),
        "section_i_only": False,
        "case_history": "The LA refused to assess despite the school's reports.",
        "info_mediation_given": True,
        "info_certificate_given": True,
        "info_appeal_given": False,
    }
    data.update(overrides)
    return data

"""Demo data that looks real: local authorities, staff of every role and 60 cases on every route.

All names are invented. Data is created through the services, so every case has its timeline
and audit events like a real one. Running it again does nothing if the demo users exist.
"""

from __future__ import annotations

import base64
import hashlib
import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mediation.accounts.models import Role, User
from mediation.accounts.two_factor import device_with_key
from mediation.authorities.models import LocalAuthority
from mediation.cases import selectors as case_selectors
from mediation.cases import services
from mediation.cases.models import (
    CallerType,
    ChangeReason,
    Contact,
    ContactPreference,
    DeclineReason,
    IssueTheme,
    Party,
    Side,
)
from mediation.domain.case_states import Route, Step
from mediation.domain.decisions import APPEALABLE_DECISIONS, DecisionType
from mediation.invoicing.models import Activity, Tariff
from mediation.invoicing.services import tariff_save
from mediation.meetings import services as meetings
from mediation.meetings.selectors import case_attendees
from mediation.workflow import selectors as workflow_selectors
from mediation.workflow import services as workflow_services

DEMO_PASSWORD = "demo-mediation-2026"

STAFF = [
    ("casey.officer", "Casey", "Morgan", Role.CASE_OFFICER),
    ("priya.officer", "Priya", "Nair", Role.CASE_OFFICER),
    ("maya.mediator", "Maya", "Okafor", Role.MEDIATOR),
    ("tom.mediator", "Tom", "Lindqvist", Role.MEDIATOR),
    ("morgan.manager", "Morgan", "Ellis", Role.MANAGER),
    ("alex.admin", "Alex", "Reid", Role.ADMINISTRATOR),
]

AUTHORITIES = [
    ("Northfield Borough Council", "NFD", "send.disputes@northfield.example.gov.uk"),
    ("Eastmoor County Council", "EMC", "sen.team@eastmoor.example.gov.uk"),
    ("Riverside City Council", "RCC", "ehc.mediation@riverside.example.gov.uk"),
    ("Westdale District Council", "WDC", "send@westdale.example.gov.uk"),
]

FIRST_NAMES = [
    "Amelia",
    "Noah",
    "Isla",
    "Oliver",
    "Ava",
    "Leo",
    "Freya",
    "Arlo",
    "Zara",
    "Ezra",
    "Hana",
    "Kofi",
    "Maisie",
    "Rohan",
    "Elsie",
    "Idris",
    "Nia",
    "Theo",
    "Layla",
    "Yusuf",
]
LAST_NAMES = [
    "Whitfield",
    "Adebayo",
    "Kowalski",
    "Brennan",
    "Chaudhry",
    "Fairbairn",
    "Osei",
    "Haddad",
    "Pemberton",
    "Mbeki",
    "Larsen",
    "Quigley",
    "Rahman",
    "Sotiriou",
    "Dunmore",
]
PARENT_FIRST = [
    "Sarah",
    "James",
    "Aisha",
    "Daniel",
    "Grace",
    "Tariq",
    "Helen",
    "Marek",
    "Joy",
    "Rebecca",
    "Samuel",
    "Fatima",
    "Claire",
    "Owen",
    "Bukola",
]
SETTINGS = [
    "Hollybank Primary School",
    "St Aidan's CE Primary",
    "Marshgate Academy",
    "Riverside College",
    "Brookfield Special School",
    "Oakwood Nursery",
    "Home educated",
]
HISTORIES = [
    "Parent says the LA refused to assess despite reports from the school and speech therapist.",
    "The draft plan does not name the specialist provision recommended by the educational psychologist.",
    "The LA wrote to say it will stop maintaining the plan when she starts college. Family disagrees.",
    "Annual review asked for more hours of support; the LA refused to amend the plan.",
    "Disagreement with the school about how support in the plan is being delivered.",
]


def services_party_add(case: Any, name: str, authority: LocalAuthority) -> None:
    """The LA's decision maker for the meeting, with authority confirmed for the case's issues."""
    Party.objects.create(
        case=case,
        role="la_representative",
        name=name,
        organisation=authority.name,
        email=f"{name.split()[0].lower()}.{name.split()[1].lower()}@{authority.code.lower()}.example.gov.uk",
        preferred_contact="email",
    )


def demo_authenticator_key(username: str) -> str:
    """A fixed authenticator key per demo user, so the printed key stays valid between runs."""
    digest = hashlib.sha256(f"demo-totp:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


class Command(BaseCommand):
    help = "Load invented demo data: local authorities, staff of every role and 60 cases."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=60)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, cases: int, seed: int, **options: Any) -> None:
        if User.objects.filter(username=STAFF[0][0]).exists():
            self.stdout.write("Demo data already loaded.")
            self._print_sign_ins()
            return
        rng = random.Random(seed)  # noqa: S311 (demo data, not security)
        with transaction.atomic():
            staff = self._create_staff()
            authorities = [
                LocalAuthority.objects.create(name=name, code=code, contact_email=email)
                for name, code, email in AUTHORITIES
            ]
            # Tom also works for Westdale, so he may not mediate its cases (CFA 2014 s56).
            staff["tom.mediator"].employed_by_authorities.add(authorities[3])
            self._create_tariffs(authorities, staff["morgan.manager"])
            # The issues in dispute offered (seeded by a migration), for each case's issues.
            self.themes = list(IssueTheme.objects.filter(active=True).order_by("position", "name"))
            created, number = 0, 0
            while created < cases:
                created += self._create_case(rng, number, staff, authorities)
                number += 1
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {len(authorities)} local authorities and {cases} cases.")
        )
        self._print_sign_ins()

    @staticmethod
    def _create_tariffs(authorities: list[LocalAuthority], manager: User) -> None:
        """Each LA's contract prices, so Manage -> Invoices can preview and issue invoices."""
        prices = {
            Activity.INFORMATION_CALL: 4_500,
            Activity.CERTIFICATE_ONLY: 9_500,
            Activity.MEDIATION: 65_000,
            Activity.DISAGREEMENT_RESOLUTION: 55_000,
            Activity.CANCELLED_MEETING: 20_000,
        }
        start = date(timezone.localdate().year - 1, 4, 1)  # the contract year began last April
        for authority in authorities:
            for activity, pence in prices.items():
                tariff_save(
                    tariff=Tariff(
                        local_authority=authority,
                        activity=activity,
                        unit_price_pence=pence,
                        vat_rate_bp=2_000,
                        notice_working_days=2 if activity == Activity.CANCELLED_MEETING else None,
                        effective_from=start,
                        created_by=manager,
                    ),
                    by=manager,
                )

    def _print_sign_ins(self) -> None:
        for username, _first, _last, role in STAFF:
            self.stdout.write(
                f"demo sign-in: {username} / {DEMO_PASSWORD} / authenticator key "
                f"{demo_authenticator_key(username)} ({Role(role).label})"
            )

    def _create_staff(self) -> dict[str, User]:
        staff = {}
        for username, first, last, role in STAFF:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                role=role,
                email=f"{username}@mediation.example.org",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            device_with_key(user, demo_authenticator_key(username))
            staff[username] = user
        return staff

    def _create_case(
        self,
        rng: random.Random,
        number: int,
        staff: dict[str, User],
        authorities: list[LocalAuthority],
    ) -> bool:
        """Record an enquiry and, for most, open a case from it; True if a case was opened."""
        officers = [staff["casey.officer"], staff["priya.officer"]]
        mediators = [staff["maya.mediator"], staff["tom.mediator"]]
        today = timezone.localdate()
        route = [
            Route.MEDIATION,
            Route.MEDIATION,
            Route.CERTIFICATE_ONLY,
            Route.DISAGREEMENT_RESOLUTION,
        ][number % 4]
        decision = (
            DecisionType.OTHER_DISAGREEMENT
            if route == Route.DISAGREEMENT_RESOLUTION
            else rng.choice(APPEALABLE_DECISIONS)
        )
        child_last = rng.choice(LAST_NAMES)
        parent = f"{rng.choice(PARENT_FIRST)} {child_last}"
        born = today - timedelta(days=rng.randint(3 * 365, 19 * 365))
        sent = today - timedelta(days=rng.randint(3, 90))
        caller_type = (
            CallerType.YOUNG_PERSON
            if (today - born).days > 16 * 365 and number % 5 == 0
            else CallerType.PARENT_CARER
        )
        owner = officers[number % 2]
        enquiry = services.enquiry_record(
            by=owner,
            data={
                "caller_type": caller_type,
                "caller_name": parent
                if caller_type == CallerType.PARENT_CARER
                else f"{rng.choice(FIRST_NAMES)} {child_last}",
                "caller_relationship": rng.choice(
                    ["Mother", "Father", "Grandmother", "Foster carer"]
                )
                if caller_type == CallerType.PARENT_CARER
                else "",
                "phone": f"07700 900{rng.randint(100, 999)}",
                "email": f"{parent.split()[0].lower()}.{child_last.lower()}{number}@example.com",
                "preferred_contact": rng.choice([ContactPreference.PHONE, ContactPreference.EMAIL]),
                "child_first_name": rng.choice(FIRST_NAMES),
                "child_last_name": child_last,
                "child_date_of_birth": born,
                "child_setting": rng.choice(SETTINGS),
                "local_authority": authorities[number % len(authorities)],
                "decision_type": decision,
                "notice_sent_on": None if decision == DecisionType.OTHER_DISAGREEMENT else sent,
                "letter_dated_on": None
                if decision == DecisionType.OTHER_DISAGREEMENT
                else sent - timedelta(days=rng.randint(0, 2)),
                "section_i_only": decision == DecisionType.PLAN_CONTENTS and number % 7 == 0,
                "case_history": rng.choice(HISTORIES),
                "info_mediation_given": True,
                "info_certificate_given": route != Route.DISAGREEMENT_RESOLUTION,
                "info_appeal_given": route != Route.DISAGREEMENT_RESOLUTION,
            },
        )
        if number % 15 == 14:
            services.enquiry_close_with_information(
                enquiry=enquiry, by=owner, note="Caller wanted to understand the options first."
            )
            return False
        if route == Route.CERTIFICATE_ONLY and enquiry.section_i_only:
            route = Route.MEDIATION
        case = workflow_services.case_open_from_enquiry(
            enquiry=enquiry,
            route=route,
            owner=owner,
            by=owner,
            issue_health=number % 3 == 0,
            issue_social_care=number % 5 == 0,
        )
        if route == Route.MEDIATION or route == Route.DISAGREEMENT_RESOLUTION:
            preferred = [mediators[number % 2], mediators[(number + 1) % 2]]
            mediator = next(
                m for m in preferred if not case_selectors.mediator_refusal(case=case, mediator=m)
            )
            case = services.case_assign_mediator(case=case, mediator=mediator, by=owner)
        if self.themes:
            # One or two issues in dispute, so the reports' themes table has figures.
            chosen = rng.sample(self.themes, k=min(len(self.themes), 1 + number % 2))
            services.case_issues_set(case=case, themes=chosen, by=owner)
        if route != Route.CERTIFICATE_ONLY:
            authority = case.local_authority
            officer = rng.choice(["Omar Hassan", "Julia Brandt", "Kemi Adeyemi", "Robert Lyle"])
            services_party_add(case, officer, authority)
        services.case_contact_add(
            case=case,
            by=owner,
            method=Contact.Method.PHONE,
            direction=Contact.Direction.INCOMING,
            occurred_at=timezone.now() - timedelta(days=rng.randint(0, 3)),
            summary="First call. Explained the options and what happens next.",
            party=case.parties.first(),
        )
        if route == Route.DISAGREEMENT_RESOLUTION and number % 16 == 3:
            # Disagreement resolution is voluntary: here the LA would not take part (a KPI).
            services.participation_declined_record(
                case=case,
                by=owner,
                data={
                    "side": Side.LA,
                    "reason_kind": DeclineReason.NOT_THEIR_DECISION,
                    "reason": "The LA says the school must decide on the support.",
                    "declined_on": today,
                },
            )
            return True
        self._progress(rng, case, route, owner, today)
        return True

    def _progress(
        self, rng: random.Random, case: Any, route: Route, owner: User, today: date
    ) -> None:
        """Take the case some way along its route through the workflow steps, with dates that
        fit, so the demo shows every state and every deadline status."""
        if case.notice_sent_on is not None:
            # The demo's enquiries are all recorded today; say the family first called soon
            # after the decision, as most do.
            contacted = min(case.notice_sent_on + timedelta(days=rng.randint(1, 5)), today)
            changes: dict[str, Any] = {"adviser_contacted_on": contacted}
            if route == Route.CERTIFICATE_ONLY:
                changes["mediation_declined_on"] = contacted
            case = workflow_services.case_key_dates_update(case=case, by=owner, changes=changes)
            day = contacted
        else:
            day = today - timedelta(days=rng.randint(5, 40))
        plan = self._plan(rng, case, route)
        for step, gap, extra in plan[: rng.randint(0, len(plan))]:
            day = day + timedelta(days=gap)
            if day > today and step not in {Step.BOOK_MEETING}:
                return
            data = {"on": day, **extra}
            if step == Step.BOOK_MEETING and day <= today and rng.random() < 0.3:
                data["on"] = today + timedelta(days=rng.randint(7, 25))
            offer = next((o for o in workflow_selectors.case_steps(case) if o.step == step), None)
            if offer is None or offer.blocked_because:
                return
            if step == Step.BOOK_MEETING and data["on"] > today:
                # A meeting still to come is booked as a person would: offered, answered, booked,
                # with confirmations and invitations sent (they appear in the demo outbox).
                self._book_future_meeting(rng, case, owner, data["on"], today)
                return
            case = workflow_services.case_take_step(
                case=case, step=step, by=owner, data=data, expected_state=case.status
            )
            if step == Step.BOOK_MEETING:
                day = data["on"]
                if day > today:
                    return

    @staticmethod
    def _book_future_meeting(
        rng: random.Random, case: Any, owner: User, day: date, today: date
    ) -> Any:
        while day.weekday() >= 5:  # meetings are on weekdays
            day += timedelta(days=1)
        start = datetime.combine(day, time(rng.choice([10, 13])), tzinfo=ZoneInfo("Europe/London"))
        slot = meetings.slot_offer_add(
            case=case, by=owner, starts_at=start, duration_minutes=120, mode="online"
        )
        answers: dict[str, bool | None] = {
            person.attendee.key: True
            for person in case_attendees(case)
            if not person.attendee.key.startswith("mediator:none")
        }
        meetings.slot_answers_record(slot=slot, by=owner, answers=answers)
        details = {"online_link": f"https://meet.example.org/{case.reference.lower()}"}
        meeting = meetings.meeting_book(
            case=case,
            slot=slot,
            by=owner,
            details=details,
            short_notice_consent=True,
            expected_state=case.status,
            today=today,
        )
        if rng.random() < 0.6:
            # The LA asked to move it (the reports count meetings moved by the LA).
            later = start + timedelta(days=7)
            meetings.meeting_reschedule(
                meeting=meeting,
                by=owner,
                starts_at=later,
                duration_minutes=120,
                mode="online",
                details=details,
                reason="The LA's officer who can make decisions cannot come that day.",
                short_notice_consent=True,
                requested_by=Side.LA,
                reason_kind=ChangeReason.NO_DECISION_MAKER,
                today=today,
            )
        case.refresh_from_db()
        return case

    @staticmethod
    def _plan(
        rng: random.Random, case: Any, route: Route
    ) -> list[tuple[Step, int, dict[str, Any]]]:
        outcome = rng.choice(["agreed_all", "agreed_part", "agreed_all", "not_agreed"])
        close = (
            Step.CLOSE,
            2,
            {"closure_outcome": "completed", "appeal_lodged": "unknown", "reason": "All done."},
        )
        if route == Route.CERTIFICATE_ONLY:
            return [(Step.ISSUE_CERTIFICATE, rng.randint(1, 4), {}), close]
        if route == Route.DISAGREEMENT_RESOLUTION:
            return [
                (
                    Step.RECORD_CONSENT,
                    rng.randint(2, 6),
                    {"reason": "Parent and school agreed by phone."},
                ),
                (Step.BOOK_MEETING, rng.randint(5, 15), {}),
                (Step.RECORD_MEETING_HELD, 0, {}),
                (Step.RECORD_OUTCOME, 0, {"outcome": outcome}),
                close,
            ]
        plan: list[tuple[Step, int, dict[str, Any]]] = [(Step.INFORM_LA, rng.randint(0, 4), {})]
        if case.issue_health and rng.random() < 0.7:
            plan.append((Step.RECORD_HEALTH_NOTIFIED, rng.randint(1, 4), {}))
        if rng.random() < 0.1:
            return [
                *plan,
                (Step.FAMILY_WITHDRAWS, rng.randint(3, 10), {}),
                (Step.ISSUE_CERTIFICATE, rng.randint(1, 3), {}),
            ]
        if rng.random() < 0.1 and not (case.issue_health and not case.issue_education):
            return [
                *plan,
                (Step.RECORD_LA_UNABLE, rng.randint(20, 28), {}),
                (Step.ISSUE_CERTIFICATE, rng.randint(1, 3), {}),
            ]
        plan += [
            (Step.BOOK_MEETING, rng.randint(10, 25), {}),
            (Step.RECORD_MEETING_HELD, 0, {}),
            (Step.RECORD_OUTCOME, 0, {"outcome": outcome}),
            (Step.ISSUE_CERTIFICATE, rng.randint(1, 5), {}),
        ]
        if outcome != "not_agreed":
            plan.append((Step.START_FOLLOW_UP, 1, {}))
        return [*plan, close]

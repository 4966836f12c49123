"""Synthetic cases for load tests and benchmarks: `manage.py generate_cases --cases N --seed S`.

Everything is invented: names come from a seeded Faker (en_GB) drawn once into small pools,
local authorities are invented place names, phone numbers are in Ofcom's drama range and
email addresses use example.org. Nothing here is ever run against real data.

What a case gets, following its route's state machine (mediation.domain.case_states; every
transition is checked with `check_transition`) with its event dates in order:
an enquiry, the case, its status history, parties (parent or young person, sometimes a second
parent, the LA officer, sometimes the school and the health body), a meeting when one was
booked, the outcome statement and agreed actions after an agreement, a certificate (metadata:
the PDF is not rendered), its deadlines (computed by the pure engine through
mediation.deadlines.clocks.compute_for_case, in bulk), timeline entries, and audit events
appended through the audit log's bulk path (mediation.audit.services.audit_append_many), which
continues the hash chain. About one enquiry in two is extra, closed with information given.

Dates: case number i (0, 1, 2...) was opened about i / 20,000 years before `as_of` (a national
service: about 20,000 cases a year from 30,000 enquiries, some 11,000 of them mediation or
disagreement resolution; `per_year` changes the rate), so the most recent cases are the same
whatever N is and growing from 10,000 to 1,000,000 cases adds history, not open work. A case is open if its
simulated life has not finished by `as_of`.

Deterministic: case i is drawn from its own Random(seed, i), so the same seed and `as_of` give
the same data whatever the batch size, and a run that stopped can carry on.

`Generator.case` makes one case in stages, one method each, in the order of a real case: who
and what (`_who_and_what`), its life along the route (`_life`, one method per route), then its
rows: the case, the enquiry, the parties, the history (status changes, timeline, audit), the
meeting, the outcome statement, the deadlines, the certificate, the reads, and `_write`. The
stages draw from the case's Random in a fixed order: reordering them changes the data.

Adding 50,000 cases or more drops the name-search indexes first and builds them once at the
end (ensure_search_index), which is much faster than updating them row by row.

Resumable and safe to re-run: `--cases N` is the total wanted for the seed. Each batch of cases
is one transaction; a re-run counts the cases already there for the seed (their references
start with "S<seed>-") and generates only the missing ones. Run it while nothing else writes to
the database: primary keys are allocated by the generator (so that rows can refer to each other
before they are written) and the PostgreSQL sequences are moved past them after each batch.
"""

from __future__ import annotations

import hashlib
import random
import string
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from faker import Faker

from mediation.accounts.models import Role, User
from mediation.audit.services import BulkAuditEvent, audit_append_many
from mediation.authorities.models import LocalAuthority
from mediation.bank_holidays import england_and_wales_holidays
from mediation.cases.models import (
    AppealLodged,
    CallerType,
    Case,
    CaseStatusChange,
    CertificateKind,
    ClosureOutcome,
    ContactPreference,
    Enquiry,
    Outcome,
    Party,
    PartyRole,
)
from mediation.common.bulk import insert_rows, next_id, reset_sequences
from mediation.common.encryption import encrypt_text
from mediation.deadlines.clocks import (
    ActionFacts,
    compute_for_case,
    next_deadline_of,
    stored_values,
)
from mediation.deadlines.labels import deadline_label
from mediation.deadlines.models import Deadline
from mediation.documents.models import Certificate, DocumentKind, GeneratedDocument
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.case_states import (
    INITIAL_STATE,
    ROUTE_LABELS,
    STATE_LABELS,
    CaseState,
    Route,
    check_transition,
)
from mediation.domain.dates import format_day
from mediation.domain.deadlines import ActionKind, DeadlineCode
from mediation.domain.decisions import APPEALABLE_DECISIONS, DecisionType
from mediation.meetings.models import Meeting, MeetingMode
from mediation.outcomes.models import AgreedAction, OutcomeStatement
from mediation.search.indexes import drop_search_index, ensure_search_index
from mediation.timeline.models import TimelineEntry, TimelineKind

CASES_PER_YEAR = 20_000
LONDON = ZoneInfo("Europe/London")
LA_COUNT = 150
REBUILD_SEARCH_INDEX_FROM = 50_000  # adding this many cases or more: build search indexes after
OFFICERS, MEDIATORS, MANAGERS = 40, 60, 4
APPEALABLE = list(APPEALABLE_DECISIONS)
ACTION_TEXTS = [
    "Carry out an EHC needs assessment",
    "Amend Section F to include weekly speech and language therapy",
    "Name the requested school in Section I",
    "Reconsider the decision to stop maintaining the plan",
    "Issue a draft plan following the assessment",
    "Arrange an occupational therapy assessment",
    "Hold an early annual review",
    "Amend Section B to describe sensory needs",
]
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
SYNTHETIC_HTML = "<p>Synthetic record made by generate_cases: no document was rendered.</p>"


def reference_prefix(seed: int) -> str:
    return f"S{seed}-"


@dataclass
class Cast:
    """The people and bodies every synthetic case draws from."""

    authorities: list[tuple[int, str]]  # (id, name)
    officers: list[tuple[int, str]]  # (id, display name)
    mediators: list[tuple[int, str]]
    first_names: list[str]
    last_names: list[str]
    schools: list[str]
    action_texts: list[str]  # encrypted once, reused


def _display(user: User) -> str:
    return f"{user.first_name} {user.last_name}".strip() or user.username


def ensure_cast(seed: int) -> Cast:
    """Create (once) the invented local authorities and staff; draw the name pools."""

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    authorities = list(LocalAuthority.objects.filter(code__startswith="SY").order_by("code"))
    if len(authorities) < LA_COUNT:
        have = {a.code for a in authorities}
        names = set(LocalAuthority.objects.values_list("name", flat=True))
        kinds = ["County Council", "City Council", "Borough Council", "Council"]
        new = []
        for number in range(1, LA_COUNT + 1):
            code = f"SY{number:03d}"
            name = f"{fake.city()} {kinds[number % len(kinds)]}"
            while name in names:
                name = f"{fake.city()} {kinds[number % len(kinds)]}"
            names.add(name)
            if code not in have:
                slug = name.lower().replace(" ", "-")
                new.append(
                    LocalAuthority(name=name, code=code, contact_email=f"send@{slug}.example.org")
                )
        LocalAuthority.objects.bulk_create(new)
        authorities = list(LocalAuthority.objects.filter(code__startswith="SY").order_by("code"))
    staff: dict[str, list[User]] = {}
    for role, count, stem in (
        (Role.CASE_OFFICER, OFFICERS, "officer"),
        (Role.MEDIATOR, MEDIATORS, "mediator"),
        (Role.MANAGER, MANAGERS, "manager"),
    ):
        wanted = [f"syn.{stem}{n:02d}" for n in range(1, count + 1)]
        existing = {u.username: u for u in User.objects.filter(username__in=wanted)}
        for username in wanted:
            if username not in existing:
                user = User(
                    username=username,
                    first_name=fake.first_name(),
                    last_name=fake.last_name(),
                    role=role,
                    email=f"{username}@mediation.example.org",
                )
                user.set_unusable_password()
                user.save()
                existing[username] = user
        staff[role] = [existing[u] for u in wanted]
    pools = Faker("en_GB")
    pools.seed_instance(seed + 1)
    return Cast(
        authorities=[(a.pk, a.name) for a in authorities],
        officers=[(u.pk, _display(u)) for u in staff[Role.CASE_OFFICER]],
        mediators=[(u.pk, _display(u)) for u in staff[Role.MEDIATOR]],
        first_names=sorted({pools.first_name() for _ in range(1500)}),
        last_names=sorted({pools.last_name() for _ in range(3000)}),
        schools=sorted(
            {
                f"{pools.city()} {kind}"
                for kind in ("Primary School", "Academy", "College", "High School")
                for _ in range(60)
            }
        ),
        action_texts=[encrypt_text(text) for text in ACTION_TEXTS],
    )


class Ids:
    """Primary keys handed out by the generator, one counter per table."""

    def __init__(self, models_: list[type]) -> None:
        self._next = {model: next_id(model) for model in models_}

    def take(self, model: type) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value


# Columns written for each table (every NOT NULL column without a database default).
COLUMNS: dict[type, tuple[str, ...]] = {
    Enquiry: (
        "id", "reference", "status", "received_at", "caller_type", "caller_name",
        "caller_relationship", "phone", "email", "address", "preferred_contact",
        "child_first_name", "child_last_name", "child_date_of_birth", "child_setting",
        "local_authority_id", "decision_type", "notice_sent_on", "letter_dated_on",
        "section_i_only", "case_history", "info_mediation_given", "info_certificate_given",
        "info_appeal_given", "closing_note", "created_by_id", "created_at", "updated_at",
    ),
    Case: (
        "id", "reference", "route", "status", "local_authority_id", "owner_id", "mediator_id",
        "enquiry_id", "child_first_name", "child_last_name", "child_date_of_birth",
        "child_setting", "decision_type", "notice_sent_on", "letter_dated_on", "section_i_only",
        "issue_education", "issue_health", "issue_social_care", "adviser_contacted_on",
        "mediation_declined_on", "la_informed_on", "health_body_notified_on",
        "la_unable_to_arrange_notified_on", "meeting_planned_on", "meeting_confirmation_sent_on",
        "mediation_held_on", "mediation_concluded_on", "outcome_circulated_on",
        "certificate_issued_on", "agreement_made_on", "outcome", "certificate_kind",
        "certificate_issued_by_id", "everyone_agreed_on", "la_decision_changed_on",
        "closure_outcome", "appeal_lodged", "next_deadline_due", "next_deadline_code",
        "opened_at", "closed_at", "last_activity_at", "health_body_told_la_on",
        "short_notice_agreed", "la_not_a_party",
    ),
    CaseStatusChange: ("id", "case_id", "from_state", "to_state", "by_id", "at", "reason"),
    Party: (
        "id", "case_id", "role", "name", "relationship", "organisation", "phone", "email",
        "address", "preferred_contact", "is_main_contact", "language", "interpreter_needed",
        "interpreter_language", "reasonable_adjustments", "supporter_kind", "supports_id",
        "provider_kind", "additional_officer", "created_at",
    ),
    TimelineEntry: ("id", "case_id", "at", "actor_id", "kind", "summary", "contact_id", "note_id"),
    Deadline: (
        "id", "case_id", "code", "due", "rule", "runs_from", "explanation", "met_on",
        "position", "computed_at", "set_aside",
    ),
    Meeting: (
        "id", "case_id", "slot_id", "uid", "sequence", "status", "starts_at",
        "duration_minutes", "mode", "online_link", "venue_name", "venue_address",
        "access_details", "phone_details", "short_notice_consent", "booked_by_id", "booked_at",
        "updated_at", "non_working_day_reason",
    ),
    OutcomeStatement: (
        "id", "case_id", "key_points", "outcome", "status", "version", "content_hash",
        "created_by_id", "created_at", "updated_at", "finalised_by_id", "finalised_at",
    ),
    AgreedAction: (
        "id", "statement_id", "case_id", "position", "what", "who", "kind", "section",
        "agreed_due", "varied_due", "done_on", "done_evidence", "done_recorded_by_id",
        "created_at", "no_plan_notice_on", "final_plan_sent_on", "follow_up_exception",
        "follow_up_exception_note",
    ),
    GeneratedDocument: (
        "id", "case_id", "kind", "title", "version", "html", "pdf", "sha256",
        "generated_by_id", "generated_at",
    ),
    Certificate: (
        "id", "case_id", "kind", "reference", "verification_code", "issued_on", "issued_by_id",
        "appeal_deadline", "appeal_deadline_why", "document_id", "created_at", "revoked_at",
        "revoked_by_id", "revoke_reason",
    ),
}  # fmt: skip
MODELS = list(COLUMNS)


@dataclass
class Batch:
    rows: dict[type, list[tuple]] = field(default_factory=lambda: {m: [] for m in MODELS})
    audit: list[BulkAuditEvent] = field(default_factory=list)

    def add(self, model: type, values: dict[str, Any]) -> None:
        self.rows[model].append(tuple(values.get(c) for c in COLUMNS[model]))


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _day_of(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


class Clock:
    """The time in a case's simulated life: each step comes some working days after the last."""

    def __init__(self, start: datetime, rng: random.Random) -> None:
        self.now = start
        self.rng = rng

    def after(self, days_low: int, days_high: int) -> datetime:
        rng = self.rng
        day = _weekday(_day_of(self.now + timedelta(days=rng.randint(days_low, days_high))))
        moment = _local(day, rng.randint(9, 16), rng.randint(0, 59))
        self.now = max(self.now + timedelta(minutes=1), moment)
        return self.now

    def reach(self, moment: datetime) -> None:
        self.now = max(self.now, moment)


@dataclass
class Step:
    at: datetime
    to_state: CaseState | None  # None: an event only
    fields: dict[str, Any]
    summary: str = ""


@dataclass
class Life:
    """The steps of one case's life as they are drawn, with its clock and its Random."""

    clock: Clock
    rng: random.Random
    steps: list[Step] = field(default_factory=list)

    def certificate(self, kind: CertificateKind, *, after: tuple[int, int]) -> None:
        issued = self.clock.after(*after)
        self.steps.append(
            Step(
                issued,
                CaseState.CERTIFICATE_ISSUED,
                {"certificate_issued_on": _day_of(issued), "certificate_kind": kind.value},
            )
        )

    def close(self, outcome: ClosureOutcome, after: tuple[int, int]) -> None:
        """Closed some days after the last step."""
        self.close_at(self.clock.after(*after), outcome)

    def close_at(self, at: datetime, outcome: ClosureOutcome, **extra: Any) -> None:
        fields = {"closure_outcome": outcome.value}
        fields.update({name: getattr(value, "value", value) for name, value in extra.items()})
        self.steps.append(Step(at, CaseState.CLOSED, fields))


@dataclass
class CaseDraft:
    """One synthetic case while it is made: what `_who_and_what` decided, then what each later
    stage adds (the case row's fields, history lines, audit events, agreed actions)."""

    i: int
    rng: random.Random
    ids: Ids
    batch: Batch
    opened: datetime
    opened_day: date
    la_id: int
    la_name: str
    owner_id: int
    owner_name: str
    mediator_id: int
    mediator_name: str
    child_first: str
    family: str
    dob: date
    school: str
    decision: DecisionType
    route: Route
    section_i_only: bool
    notice_sent: date
    certificate_possible: bool
    issue_education: bool
    issue_health: bool
    issue_social: bool
    caller_is_young_person: bool
    case_id: int = 0
    enquiry_id: int = 0
    reference: str = ""
    enquiry_reference: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    caller: str = ""
    email: str = ""
    phone: str = ""
    preferred: str = ""
    timeline: list[tuple[datetime, int | None, str, str]] = field(default_factory=list)
    audit: list[BulkAuditEvent] = field(default_factory=list)
    last_at: datetime = field(init=False)  # the latest step so far
    actions: list[ActionFacts] = field(default_factory=list)
    computed: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.last_at = self.opened

    @property
    def health_only(self) -> bool:
        return self.issue_health and not self.issue_education and not self.issue_social


class Generator:
    def __init__(
        self,
        *,
        seed: int,
        as_of: datetime,
        cast: Cast,
        calendar: WorkingCalendar,
        per_year: int = CASES_PER_YEAR,
    ):
        self.spacing = 365.25 * 86400 / per_year
        self.seed = seed
        self.as_of = as_of
        self.cast = cast
        self.calendar = calendar
        self.prefix = reference_prefix(seed)

    # -- one case, stage by stage -------------------------------------------------------------
    # Each stage draws from the case's own Random in the same order every time, so a seed gives
    # the same cases whatever the batch size (changing the order of the draws changes the data).

    def case(self, i: int, ids: Ids, batch: Batch) -> None:
        """Make case number `i`: who and what, its life along the route, then its rows."""
        draft = self._who_and_what(i, ids, batch)
        happened = [
            step
            for step in self._life(
                draft.rng,
                draft.route,
                draft.opened,
                draft.certificate_possible,
                draft.issue_health,
                draft.health_only,
            )
            if step.at <= self.as_of  # what has happened by `as_of`
        ]
        self._case_fields(draft)
        self._enquiry(draft)
        self._parties(draft)
        self._history(draft, happened)
        self._meeting_booked(draft, happened)
        self._outcome_statement(draft)
        self._deadlines(draft)
        self._certificate(draft)
        self._reads(draft)
        self._write(draft)

    def _who_and_what(self, i: int, ids: Ids, batch: Batch) -> CaseDraft:
        """The family, the LA and staff, the disagreement, the route and the issues."""
        rng = random.Random(self.seed * 1_000_003 + i)  # noqa: S311 (synthetic data)
        cast = self.cast
        opened = self.as_of - timedelta(seconds=(i + rng.random()) * self.spacing)
        opened = opened.replace(microsecond=0)
        opened_day = opened.astimezone(LONDON).date()
        la_id, la_name = cast.authorities[rng.randrange(len(cast.authorities))]
        owner_id, owner_name = cast.officers[rng.randrange(len(cast.officers))]
        mediator_id, mediator_name = cast.mediators[rng.randrange(len(cast.mediators))]
        child_first = rng.choice(cast.first_names)
        family = rng.choice(cast.last_names)
        dob = opened_day - timedelta(days=rng.randint(4 * 365, 24 * 365))
        school = rng.choice(cast.schools)

        if rng.random() < 0.1:
            decision = DecisionType.OTHER_DISAGREEMENT
            route = Route.DISAGREEMENT_RESOLUTION
        else:
            decision = rng.choice(APPEALABLE)
            route = Route.MEDIATION if rng.random() < 0.5 else Route.CERTIFICATE_ONLY
        section_i_only = route != Route.DISAGREEMENT_RESOLUTION and rng.random() < 0.06
        if section_i_only:
            route = Route.MEDIATION  # no certificate route for Section I only (s55(3))
        late_contact = route == Route.MEDIATION and rng.random() < 0.04
        notice_sent = (
            opened_day - timedelta(days=rng.randint(62, 90))
            if late_contact
            else opened_day - timedelta(days=rng.randint(2, 55))
        )
        issue_health = rng.random() < 0.3
        issue_social = rng.random() < 0.15
        issue_education = not (issue_health and rng.random() < 0.1)
        return CaseDraft(
            i=i,
            rng=rng,
            ids=ids,
            batch=batch,
            opened=opened,
            opened_day=opened_day,
            la_id=la_id,
            la_name=la_name,
            owner_id=owner_id,
            owner_name=owner_name,
            mediator_id=mediator_id,
            mediator_name=mediator_name,
            child_first=child_first,
            family=family,
            dob=dob,
            school=school,
            decision=decision,
            route=route,
            section_i_only=section_i_only,
            notice_sent=notice_sent,
            certificate_possible=not section_i_only and not late_contact,
            issue_education=issue_education,
            issue_health=issue_health,
            issue_social=issue_social,
            caller_is_young_person=dob < opened_day - timedelta(days=16 * 365)
            and rng.random() < 0.3,
        )

    def _case_fields(self, d: CaseDraft) -> None:
        """The case row's fields as opened; later stages fill in what happened."""
        d.case_id = d.ids.take(Case)
        d.enquiry_id = d.ids.take(Enquiry)
        year = d.opened_day.year
        d.reference = f"{self.prefix}{year}-{d.i:07d}"
        d.enquiry_reference = f"E{self.seed}-{year}-{d.i:07d}"
        d.fields = {
            "id": d.case_id,
            "reference": d.reference,
            "route": d.route.value,
            "local_authority_id": d.la_id,
            "owner_id": d.owner_id,
            "mediator_id": None,
            "enquiry_id": d.enquiry_id,
            "child_first_name": d.child_first,
            "child_last_name": d.family,
            "child_date_of_birth": d.dob,
            "child_setting": d.school,
            "decision_type": d.decision.value,
            "notice_sent_on": d.notice_sent,
            "letter_dated_on": d.notice_sent - timedelta(days=d.rng.randint(0, 2)),
            "section_i_only": d.section_i_only,
            "issue_education": d.issue_education,
            "issue_health": d.issue_health,
            "issue_social_care": d.issue_social,
            "adviser_contacted_on": d.opened_day if d.decision.appealable else None,
            "mediation_declined_on": d.opened_day if d.route == Route.CERTIFICATE_ONLY else None,
            "outcome": "",
            "certificate_kind": "",
            "closure_outcome": "",
            "appeal_lodged": "",
            "next_deadline_code": "",
            "opened_at": d.opened,
            # Contract version 2's facts (reg 37(2), reg 35(3)): no short notice agreed; the
            # LA is not a party to a mediation about health issues only.
            "short_notice_agreed": False,
            "la_not_a_party": d.issue_health and not (d.issue_education or d.issue_social),
        }  # fmt: skip
        for name in [
            "la_informed_on",
            "health_body_notified_on",
            "la_unable_to_arrange_notified_on",
            "meeting_planned_on",
            "meeting_confirmation_sent_on",
            "mediation_held_on",
            "mediation_concluded_on",
            "outcome_circulated_on",
            "certificate_issued_on",
            "agreement_made_on",
            "everyone_agreed_on",
            "la_decision_changed_on",
            "health_body_told_la_on",
            "certificate_issued_by_id",
            "closed_at",
            "next_deadline_due",
        ]:
            d.fields[name] = None

    def _enquiry(self, d: CaseDraft) -> None:
        """The first call that the case was opened from (and, for one case in two, another
        enquiry that ended with information given)."""
        rng, cast = d.rng, self.cast
        d.caller = (
            f"{d.child_first} {d.family}"
            if d.caller_is_young_person
            else f"{rng.choice(cast.first_names)} {d.family}"
        )
        d.email = d.caller.lower().replace(" ", ".").replace("'", "") + "@example.org"
        d.phone = f"07700 900{rng.randrange(1000):03d}"
        d.preferred = rng.choice(list(ContactPreference)).value
        d.batch.add(
            Enquiry,
            {
                "id": d.enquiry_id,
                "reference": d.enquiry_reference,
                "status": Enquiry.Status.CASE_OPENED.value,
                "received_at": d.opened - timedelta(minutes=rng.randint(10, 600)),
                "caller_type": (
                    CallerType.YOUNG_PERSON if d.caller_is_young_person else CallerType.PARENT_CARER
                ).value,
                "caller_name": d.caller,
                "caller_relationship": "" if d.caller_is_young_person else "Parent",
                "phone": d.phone,
                "email": d.email,
                "address": "",
                "preferred_contact": d.preferred,
                "child_first_name": d.child_first,
                "child_last_name": d.family,
                "child_date_of_birth": d.dob,
                "child_setting": d.school,
                "local_authority_id": d.la_id,
                "decision_type": d.decision.value,
                "notice_sent_on": d.notice_sent,
                "letter_dated_on": d.fields["letter_dated_on"],
                "section_i_only": d.section_i_only,
                "case_history": "",
                "info_mediation_given": True,
                "info_certificate_given": d.decision.appealable,
                "info_appeal_given": d.decision.appealable,
                "closing_note": "",
                "created_by_id": d.owner_id,
                "created_at": d.opened,
                "updated_at": d.opened,
            },
        )
        if rng.random() < 0.5:
            self._extra_enquiry(rng, d.i, d.ids, d.batch, d.opened)

    def _party(self, d: CaseDraft, role: PartyRole, name: str, **extra: Any) -> None:
        d.batch.add(
            Party,
            {
                "id": d.ids.take(Party),
                "case_id": d.case_id,
                "role": role.value,
                "name": name,
                "relationship": extra.pop("relationship", ""),
                "organisation": extra.pop("organisation", ""),
                "phone": extra.pop("phone", ""),
                "email": extra.pop("email", ""),
                "address": "",
                "preferred_contact": extra.pop("preferred_contact", ContactPreference.EMAIL),
                "is_main_contact": extra.pop("is_main_contact", False),
                "language": extra.pop("language", "English"),
                "interpreter_needed": extra.pop("interpreter_needed", False),
                "interpreter_language": extra.pop("interpreter_language", ""),
                "reasonable_adjustments": "",
                "supporter_kind": "",
                "supports_id": None,
                "provider_kind": extra.pop("provider_kind", ""),
                "additional_officer": False,
                "created_at": d.opened,
            },
        )

    def _parties(self, d: CaseDraft) -> None:
        """The caller (the main contact), sometimes a second parent, the LA officer, and
        sometimes the school and the health body."""
        rng, cast = d.rng, self.cast
        interpreter = rng.random() < 0.05
        self._party(
            d,
            PartyRole.YOUNG_PERSON if d.caller_is_young_person else PartyRole.PARENT_CARER,
            d.caller,
            relationship="" if d.caller_is_young_person else "Parent",
            phone=d.phone,
            email=d.email,
            preferred_contact=d.preferred,
            is_main_contact=True,
            language=rng.choice(["Polish", "Urdu", "Bengali", "Somali"])
            if interpreter
            else "English",
            interpreter_needed=interpreter,
        )
        if not d.caller_is_young_person and rng.random() < 0.4:
            self._party(
                d,
                PartyRole.PARENT_CARER,
                f"{rng.choice(cast.first_names)} {d.family}",
                relationship="Parent",
            )
        officer = f"{rng.choice(cast.first_names)} {rng.choice(cast.last_names)}"
        self._party(
            d,
            PartyRole.LA_REPRESENTATIVE,
            officer,
            organisation=d.la_name,
            email=f"{officer.lower().replace(' ', '.').replace(chr(39), '')}@council.example.org",
        )
        if rng.random() < 0.3:
            self._party(
                d,
                PartyRole.INFORMATION_PROVIDER,
                f"{rng.choice(cast.first_names)} {rng.choice(cast.last_names)}",
                organisation=d.school,
                provider_kind="school",
            )
        if d.issue_health:
            self._party(
                d,
                PartyRole.HEALTH_REPRESENTATIVE,
                f"{rng.choice(cast.first_names)} {rng.choice(cast.last_names)}",
                organisation="Integrated care board",
            )

    def _history(self, d: CaseDraft, happened: list[Step]) -> None:
        """Opening and every step that happened: status changes (each checked against the
        route's table), history lines and audit events; the case's fields and state as now."""
        by, fields, route = d.owner_id, d.fields, d.route
        state = INITIAL_STATE[route]
        d.batch.add(
            CaseStatusChange,
            {"id": d.ids.take(CaseStatusChange), "case_id": d.case_id, "from_state": "",
             "to_state": state.value, "by_id": by, "at": d.opened, "reason": ""},
        )  # fmt: skip
        d.timeline.append(
            (
                d.opened,
                by,
                TimelineKind.CASE_OPENED.value,
                f"Case opened from enquiry {d.enquiry_reference} ({ROUTE_LABELS[route]}); "
                f"owner {d.owner_name}",
            )
        )
        d.audit.append(
            BulkAuditEvent(d.opened, by, Role.CASE_OFFICER, "case.create", "cases.case",
                           str(d.case_id), d.case_id,
                           {"route": route.value, "enquiry": d.enquiry_reference})
        )  # fmt: skip
        d.last_at = d.opened
        for step in happened:
            if step.fields.get("mediator_id") == "assign":
                step.fields = {**step.fields, "mediator_id": d.mediator_id}
                d.timeline.append(
                    (step.at, by, TimelineKind.ASSIGNMENT.value,
                     f"Mediator assigned: {d.mediator_name}")
                )  # fmt: skip
                d.audit.append(
                    BulkAuditEvent(step.at, by, Role.CASE_OFFICER, "case.assign_mediator",
                                   "cases.case", str(d.case_id), d.case_id,
                                   {"mediator": d.mediator_id})
                )  # fmt: skip
            fields.update(step.fields)
            d.last_at = max(d.last_at, step.at)
            if step.to_state is not None:
                check_transition(route, state, step.to_state)
                d.batch.add(
                    CaseStatusChange,
                    {"id": d.ids.take(CaseStatusChange), "case_id": d.case_id,
                     "from_state": state.value, "to_state": step.to_state.value, "by_id": by,
                     "at": step.at, "reason": ""},
                )  # fmt: skip
                d.timeline.append(
                    (step.at, by, TimelineKind.STATUS.value,
                     f"{STATE_LABELS[state]} → {STATE_LABELS[step.to_state]}")
                )  # fmt: skip
                d.audit.append(
                    BulkAuditEvent(step.at, by, Role.CASE_OFFICER, "case.transition",
                                   "cases.case", str(d.case_id), d.case_id,
                                   {"from": state.value, "to": step.to_state.value})
                )  # fmt: skip
                state = step.to_state
            elif step.summary:
                d.timeline.append((step.at, by, TimelineKind.DETAILS.value, step.summary))
        fields["status"] = state.value
        fields["last_activity_at"] = d.last_at
        if state == CaseState.CLOSED:
            fields["closed_at"] = d.last_at
        if fields["certificate_issued_on"] is not None:
            fields["certificate_issued_by_id"] = by

    def _meeting_booked(self, d: CaseDraft, happened: list[Step]) -> None:
        """The meeting, once one was booked."""
        if d.fields["meeting_planned_on"] is None:
            return
        rng = d.rng
        planned: date = d.fields["meeting_planned_on"]
        mode = rng.choice(
            [MeetingMode.ONLINE, MeetingMode.ONLINE, MeetingMode.VENUE, MeetingMode.PHONE]
        )
        booked_at = next(s.at for s in happened if s.to_state == CaseState.MEETING_BOOKED)
        d.batch.add(
            Meeting,
            {
                "id": d.ids.take(Meeting),
                "case_id": d.case_id,
                "slot_id": None,
                "uid": f"syn-{self.seed}-{d.i}@send-mediation",
                "sequence": 0,
                "status": Meeting.Status.BOOKED.value,
                "starts_at": _local(planned, rng.choice([9, 10, 13, 14])),
                "duration_minutes": 120,
                "mode": mode.value,
                "online_link": "https://meet.example.org/" + str(d.case_id) if mode == MeetingMode.ONLINE else "",
                "venue_name": f"{d.la_name} offices" if mode == MeetingMode.VENUE else "",
                "venue_address": "1 High Street" if mode == MeetingMode.VENUE else "",
                "access_details": "",
                "phone_details": "The mediator will call each person" if mode == MeetingMode.PHONE else "",
                "short_notice_consent": False,
                "non_working_day_reason": "",
                "booked_by_id": d.owner_id,
                "booked_at": booked_at,
                "updated_at": booked_at,
            },
        )  # fmt: skip

    def _outcome_statement(self, d: CaseDraft) -> None:
        """After an agreement: the final outcome statement and its agreed actions, some done."""
        if d.fields["agreement_made_on"] is None:
            return
        rng = d.rng
        made: date = d.fields["agreement_made_on"]
        statement_id = d.ids.take(OutcomeStatement)
        at = _local(made, 16)
        d.batch.add(
            OutcomeStatement,
            {"id": statement_id, "case_id": d.case_id, "key_points": "",
             "outcome": d.fields["outcome"], "status": OutcomeStatement.Status.FINAL.value,
             "version": 1,
             "content_hash": hashlib.sha256(f"{self.seed}:{d.i}".encode()).hexdigest(),
             "created_by_id": d.mediator_id, "created_at": at, "updated_at": at,
             "finalised_by_id": d.mediator_id, "finalised_at": at},
        )  # fmt: skip
        for position in range(rng.randint(1, 3)):
            action_id = d.ids.take(AgreedAction)
            kind = rng.choice([k for k in ActionKind if k != ActionKind.NOT_APPEALABLE])
            agreed_due = made + timedelta(days=rng.randint(20, 60)) if rng.random() < 0.2 else None
            roll = rng.random()
            done = None
            if roll < 0.75:
                done = made + timedelta(days=rng.randint(3, 30))
            elif roll < 0.9:
                done = made + timedelta(days=rng.randint(36, 80))
            if done is not None and done > self.as_of.date():
                done = None
            d.actions.append(ActionFacts(str(action_id), kind.value, agreed_due, done))
            d.batch.add(
                AgreedAction,
                {"id": action_id, "statement_id": statement_id, "case_id": d.case_id,
                 "position": position, "what": rng.choice(self.cast.action_texts),
                 "who": AgreedAction.Who.LA.value, "kind": kind.value,
                 "section": rng.choice(["B", "F", "I"]), "agreed_due": agreed_due,
                 "varied_due": None, "done_on": done, "done_evidence": "",
                 "done_recorded_by_id": d.owner_id if done else None, "created_at": at,
                 "no_plan_notice_on": None, "final_plan_sent_on": None,
                 "follow_up_exception": "", "follow_up_exception_note": ""},
            )  # fmt: skip

    def _deadlines(self, d: CaseDraft) -> None:
        """The deadlines, through the same engine as the web app (no database reads)."""
        # The engine reads only a case's attributes: its fields stand in for the row.
        facts = cast(Case, SimpleNamespace(**d.fields))
        computed, _warnings = compute_for_case(facts, self.calendar, actions=d.actions)
        stored: list[Deadline] = []
        for item, values in stored_values(facts, computed):
            row = {"id": d.ids.take(Deadline), "case_id": d.case_id, "code": item.code,
                   "computed_at": d.last_at, **values}  # fmt: skip
            d.batch.add(Deadline, row)
            stored.append(cast(Deadline, SimpleNamespace(**row)))  # likewise
            d.timeline.append(
                (d.last_at, None, TimelineKind.DEADLINE.value,
                 f"Deadline set: {deadline_label(item.code)}, {format_day(item.due)}"[:300])
            )  # fmt: skip
        d.fields["next_deadline_due"], d.fields["next_deadline_code"] = next_deadline_of(stored)
        d.computed = computed

    def _certificate(self, d: CaseDraft) -> None:
        """The certificate's metadata, once issued (its PDF is not rendered)."""
        if d.fields["certificate_issued_on"] is None:
            return
        rng, by = d.rng, d.owner_id
        issued: date = d.fields["certificate_issued_on"]
        document_id = d.ids.take(GeneratedDocument)
        at = _local(issued, 15)
        d.batch.add(
            GeneratedDocument,
            {"id": document_id, "case_id": d.case_id, "kind": DocumentKind.CERTIFICATE.value,
             "title": "Mediation certificate", "version": 1, "html": SYNTHETIC_HTML,
             "pdf": b"", "sha256": EMPTY_SHA256, "generated_by_id": by, "generated_at": at},
        )  # fmt: skip
        appeal = next((c.due for c in d.computed if c.code == DeadlineCode.APPEAL_DEADLINE), None)
        d.batch.add(
            Certificate,
            {"id": d.ids.take(Certificate), "case_id": d.case_id,
             "kind": d.fields["certificate_kind"], "reference": f"C{self.seed}-{d.i:07d}",
             "verification_code": "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(8)),
             "issued_on": issued, "issued_by_id": by, "appeal_deadline": appeal,
             "appeal_deadline_why": "", "document_id": document_id, "created_at": at,
             "revoked_at": None, "revoked_by_id": None, "revoke_reason": ""},
        )  # fmt: skip
        d.audit.append(
            BulkAuditEvent(at, by, Role.CASE_OFFICER, "certificate.issue", "documents.certificate",
                           "", d.case_id, {"kind": d.fields["certificate_kind"]})
        )  # fmt: skip

    def _reads(self, d: CaseDraft) -> None:
        """Somebody read the case a few times (audited, as every page that shows it)."""
        for _ in range(d.rng.randint(0, 3)):
            seen = d.opened + timedelta(
                seconds=d.rng.randint(
                    60, max(61, int((d.last_at - d.opened).total_seconds()) + 86400)
                )
            )
            if seen <= self.as_of:
                d.audit.append(
                    BulkAuditEvent(seen, d.owner_id, Role.CASE_OFFICER, "case.view", "cases.case",
                                   str(d.case_id), d.case_id)
                )  # fmt: skip

    def _write(self, d: CaseDraft) -> None:
        """The case row, its history lines and its audit events (in time order) into the batch."""
        d.batch.add(Case, d.fields)
        for at, actor, kind, summary in d.timeline:
            d.batch.add(
                TimelineEntry,
                {"id": d.ids.take(TimelineEntry), "case_id": d.case_id, "at": at,
                 "actor_id": actor, "kind": kind, "summary": summary, "contact_id": None,
                 "note_id": None},
            )  # fmt: skip
        d.audit.sort(key=lambda e: e.at)
        d.batch.audit.extend(d.audit)

    def _extra_enquiry(
        self, rng: random.Random, i: int, ids: Ids, batch: Batch, opened: datetime
    ) -> None:
        """An enquiry that ended with information given (or is still open, if recent)."""
        cast = self.cast
        received = opened - timedelta(seconds=rng.randint(0, int(self.spacing)))
        family = rng.choice(cast.last_names)
        recent = self.as_of - received < timedelta(days=10)
        batch.add(
            Enquiry,
            {
                "id": ids.take(Enquiry),
                "reference": f"E{self.seed}-{received.year}-{i:07d}B",
                "status": (Enquiry.Status.OPEN if recent and rng.random() < 0.6 else Enquiry.Status.CLOSED).value,
                "received_at": received,
                "caller_type": CallerType.PARENT_CARER.value,
                "caller_name": f"{rng.choice(cast.first_names)} {family}",
                "caller_relationship": "Parent",
                "phone": f"07700 900{rng.randrange(1000):03d}",
                "email": "",
                "address": "",
                "preferred_contact": ContactPreference.PHONE.value,
                "child_first_name": rng.choice(cast.first_names),
                "child_last_name": family,
                "child_date_of_birth": received.date() - timedelta(days=rng.randint(4 * 365, 20 * 365)),
                "child_setting": rng.choice(cast.schools),
                "local_authority_id": cast.authorities[rng.randrange(len(cast.authorities))][0],
                "decision_type": rng.choice(list(DecisionType)).value,
                "notice_sent_on": received.date() - timedelta(days=rng.randint(2, 40)),
                "letter_dated_on": None,
                "section_i_only": False,
                "case_history": "",
                "info_mediation_given": True,
                "info_certificate_given": True,
                "info_appeal_given": True,
                "closing_note": "",
                "created_by_id": cast.officers[rng.randrange(len(cast.officers))][0],
                "created_at": received,
                "updated_at": received,
            },
        )  # fmt: skip

    # -- a case's life along its route -----------------------------------------------------

    def _life(
        self,
        rng: random.Random,
        route: Route,
        opened: datetime,
        certificate_possible: bool,
        issue_health: bool,
        health_only: bool,
    ) -> list[Step]:
        """Every step the case will take along its route, in order, with the fields each one
        records (some of them after `as_of`: the case is then still open)."""
        life = Life(Clock(opened, rng), rng)
        if route == Route.CERTIFICATE_ONLY:
            self._certificate_only(life)
        elif route == Route.DISAGREEMENT_RESOLUTION:
            self._disagreement_resolution(life)
        else:
            self._mediation(life, certificate_possible, issue_health, health_only)
        return life.steps

    def _certificate_only(self, life: Life) -> None:
        """The family did not want mediation: a certificate in 3 working days (reg 34(1))."""
        life.certificate(CertificateKind.DECLINED, after=(0, 3))
        # The day is drawn before the answer about an appeal: the order of the draws is the data.
        life.close_at(
            life.clock.after(2, 20),
            ClosureOutcome.COMPLETED,
            appeal_lodged=life.rng.choice(list(AppealLodged)),
        )

    def _disagreement_resolution(self, life: Life) -> None:
        """Everyone agrees to take part (or the case closes), a meeting, then closed."""
        if life.rng.random() < 0.2:
            life.close(ClosureOutcome.NO_CONSENT, (5, 20))
            return
        agreed = life.clock.after(2, 10)
        life.steps.append(
            Step(
                agreed,
                None,
                {"everyone_agreed_on": _day_of(agreed), "mediator_id": "assign"},
                "Everyone agreed to take part",
            )
        )
        self._meeting(life.steps, life.clock, life.rng, certificate_possible=False)
        life.close(ClosureOutcome.COMPLETED, (2, 10))

    def _mediation(
        self, life: Life, certificate_possible: bool, issue_health: bool, health_only: bool
    ) -> None:
        """The LA is told; then the LA changes its decision, the family withdraws, the LA cannot
        arrange mediation in 30 days (a deemed certificate), or the meeting is held."""
        after, rng = life.clock.after, life.rng
        informed = after(0, 3)
        life.steps.append(
            Step(
                informed,
                CaseState.ARRANGING,
                {"la_informed_on": _day_of(informed), "mediator_id": "assign"},
            )
        )
        if issue_health:
            told = after(0, 3)
            life.steps.append(
                Step(
                    told,
                    None,
                    {"health_body_notified_on": _day_of(told)},
                    "The LA told the health commissioning body",
                )
            )
        roll = rng.random()
        if roll < 0.05:
            changed = after(3, 20)
            life.close_at(
                changed, ClosureOutcome.LA_CHANGED_DECISION, la_decision_changed_on=_day_of(changed)
            )
        elif roll < 0.15:
            self._family_withdraws(life, certificate_possible)
        elif roll < 0.22 and certificate_possible and not health_only:
            unable = after(20, 29)
            life.steps.append(
                Step(
                    unable,
                    None,
                    {"la_unable_to_arrange_notified_on": _day_of(unable)},
                    "The LA cannot arrange mediation within 30 days",
                )
            )
            life.certificate(CertificateKind.DEEMED, after=(0, 3))
            life.close_at(
                after(5, 30), ClosureOutcome.COMPLETED, appeal_lodged=rng.choice(list(AppealLodged))
            )
        elif self._meeting(life.steps, life.clock, rng, certificate_possible=certificate_possible):
            life.steps.append(Step(after(0, 2), CaseState.FOLLOW_UP, {}))
            life.close(ClosureOutcome.COMPLETED, (30, 90))
        else:
            life.close(ClosureOutcome.COMPLETED, (2, 15))

    def _family_withdraws(self, life: Life, certificate_possible: bool) -> None:
        """The family no longer wants mediation: a certificate if one can be issued (s55(4))."""
        if not certificate_possible:
            life.close(ClosureOutcome.WITHDRAWN, (1, 10))
            return
        declined = life.clock.after(1, 10)
        life.steps.append(
            Step(declined, CaseState.CERTIFICATE_DUE, {"mediation_declined_on": _day_of(declined)})
        )
        life.certificate(CertificateKind.DECLINED, after=(0, 3))
        life.close_at(
            life.clock.after(2, 20),
            ClosureOutcome.WITHDRAWN,
            appeal_lodged=life.rng.choice(list(AppealLodged)),
        )

    def _meeting(
        self,
        steps: list[Step],
        clock: Clock,
        rng: random.Random,
        *,
        certificate_possible: bool,
    ) -> bool:
        """Book, hold and conclude a meeting (then the certificate after mediation, if any).
        Returns whether the parties reached an agreement."""
        after, day_of = clock.after, _day_of
        booked = after(3, 15)
        planned_at = booked + timedelta(days=rng.randint(10, 25))
        planned = _weekday(day_of(planned_at))
        steps.append(
            Step(booked, CaseState.MEETING_BOOKED, {"meeting_planned_on": planned, "meeting_confirmation_sent_on": day_of(booked)})
        )  # fmt: skip
        held = max(_local(planned, 12), booked + timedelta(hours=1))
        steps.append(Step(held, CaseState.MEETING_HELD, {"mediation_held_on": planned}))
        roll = rng.random()
        outcome = (
            Outcome.AGREED_ALL
            if roll < 0.45
            else Outcome.AGREED_PART
            if roll < 0.75
            else Outcome.NOT_AGREED
        )
        agreement = outcome != Outcome.NOT_AGREED
        concluded = held + timedelta(hours=2)
        fields = {"mediation_concluded_on": planned, "outcome": outcome.value,
                  "outcome_circulated_on": planned + timedelta(days=rng.randint(0, 3))}  # fmt: skip
        if agreement:
            fields["agreement_made_on"] = planned
        steps.append(Step(concluded, CaseState.CONCLUDED, fields))
        clock.reach(concluded)
        if certificate_possible:
            issued = after(0, 3)
            steps.append(
                Step(
                    issued,
                    CaseState.CERTIFICATE_ISSUED,
                    {
                        "certificate_issued_on": day_of(issued),
                        "certificate_kind": CertificateKind.AFTER_MEDIATION.value,
                    },
                )
            )
        return agreement


def generation_calendar() -> WorkingCalendar:
    """England & Wales bank holidays over every year the synthetic cases can reach."""
    today = datetime.now(UTC).date()
    return WorkingCalendar(holidays=england_and_wales_holidays(range(1990, today.year + 7)))


@dataclass
class Progress:
    done: int
    total: int
    seconds: float


def generate(
    *,
    cases: int,
    seed: int,
    as_of: datetime | None = None,
    batch_size: int = 1000,
    per_year: int = CASES_PER_YEAR,
    on_batch: Callable[[Progress], None] | None = None,
) -> int:
    """Make the seed's synthetic cases up to `cases` in total; returns how many were added."""
    if not 0 <= seed <= 99_999:
        raise ValueError("The seed must be between 0 and 99999 (it is part of the references).")
    as_of = (as_of or datetime.now(UTC)).replace(microsecond=0)
    started = clock.perf_counter()
    cast = ensure_cast(seed)
    generator = Generator(
        seed=seed, as_of=as_of, cast=cast, calendar=generation_calendar(), per_year=per_year
    )
    existing = Case.objects.filter(reference__startswith=reference_prefix(seed)).count()
    ids = Ids(MODELS)
    if cases - existing >= REBUILD_SEARCH_INDEX_FROM:
        # Cheaper to build the trigram indexes once at the end than to update them row by row;
        # they are made again below, or by the next migrate if this run stops half way.
        drop_search_index(connection)
    for start in range(existing, cases, batch_size):
        batch = Batch()
        for i in range(start, min(start + batch_size, cases)):
            generator.case(i, ids, batch)
        with transaction.atomic():
            for model in MODELS:  # in foreign-key order
                insert_rows(model, COLUMNS[model], batch.rows[model])
            reset_sequences(MODELS)
            audit_append_many(batch.audit)
        if on_batch is not None:
            on_batch(
                Progress(min(start + batch_size, cases), cases, clock.perf_counter() - started)
            )
    ensure_search_index(connection)
    return max(0, cases - existing)

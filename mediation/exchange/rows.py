"""One row of a caseload, read and checked before anything is made from it.

`read_row` turns the row's cells (by our column keys) into a `CaseRow`, or the problems that stop
it, each in words that name the row, the column as the file calls it and the value:
"Row 14: the decision date 31/02/2026 is not a date". The checks are the staff pages' own: the
enquiry form checks the family's details (mediation.cases.forms.EnquiryForm), the open-case form
the route, and the fact rules (mediation.domain.facts) the dates, so a row is refused for what a
person typing it in would be refused for. The services then make it (mediation.exchange.services)
and refuse anything these missed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mediation.accounts.models import Role, User
from mediation.authorities.models import LocalAuthority
from mediation.cases.forms import EnquiryForm
from mediation.cases.models import CallerType, ContactPreference, Outcome
from mediation.domain.case_states import CaseState, Route, Step
from mediation.domain.decisions import APPEALABLE_DECISIONS, DecisionType
from mediation.domain.facts import CertificateKind, Fact, fact_violations
from mediation.exchange.columns import BY_KEY, CHOICE_WORDS, ISSUE_WORDS, REQUIRED, Kind
from mediation.exchange.parsing import (
    Unreadable,
    as_text,
    lower_first,
    normalise_words,
    read_choice,
    read_date,
    read_yes_no,
    split_list,
)


class Lookups:
    """What rows are checked against, read once for the whole file: the LAs by code and by name,
    and the staff by email, user name and full name."""

    def __init__(self, *, today: date) -> None:
        self.today = today
        self.authorities = list(LocalAuthority.objects.all())
        self.staff = list(User.objects.filter(is_active=True))

    def authority(self, text: str) -> LocalAuthority:
        wanted = text.strip().lower()
        for authority in self.authorities:
            if authority.code.lower() == wanted:
                return authority
        words = _authority_words(text)
        found = [a for a in self.authorities if _authority_words(a.name) == words]
        if not found:  # "Northfield" for "Northfield Borough Council"
            found = [a for a in self.authorities if words and words <= _authority_words(a.name)]
        if len(found) == 1:
            return found[0]
        if found:
            raise Unreadable("could be more than one local authority: give its code")
        raise Unreadable("is not a local authority here (add it in Manage first)")

    def person(self, text: str, *, roles: set[str], what: str) -> User:
        wanted = text.strip().lower()
        found = [
            user
            for user in self.staff
            if wanted
            in {user.email.lower(), user.username.lower(), user.get_full_name().strip().lower()}
            and wanted
        ]
        if len(found) > 1:
            raise Unreadable("is more than one member of staff: give their email address")
        if not found:
            raise Unreadable(f"is not {what} here")
        if found[0].role not in roles:
            raise Unreadable(f"is not {what}")
        return found[0]


_LA_FILLER = frozenset(
    {
        "council",
        "borough",
        "county",
        "city",
        "metropolitan",
        "district",
        "of",
        "the",
        "royal",
        "london",
        "la",
    }
)


def _authority_words(name: str) -> frozenset[str]:
    return frozenset(normalise_words(name).split()) - _LA_FILLER


# Each kind of event the import replays through a step, in the order steps are taken on a day.
STEP_OF_DATE: dict[str, Step] = {
    "la_informed_on": Step.INFORM_LA,
    "health_body_notified_on": Step.RECORD_HEALTH_NOTIFIED,
    "la_unable_on": Step.RECORD_LA_UNABLE,
    "everyone_agreed_on": Step.RECORD_CONSENT,
    "mediation_declined_on": Step.FAMILY_WITHDRAWS,
    "meeting_on": Step.BOOK_MEETING,
    "meeting_held_on": Step.RECORD_MEETING_HELD,
    "outcome_on": Step.RECORD_OUTCOME,
    "certificate_issued_on": Step.ISSUE_CERTIFICATE,
}
# Columns recorded on the case's key dates (the same names as the case's fields).
KEY_DATE_COLUMNS = ("meeting_confirmation_sent_on", "outcome_circulated_on")
_ROUTE_DATES: dict[Route, frozenset[str]] = {
    Route.MEDIATION: frozenset(STEP_OF_DATE) - {"everyone_agreed_on"},
    Route.CERTIFICATE_ONLY: frozenset({"mediation_declined_on", "certificate_issued_on"}),
    Route.DISAGREEMENT_RESOLUTION: frozenset(
        {"everyone_agreed_on", "meeting_on", "meeting_held_on", "outcome_on"}
    ),
}
_FACT_OF_DATE: dict[str, Fact] = {
    "notice_sent_on": Fact.NOTICE_SENT,
    "first_contact_on": Fact.ADVISER_CONTACTED,
    "mediation_declined_on": Fact.MEDIATION_DECLINED,
    "la_informed_on": Fact.LA_INFORMED,
    "health_body_notified_on": Fact.HEALTH_BODY_NOTIFIED,
    "la_unable_on": Fact.LA_UNABLE_TO_ARRANGE_NOTIFIED,
    "everyone_agreed_on": Fact.EVERYONE_AGREED,
    "meeting_on": Fact.MEETING_DATE,
    "meeting_held_on": Fact.MEDIATION_HELD,
    "certificate_issued_on": Fact.CERTIFICATE_ISSUED,
    "meeting_confirmation_sent_on": Fact.MEETING_CONFIRMATION_SENT,
    "outcome_circulated_on": Fact.OUTCOME_CIRCULATED,
}


@dataclass
class CaseRow:
    """A row as the services need it."""

    number: int
    reference: str
    authority: LocalAuthority
    route: Route
    decision: DecisionType
    enquiry: dict[str, Any]  # the enquiry's fields, as EnquiryForm cleaned them
    issues: set[str]
    owner: User | None = None
    mediator: User | None = None
    stage: CaseState | None = None
    outcome: str = ""
    certificate_reference: str = ""
    first_contact_on: date | None = None
    dates: dict[str, date] = field(default_factory=dict)  # STEP_OF_DATE keys
    # Dates recorded on the case's key dates after its steps (they move no stage).
    key_dates: dict[str, date] = field(default_factory=dict)

    def steps(self) -> list[tuple[Step, dict[str, Any]]]:
        """The steps that record the row's events, oldest first (on one day, in the order the
        route takes them), with the data each step needs."""
        dates = dict(self.dates)
        if self.route == Route.CERTIFICATE_ONLY:
            dates.pop("mediation_declined_on", None)  # opening the case records it
        if "meeting_held_on" in dates and "meeting_on" not in dates:
            dates["meeting_on"] = dates["meeting_held_on"]  # it was booked for that day
        if self.outcome and "outcome_on" not in dates and "meeting_held_on" in dates:
            dates["outcome_on"] = dates["meeting_held_on"]
        order = list(STEP_OF_DATE)
        taken = []
        for key, day in sorted(dates.items(), key=lambda item: (item[1], order.index(item[0]))):
            data: dict[str, Any] = {"on": day}
            if key == "outcome_on":
                data["outcome"] = self.outcome
            if key == "certificate_issued_on":
                data["issued_elsewhere"] = self.certificate_reference or True
            taken.append((STEP_OF_DATE[key], data))
        if self.stage == CaseState.FOLLOW_UP:  # a stage no date gives: its own step, last
            taken.append((Step.START_FOLLOW_UP, {}))
        return taken


class RowProblems(list[str]):
    """The problems of one row, each a sentence starting "Row N:"."""

    def __init__(self, number: int, headings: Mapping[str, str]) -> None:
        super().__init__()
        self.number = number
        self.headings = headings  # our column key -> the file's heading, for the messages

    def name(self, key: str) -> str:
        return lower_first(self.headings.get(key) or BY_KEY[key].heading)

    def add(self, text: str) -> None:
        self.append(f"Row {self.number}: {lower_first(text.strip())}")

    def cell(self, key: str, raw: Any, reason: str) -> None:
        shown = as_text(raw)
        shown = f"{shown[:40]}…" if len(shown) > 40 else shown
        self.add(f"the {self.name(key)} {shown} {reason}")


# The enquiry form's fields, and the column of ours each comes from.
_FORM_FIELDS: dict[str, str] = {
    "caller_type": "contact_role",
    "caller_name": "contact_name",
    "caller_relationship": "contact_relationship",
    "phone": "contact_phone",
    "email": "contact_email",
    "address": "contact_address",
    "preferred_contact": "contact_preferred",
    "child_first_name": "child_first_name",
    "child_last_name": "child_last_name",
    "child_date_of_birth": "child_date_of_birth",
    "child_setting": "child_setting",
    "local_authority": "local_authority",
    "decision_type": "decision",
    "notice_sent_on": "notice_sent_on",
    "letter_dated_on": "letter_dated_on",
    "section_i_only": "section_i_only",
}


def read_row(
    number: int,
    cells: Mapping[str, Any],
    lookups: Lookups,
    *,
    headings: Mapping[str, str] | None = None,
    default_owner: User | None = None,
) -> tuple[CaseRow | None, list[str]]:
    """The row as a CaseRow, or None and every problem found (all of them, not the first)."""
    problems = RowProblems(number, headings or {})
    values: dict[str, Any] = {}
    for key, raw in cells.items():
        column = BY_KEY.get(key)
        if column is None:
            continue
        try:
            values[key] = _read_cell(key, column.kind, raw, lookups)
        except Unreadable as unreadable:
            problems.cell(key, raw, str(unreadable))
            continue
        if column.kind is Kind.TEXT and len(values[key]) > column.max_length:
            problems.add(f"the {problems.name(key)} is longer than {column.max_length} characters")
    for key in REQUIRED:
        said = any(p.startswith(f"Row {number}: the {problems.name(key)} ") for p in problems)
        if values.get(key) in (None, "", []) and not said:
            problems.add(f"the {problems.name(key)} is missing")

    authority = _lookup(problems, values, "local_authority", lookups.authority)
    owner = _lookup(
        problems,
        values,
        "owner",
        lambda text: lookups.person(
            text,
            roles={Role.CASE_OFFICER, Role.MANAGER, Role.ADMINISTRATOR},
            what="a case officer or manager",
        ),
    )
    mediator = _lookup(
        problems,
        values,
        "mediator",
        lambda text: lookups.person(text, roles={Role.MEDIATOR}, what="a mediator"),
    )
    route = Route(values["route"]) if values.get("route") else None
    decision = DecisionType(values["decision"]) if values.get("decision") else None
    issues = set(values.get("issues") or []) or {"education"}

    # A "Mum" in the role column says the relationship too.
    enquiry = _enquiry_checked(problems, values, authority, as_text(cells.get("contact_role")))
    if route and decision:
        _route_checks(problems, values, route, decision, issues)
    if route and decision and not any("is not a date" in p for p in problems):
        _fact_checks(problems, values, route, decision, issues, lookups.today)
    if problems or authority is None or route is None or decision is None or enquiry is None:
        return None, list(problems)
    stage_value = values.get("stage")
    return (
        CaseRow(
            number=number,
            reference=values["reference"],
            authority=authority,
            route=route,
            decision=decision,
            enquiry=enquiry,
            issues=issues,
            owner=owner or default_owner,
            mediator=mediator,
            stage=CaseState(stage_value) if stage_value else None,
            outcome=values.get("outcome") or "",
            certificate_reference=values.get("certificate_reference") or "",
            first_contact_on=values.get("first_contact_on"),
            dates={key: values[key] for key in STEP_OF_DATE if values.get(key)},
            key_dates={key: values[key] for key in KEY_DATE_COLUMNS if values.get(key)},
        ),
        [],
    )


def _read_cell(key: str, kind: Kind, raw: Any, lookups: Lookups) -> Any:
    if kind is Kind.DATE:
        return read_date(raw, today=lookups.today)
    if kind is Kind.YES_NO:
        return read_yes_no(raw)
    if kind is Kind.CHOICE:
        words, what = CHOICE_WORDS[key]
        return read_choice(raw, words, what=what)
    if kind is Kind.LIST:
        return sorted(
            {read_choice(item, ISSUE_WORDS, what="an issue") or "" for item in split_list(raw)}
            - {""}
        )
    return as_text(raw)


def _lookup(problems: RowProblems, values: dict[str, Any], key: str, find: Any) -> Any:
    text = values.get(key)
    if not text:
        return None
    try:
        return find(text)
    except Unreadable as unreadable:
        problems.cell(key, text, str(unreadable))
        return None


def _parts(day: date | None, name: str) -> dict[str, str]:
    """A date as the three boxes of the form's date field (GovukDateInput)."""
    if day is None:
        return {f"{name}_{part}": "" for part in ("day", "month", "year")}
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def _contact_defaults(values: dict[str, Any], raw_role: str) -> tuple[str, str, str]:
    role = values.get("contact_role") or CallerType.PARENT_CARER
    relationship = values.get("contact_relationship") or ""
    if not relationship and role == CallerType.PARENT_CARER:
        relationship = raw_role if raw_role and len(raw_role) <= 80 else "Parent or carer"
    preferred = values.get("contact_preferred") or ""
    if not preferred:
        preferred = (
            ContactPreference.EMAIL
            if values.get("contact_email")
            else ContactPreference.PHONE
            if values.get("contact_phone")
            else ContactPreference.LETTER
            if values.get("contact_address")
            else ""
        )
    return role, relationship, preferred


def _enquiry_checked(
    problems: RowProblems,
    values: dict[str, Any],
    authority: LocalAuthority | None,
    raw_role: str,
) -> dict[str, Any] | None:
    """The family's details through the enquiry form, as if typed on the staff page."""
    if authority is None or "decision" not in values:
        return None
    role, relationship, preferred = _contact_defaults(values, raw_role)
    if not preferred:
        problems.add(
            "give the main contact's phone number, email address or postal address: there is "
            "no way to reach them"
        )
        return None
    data = {
        "caller_type": role,
        "caller_name": values.get("contact_name") or "",
        "caller_relationship": relationship,
        "phone": values.get("contact_phone") or "",
        "email": values.get("contact_email") or "",
        "address": values.get("contact_address") or "",
        "preferred_contact": preferred,
        "child_first_name": values.get("child_first_name") or "",
        "child_last_name": values.get("child_last_name") or "",
        "child_setting": values.get("child_setting") or "",
        "local_authority": str(authority.pk),
        "decision_type": values.get("decision") or "",
        **_parts(values.get("child_date_of_birth"), "child_date_of_birth"),
        **_parts(values.get("notice_sent_on"), "notice_sent_on"),
        **_parts(values.get("letter_dated_on"), "letter_dated_on"),
    }
    if values.get("section_i_only"):
        data["section_i_only"] = "on"
    form = EnquiryForm(data)
    form.fields["local_authority"].queryset = LocalAuthority.objects.filter(  # type: ignore[attr-defined]  # a ModelChoiceField
        pk=authority.pk
    )
    if not form.is_valid():
        already = " ".join(problems)
        for name, errors in form.errors.items():
            key = _FORM_FIELDS.get(name)
            for message in errors:
                if key and f"the {problems.name(key)} " in already:
                    continue  # the cell was unreadable: said already
                where = f"{problems.name(key)}: " if key else ""
                problems.add(f"{where}{message}")
        return None
    cleaned = dict(form.cleaned_data)
    cleaned.pop("information_given", None)
    cleaned.pop("case_history", None)
    return cleaned


def _route_checks(
    problems: RowProblems,
    values: dict[str, Any],
    route: Route,
    decision: DecisionType,
    issues: set[str],
) -> None:
    """What the open-case form and the steps would refuse, said before anything is made."""
    appealable = decision in APPEALABLE_DECISIONS
    if route in {Route.MEDIATION, Route.CERTIFICATE_ONLY} and not appealable:
        problems.add(
            "mediation and certificates are only for decisions that can be appealed: give the "
            "route as disagreement resolution"
        )
    if route == Route.CERTIFICATE_ONLY and values.get("section_i_only"):
        problems.add("no certificate is needed to appeal about Section I only")
    if appealable and route != Route.DISAGREEMENT_RESOLUTION and not values.get("first_contact_on"):
        problems.add(
            f"give the {problems.name('first_contact_on')} date: the 2 months the family has to "
            "contact the mediation adviser run to it"
        )
    for key in STEP_OF_DATE:
        if values.get(key) and key not in _ROUTE_DATES[route]:
            problems.add(
                f"a {route_words(route)} case has no {problems.name(key)} date: leave it empty "
                "or change the route"
            )
    if values.get("health_body_notified_on") and "health" not in issues:
        problems.add(
            f"the {problems.name('health_body_notified_on')} date needs health among the issues"
        )
    if values.get("outcome") and not values.get("meeting_held_on"):
        problems.add(f"an outcome needs the {problems.name('meeting_held_on')} date")
    if values.get("meeting_held_on") and not values.get("outcome") and values.get("outcome_on"):
        problems.add(f"the {problems.name('outcome_on')} date needs the outcome")
    stage = values.get("stage")
    if stage == CaseState.CLOSED:
        problems.add("the case is closed: only open cases are imported")


def route_words(route: Route) -> str:
    return {
        Route.MEDIATION: "mediation",
        Route.CERTIFICATE_ONLY: "certificate without mediation",
        Route.DISAGREEMENT_RESOLUTION: "disagreement resolution",
    }[route]


def _fact_checks(
    problems: RowProblems,
    values: dict[str, Any],
    route: Route,
    decision: DecisionType,
    issues: set[str],
    today: date,
) -> None:
    """The fact rules over the row's dates, in their own words."""
    dates: dict[Fact, date | None] = {
        fact: values.get(key) for key, fact in _FACT_OF_DATE.items() if values.get(key)
    }
    if decision not in APPEALABLE_DECISIONS:
        dates.pop(Fact.ADVISER_CONTACTED, None)
    if route == Route.CERTIFICATE_ONLY and values.get("first_contact_on"):
        dates.setdefault(Fact.MEDIATION_DECLINED, values["first_contact_on"])
    held = values.get("meeting_held_on")
    outcome_on = values.get("outcome_on") or (held if values.get("outcome") else None)
    if outcome_on:
        dates[Fact.OUTCOME_RECORDED] = outcome_on
        if route == Route.MEDIATION:
            dates[Fact.MEDIATION_CONCLUDED] = outcome_on
            if values.get("outcome") in {Outcome.AGREED_ALL, Outcome.AGREED_PART}:
                dates[Fact.AGREEMENT_MADE] = outcome_on
    kind = None
    if values.get("certificate_issued_on"):
        kind = (
            CertificateKind.AFTER_MEDIATION
            if held
            else CertificateKind.DEEMED
            if values.get("la_unable_on") and route == Route.MEDIATION
            else CertificateKind.DECLINED
        )
    health_only = issues == {"health"}
    for violation in fact_violations(
        dates, today=today, route=route, certificate_kind=kind, health_only=health_only
    ):
        problems.add(violation.message)


def parse_cells(mapping: Mapping[str, str], cells: list[Any]) -> dict[str, Any]:
    """A row's cells by our column keys, through the mapping (column position -> key)."""
    found: dict[str, Any] = {}
    for index, key in mapping.items():
        position = int(index)
        if key and position < len(cells):
            found[key] = cells[position]
    return found

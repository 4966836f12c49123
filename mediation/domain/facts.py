"""What a case's recorded facts allow: the cross-field rules every path must pass.

One place for the rules that no single field can check on its own: dates in the order the route
and the certificate kind require, nothing recorded as done in the future, agreed-action dates on
or after the agreement, and a certificate only where the law allows one. Forms, services and the
command line all call `fact_violations` with the facts they have, so no path can save what
another would refuse. The command line turns the date-order rules into warnings (the deadline
contract makes events out of order a warning, never an error); the web app refuses to save.

Facts are given as a mapping Fact -> date. A fact that is missing or None is "not known here",
never "did not happen": a form that knows only the certificate date and the meeting date passes
just those two, and only the rules between known facts are checked. A service that passes the
whole case can say so (`complete=True`) to also check that the certificate kind has the event
it needs ("a certificate after mediation needs the day the meeting was held").

Every violation names the field it belongs to (a Fact) and says, in words a person uses, what
must be true, with dates in words: "The certificate must be dated on or after the meeting,
Thursday 12 March 2026." The rules and their sources are in docs/domain/facts.md.

Pure standard library: no Django, no clock (`today` is an argument), no I/O. Cheap: the rule
tables are built once per (route, certificate kind), and a check is a few dozen lookups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any, Final

from mediation.domain.case_states import Route
from mediation.domain.dates import add_months, format_day_long

__all__ = [
    "DONE_FACTS",
    "ActionDates",
    "CertificateKind",
    "Fact",
    "Violation",
    "ViolationKind",
    "fact_violations",
    "violations_by_field",
    "violations_for_fields",
]


class Fact(StrEnum):
    """A recorded fact of a case that a rule can name; also the field a violation belongs to.

    The date facts share their names with the deadline contract's events (`la_informed` is
    `events.la_informed`), so the command line can name the input field of each.
    """

    NOTICE_SENT = "notice_sent"
    ADVISER_CONTACTED = "adviser_contacted"
    MEDIATION_DECLINED = "mediation_declined"
    LA_INFORMED = "la_informed"
    HEALTH_BODY_NOTIFIED = "health_body_notified"
    LA_UNABLE_TO_ARRANGE_NOTIFIED = "la_unable_to_arrange_notified"
    EVERYONE_AGREED = "everyone_agreed"  # disagreement resolution: all parties consent
    LA_DECISION_CHANGED = "la_decision_changed"
    MEETING_DATE = "meeting_date"  # a booked meeting: may be in the future
    MEETING_CONFIRMATION_SENT = "meeting_confirmation_sent"
    MEDIATION_HELD = "mediation_held"
    MEDIATION_CONCLUDED = "mediation_concluded"
    OUTCOME_RECORDED = "outcome_recorded"
    OUTCOME_CIRCULATED = "outcome_circulated"
    CERTIFICATE_ISSUED = "certificate_issued"
    AGREEMENT_MADE = "agreement_made"
    # Reg 42(4): the health body told the LA about the agreement (the LA was not a party).
    HEALTH_BODY_TOLD_LA = "health_body_told_la"
    # Not dates, but fields a violation can belong to.
    CERTIFICATE_KIND = "certificate_kind"
    LA_NOT_A_PARTY = "la_not_a_party"
    ACTION_AGREED = "action_agreed"
    ACTION_DUE = "action_due"
    ACTION_DONE = "action_done"
    # Reg 44(2)'s later steps of an agreed action (the follow-up milestones).
    ACTION_NO_PLAN_NOTICE = "action_no_plan_notice"
    ACTION_FINAL_PLAN_SENT = "action_final_plan_sent"


class CertificateKind(StrEnum):
    """The three mediation certificates (CFA 2014 s55(4)-(5), SEND Regulations 2014 reg 39(3))."""

    DECLINED = "declined"  # s55(4): the family does not want mediation (reg 34(1))
    AFTER_MEDIATION = "after_mediation"  # s55(5): after taking part (reg 39(1))
    DEEMED = "deemed"  # s55(5) deemed: the LA could not arrange mediation (reg 39(2)-(3))


class ViolationKind(StrEnum):
    ORDER = "order"  # two dates in an order that cannot be true
    FUTURE = "future"  # something recorded as done after today
    ROUTE = "route"  # a certificate (kind) the route or the issues do not allow
    NOT_ALLOWED = "not_allowed"  # a certificate the adviser may not issue (reg 34(2))
    MISSING = "missing"  # complete facts only: a certificate kind without its event


@dataclass(frozen=True, slots=True)
class Violation:
    """One thing the facts cannot all be.

    `field` is where the message belongs (next to that field on a form). `other` is the second
    fact of a date-order rule, so a form that changed that one can show the message too.
    `action_id` is set for the agreed-action fields.
    """

    field: Fact
    message: str
    kind: ViolationKind
    other: Fact | None = None
    action_id: str | None = None


@dataclass(frozen=True, slots=True)
class ActionDates:
    """The dates of one agreed action. `agreed_on` defaults to the case's agreement date.

    `name` is how people refer to the action in a message ("agreed action A1"); without one,
    messages say "this action", for a form that shows the message next to it.
    """

    id: str
    due: date | None = None
    done_on: date | None = None
    agreed_on: date | None = None
    name: str = ""
    # Reg 44(2)(b)-(c): the family told no EHC plan is needed; the final EHC plan sent.
    no_plan_notice_on: date | None = None
    final_plan_sent_on: date | None = None


# --------------------------------------------------------------------------------------------
# Words: each fact as the subject of "must be ..." and as the thing something comes after.
# --------------------------------------------------------------------------------------------

_MUST: Final[Mapping[Fact, str]] = {
    Fact.NOTICE_SENT: "The date the decision letter was sent must be",
    Fact.ADVISER_CONTACTED: "The date the family contacted the mediation adviser must be",
    Fact.MEDIATION_DECLINED: "The date the family said they did not want mediation must be",
    Fact.LA_INFORMED: "The date the LA was told the family wants mediation must be",
    Fact.HEALTH_BODY_NOTIFIED: "The date the health body was told must be",
    Fact.LA_UNABLE_TO_ARRANGE_NOTIFIED: (
        "The date the LA said it could not arrange mediation must be"
    ),
    Fact.EVERYONE_AGREED: "The date everyone agreed to take part must be",
    Fact.LA_DECISION_CHANGED: "The date the LA changed its decision must be",
    Fact.MEETING_DATE: "The meeting must be booked for a date",
    Fact.MEETING_CONFIRMATION_SENT: "The date the meeting letter was sent must be",
    Fact.MEDIATION_HELD: "The date the meeting was held must be",
    Fact.MEDIATION_CONCLUDED: "The date the mediation ended must be",
    Fact.OUTCOME_RECORDED: "The date the outcome was recorded must be",
    Fact.OUTCOME_CIRCULATED: "The date the outcome statement was sent out must be",
    Fact.CERTIFICATE_ISSUED: "The certificate must be dated",
    Fact.AGREEMENT_MADE: "The agreement must be dated",
    Fact.HEALTH_BODY_TOLD_LA: "The date the health body told the LA about the agreement must be",
}

_AFTER: Final[Mapping[Fact, str]] = {
    Fact.NOTICE_SENT: "the day the decision letter was sent",
    Fact.ADVISER_CONTACTED: "the day the family contacted the mediation adviser",
    Fact.MEDIATION_DECLINED: "the day the family said they did not want mediation",
    Fact.LA_INFORMED: "the day the LA was told the family wants mediation",
    Fact.HEALTH_BODY_NOTIFIED: "the day the health body was told",
    Fact.LA_UNABLE_TO_ARRANGE_NOTIFIED: "the day the LA said it could not arrange mediation",
    Fact.EVERYONE_AGREED: "the day everyone agreed to take part",
    Fact.MEDIATION_HELD: "the meeting",
    Fact.MEDIATION_CONCLUDED: "the day the mediation ended",
    Fact.OUTCOME_RECORDED: "the day the outcome was recorded",
    Fact.AGREEMENT_MADE: "the agreement",
}

#: Facts that record something done: none may be after today. (A booked meeting may be.)
DONE_FACTS: Final = frozenset(_MUST) - {Fact.MEETING_DATE}

#: The facts a caller may give dates for.
DATE_FACTS: Final = frozenset(_MUST)


# --------------------------------------------------------------------------------------------
# The date-order rules: (earlier, later) pairs. Same day is in order.
# --------------------------------------------------------------------------------------------

_F = Fact
_EVERY_EVENT = tuple(fact for fact in _MUST if fact is not _F.NOTICE_SENT)

_ORDER_ALWAYS: Final[tuple[tuple[Fact, Fact], ...]] = (
    # Everything follows the LA's decision letter: it is what the case is about.
    *((_F.NOTICE_SENT, later) for later in _EVERY_EVENT),
    # CFA 2014 s55(4)-(5): the adviser gives information and advice before either certificate.
    (_F.ADVISER_CONTACTED, _F.MEDIATION_DECLINED),
    (_F.ADVISER_CONTACTED, _F.CERTIFICATE_ISSUED),
    # Regs 35-36: once told, the LA notifies the health bodies and arranges the meeting.
    (_F.LA_INFORMED, _F.HEALTH_BODY_NOTIFIED),
    (_F.LA_INFORMED, _F.LA_UNABLE_TO_ARRANGE_NOTIFIED),
    (_F.LA_INFORMED, _F.MEETING_DATE),
    (_F.LA_INFORMED, _F.MEDIATION_HELD),
    (_F.LA_INFORMED, _F.MEDIATION_CONCLUDED),
    (_F.LA_INFORMED, _F.AGREEMENT_MADE),
    (_F.HEALTH_BODY_NOTIFIED, _F.MEDIATION_HELD),
    # Disagreement resolution is voluntary: the meeting follows everyone's agreement (Code 11.6).
    (_F.EVERYONE_AGREED, _F.MEDIATION_HELD),
    # The meeting comes before its end, its outcome and any agreement made at it (reg 42(1)).
    (_F.MEDIATION_HELD, _F.MEDIATION_CONCLUDED),
    (_F.MEDIATION_HELD, _F.AGREEMENT_MADE),
    (_F.MEDIATION_HELD, _F.OUTCOME_RECORDED),
    (_F.MEDIATION_HELD, _F.OUTCOME_CIRCULATED),
    (_F.OUTCOME_RECORDED, _F.OUTCOME_CIRCULATED),
    # Reg 42(4): the health body tells the LA about an agreement once it is made.
    (_F.AGREEMENT_MADE, _F.HEALTH_BODY_TOLD_LA),
)

# The certificate's own order depends on its kind. A deemed certificate (reg 39(3)) is issued
# "whether or not [the family] later participates in mediation", so it may come before the
# meeting: it is ordered only after the LA said it could not arrange mediation.
_ORDER_BY_KIND: Final[Mapping[CertificateKind | None, tuple[tuple[Fact, Fact], ...]]] = {
    None: ((_F.MEDIATION_DECLINED, _F.CERTIFICATE_ISSUED),),
    CertificateKind.DECLINED: ((_F.MEDIATION_DECLINED, _F.CERTIFICATE_ISSUED),),  # reg 34(1)
    CertificateKind.AFTER_MEDIATION: (  # reg 39(1)
        (_F.MEDIATION_HELD, _F.CERTIFICATE_ISSUED),
        (_F.MEDIATION_CONCLUDED, _F.CERTIFICATE_ISSUED),
    ),
    CertificateKind.DEEMED: ((_F.LA_UNABLE_TO_ARRANGE_NOTIFIED, _F.CERTIFICATE_ISSUED),),
}

# The event each certificate kind follows (checked only when the facts are complete).
_KIND_NEEDS: Final[Mapping[CertificateKind, Fact]] = {
    CertificateKind.DECLINED: _F.MEDIATION_DECLINED,
    CertificateKind.AFTER_MEDIATION: _F.MEDIATION_HELD,
    CertificateKind.DEEMED: _F.LA_UNABLE_TO_ARRANGE_NOTIFIED,
}
_KIND_NEEDS_MESSAGE: Final[Mapping[CertificateKind, str]] = {
    CertificateKind.DECLINED: (
        "Record the day the family said they did not want mediation: the certificate for a "
        "family who does not want mediation comes after it."
    ),
    CertificateKind.AFTER_MEDIATION: (
        "Record the day the meeting was held: a certificate after mediation comes after it."
    ),
    CertificateKind.DEEMED: (
        "Record the day the LA said it could not arrange mediation: a deemed certificate comes "
        "after it."
    ),
}

# Reg 34(2) as the deadline contract (version 2, change 3) reads it: after late contact with
# the adviser, neither a certificate for declining mediation nor a deemed one may be issued.
_KINDS_BARRED_BY_LATE_CONTACT: Final = frozenset({CertificateKind.DECLINED, CertificateKind.DEEMED})

_OrderRule = tuple[Fact, str]  # the earlier fact, and the message up to its date


@lru_cache(maxsize=8)
def _order_rules(kind: CertificateKind | None) -> Mapping[str, tuple[_OrderRule, ...]]:
    """The date-order rules for a certificate kind, keyed by the later fact, so a check looks
    only at the facts it was given (a case has a handful; the table has dozens of pairs)."""
    by_later: dict[str, list[_OrderRule]] = {}
    for earlier, later in (*_ORDER_ALWAYS, *_ORDER_BY_KIND[kind]):
        text = f"{_MUST[later]} on or after {_AFTER[earlier]}, "
        by_later.setdefault(later.value, []).append((earlier, text))
    return {later: tuple(rules) for later, rules in by_later.items()}


# --------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------


def fact_violations(
    dates: Mapping[Fact, date | None] | Mapping[str, date | None],
    *,
    today: date | None = None,
    route: Route | str | None = None,
    certificate_kind: CertificateKind | str | None = None,
    health_only: bool | None = None,
    actions: Sequence[ActionDates] = (),
    complete: bool = False,
    la_not_a_party: bool | None = None,
) -> list[Violation]:
    """Every rule the given facts break, in a stable order (an empty list: all is well).

    `dates` maps Fact (or its value) to a date; missing or None means not known. `today`
    enables the "not in the future" rules; `route`, `certificate_kind`, `health_only` (the
    mediation issues are health only) and `la_not_a_party` enable the rules that turn on them;
    None or "" means not known. `complete=True` says every recorded fact was given, so a missing one did not happen.
    Raises ValueError for a key that is not a date fact: a misspelt field must not pass quietly.
    """
    if not DATE_FACTS.issuperset(dates):
        unknown = sorted(str(key) for key in dates if key not in DATE_FACTS)
        raise ValueError(f"not date facts: {', '.join(unknown)}")
    kind = CertificateKind(certificate_kind) if certificate_kind else None
    route = Route(route) if route else None
    get = dates.get
    found: list[Violation] = []

    rules_by_later = _order_rules(kind)
    for later, later_day in dates.items():
        if later_day is None:
            continue
        for earlier, text in rules_by_later.get(later, ()):
            earlier_day = get(earlier)
            if earlier_day is not None and later_day < earlier_day:
                found.append(
                    Violation(
                        Fact(later),
                        f"{text}{format_day_long(earlier_day)}.",
                        ViolationKind.ORDER,
                        earlier,
                    )
                )

    if today is not None:
        today_words = f" today or earlier (today is {format_day_long(today)})."
        for fact, day in dates.items():
            if day is not None and day > today and fact in DONE_FACTS:
                found.append(
                    Violation(Fact(fact), _MUST[Fact(fact)] + today_words, ViolationKind.FUTURE)
                )

    found.extend(_certificate_violations(dates, route, kind, health_only, complete))
    if la_not_a_party and health_only is False:
        # Reg 35(3)-(4): the LA arranges, and is a party to, any mediation that is not about
        # health issues only; only the health body's own mediation leaves it out.
        found.append(
            Violation(
                Fact.LA_NOT_A_PARTY,
                "The LA is a party to the mediation when the issues include education or "
                "social care: it is only left out of a mediation about health issues only.",
                ViolationKind.ROUTE,
            )
        )
    if actions:
        found.extend(_action_violations(actions, get(Fact.AGREEMENT_MADE), today))
    return found


def _certificate_violations(
    dates: Mapping[Any, date | None],
    route: Route | None,
    kind: CertificateKind | None,
    health_only: bool | None,
    complete: bool,
) -> list[Violation]:
    lookup = dates.get
    issued = lookup(Fact.CERTIFICATE_ISSUED)
    found: list[Violation] = []
    if route is Route.DISAGREEMENT_RESOLUTION:
        # CFA 2014 s57: disagreement resolution is not mediation under s53-54; no certificate.
        # One violation for each fact recorded, so each field shows it.
        for field, recorded in (
            (Fact.CERTIFICATE_ISSUED, issued is not None),
            (Fact.CERTIFICATE_KIND, kind is not None),
        ):
            if recorded:
                found.append(
                    Violation(
                        field,
                        "Disagreement resolution does not lead to a mediation certificate, so "
                        "none can be recorded on this case.",
                        ViolationKind.ROUTE,
                    )
                )
        return found
    if route is Route.CERTIFICATE_ONLY and kind in (
        CertificateKind.AFTER_MEDIATION,
        CertificateKind.DEEMED,
    ):
        found.append(
            Violation(
                Fact.CERTIFICATE_KIND,
                "A case for a certificate without mediation can only have the certificate for "
                "a family who does not want mediation.",
                ViolationKind.ROUTE,
            )
        )
    if kind is CertificateKind.DEEMED and health_only:
        # Reg 39(2)-(3) cover only mediation the LA arranges (regs 35(4), 36(2)); mediation about
        # health issues only is arranged by the health body (reg 35(3)) and has no deemed one.
        found.append(
            Violation(
                Fact.CERTIFICATE_KIND,
                "A deemed certificate is only for when the LA cannot arrange mediation. A "
                "mediation about health issues only is arranged by the health body, so there is "
                "no deemed certificate.",
                ViolationKind.ROUTE,
            )
        )
    notice_sent = lookup(Fact.NOTICE_SENT)
    contacted = lookup(Fact.ADVISER_CONTACTED)
    if (
        issued is not None
        and kind in _KINDS_BARRED_BY_LATE_CONTACT
        and notice_sent is not None
        and contacted is not None
    ):
        window_ends = add_months(notice_sent, 2)  # reg 33
        if contacted > window_ends:
            found.append(
                Violation(
                    Fact.CERTIFICATE_ISSUED,
                    "This certificate cannot be issued: the family contacted the mediation "
                    f"adviser on {format_day_long(contacted)}, after the 2 months for that "
                    f"ended on {format_day_long(window_ends)}.",
                    ViolationKind.NOT_ALLOWED,
                    Fact.ADVISER_CONTACTED,
                )
            )
    if complete and kind is not None:
        needed = _KIND_NEEDS[kind]
        if lookup(needed) is None:
            found.append(Violation(needed, _KIND_NEEDS_MESSAGE[kind], ViolationKind.MISSING))
    if complete and issued is not None and kind is None:
        found.append(
            Violation(
                Fact.CERTIFICATE_KIND,
                "Say which certificate was issued.",
                ViolationKind.MISSING,
            )
        )
    return found


def _action_violations(
    actions: Sequence[ActionDates], agreement_made: date | None, today: date | None
) -> list[Violation]:
    """Reg 42: an agreed action is due, and done, on or after the day it was agreed."""
    found: list[Violation] = []
    today_words = f" today or earlier (today is {format_day_long(today)})." if today else ""
    for action in actions:
        name = action.name or "this action"
        agreed = action.agreed_on or agreement_made
        if agreed is not None:
            after = "the day it was agreed" if action.agreed_on else "the agreement"
            after += f", {format_day_long(agreed)}."
            if action.due is not None and action.due < agreed:
                found.append(
                    Violation(
                        Fact.ACTION_DUE,
                        f"The due date for {name} must be on or after {after}",
                        ViolationKind.ORDER,
                        Fact.ACTION_AGREED if action.agreed_on else Fact.AGREEMENT_MADE,
                        action.id,
                    )
                )
            if action.done_on is not None and action.done_on < agreed:
                found.append(
                    Violation(
                        Fact.ACTION_DONE,
                        f"The date {name} was done must be on or after {after}",
                        ViolationKind.ORDER,
                        Fact.ACTION_AGREED if action.agreed_on else Fact.AGREEMENT_MADE,
                        action.id,
                    )
                )
            for field, day, event in _follow_up_dates(action):
                if day < agreed:
                    found.append(
                        Violation(
                            field,
                            f"The date {event} for {name} must be on or after {after}",
                            ViolationKind.ORDER,
                            Fact.ACTION_AGREED if action.agreed_on else Fact.AGREEMENT_MADE,
                            action.id,
                        )
                    )
        if (
            action.agreed_on is not None
            and agreement_made is not None
            and action.agreed_on < agreement_made
        ):
            found.append(
                Violation(
                    Fact.ACTION_AGREED,
                    f"The date {name} was agreed must be on or after the agreement, "
                    f"{format_day_long(agreement_made)}.",
                    ViolationKind.ORDER,
                    Fact.AGREEMENT_MADE,
                    action.id,
                )
            )
        if today is not None:
            if action.done_on is not None and action.done_on > today:
                found.append(
                    Violation(
                        Fact.ACTION_DONE,
                        f"The date {name} was done must be{today_words}",
                        ViolationKind.FUTURE,
                        None,
                        action.id,
                    )
                )
            for field, day, event in _follow_up_dates(action):
                if day > today:
                    found.append(
                        Violation(
                            field,
                            f"The date {event} for {name} must be{today_words}",
                            ViolationKind.FUTURE,
                            None,
                            action.id,
                        )
                    )
            if action.agreed_on is not None and action.agreed_on > today:
                found.append(
                    Violation(
                        Fact.ACTION_AGREED,
                        f"The date {name} was agreed must be{today_words}",
                        ViolationKind.FUTURE,
                        None,
                        action.id,
                    )
                )
    return found


def _follow_up_dates(action: ActionDates) -> list[tuple[Fact, date, str]]:
    """The reg 44(2) follow-up dates recorded for an action, each with its words."""
    dates = (
        (
            Fact.ACTION_NO_PLAN_NOTICE,
            action.no_plan_notice_on,
            "the family was told no EHC plan is needed",
        ),
        (Fact.ACTION_FINAL_PLAN_SENT, action.final_plan_sent_on, "the final EHC plan was sent"),
    )
    return [(field, day, words) for field, day, words in dates if day is not None]


# --------------------------------------------------------------------------------------------
# Helpers for forms
# --------------------------------------------------------------------------------------------


def violations_for_fields(
    violations: Iterable[Violation], fields: Iterable[Fact | str]
) -> list[Violation]:
    """The violations a form about `fields` should show: those on one of its fields, and
    date-order ones whose other date is one of them (the form may have moved that date)."""
    wanted = {Fact(name) for name in fields}
    return [v for v in violations if v.field in wanted or v.other in wanted]


def violations_by_field(violations: Iterable[Violation]) -> dict[Fact, list[str]]:
    """Messages grouped by the field they belong to, in order, without repeats."""
    grouped: dict[Fact, list[str]] = {}
    for violation in violations:
        messages = grouped.setdefault(violation.field, [])
        if violation.message not in messages:
            messages.append(violation.message)
    return grouped

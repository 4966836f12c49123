"""The statutory clocks of a SEND mediation case, computed from its dated events.

This module is the single source of every deadline date the product shows. The web app
(`mediation.deadlines`) and the command line (`mediation-deadlines`, whose contract, version 2,
is restated in docs/domain/deadlines-contract.md) both call `compute_deadlines`, so the two
always agree.

Each rule below cites the provision it implements; docs/domain/deadlines.md pairs every code
with its source, its arithmetic and a worked example, and docs/domain/statutory-rules.md gives
the rules in our own words. Citations use these short forms:

- "SEND Regulations 2014": the Special Educational Needs and Disability Regulations 2014,
  SI 2014/1530 (mediation is Part 2, regs 32-42; reg 44 gives the Tribunal-order time limits
  that reg 42(2) borrows for mediation agreements).
- "HESC Rules 2008": the Tribunal Procedure (First-tier Tribunal) (Health, Education and
  Social Care Chamber) Rules 2008, SI 2008/2699.
- "CFA 2014": the Children and Families Act 2014.

Pure standard library: no Django, no clock (`today` is always an argument), no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum, StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Final, cast

from mediation.domain.calendar import WEEKEND, SkippedDay, WorkingCalendar
from mediation.domain.dates import (
    add_months,
    format_day,
    format_day_list,
    format_day_long,
    format_month,
    join_with_and,
)
from mediation.domain.decisions import DecisionType  # re-exported: part of the contract's input
from mediation.domain.facts import ActionDates, Fact, fact_violations

__all__ = [
    "ACTION_RULES",
    "AGREED_DUE_CITATION",
    "APPEAL_CITATION",
    "CERTIFICATE_CODES",
    "FOLLOW_UP_RULES",
    "MEETING_NOTICE_WORKING_DAYS",
    "NOTICE_SENT",
    "RULES",
    "ActionKind",
    "ActionRule",
    "AgreedAction",
    "FollowUpMilestone",
    "FollowUpStep",
    "CaseEvent",
    "CaseFacts",
    "Deadline",
    "DeadlineCode",
    "DeadlineReport",
    "DeadlineRule",
    "DeadlineState",
    "DeadlineStatus",
    "DeadlineWarning",
    "DecisionType",
    "IssueKind",
    "IssueScope",
    "Period",
    "Unit",
    "agreed_action_code",
    "compute_deadlines",
    "deadline_status",
    "describe_skipped",
    "case_follow_up_milestones",
    "event_field",
    "follow_up_milestone_code",
    "follow_up_milestones",
    "meeting_confirmation_latest",
]


# --------------------------------------------------------------------------------------------
# Vocabulary: the values the contract's input may hold.
# --------------------------------------------------------------------------------------------


class IssueKind(StrEnum):
    """The classes of mediation issue (CFA 2014 s53 health, s54 education and social care)."""

    EDUCATION = "education"
    HEALTH = "health"
    SOCIAL_CARE = "social_care"


class CaseEvent(StrEnum):
    """A dated fact in the case that starts a clock (the contract's `events` object)."""

    ADVISER_CONTACTED = "adviser_contacted"
    MEDIATION_DECLINED = "mediation_declined"
    LA_INFORMED = "la_informed"
    HEALTH_BODY_NOTIFIED = "health_body_notified"
    LA_UNABLE_TO_ARRANGE_NOTIFIED = "la_unable_to_arrange_notified"
    MEDIATION_HELD = "mediation_held"
    MEDIATION_CONCLUDED = "mediation_concluded"
    CERTIFICATE_ISSUED = "certificate_issued"
    AGREEMENT_MADE = "agreement_made"
    # Contract version 2: the day the mediation meeting is (to be) held, for reg 37(2) notice.
    MEETING_DATE = "meeting_date"


class ActionKind(StrEnum):
    """What an agreed action requires; decides its reg 42/44 time limit (see ACTION_RULES)."""

    ASSESSMENT = "assessment"
    REASSESSMENT = "reassessment"
    MAKE_PLAN = "make_plan"
    AMEND_PROVISION = "amend_provision"
    AMEND_SCHOOL = "amend_school"
    CONTINUE_AND_AMEND = "continue_and_amend"
    RECONSIDER = "reconsider"
    NOT_APPEALABLE = "not_appealable"


class DeadlineCode(StrEnum):
    """Stable deadline codes: shown in the output, stored by the web app, keyed in the docs.

    Agreed actions get one code each, built by `agreed_action_code`.
    """

    ADVISER_CONTACT_WINDOW_ENDS = "adviser_contact_window_ends"
    CERTIFICATE_DUE_AFTER_DECLINE = "certificate_due_after_decline"
    HEALTH_BODIES_NOTIFIED_BY = "health_bodies_notified_by"
    MEDIATION_BY = "mediation_by"
    CERTIFICATE_DUE_DEEMED = "certificate_due_deemed"
    CERTIFICATE_DUE_AFTER_MEDIATION = "certificate_due_after_mediation"
    OUTCOME_STATEMENT_CIRCULATED_BY = "outcome_statement_circulated_by"
    APPEAL_DEADLINE = "appeal_deadline"
    # Contract version 2, change 4.
    MEETING_NOTICE_BY = "meeting_notice_by"
    HEALTH_BODY_TELLS_LA_BY = "health_body_tells_la_by"


# Deadlines that are the service's own standards, not the law's: always labelled as such, and
# listed after the statutory ones.
SERVICE_STANDARD_CODES: Final = frozenset({DeadlineCode.OUTCOME_STATEMENT_CIRCULATED_BY})


def is_service_standard(code: str) -> bool:
    return code in SERVICE_STANDARD_CODES


_AGREED_ACTION_PREFIX: Final = "agreed_action_due:"


def agreed_action_code(action_id: str) -> str:
    """The deadline code of one agreed action: "agreed_action_due:<id>"."""
    return f"{_AGREED_ACTION_PREFIX}{action_id}"


#: The "from" of deadlines that run from the decision notice.
NOTICE_SENT: Final = "decision.notice_sent"


def event_field(event: CaseEvent) -> str:
    """The "from" of deadlines that run from an event: "events.<name>"."""
    return f"events.{event.value}"


# --------------------------------------------------------------------------------------------
# Input and output values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreedAction:
    """One action in a mediation agreement (reg 42(1)).

    `agreed_due` is a date the parties agreed in writing; it replaces the reg 42(2)/(3)
    time limits (reg 42(5)).
    """

    id: str
    kind: ActionKind
    agreed_due: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ActionKind(self.kind))
        _require_plain_date(self.agreed_due, "agreed_due", optional=True)


@dataclass(frozen=True)
class CaseFacts:
    """Everything about a case that the clocks depend on.

    Plain strings are accepted where enums are expected (`issues={"health"}`,
    `events={"la_informed": date(...)}`) and converted, so callers need not import the enums.
    An event mapped to None is treated as not given.

    `short_notice_agreed`: the parent or young person consented to less than 5 working days'
    notice of the meeting (reg 37(2)), so there is no `meeting_notice_by`.
    `la_not_a_party`: the LA was not a party to the mediation (health issues only, reg 35(3)),
    so the health body must tell it of any agreement within 1 week (reg 42(4)).
    """

    decision_type: DecisionType
    notice_sent: date
    section_i_only: bool = False
    issues: frozenset[IssueKind] = frozenset({IssueKind.EDUCATION})
    events: Mapping[CaseEvent, date] = field(default_factory=dict, hash=False)
    agreed_actions: tuple[AgreedAction, ...] = ()
    short_notice_agreed: bool = False
    la_not_a_party: bool = False
    _by_source: Mapping[str, date] = field(init=False, repr=False, compare=False, hash=False)
    # The same dates keyed by fact name ("la_informed", "notice_sent"), for the fact rules.
    _fact_dates: Mapping[str, date] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "decision_type", DecisionType(self.decision_type))
        if not self.decision_type.appealable:
            raise ValueError("no statutory clock runs for a disagreement with no appeal right")
        _require_plain_date(self.notice_sent, "notice_sent", optional=False)
        issues = frozenset(IssueKind(issue) for issue in self.issues)
        if not issues:
            raise ValueError("a case has at least one issue")
        object.__setattr__(self, "issues", issues)
        # None means "not happened yet", so a caller can pass its optional fields straight in.
        events = {CaseEvent(name): day for name, day in self.events.items() if day is not None}
        for name, day in events.items():
            _require_plain_date(day, f"events.{name}", optional=False)
        object.__setattr__(self, "events", MappingProxyType(events))
        # The same dates keyed by their input field ("events.la_informed"), the form the
        # rules table uses; precomputed because compute_deadlines looks them up many times.
        by_source = {event_field(name): day for name, day in events.items()}
        by_source[NOTICE_SENT] = self.notice_sent
        # Private, never handed out: plain dicts, whose lookups are the fastest.
        object.__setattr__(self, "_by_source", by_source)
        fact_dates: dict[str, date] = {name.value: day for name, day in events.items()}
        fact_dates[Fact.NOTICE_SENT] = self.notice_sent
        object.__setattr__(self, "_fact_dates", fact_dates)
        for flag in ("section_i_only", "short_notice_agreed", "la_not_a_party"):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"{flag} must be True or False")
        actions = tuple(self.agreed_actions)
        ids = [action.id for action in actions]
        if len(set(ids)) != len(ids):
            raise ValueError("agreed action ids must be unique")
        object.__setattr__(self, "agreed_actions", actions)

    def event(self, event: CaseEvent) -> date | None:
        return self.events.get(event)

    def date_of(self, source: str) -> date | None:
        """The date in `source` ("decision.notice_sent" or "events.<name>"), if given."""
        return self._by_source.get(source)


def _require_plain_date(value: object, name: str, *, optional: bool) -> None:
    # A datetime is a date subclass, but comparing one with a date raises TypeError deep
    # inside the arithmetic; refuse it at the door instead.
    if value is None and optional:
        return
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")


@dataclass(frozen=True)
class Deadline:
    """One computed date.

    `from_` names the input field the clock runs from ("events.mediation_declined");
    `explanation` is one plain-English line naming every day counted and skipped.
    """

    code: str
    due: date
    rule: str
    from_: str
    explanation: str


@dataclass(frozen=True)
class DeadlineWarning:
    """Something about the case a person should know, in words, and the field it is about.

    `field` is the input field ("events.adviser_contacted", "decision.section_i_only", "" for
    the case as a whole); `message` is plain English that names events as people do and never
    a field path (contract version 2, change 5). `str(warning)` is the message, so a page that
    shows a warning as text shows the words.
    """

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class DeadlineReport:
    """All the deadlines of a case, in the contract's order, with certificate status."""

    deadlines: tuple[Deadline, ...]
    certificate_required: bool
    certificate_allowed: bool
    warnings: tuple[DeadlineWarning, ...]

    def by_code(self) -> dict[str, Deadline]:
        return {deadline.code: deadline for deadline in self.deadlines}


# --------------------------------------------------------------------------------------------
# Periods: the four kinds of arithmetic the rules use (contract, Definitions)
# --------------------------------------------------------------------------------------------


class Unit(StrEnum):
    WORKING_DAYS = "working days"  # start never counted; day 1 is the first WD after start
    DAYS = "days"  # calendar days, no roll-forward
    WEEKS = "weeks"  # 7 calendar days each, no roll-forward
    MONTHS = "months"  # same day N months later, else that month's last day; no roll-forward


@dataclass(frozen=True)
class Period:
    """An amount of one unit, counted after a start date (before it when `before` is true).

    Only working days are ever counted backwards (`meeting_notice_by`): "N working days before
    D" mirrors "N working days after D", so D itself is never counted and day 1 is the first
    working day before D.
    """

    amount: int
    unit: Unit
    before: bool = False
    # "3 working days", "1 week": worked out once, as every explanation starts with it.
    _label: str = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.before and self.unit is not Unit.WORKING_DAYS:
            raise ValueError("only working days are counted backwards")
        unit = self.unit.value
        if self.amount == 1:
            unit = unit.removesuffix("s")
        object.__setattr__(self, "_label", f"{self.amount} {unit}")

    def __str__(self) -> str:
        return self._label

    def after(self, start: date, calendar: WorkingCalendar) -> date:
        """The date this period after (or before) `start`."""
        unit = self.unit
        if unit is Unit.WORKING_DAYS:
            if self.before:
                return calendar.subtract_working_days(start, self.amount)
            return calendar.add_working_days(start, self.amount)
        if unit is Unit.DAYS:
            return start + timedelta(days=self.amount)
        if unit is Unit.WEEKS:
            return start + timedelta(weeks=self.amount)
        return add_months(start, self.amount)

    def explain(self, start: date, calendar: WorkingCalendar) -> tuple[date, str]:
        """The date this period after (or before) `start`, and a line saying how it was counted.

        "3 working days after Thu 5 Mar 2026: Fri 6, Mon 9, Tue 10 Mar"
        "5 working days before Mon 15 Jun 2026: Fri 12, Thu 11, Wed 10, Tue 9, Mon 8 Jun"
        "30 days after Mon 1 Jun 2026: Wed 1 Jul 2026"

        The answer is kept on the calendar (`results_cache`), which never changes.
        """
        key = (self._label, self.before, start)
        cached = calendar.results_cache.get(key)
        if cached is not None:
            return cast(tuple[date, str], cached)  # what this key was given
        result = self._explain(start, calendar)
        calendar.remember(key, result)
        return result

    def _explain(self, start: date, calendar: WorkingCalendar) -> tuple[date, str]:
        if self.unit is Unit.WORKING_DAYS:
            if self.before:
                count = calendar.count_working_days_before(start, self.amount)
                skipped = tuple(reversed(count.skipped))  # named in date order
                direction = "before"
            else:
                count = calendar.count_working_days(start, self.amount)
                skipped = count.skipped
                direction = "after"
            text = f"{self._label} {direction} {format_day(start)}: " + format_day_list(
                count.counted, reference_year=start.year
            )
            # Weekends are plain from the weekday names, so the skipped days are spelt out only
            # when a holiday or closure day is among them (then all are named, weekends too).
            # This matches both worked examples: the contract's "3 working days after Thu 5 Mar
            # 2026: Fri 6, Mon 9, Tue 10 Mar" and the Late Summer Bank Holiday one in the docs.
            for item in skipped:
                if item.reason != WEEKEND:
                    text += f" (skipped {describe_skipped(skipped, reference_year=start.year)})"
                    break
            return count.end, text
        due = self.after(start, calendar)
        return due, f"{self._label} after {format_day(start)}: {_describe_result(start, due, self)}"


def _describe_result(start: date, due: date, period: Period) -> str:
    """The due date, saying so when a month had no such day and its last day was used."""
    text = format_day(due)
    if period.unit is Unit.MONTHS and due.day != start.day:
        month = format_month(due, full=True)
        text += f", the last day of {month} as there is no {start.day} {month}"
    return text


def describe_skipped(skipped: Iterable[SkippedDay], *, reference_year: int) -> str:
    """ "Sat 29 and Sun 30 Aug: weekend; Mon 31 Aug: Late Summer Bank Holiday".

    Consecutive days with the same reason are named together ("Sat 28 Feb and Sun 1 Mar:
    weekend"); the month is written after the last day of each month, and the year too when it
    differs from `reference_year`.
    """
    groups: list[list[SkippedDay]] = []
    for item in skipped:
        if groups:
            previous = groups[-1][-1]
            if item.reason == previous.reason and item.day - previous.day == timedelta(days=1):
                groups[-1].append(item)
                continue
        groups.append([item])
    parts = []
    for group in groups:
        names = []
        for index, item in enumerate(group):
            following = group[index + 1].day if index + 1 < len(group) else None
            with_month = following is None or following.month != item.day.month
            names.append(
                format_day(
                    item.day,
                    with_month=with_month,
                    with_year=with_month and item.day.year != reference_year,
                )
            )
        parts.append(f"{join_with_and(names)}: {group[0].reason}")
    return "; ".join(parts)


# --------------------------------------------------------------------------------------------
# The rules table
# --------------------------------------------------------------------------------------------


class IssueScope(Enum):
    """Which mix of mediation issues a rule applies to (regs 35 and 36 split on health)."""

    ANY = "any"
    ANY_HEALTH = "health solely or in part"
    HEALTH_ONLY = "health only"
    HEALTH_AND_OTHER = "health and other issues"
    NO_HEALTH = "no health issues"
    # Mediation the LA arranges (regs 35(4) and 36(2)): every mix but health only.
    LA_ARRANGED = "not health only"

    def matches(self, issues: frozenset[IssueKind]) -> bool:
        if self is IssueScope.ANY:
            return True
        has_health = IssueKind.HEALTH in issues
        if self is IssueScope.ANY_HEALTH:
            return has_health
        if self is IssueScope.NO_HEALTH:
            return not has_health
        has_other = bool(issues - {IssueKind.HEALTH})
        if self is IssueScope.HEALTH_ONLY:
            return has_health and not has_other
        if self is IssueScope.LA_ARRANGED:
            return has_other
        return has_health and has_other  # HEALTH_AND_OTHER


@dataclass(frozen=True)
class DeadlineRule:
    """One statutory clock: `period` after the date in `runs_from`.

    `runs_from` is the input field the clock starts from (NOTICE_SENT or "events.<name>"),
    which is also the deadline's "from". The rule applies only when `applies_to` matches the
    case's issues; where the statute splits a clock by issue (mediation_by), the table has
    one row per provision, all with the same code.
    """

    code: DeadlineCode
    citation: str
    runs_from: str
    period: Period
    summary: str
    applies_to: IssueScope = IssueScope.ANY


_ADVISER_CONTACT_WINDOW: Final = Period(2, Unit.MONTHS)
_THREE_WORKING_DAYS: Final = Period(3, Unit.WORKING_DAYS)
_THIRTY_DAYS: Final = Period(30, Unit.DAYS)
#: Reg 37(2): the parent or young person must be told the date and place of the mediation "at
#: least 5 working days prior to the mediation", unless they consent to less.
MEETING_NOTICE_WORKING_DAYS: Final = 5

#: Every clock except the appeal deadline and agreed actions, in the contract's output order.
RULES: Final[tuple[DeadlineRule, ...]] = (
    # Reg 33: contact the mediation adviser "within 2 months after written notice of the local
    # authority's decision was sent"; reg 34(2): after that the adviser "may not issue" a
    # certificate. Calendar months, no roll-forward (contract).
    DeadlineRule(
        code=DeadlineCode.ADVISER_CONTACT_WINDOW_ENDS,
        citation="SEND Regulations 2014 regs 33 and 34(2)",
        runs_from=NOTICE_SENT,
        period=_ADVISER_CONTACT_WINDOW,
        summary="last day to contact the mediation adviser",
    ),
    # Reg 34(1): the adviser "must issue a mediation certificate under section 55(4) within
    # 3 working days of being informed" that the parent or young person does not wish to mediate.
    DeadlineRule(
        code=DeadlineCode.CERTIFICATE_DUE_AFTER_DECLINE,
        citation="SEND Regulations 2014 reg 34(1)",
        runs_from=event_field(CaseEvent.MEDIATION_DECLINED),
        period=_THREE_WORKING_DAYS,
        summary="certificate (s55(4)) after mediation was declined",
    ),
    # Reg 35(2): where the issues are health "solely or in part", the LA must notify each
    # responsible commissioning body "within 3 working days" of being informed.
    DeadlineRule(
        code=DeadlineCode.HEALTH_BODIES_NOTIFIED_BY,
        citation="SEND Regulations 2014 reg 35(2)",
        runs_from=event_field(CaseEvent.LA_INFORMED),
        period=_THREE_WORKING_DAYS,
        summary="LA notifies the health commissioning bodies",
        applies_to=IssueScope.ANY_HEALTH,
    ),
    # Reg 35(3): health-only issues: the commissioning body must arrange mediation "within
    # 30 days" of receiving the LA's notification.
    DeadlineRule(
        code=DeadlineCode.MEDIATION_BY,
        citation="SEND Regulations 2014 reg 35(3)",
        runs_from=event_field(CaseEvent.HEALTH_BODY_NOTIFIED),
        period=_THIRTY_DAYS,
        summary="health commissioning body arranges the mediation",
        applies_to=IssueScope.HEALTH_ONLY,
    ),
    # Reg 35(4): health and other issues: the LA must arrange mediation with each
    # commissioning body "within 30 days" from the date it was informed.
    DeadlineRule(
        code=DeadlineCode.MEDIATION_BY,
        citation="SEND Regulations 2014 reg 35(4)",
        runs_from=event_field(CaseEvent.LA_INFORMED),
        period=_THIRTY_DAYS,
        summary="LA arranges the mediation (with the health commissioning bodies)",
        applies_to=IssueScope.HEALTH_AND_OTHER,
    ),
    # Reg 36(2): no health issues: the LA must arrange mediation "within 30 days" from the date
    # on which it was informed.
    DeadlineRule(
        code=DeadlineCode.MEDIATION_BY,
        citation="SEND Regulations 2014 reg 36(2)",
        runs_from=event_field(CaseEvent.LA_INFORMED),
        period=_THIRTY_DAYS,
        summary="LA arranges the mediation",
        applies_to=IssueScope.NO_HEALTH,
    ),
    # Reg 37(2): the arranging body must tell the parent or young person the date and place of
    # the mediation "at least 5 working days prior to the mediation unless [they consent] to
    # this period of time being reduced" (contract version 2, change 4). Not listed when the
    # family agreed to shorter notice (`short_notice_agreed`). The arranging body's deadline,
    # so the service's closure days count as non-working days.
    DeadlineRule(
        code=DeadlineCode.MEETING_NOTICE_BY,
        citation="SEND Regulations 2014 reg 37(2)",
        runs_from=event_field(CaseEvent.MEETING_DATE),
        period=Period(MEETING_NOTICE_WORKING_DAYS, Unit.WORKING_DAYS, before=True),
        summary="everyone told in writing of the meeting's date and place",
    ),
    # Reg 39(3): where the LA notifies the adviser that it cannot arrange mediation in time
    # (reg 39(2)), the adviser issues a (deemed participation) s55(5) certificate "within
    # 3 working days of being notified". Reg 39(2) covers only mediation the LA arranges
    # (regs 35(4), 36(2)): a mediation about health issues only is arranged by the health body
    # (reg 35(3)) and has no deemed certificate (contract version 2, change 2).
    DeadlineRule(
        code=DeadlineCode.CERTIFICATE_DUE_DEEMED,
        citation="SEND Regulations 2014 reg 39(3)",
        runs_from=event_field(CaseEvent.LA_UNABLE_TO_ARRANGE_NOTIFIED),
        period=_THREE_WORKING_DAYS,
        summary="certificate (s55(5), deemed participation) after the LA could not arrange it",
        applies_to=IssueScope.LA_ARRANGED,
    ),
    # Reg 39(1): the adviser "must issue a certificate under section 55(5) ... within 3 working
    # days of the conclusion of the mediation".
    DeadlineRule(
        code=DeadlineCode.CERTIFICATE_DUE_AFTER_MEDIATION,
        citation="SEND Regulations 2014 reg 39(1)",
        runs_from=event_field(CaseEvent.MEDIATION_CONCLUDED),
        period=_THREE_WORKING_DAYS,
        summary="certificate (s55(5)) after the mediation",
    ),
    # Not statutory: the service's own standard for circulating the outcome statement.
    DeadlineRule(
        code=DeadlineCode.OUTCOME_STATEMENT_CIRCULATED_BY,
        citation="The service's own standard (not statutory)",
        runs_from=event_field(CaseEvent.MEDIATION_HELD),
        period=_THREE_WORKING_DAYS,
        summary="outcome statement circulated to the parties",
    ),
    # Reg 42(4): "Where the local authority was not a party to the mediation, the responsible
    # commissioning body must notify the local authority of the mediation agreement within
    # 1 week of the date of that agreement" (contract version 2, change 4). Listed only when
    # `la_not_a_party` is true and a health body took part (the issues include health).
    DeadlineRule(
        code=DeadlineCode.HEALTH_BODY_TELLS_LA_BY,
        citation="SEND Regulations 2014 reg 42(4)",
        runs_from=event_field(CaseEvent.AGREEMENT_MADE),
        period=Period(1, Unit.WEEKS),
        summary="health body tells the LA about the mediation agreement",
        applies_to=IssueScope.ANY_HEALTH,
    ),
)

#: The codes whose deadline is a certificate the mediation adviser must issue.
CERTIFICATE_CODES: Final = frozenset(
    {
        DeadlineCode.CERTIFICATE_DUE_AFTER_DECLINE,
        DeadlineCode.CERTIFICATE_DUE_DEEMED,
        DeadlineCode.CERTIFICATE_DUE_AFTER_MEDIATION,
    }
)

# HESC Rules 2008 r20(1)(c): the appeal must be received "within 2 months after written notice
# of the decision being challenged was sent" or "within 1 month from the date of issue of the
# mediation certificate if that date would be a later date". r12(3)(a) (as amended in 2020):
# a deadline that "ends on a day from 25th December to 1st January inclusive, or on any day in
# August" is met on "the first working day after 1st January or 31st August". r12(1): a
# deadline ending on a non-working day is met on the next working day.
APPEAL_CITATION: Final = "HESC Rules 2008 r20(1)(c) and r12"
_APPEAL_AFTER_NOTICE: Final = Period(2, Unit.MONTHS)
_APPEAL_AFTER_CERTIFICATE: Final = Period(1, Unit.MONTHS)


@dataclass(frozen=True)
class ActionRule:
    """The time limit for one kind of agreed action, from the date of the agreement."""

    period: Period
    citation: str


# Reg 42(2): for what could have been appealed, the LA complies with the reg 44 time limits
# "as if the mediation agreement were an order of the First-tier Tribunal"; reg 42(3): anything
# else "within two weeks of the date of the mediation agreement". docs/domain/statutory-rules.md,
# the reg 44 table and question 6 (reg 44(2)(b) is 2 weeks, not the 4 weeks some pages quote).
_TWO_WEEKS: Final = Period(2, Unit.WEEKS)
_FIVE_WEEKS: Final = Period(5, Unit.WEEKS)
ACTION_RULES: Final[Mapping[ActionKind, ActionRule]] = MappingProxyType(
    {
        ActionKind.ASSESSMENT: ActionRule(
            _TWO_WEEKS, "SEND Regulations 2014 regs 42(2) and 44(2)(b)"
        ),
        ActionKind.REASSESSMENT: ActionRule(
            _TWO_WEEKS, "SEND Regulations 2014 regs 42(2) and 44(2)(b)"
        ),
        ActionKind.MAKE_PLAN: ActionRule(
            _FIVE_WEEKS, "SEND Regulations 2014 regs 42(2) and 44(2)(c)"
        ),
        ActionKind.RECONSIDER: ActionRule(
            _TWO_WEEKS, "SEND Regulations 2014 regs 42(2) and 44(2)(d)"
        ),
        ActionKind.AMEND_PROVISION: ActionRule(
            _FIVE_WEEKS, "SEND Regulations 2014 regs 42(2) and 44(2)(e)"
        ),
        ActionKind.AMEND_SCHOOL: ActionRule(
            _TWO_WEEKS, "SEND Regulations 2014 regs 42(2) and 44(2)(f)"
        ),
        ActionKind.CONTINUE_AND_AMEND: ActionRule(
            _FIVE_WEEKS, "SEND Regulations 2014 regs 42(2) and 44(2)(h)"
        ),
        ActionKind.NOT_APPEALABLE: ActionRule(_TWO_WEEKS, "SEND Regulations 2014 reg 42(3)"),
    }
)

# Reg 42(5): the reg 42(2)-(3) time limits "do not apply where the parties to the mediation
# agree in writing to a different timescale".
AGREED_DUE_CITATION: Final = "SEND Regulations 2014 reg 42(5)"


# --------------------------------------------------------------------------------------------
# compute_deadlines
# --------------------------------------------------------------------------------------------

#: Certificates that may not be issued after late contact with the adviser (reg 34(2)), so
#: their deadlines are not listed when `certificate_allowed` is false (contract version 2,
#: change 3, which names exactly these two).
_BARRED_WHEN_NOT_ALLOWED: Final = frozenset(
    {DeadlineCode.CERTIFICATE_DUE_AFTER_DECLINE, DeadlineCode.CERTIFICATE_DUE_DEEMED}
)


@lru_cache(maxsize=16)
def _rules_by_source(
    issues: frozenset[IssueKind],
) -> Mapping[str, tuple[tuple[int, DeadlineRule], ...]]:
    """The rows of RULES that apply to this mix of issues (there are only seven mixes), keyed
    by the field they run from, each with its place in the table: a case gives a handful of
    events, so the engine looks only at the rules those events start."""
    by_source: dict[str, list[tuple[int, DeadlineRule]]] = {}
    for position, rule in enumerate(RULES):
        if rule.applies_to.matches(issues):
            by_source.setdefault(rule.runs_from, []).append((position, rule))
    return {source: tuple(rules) for source, rules in by_source.items()}


def _position(item: tuple[int, Deadline]) -> int:
    return item[0]


def compute_deadlines(facts: CaseFacts, calendar: WorkingCalendar) -> DeadlineReport:
    """Every deadline of the case, the certificate status and any warnings.

    A deadline appears only when the event it runs from is known. Order: the RULES table,
    then the appeal deadline, then one deadline per agreed action in the order given.
    `calendar` is the service's: its closure days move every deadline the service or the LA
    must meet, but never the appeal deadline, which is counted on the Tribunal's working days
    (`calendar.without_closure_days()`). It must cover the years involved (the command line
    and the web app load bank holidays from a year before the earliest date to two years
    after the latest).
    """
    by_source = facts._by_source
    # Reg 33: contact the adviser within 2 months of the notice; reg 34(2): otherwise the
    # adviser may not issue a certificate.
    window_ends = add_months(facts.notice_sent, 2)
    adviser_contacted = facts.events.get(CaseEvent.ADVISER_CONTACTED)
    certificate_allowed = adviser_contacted is None or adviser_contacted <= window_ends
    # CFA 2014 s55(2)-(3): every s51 appeal needs a certificate except one concerning only the
    # school or type of school named, or that none is named (Section I).
    certificate_required = not facts.section_i_only

    rules_by_source = _rules_by_source(facts.issues)
    found: list[tuple[int, Deadline]] = []
    for source, start in by_source.items():
        for position, rule in rules_by_source.get(source, ()):
            code = rule.code
            if not certificate_allowed and code in _BARRED_WHEN_NOT_ALLOWED:
                continue
            if code is DeadlineCode.MEETING_NOTICE_BY and facts.short_notice_agreed:
                continue
            if code is DeadlineCode.HEALTH_BODY_TELLS_LA_BY and not facts.la_not_a_party:
                continue
            due, explanation = rule.period.explain(start, calendar)
            found.append((position, Deadline(code, due, rule.citation, source, explanation)))
    found.sort(key=_position)  # the RULES table's order
    deadlines = [deadline for _, deadline in found]
    appeal = _appeal_deadline(facts, calendar, window_ends, certificate_allowed)
    deadlines.append(appeal)

    warnings: list[DeadlineWarning] = []
    if not certificate_allowed:
        assert adviser_contacted is not None
        warnings.append(
            _late_contact_warning(adviser_contacted, window_ends, appeal.due, certificate_required)
        )
    unable = facts.events.get(CaseEvent.LA_UNABLE_TO_ARRANGE_NOTIFIED)
    if unable is not None and not IssueScope.LA_ARRANGED.matches(facts.issues):
        warnings.append(
            DeadlineWarning(
                event_field(CaseEvent.LA_UNABLE_TO_ARRANGE_NOTIFIED),
                f"No deemed certificate is due. The LA said on {format_day_long(unable)} that "
                "it could not arrange mediation, but a mediation about health issues only is "
                "arranged by the health body, and the law gives a deemed certificate only when "
                "the LA cannot arrange mediation.",
            )
        )
    if not certificate_required and any(d.code in CERTIFICATE_CODES for d in deadlines):
        warnings.append(
            DeadlineWarning(
                "decision.section_i_only",
                "No certificate is needed to appeal only about the school or type of school "
                "named in the plan, or that none is named. The certificate deadlines are shown "
                "because the events they run from are recorded.",
            )
        )
    if facts.la_not_a_party and IssueKind.HEALTH not in facts.issues:
        warnings.append(
            DeadlineWarning(
                "la_not_a_party",
                "The LA is recorded as not taking part in the mediation, but the issues do not "
                "include health, so no health body took part. Only a mediation about health "
                "issues only is held without the LA.",
            )
        )
    warnings.extend(_order_warnings(facts))

    for index, action in enumerate(facts.agreed_actions):
        deadline = _agreed_action_deadline(facts, index, action, calendar)
        if deadline is None:
            warnings.append(
                DeadlineWarning(
                    f"agreed_actions[{index}].agreed_due",
                    f"Agreed action {action.id} has no due date yet. Record the day the "
                    "agreement was made, or the date agreed in writing for this action.",
                )
            )
        else:
            deadlines.append(deadline)

    return DeadlineReport(
        deadlines=tuple(deadlines),
        certificate_required=certificate_required,
        certificate_allowed=certificate_allowed,
        warnings=tuple(warnings),
    )


def _late_contact_warning(
    contacted: date, window_ends: date, appeal_due: date, certificate_required: bool
) -> DeadlineWarning:
    """Contract version 2, change 3: no certificate, so no more time, and what to do now."""
    if certificate_required:
        what_now = (
            "The family needs the Tribunal's permission to appeal late or without a "
            "certificate, and should get advice first"
        )
    else:
        what_now = (
            "No certificate is needed to appeal only about the school named, but after that "
            "the family needs the Tribunal's permission to appeal late, and should get advice "
            "first"
        )
    return DeadlineWarning(
        event_field(CaseEvent.ADVISER_CONTACTED),
        f"The family contacted the mediation adviser on {format_day_long(contacted)}, after "
        f"the 2 months for that ended on {format_day_long(window_ends)}, so no mediation "
        "certificate may be issued and a certificate cannot give more time to appeal. The "
        f"appeal must reach the Tribunal by {format_day_long(appeal_due)}. {what_now}, for "
        "example from their local SEND Information, Advice and Support Service (SENDIASS).",
    )


def _appeal_deadline(
    facts: CaseFacts,
    service_calendar: WorkingCalendar,
    notice_base: date,
    certificate_allowed: bool,
) -> Deadline:
    """HESC Rules 2008 r20(1)(c), r12: the later base, then the Christmas/August and roll rules.

    Applied in the contract's order, once each: (1) the later of notice_sent + 2 months and
    certificate_issued + 1 month (notice_sent on a tie; the certificate only when one may be
    issued, contract version 2 change 3); (2) 25 Dec-1 Jan -> the first working day after
    1 Jan; August -> the first working day after 31 Aug; (3) otherwise, a non-working day ->
    the next working day. "Working day" here is the Tribunal's (r1(3)): the service's closure
    days never move this date (contract version 2, change 1).
    """
    certificate_issued = facts.events.get(CaseEvent.CERTIFICATE_ISSUED)
    # The same notice and certificate dates give the same deadline: keep it on the calendar.
    key = ("appeal_deadline", facts.notice_sent, certificate_issued, certificate_allowed)
    cached = service_calendar.results_cache.get(key)
    if cached is not None:
        return cast(Deadline, cached)  # what this key was given
    deadline = _work_out_appeal_deadline(
        facts.notice_sent, certificate_issued, service_calendar, notice_base, certificate_allowed
    )
    service_calendar.remember(key, deadline)
    return deadline


def _work_out_appeal_deadline(
    notice_sent: date,
    certificate_issued: date | None,
    service_calendar: WorkingCalendar,
    notice_base: date,
    certificate_allowed: bool,
) -> Deadline:
    notice_start = f"2 months after the notice was sent on {format_day(notice_sent)}"
    notice_result = _describe_result(notice_sent, notice_base, _APPEAL_AFTER_NOTICE)
    base, source = notice_base, NOTICE_SENT
    text = f"{notice_start}: {notice_result}"
    if certificate_issued is not None and not certificate_allowed:
        text += (
            " (no certificate may be issued after late contact with the mediation adviser, "
            "so the certificate does not extend it)"
        )
    elif certificate_issued is not None:
        certificate_base = add_months(certificate_issued, 1)
        certificate_result = _describe_result(
            certificate_issued, certificate_base, _APPEAL_AFTER_CERTIFICATE
        )
        certificate_clause = (
            f"1 month after the certificate was issued on {format_day(certificate_issued)} "
            f"({certificate_result})"
        )
        notice_clause = f"{notice_start} ({notice_result})"
        if certificate_base > notice_base:
            base, source = certificate_base, event_field(CaseEvent.CERTIFICATE_ISSUED)
            text = f"{certificate_clause} is later than {notice_clause}"
        elif certificate_base == notice_base:
            text = f"{notice_clause} is the same day as {certificate_clause}"
        else:
            text = f"{notice_clause} is later than {certificate_clause}"

    due, move = _appeal_move(base, service_calendar)
    return Deadline(DeadlineCode.APPEAL_DEADLINE, due, APPEAL_CITATION, source, text + move)


def _appeal_move(base: date, service_calendar: WorkingCalendar) -> tuple[date, str]:
    """Steps 2 and 3 of the appeal deadline for a base date: the deadline, and the words.

    Depends only on the base, so it is kept on the calendar: many cases share a base.
    """
    key = ("appeal_move", base)
    cached = service_calendar.results_cache.get(key)
    if cached is not None:
        return cast(tuple[date, str], cached)  # what this key was given
    calendar = service_calendar.without_closure_days()
    if (base.month, base.day) >= (12, 25) or (base.month, base.day) == (1, 1):
        new_year = date(base.year + 1 if base.month == 12 else base.year, 1, 1)
        count = calendar.count_working_days(new_year, 1)
        text = (
            "; it falls between 25 Dec and 1 Jan, so the deadline is the first working day "
            f"after 1 Jan: {format_day(count.end)}"
        )
        due, skipped = count.end, count.skipped
    elif base.month == 8:
        count = calendar.count_working_days(date(base.year, 8, 31), 1)
        text = (
            "; it falls in August, so the deadline is the first working day after 31 Aug: "
            f"{format_day(count.end)}"
        )
        due, skipped = count.end, count.skipped
    else:
        roll = calendar.roll_forward(base)
        due, skipped = roll.result, roll.skipped
        if roll.moved:
            text = (
                "; it is not a working day, so the deadline is the next working day: "
                f"{format_day(due)}"
            )
        else:
            text = f"; it is a working day, so the deadline is {format_day(due)}"
    if skipped:
        text += f" (skipped {describe_skipped(skipped, reference_year=base.year)})"
    closures = service_calendar.closure_days
    if closures and any(base <= day <= due for day in closures):
        text += "; the service's own closure days do not move the Tribunal's deadline"
    service_calendar.remember(key, (due, text))
    return due, text


def _agreed_action_deadline(
    facts: CaseFacts, index: int, action: AgreedAction, calendar: WorkingCalendar
) -> Deadline | None:
    """Reg 42(5) agreed date if given, else the reg 42(2)/44 or 42(3) limit from the agreement."""
    code = agreed_action_code(action.id)
    if action.agreed_due is not None:
        return Deadline(
            code,
            action.agreed_due,
            AGREED_DUE_CITATION,
            f"agreed_actions[{index}].agreed_due",
            f"Date agreed in writing at mediation: {format_day(action.agreed_due)}",
        )
    agreement_made = facts.events.get(CaseEvent.AGREEMENT_MADE)
    if agreement_made is None:
        return None
    rule = ACTION_RULES[action.kind]
    due, explanation = rule.period.explain(agreement_made, calendar)
    return Deadline(code, due, rule.citation, event_field(CaseEvent.AGREEMENT_MADE), explanation)


# --------------------------------------------------------------------------------------------
# Warnings about dates out of their usual order (warnings, never errors: records are sometimes
# entered late or corrected later, and the clocks are still worth showing). The rules are the
# fact rules of mediation.domain.facts, the same ones the web app's forms refuse to save.
# --------------------------------------------------------------------------------------------


def _input_field(fact: Fact) -> str:
    """The contract's input field of a date fact: "decision.notice_sent", "events.<name>"."""
    return NOTICE_SENT if fact is Fact.NOTICE_SENT else f"events.{fact.value}"


def _order_warnings(facts: CaseFacts) -> list[DeadlineWarning]:
    actions = facts.agreed_actions
    action_dates = [
        ActionDates(action.id, due=action.agreed_due, name=f"agreed action {action.id}")
        for action in actions
        if action.agreed_due is not None
    ]
    violations = fact_violations(facts._fact_dates, actions=action_dates)
    if not violations:
        return []
    index_of = {action.id: index for index, action in enumerate(actions)}
    warnings = []
    for violation in violations:
        if violation.action_id is not None:
            field_name = f"agreed_actions[{index_of[violation.action_id]}].agreed_due"
        else:
            field_name = _input_field(violation.field)
        warnings.append(DeadlineWarning(field_name, violation.message))
    return warnings


# --------------------------------------------------------------------------------------------
# Reg 44's later limits for an agreed action (for the web app; not in the command's output,
# whose codes the contract fixes)
# --------------------------------------------------------------------------------------------


class FollowUpStep(StrEnum):
    """A later step reg 44(2) sets for an order (and so, by reg 42(2), for an agreement)."""

    #: Reg 44(2)(b)(i): after the assessment, tell the family, with reasons, that no EHC plan
    #: is needed: within 10 weeks.
    NO_PLAN_NOTICE = "no_plan_notice"
    #: Reg 44(2)(b)(ii): after the assessment, send the final EHC plan: within 14 weeks.
    #: Reg 44(2)(c)(ii): after the draft plan, send the final EHC plan: within 11 weeks.
    FINAL_PLAN = "final_plan"


@dataclass(frozen=True)
class FollowUpMilestone:
    """A later limit of one agreed action, counted from the day the agreement was made.

    `either_or` is true for the two outcomes of an assessment: the LA meets one or the other
    (no plan needed by 10 weeks, or the final plan by 14 weeks), never both. Reg 44(3) lets the
    LA miss these limits (but not the first, 2- or 5-week, step) when it is impractical because
    of exceptional personal circumstances, the family being away from the area for 2 weeks or
    more, or the reg 13(3) circumstances; the app should let staff record that.
    """

    code: str  # "agreed_action_no_plan_notice_by:<id>", "agreed_action_final_plan_by:<id>"
    action_id: str
    step: FollowUpStep
    due: date
    rule: str
    from_: str
    explanation: str
    summary: str  # what must happen, in words ("Send the final EHC plan")
    either_or: bool


@dataclass(frozen=True)
class _FollowUpRule:
    step: FollowUpStep
    weeks: int
    citation: str
    summary: str
    either_or: bool


_FOLLOW_UP_ASSESSMENT: Final = (
    _FollowUpRule(
        FollowUpStep.NO_PLAN_NOTICE,
        10,
        "SEND Regulations 2014 regs 42(2) and 44(2)(b)(i)",
        "Tell the family, with reasons, if the LA decides after the assessment that no EHC plan "
        "is needed",
        True,
    ),
    _FollowUpRule(
        FollowUpStep.FINAL_PLAN,
        14,
        "SEND Regulations 2014 regs 42(2) and 44(2)(b)(ii)",
        "Send the final EHC plan, if the LA decides after the assessment that one is needed",
        True,
    ),
)

#: Which later limits each kind of agreed action has (reg 44(2)); kinds not listed have none.
FOLLOW_UP_RULES: Final[Mapping[ActionKind, tuple[_FollowUpRule, ...]]] = MappingProxyType(
    {
        ActionKind.ASSESSMENT: _FOLLOW_UP_ASSESSMENT,
        ActionKind.REASSESSMENT: _FOLLOW_UP_ASSESSMENT,
        ActionKind.MAKE_PLAN: (
            _FollowUpRule(
                FollowUpStep.FINAL_PLAN,
                11,
                "SEND Regulations 2014 regs 42(2) and 44(2)(c)(ii)",
                "Send the final EHC plan",
                False,
            ),
        ),
    }
)


def follow_up_milestone_code(step: FollowUpStep, action_id: str) -> str:
    """ "agreed_action_no_plan_notice_by:<id>" or "agreed_action_final_plan_by:<id>"."""
    return f"agreed_action_{step.value}_by:{action_id}"


def follow_up_milestones(
    action: AgreedAction, agreement_made: date | None
) -> tuple[FollowUpMilestone, ...]:
    """The later reg 44 limits of one agreed action, counted from the agreement date.

    Reg 42(2) applies the reg 44 time limits to a mediation agreement "as if [it] were an order
    of the First-tier Tribunal", and reg 44 counts every limit from the order: so 10 weeks (no
    plan needed) or 14 weeks (final plan) after an agreement to assess or re-assess
    (reg 44(2)(b)), and 11 weeks to the final plan after an agreement to make a plan
    (reg 44(2)(c)(ii)). Calendar weeks, no roll-forward, like the first step. None without an
    agreement date. These are still counted when the first step has a date agreed in writing
    (reg 42(5)): that date is for the first step; a different written timescale for a later step
    is for the app to record and show instead.
    """
    if agreement_made is None:
        return ()
    rules = FOLLOW_UP_RULES.get(action.kind, ())
    milestones = []
    for rule in rules:
        due = agreement_made + timedelta(weeks=rule.weeks)
        milestones.append(
            FollowUpMilestone(
                code=follow_up_milestone_code(rule.step, action.id),
                action_id=action.id,
                step=rule.step,
                due=due,
                rule=rule.citation,
                from_=event_field(CaseEvent.AGREEMENT_MADE),
                explanation=(
                    f"{rule.weeks} weeks after {format_day(agreement_made)}: {format_day(due)}"
                ),
                summary=rule.summary,
                either_or=rule.either_or,
            )
        )
    return tuple(milestones)


def case_follow_up_milestones(facts: CaseFacts) -> tuple[FollowUpMilestone, ...]:
    """`follow_up_milestones` for every agreed action of the case, in order."""
    agreement_made = facts.events.get(CaseEvent.AGREEMENT_MADE)
    return tuple(
        milestone
        for action in facts.agreed_actions
        for milestone in follow_up_milestones(action, agreement_made)
    )


# --------------------------------------------------------------------------------------------
# Helpers for the web app (not part of the command-line output)
# --------------------------------------------------------------------------------------------


def meeting_confirmation_latest(meeting_date: date, calendar: WorkingCalendar) -> date:
    """The last day the written confirmation of a meeting can be sent (reg 37(2)).

    Definition: a confirmation sent on day C gives enough notice when
    `calendar.add_working_days(C, 5) <= meeting_date`, i.e. at least 5 working days fall after
    C up to and including the meeting day. This function returns the latest such C. It may be
    a non-working day (the day before the 5th working day counted back from the meeting); a
    service that posts letters only on working days should use the last working day on or
    before it.

    Note that this reading counts the meeting day itself when it is a working day: for a
    meeting on Mon 15 Jun 2026 the answer is Mon 8 Jun 2026 (Tue 9 - Mon 15 Jun hold 5 working
    days). Reg 37(2) does not define the count; this is the reading the project settled on.
    A recorded consent to shorter notice (reg 37(2)) overrides this date.
    """
    working_days_found = 0
    day = meeting_date
    while True:
        if calendar.is_working_day(day):
            working_days_found += 1
            if working_days_found == MEETING_NOTICE_WORKING_DAYS:
                return day - timedelta(days=1)
        day -= timedelta(days=1)


class DeadlineState(StrEnum):
    DUE = "due"  # not met, and more than `soon_working_days` working days left
    DUE_SOON = "due_soon"  # not met, due within `soon_working_days` working days (or today)
    OVERDUE = "overdue"  # not met, and today is after the due date
    MET = "met"  # met on or before the due date
    MET_LATE = "met_late"  # met after the due date


@dataclass(frozen=True)
class DeadlineStatus:
    """Where a deadline stands on a given day.

    `working_days_late` (met_late, overdue) counts the working days after the due date up to
    and including the day it was met (or today); it can be 0 when, say, a Friday deadline is met
    on the Saturday. `working_days_remaining` (due, due_soon) counts the working days after
    today up to and including the due date; 0 means due today (or due on a non-working day
    with no working day left before it).
    """

    state: DeadlineState
    working_days_late: int | None = None
    working_days_remaining: int | None = None


def deadline_status(
    due: date,
    met_on: date | None,
    today: date,
    calendar: WorkingCalendar,
    soon_working_days: int = 2,
) -> DeadlineStatus:
    """The state of a deadline due on `due`, met on `met_on` (None if not yet), as of `today`.

    `today` is an argument, never read from the clock, so the web app decides the time zone
    (Europe/London) and tests need no frozen clock.
    """
    if soon_working_days < 0:
        raise ValueError("soon_working_days must not be negative")
    if met_on is not None:
        if met_on <= due:
            return DeadlineStatus(DeadlineState.MET)
        return DeadlineStatus(
            DeadlineState.MET_LATE, working_days_late=calendar.working_days_between(due, met_on)
        )
    if today > due:
        return DeadlineStatus(
            DeadlineState.OVERDUE, working_days_late=calendar.working_days_between(due, today)
        )
    remaining = calendar.working_days_between(today, due)
    state = DeadlineState.DUE_SOON if remaining <= soon_working_days else DeadlineState.DUE
    return DeadlineStatus(state, working_days_remaining=remaining)

"""Every figure the reports show, defined once (see docs/adr/0014-reports-metric-definitions.md).

A Metric names the rows it counts (its source table), the dated event that places a row in a
period (`date_field`: a row counts in the period in which that event happened, never the period
the case was opened in, unless opening is the event), the filter that picks its rows (`where`)
and, for a rate, the filter that picks the rows that met the standard (`met`). The dashboard,
the drill-down lists, the CSV exports and the quarterly report all read these definitions
through mediation.reports.selectors, so a figure and the list of cases behind it cannot differ.

Kinds:
- count: the number of rows matching `where`;
- rate: `met` rows out of `where` rows (a percentage; the denominator is shown too);
- average: the mean number of days between two date fields over the `where` rows.

Deadline rates (source "deadline") count the service's stored Deadline rows, whose due dates the
deadline engine computed with the service's working calendar (England & Wales bank holidays
plus closure days); a deadline is in the period of its due date, and counts once it is settled:
met, or its due date has passed. A deadline never met on a case that closed because the clock
stopped (the LA changed its decision, the family withdrew, not everyone agreed to take part)
is left out: nobody missed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, F, OuterRef, Q

from mediation.cases.models import AppealLodged, CertificateKind, ClosureOutcome, Outcome
from mediation.common.words import lower_first
from mediation.deadlines.clocks import AGREED_ACTION_PREFIX
from mediation.deadlines.models import Deadline
from mediation.domain.case_states import Route
from mediation.domain.deadlines import CERTIFICATE_CODES, DeadlineCode
from mediation.domain.decisions import DecisionType
from mediation.feedback.models import SATISFIED, Agreement, Participant, Recommend
from mediation.outcomes.models import AgreedAction


class Source(StrEnum):
    ENQUIRY = "enquiry"
    CASE = "case"
    DEADLINE = "deadline"
    ACTION = "action"
    FEEDBACK = "feedback"  # answers to the end-of-case survey (mediation.feedback)


class Kind(StrEnum):
    COUNT = "count"
    RATE = "rate"
    AVERAGE = "average"


class Section(StrEnum):
    """The dashboard's tables, in the order shown: how the service is doing first."""

    KPI = "Statutory and service standards"
    ACTIVITY = "Activity"
    OUTCOMES = "Outcomes of meetings"
    ISSUES = "Issues and decisions disputed"
    THEMES = "Agreed actions by EHC plan section"
    FEEDBACK = "What people thought of the service"


@dataclass(frozen=True)
class Metric:
    key: str
    name: str
    definition: str
    source: Source
    date_field: str
    section: Section
    where: Q = Q()
    met: Q | None = None
    # (later date, earlier date) for an average of days between them.
    average_of: tuple[str, str] | None = None
    # Extra columns on the drill-down list: (heading, field path).
    columns: tuple[tuple[str, str], ...] = ()
    # A short name of the rows counted, for sentences ("3 of 4 certificates").
    rows_noun: str = "cases"
    # Count it in a query of its own with `where` in the WHERE clause, not in a FILTER beside
    # the other figures of its source: for a `where` with a correlated subquery (EXISTS), which
    # inside a FILTER PostgreSQL runs once per row of the whole period and costs the query
    # enough to be JIT-compiled (~100 ms); in the WHERE clause it becomes an anti-join. The
    # numbers are the same: COUNT(*) FILTER (WHERE w) over rows R = COUNT(*) over R WHERE w.
    own_query: bool = False

    @property
    def kind(self) -> Kind:
        if self.average_of is not None:
            return Kind.AVERAGE
        if self.met is not None:
            return Kind.RATE
        return Kind.COUNT


# Closures that stop the clocks: a deadline never met on such a case was missed by nobody. A
# case handed over to another provider goes on there: its open deadlines are theirs.
CLOCK_STOPPING_CLOSURES = (
    ClosureOutcome.LA_CHANGED_DECISION,
    ClosureOutcome.WITHDRAWN,
    ClosureOutcome.NO_CONSENT,
    ClosureOutcome.HANDED_OVER,
)

_ON_TIME = Q(met_on__isnull=False, met_on__lte=F("due"))


def _certificate_allowed() -> Q:
    """Deadline rows of cases that may have a certificate: not about Section I only (CFA 2014
    s55(3)), and the family contacted the adviser within the 2 months (reg 34(2): the adviser
    contact deadline was not met late)."""
    contacted_late = Deadline.objects.filter(
        case_id=OuterRef("case_id"),
        code=DeadlineCode.ADVISER_CONTACT_WINDOW_ENDS.value,
        met_on__gt=F("due"),
    )
    return Q(case__section_i_only=False) & ~Q(Exists(contacted_late))


_CERTIFICATE_ALLOWED = _certificate_allowed()
_DEADLINE_COLUMNS = (("Due", "due"), ("Done", "met_on"))
_MEETING_COLUMNS = (("Meeting held", "mediation_held_on"),)


def _decision_metric(choice: DecisionType) -> Metric:
    return Metric(
        key=f"decision_{choice.value}",
        name=choice.label,
        definition=(
            "Cases opened in the period about this kind of local authority decision "
            f"({lower_first(choice.label)})."
        ),
        source=Source.CASE,
        date_field="opened_at",
        section=Section.ISSUES,
        where=Q(decision_type=choice.value),
        columns=(("Opened", "opened_at"),),
    )


def _section_metric(value: str, label: str) -> Metric:
    return Metric(
        key=f"actions_section_{value.lower()}",
        name=label,
        definition=(
            "Agreed actions in final outcome statements of meetings held in the period, about "
            f"this part of the EHC plan ({label})."
        ),
        source=Source.ACTION,
        date_field="case__mediation_held_on",
        section=Section.THEMES,
        where=Q(statement__status="final", section=value),
        columns=(("Meeting held", "case__mediation_held_on"), ("Action", "kind")),
        rows_noun="agreed actions",
    )


def _certificate_metric(kind: CertificateKind, name: str) -> Metric:
    return Metric(
        key=f"certificates_{kind.value}",
        name=name,
        definition=f"Certificates issued in the period of this kind: {kind.label}.",
        source=Source.CASE,
        date_field="certificate_issued_on",
        section=Section.ACTIVITY,
        where=Q(certificate_kind=kind.value),
        columns=(("Certificate issued", "certificate_issued_on"),),
        rows_noun="certificates",
    )


def _outcome_metric(outcome: Outcome, name: str) -> Metric:
    return Metric(
        key=f"outcome_{outcome.value}",
        name=name,
        definition=(
            "Meetings (mediation or disagreement resolution) held in the period whose recorded "
            f"outcome was: {lower_first(outcome.label)}."
        ),
        source=Source.CASE,
        date_field="mediation_held_on",
        section=Section.OUTCOMES,
        where=Q(outcome=outcome.value),
        columns=_MEETING_COLUMNS,
        rows_noun="meetings",
    )


def _section_choices() -> list[tuple[str, str]]:
    return list(AgreedAction.Section.choices)


_SURVEY = (
    "Answers to the end-of-case survey given in the period (through the survey link, or by "
    "phone and recorded by staff), one a person a case"
)


def _feedback_metrics() -> tuple[Metric, ...]:
    """What the people on a case thought, from the end-of-case survey: each a rate with its
    count (the answers given), for everyone and then for each kind of participant."""
    columns = (("Answered", "answered_at"), ("Who", "participant"))
    everyone = (
        Metric(
            key="feedback_satisfied",
            name="Satisfied with the service",
            definition=f"{_SURVEY}, and how many said they were very satisfied or satisfied.",
            source=Source.FEEDBACK,
            date_field="answered_at",
            section=Section.FEEDBACK,
            met=Q(satisfaction__in=[value.value for value in SATISFIED]),
            columns=columns,
            rows_noun="answers",
        ),
        Metric(
            key="feedback_heard",
            name="Felt listened to",
            definition=f"{_SURVEY}, and how many said yes, they felt listened to.",
            source=Source.FEEDBACK,
            date_field="answered_at",
            section=Section.FEEDBACK,
            met=Q(felt_heard=Agreement.YES.value),
            columns=columns,
            rows_noun="answers",
        ),
        Metric(
            key="feedback_clear",
            name="Found the information clear",
            definition=f"{_SURVEY}, and how many said yes, the information was clear.",
            source=Source.FEEDBACK,
            date_field="answered_at",
            section=Section.FEEDBACK,
            met=Q(information_clear=Agreement.YES.value),
            columns=columns,
            rows_noun="answers",
        ),
        Metric(
            key="feedback_recommend",
            name="Would recommend the service",
            definition=f"{_SURVEY}, and how many said yes, they would recommend it.",
            source=Source.FEEDBACK,
            date_field="answered_at",
            section=Section.FEEDBACK,
            met=Q(would_recommend=Recommend.YES.value),
            columns=columns,
            rows_noun="answers",
        ),
    )
    by_kind = tuple(
        Metric(
            key=f"feedback_satisfied_{kind.value}",
            name=f"Satisfied: {kind.label.lower()}",
            definition=(
                f"{_SURVEY}, from {kind.label.lower()}, and how many said they were very "
                "satisfied or satisfied."
            ),
            source=Source.FEEDBACK,
            date_field="answered_at",
            section=Section.FEEDBACK,
            where=Q(participant=kind.value),
            met=Q(satisfaction__in=[value.value for value in SATISFIED]),
            columns=columns,
            rows_noun="answers",
        )
        for kind in Participant
    )
    return everyone + by_kind


METRICS: tuple[Metric, ...] = (
    # Activity ---------------------------------------------------------------------------------
    Metric(
        key="enquiries",
        name="Enquiries",
        definition=(
            "First contacts recorded in the period (usually phone calls), whether or not a case "
            "was opened. With a route chosen: only enquiries that became a case on that route."
        ),
        source=Source.ENQUIRY,
        date_field="received_at",
        section=Section.ACTIVITY,
        columns=(("Received", "received_at"),),
        rows_noun="enquiries",
    ),
    Metric(
        key="cases_opened",
        name="Cases opened",
        definition="Cases opened in the period, on any route.",
        source=Source.CASE,
        date_field="opened_at",
        section=Section.ACTIVITY,
        columns=(("Opened", "opened_at"),),
    ),
    Metric(
        key="certificates_issued",
        name="Certificates issued",
        definition="Mediation certificates issued in the period, of every kind.",
        source=Source.CASE,
        date_field="certificate_issued_on",
        section=Section.ACTIVITY,
        where=~Q(certificate_kind=""),
        columns=(("Certificate issued", "certificate_issued_on"),),
        rows_noun="certificates",
    ),
    _certificate_metric(CertificateKind.DECLINED, "Certificates: family did not want mediation"),
    _certificate_metric(CertificateKind.AFTER_MEDIATION, "Certificates: after mediation"),
    _certificate_metric(CertificateKind.DEEMED, "Certificates: LA could not arrange mediation"),
    Metric(
        key="mediations_held",
        name="Mediations held",
        definition="Mediation meetings held in the period.",
        source=Source.CASE,
        date_field="mediation_held_on",
        section=Section.ACTIVITY,
        where=Q(route=Route.MEDIATION.value),
        columns=_MEETING_COLUMNS,
        rows_noun="mediations",
    ),
    Metric(
        key="dr_meetings_held",
        name="Disagreement resolution meetings held",
        definition="Disagreement resolution meetings held in the period.",
        source=Source.CASE,
        date_field="mediation_held_on",
        section=Section.ACTIVITY,
        where=Q(route=Route.DISAGREEMENT_RESOLUTION.value),
        columns=_MEETING_COLUMNS,
        rows_noun="meetings",
    ),
    Metric(
        key="days_la_informed_to_meeting",
        name="Average days from LA informed to mediation",
        definition=(
            "For mediations held in the period: the mean number of calendar days from the day "
            "the local authority was told the family wanted mediation to the day of the meeting."
        ),
        source=Source.CASE,
        date_field="mediation_held_on",
        section=Section.ACTIVITY,
        where=Q(route=Route.MEDIATION.value, la_informed_on__isnull=False),
        average_of=("mediation_held_on", "la_informed_on"),
        columns=(("LA informed", "la_informed_on"), ("Meeting held", "mediation_held_on")),
        rows_noun="mediations",
    ),
    # Outcomes ---------------------------------------------------------------------------------
    _outcome_metric(Outcome.AGREED_ALL, "Agreed in full"),
    _outcome_metric(Outcome.AGREED_PART, "Agreed in part"),
    _outcome_metric(Outcome.NOT_AGREED, "No agreement"),
    # Issues and decisions ---------------------------------------------------------------------
    Metric(
        key="issues_health",
        name="Cases with health issues",
        definition="Cases opened in the period whose disagreement includes health care issues.",
        source=Source.CASE,
        date_field="opened_at",
        section=Section.ISSUES,
        where=Q(issue_health=True),
        columns=(("Opened", "opened_at"),),
    ),
    Metric(
        key="issues_social_care",
        name="Cases with social care issues",
        definition="Cases opened in the period whose disagreement includes social care issues.",
        source=Source.CASE,
        date_field="opened_at",
        section=Section.ISSUES,
        where=Q(issue_social_care=True),
        columns=(("Opened", "opened_at"),),
    ),
    *(_decision_metric(choice) for choice in DecisionType),
    # Statutory and service standards ---------------------------------------------------------
    Metric(
        key="certificates_on_time",
        name="Certificates issued within 3 working days",
        definition=(
            "Certificates that fell due in the period (3 working days after the family declined "
            "mediation, after the mediation ended, or after the LA said it could not arrange "
            "mediation; SEND Regulations 2014 regs 34(1), 39(1) and 39(3)), and how many were "
            "issued on or before the due day. Working days skip weekends, bank holidays and the "
            "service's closure days. A certificate still not issued after its due day counts as "
            "late; one not yet due is not counted, nor one that may not be issued (Section I "
            "only, or the family contacted the adviser after the 2 months)."
        ),
        source=Source.DEADLINE,
        date_field="due",
        section=Section.KPI,
        where=Q(code__in=sorted(CERTIFICATE_CODES)) & _CERTIFICATE_ALLOWED,
        met=_ON_TIME,
        columns=_DEADLINE_COLUMNS,
        rows_noun="certificates due",
        own_query=True,  # _CERTIFICATE_ALLOWED holds an EXISTS
    ),
    Metric(
        key="mediations_within_30_days",
        name="Mediations held within 30 days",
        definition=(
            "Mediations that had to take place by a day in the period (30 days after the LA, or "
            "for health-only issues the health commissioning body, was told; SEND Regulations "
            "2014 regs 35 and 36), and how many were held on or before that day."
        ),
        source=Source.DEADLINE,
        date_field="due",
        section=Section.KPI,
        where=Q(code=DeadlineCode.MEDIATION_BY.value),
        met=_ON_TIME,
        columns=_DEADLINE_COLUMNS,
        rows_noun="mediations due",
    ),
    Metric(
        key="outcomes_circulated_on_time",
        name="Outcome statements sent within 3 working days",
        definition=(
            "Outcome statements due to be sent out in the period (3 working days after the "
            "meeting: the service's own standard), and how many were sent on or before the due "
            "day."
        ),
        source=Source.DEADLINE,
        date_field="due",
        section=Section.KPI,
        where=Q(code=DeadlineCode.OUTCOME_STATEMENT_CIRCULATED_BY.value),
        met=_ON_TIME,
        columns=_DEADLINE_COLUMNS,
        rows_noun="outcome statements due",
    ),
    Metric(
        key="actions_on_time",
        name="Agreed actions honoured on time",
        definition=(
            "Actions agreed at mediation that fell due in the period (reg 42 and 44 time limits, "
            "or a date the parties agreed in writing), and how many were done on or before "
            "their due day."
        ),
        source=Source.DEADLINE,
        date_field="due",
        section=Section.KPI,
        where=Q(code__startswith=AGREED_ACTION_PREFIX),
        met=_ON_TIME,
        columns=_DEADLINE_COLUMNS,
        rows_noun="agreed actions due",
    ),
    Metric(
        key="appealed_after_certificate",
        name="Cases later appealed",
        definition=(
            "Cases whose certificate was issued in the period, and how many the family told us "
            "they appealed to the Tribunal (recorded on the case)."
        ),
        source=Source.CASE,
        date_field="certificate_issued_on",
        section=Section.KPI,
        where=~Q(certificate_kind=""),
        met=Q(appeal_lodged=AppealLodged.YES.value),
        columns=(("Certificate issued", "certificate_issued_on"), ("Appeal", "appeal_lodged")),
    ),
    Metric(
        key="mediations_followed_by_appeal",
        name="Mediation cases followed by appeals",
        definition=(
            "Mediations held in the period, and how many were followed by an appeal to the "
            "Tribunal (the LG Inform measure; recorded when the family tells us)."
        ),
        source=Source.CASE,
        date_field="mediation_held_on",
        section=Section.KPI,
        where=Q(route=Route.MEDIATION.value),
        met=Q(appeal_lodged=AppealLodged.YES.value),
        columns=(("Meeting held", "mediation_held_on"), ("Appeal", "appeal_lodged")),
        rows_noun="mediations",
    ),
    # Themes -----------------------------------------------------------------------------------
    *(_section_metric(value, label) for value, label in _section_choices()),
    # What people thought ------------------------------------------------------------------------
    *_feedback_metrics(),
)

BY_KEY: dict[str, Metric] = {metric.key: metric for metric in METRICS}
assert len(BY_KEY) == len(METRICS), "metric keys must be unique"


def in_section(section: Section) -> list[Metric]:
    return [metric for metric in METRICS if metric.section == section]


# The figures of the monthly trend chart and the outcomes-by-LA chart.
TREND_KEYS = ("enquiries", "mediations_held", "certificates_issued")
OUTCOME_KEYS = ("outcome_agreed_all", "outcome_agreed_part", "outcome_not_agreed")

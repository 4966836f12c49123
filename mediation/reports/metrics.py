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

from mediation.cases.models import (
    AppealLodged,
    CertificateKind,
    ChangeReason,
    ClosureOutcome,
    DeclineReason,
    Outcome,
    Side,
)
from mediation.common.words import lower_first
from mediation.deadlines.clocks import AGREED_ACTION_PREFIX
from mediation.deadlines.models import Deadline
from mediation.domain.case_states import Route
from mediation.domain.deadlines import CERTIFICATE_CODES, DeadlineCode
from mediation.domain.decisions import DecisionType
from mediation.feedback.models import SATISFIED, Agreement, Participant, Recommend
from mediation.meetings.models import MeetingChange
from mediation.outcomes.models import AgreedAction, DeferredDecision, IssueResult, OutcomeStatement


class Source(StrEnum):
    ENQUIRY = "enquiry"
    CASE = "case"
    DEADLINE = "deadline"
    ACTION = "action"
    CASE_ISSUE = "case_issue"  # an issue in dispute on a case (cases.CaseIssue)
    ISSUE_OUTCOME = "issue_outcome"  # an issue's result in a statement (outcomes.IssueOutcome)
    MEETING_CHANGE = "meeting_change"  # a meeting cancelled or moved (meetings.MeetingChange)
    DECLINE = "decline"  # disagreement resolution declined (cases.ParticipationDeclined)
    DEFERRED = "deferred"  # a decision put off to a panel (outcomes.DeferredDecision)
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
    ISSUE_THEMES = "Issues in dispute and their results"
    DEFERRED = "Decisions the LA could not make at the meeting"
    CHANGES = "Meetings cancelled or moved, and disagreement resolution declined, by who asked"
    CHANGE_REASONS = "Meetings cancelled or moved, and disagreement resolution declined, by why"
    ISSUES = "Issues and decisions disputed"
    THEMES = "Agreed actions by EHC plan section"
    FEEDBACK = "What people thought of the service"
    # Shown on the SEN2 page, not on the dashboard.
    SEN2 = "SEN2 return: mediation"


# Sections the dashboard and the quarterly report list figure by figure (the others are shown as
# tables of their own: per issue, by who asked).
LISTED_SECTIONS = (
    Section.KPI,
    Section.ACTIVITY,
    Section.OUTCOMES,
    Section.ISSUE_THEMES,
    Section.DEFERRED,
    Section.ISSUES,
    Section.THEMES,
    Section.FEEDBACK,
)


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
    # Also counted for each issue in dispute (the source has a `theme`): the themes table.
    per_theme: bool = False
    # For a rate, what the rows in `met` and the others are, on the drill-down pages.
    met_words: str = "met the standard"
    missed_words: str = "did not meet the standard"
    missed_short: str = "not met"

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


_FINAL = OutcomeStatement.Status.FINAL.value
_CHANGE_COLUMNS = (("Asked for", "at"), ("Who asked", "requested_by"), ("Why", "reason_kind"))


def _result_metric(result: IssueResult, name: str) -> Metric:
    return Metric(
        key=f"issue_result_{result.value}",
        name=name,
        definition=(
            "Issues in dispute at meetings held in the period whose result in the final outcome "
            f"statement was: {lower_first(result.label)}. Each issue of a meeting counts once."
        ),
        source=Source.ISSUE_OUTCOME,
        date_field="case__mediation_held_on",
        section=Section.ISSUE_THEMES,
        where=Q(statement__status=_FINAL, result=result.value),
        columns=(("Meeting held", "case__mediation_held_on"), ("Issue", "theme__name")),
        rows_noun="issues",
        per_theme=True,
    )


def _side_words(side: str) -> str:
    return lower_first(Side(side).label) if side else "who asked was not recorded"


def _change_metric(kind: str, side: str) -> Metric:
    cancelled = kind == MeetingChange.Kind.CANCELLED
    verb = "cancelled" if cancelled else "moved"
    who = _side_words(side)
    return Metric(
        key=f"{verb}_by_{side or 'unrecorded'}",
        name=f"Meetings {verb}: {who}",
        definition=(
            f"Meetings {verb} in the period (by the day it was done) at the request of {who}."
            if side
            else f"Meetings {verb} in the period where {who} (changes made before it was asked)."
        ),
        source=Source.MEETING_CHANGE,
        date_field="at",
        section=Section.CHANGES,
        where=Q(kind=kind, requested_by=side),
        columns=_CHANGE_COLUMNS,
        rows_noun=f"meetings {verb}",
    )


def _decline_metric(side: str) -> Metric:
    who = _side_words(side)
    return Metric(
        key=f"declined_by_{side}",
        name=f"Disagreement resolution declined: {who}",
        definition=(
            f"Times {who} declined to take part in disagreement resolution (it is voluntary, "
            "CFA 2014 s57), by the day they told us."
        ),
        source=Source.DECLINE,
        date_field="declined_on",
        section=Section.KPI if side == Side.LA else Section.CHANGES,
        where=Q(side=side),
        columns=(("Declined", "declined_on"), ("Why", "reason_kind")),
        rows_noun="declines",
    )


def _change_reason_metric(kind: str, reason: str) -> Metric:
    """Meetings cancelled or moved for one reason of the short list (or with none recorded)."""
    verb = "cancelled" if kind == MeetingChange.Kind.CANCELLED else "moved"
    why = lower_first(ChangeReason(reason).label) if reason else "reason not recorded"
    return Metric(
        key=f"{verb}_for_{reason or 'unrecorded'}",
        name=f"Meetings {verb}: {why}",
        definition=(
            f"Meetings {verb} in the period (by the day it was done) for this reason: {why}, "
            "whoever asked."
            if reason
            else f"Meetings {verb} in the period with no reason from the list recorded "
            "(changes made before it was asked)."
        ),
        source=Source.MEETING_CHANGE,
        date_field="at",
        section=Section.CHANGE_REASONS,
        where=Q(kind=kind, reason_kind=reason),
        columns=_CHANGE_COLUMNS,
        rows_noun=f"meetings {verb}",
    )


def _decline_reason_metric(reason: str) -> Metric:
    why = lower_first(DeclineReason(reason).label)
    return Metric(
        key=f"declined_for_{reason}",
        name=f"Disagreement resolution declined: {why}",
        definition=(
            f"Times someone declined to take part in disagreement resolution for this reason: "
            f"{why}, whoever declined (by the day they told us)."
        ),
        source=Source.DECLINE,
        date_field="declined_on",
        section=Section.CHANGE_REASONS,
        where=Q(reason_kind=reason),
        columns=(("Declined", "declined_on"), ("Who", "side"), ("Why", "reason_kind")),
        rows_noun="declines",
    )


def _la_could_not_decide() -> Q:
    """Cases whose final outcome statement puts a decision off to a panel or another decision
    maker (the LA's attendee could not decide: what the reg 37(1) authority check is for)."""
    return Q(
        Exists(DeferredDecision.objects.filter(case_id=OuterRef("pk"), statement__status=_FINAL))
    )


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
    Metric(
        key="changes_by_la",
        name="Meetings cancelled or moved by the LA",
        definition=(
            "Meetings cancelled or moved in the period (by the day it was done) at the local "
            "authority's request. Each cancellation or move counts once."
        ),
        source=Source.MEETING_CHANGE,
        date_field="at",
        section=Section.KPI,
        where=Q(
            kind__in=[MeetingChange.Kind.CANCELLED, MeetingChange.Kind.RESCHEDULED],
            requested_by=Side.LA,
        ),
        columns=(("Asked for", "at"), ("Change", "kind"), ("Why", "reason_kind")),
        rows_noun="meetings cancelled or moved",
    ),
    _decline_metric(Side.LA),
    # Issues in dispute and their results (also counted per issue: the themes table) ----------
    Metric(
        key="issue_on_cases",
        name="Issues in dispute on cases opened",
        definition=(
            "Issues in dispute recorded on cases opened in the period (a case with two issues "
            "counts twice). Per issue: the cases opened in the period that had it."
        ),
        source=Source.CASE_ISSUE,
        date_field="case__opened_at",
        section=Section.ISSUE_THEMES,
        columns=(("Opened", "case__opened_at"), ("Issue", "theme__name")),
        rows_noun="issues",
        per_theme=True,
    ),
    _result_metric(IssueResult.AGREED, "Issues agreed"),
    _result_metric(IssueResult.PARTLY_AGREED, "Issues partly agreed"),
    _result_metric(IssueResult.NOT_AGREED, "Issues not agreed"),
    _result_metric(IssueResult.DEFERRED, "Issues deferred: the LA will decide later"),
    # Decisions the LA could not make ----------------------------------------------------------
    Metric(
        key="la_could_not_decide",
        name="Meetings where the LA could not decide",
        definition=(
            "Meetings (mediation or disagreement resolution) held in the period, and how many "
            "ended with a decision the LA's attendee could not make, put off to a panel or "
            "another decision maker (recorded in the final outcome statement). The LA must send "
            "someone who can decide (SEND Regulations 2014 reg 37(1)): lower is better."
        ),
        source=Source.CASE,
        date_field="mediation_held_on",
        section=Section.DEFERRED,
        where=Q(mediation_held_on__isnull=False),
        met=_la_could_not_decide(),
        columns=_MEETING_COLUMNS,
        rows_noun="meetings",
        own_query=True,  # the met filter holds an EXISTS
        met_words="ended with a decision the LA could not make",
        missed_words="ended with every decision made",
        missed_short="with every decision made",
    ),
    Metric(
        key="deferred_decided_on_time",
        name="Decisions put off that were made by their date",
        definition=(
            "Decisions put off to a panel or another decision maker that fell due in the period "
            "(the date in the final outcome statement), and how many were recorded as made on "
            "or before it. One not yet due is not counted; one still not made after its date "
            "counts as late."
        ),
        source=Source.DEFERRED,
        date_field="decision_due_on",
        section=Section.DEFERRED,
        where=Q(statement__status=_FINAL),
        met=Q(action__done_on__isnull=False, action__done_on__lte=F("decision_due_on")),
        columns=(("Due", "decision_due_on"), ("Made", "action__done_on")),
        rows_noun="decisions put off",
    ),
    # Who asked for meetings to be cancelled or moved, and who declined -----------------------
    *(
        _change_metric(kind, side)
        for kind in (MeetingChange.Kind.CANCELLED, MeetingChange.Kind.RESCHEDULED)
        for side in (*Side.values, "")
    ),
    *(_decline_metric(side) for side in Side.values if side != Side.LA),
    # ... and why (the short lists), whoever asked --------------------------------------------
    *(
        _change_reason_metric(kind, reason)
        for kind in (MeetingChange.Kind.CANCELLED, MeetingChange.Kind.RESCHEDULED)
        for reason in (*ChangeReason.values, "")
    ),
    *(_decline_reason_metric(reason) for reason in DeclineReason.values),
    # SEN2 return: mediation (the SEN2 page; the counts CSV) ------------------------------------
    Metric(
        key="sen2_mediations_held",
        name="Mediation cases held",
        definition=(
            "Mediation cases whose mediation meeting was held in the year (SEND Regulations "
            "2014 regs 32 to 42), whatever the outcome. Each case counts once, by the day the "
            "meeting was held. Disagreement resolution meetings are not mediation and are not "
            "counted."
        ),
        source=Source.CASE,
        date_field="mediation_held_on",
        section=Section.SEN2,
        where=Q(route=Route.MEDIATION.value),
        columns=_MEETING_COLUMNS,
        rows_noun="mediation cases",
    ),
    Metric(
        key="sen2_followed_by_appeal",
        name="Of those, followed by an appeal to the Tribunal",
        definition=(
            "The mediation cases held in the year that were followed by an appeal to the "
            "First-tier Tribunal (SEND): the family told us they appealed. It is recorded when "
            "the case is closed, or later with Record on the case page."
        ),
        source=Source.CASE,
        date_field="mediation_held_on",
        section=Section.SEN2,
        where=Q(route=Route.MEDIATION.value, appeal_lodged=AppealLodged.YES.value),
        columns=(("Meeting held", "mediation_held_on"), ("Appeal", "appeal_lodged")),
        rows_noun="mediation cases",
    ),
    Metric(
        key="sen2_not_appealed",
        name="Of those, not followed by an appeal (as far as we know)",
        definition=(
            "The mediation cases held in the year where the family told us they did not appeal."
        ),
        source=Source.CASE,
        date_field="mediation_held_on",
        section=Section.SEN2,
        where=Q(route=Route.MEDIATION.value, appeal_lodged=AppealLodged.NO.value),
        columns=(("Meeting held", "mediation_held_on"), ("Appeal", "appeal_lodged")),
        rows_noun="mediation cases",
    ),
    Metric(
        key="sen2_appeal_not_known",
        name="Of those, not known whether appealed",
        definition=(
            "The mediation cases held in the year where we do not know whether the family "
            "appealed (recorded as not known, or nothing recorded yet: an open case, or one "
            "closed without asking). While there are any, the appeals figure may be too low: "
            "check these cases before sending the return."
        ),
        source=Source.CASE,
        date_field="mediation_held_on",
        section=Section.SEN2,
        where=Q(route=Route.MEDIATION.value)
        & Q(appeal_lodged__in=[AppealLodged.UNKNOWN.value, ""]),
        columns=(("Meeting held", "mediation_held_on"), ("Appeal", "appeal_lodged")),
        rows_noun="mediation cases",
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

# The themes table: each issue's cases, then its results (per_theme metrics, in this order).
THEME_CASES_KEY = "issue_on_cases"
THEME_RESULT_KEYS = tuple(f"issue_result_{result.value}" for result in IssueResult)
THEME_KEYS = (THEME_CASES_KEY, *THEME_RESULT_KEYS)

# The table of cancellations, moves and declines by who asked: (side, cancelled, moved,
# declined) keys, a row per side and one for changes where who asked was not recorded.
CHANGE_ROWS: tuple[tuple[str, str, str, str | None], ...] = (
    *(
        (side, f"cancelled_by_{side}", f"moved_by_{side}", f"declined_by_{side}")
        for side in Side.values
    ),
    ("", "cancelled_by_unrecorded", "moved_by_unrecorded", None),
)

# The tables of the same by why: (reason, cancelled, moved) keys, a row per reason of the short
# list and one for changes where it was not recorded; (reason, declined) keys.
CHANGE_REASON_ROWS: tuple[tuple[str, str, str], ...] = tuple(
    (reason, f"cancelled_for_{reason or 'unrecorded'}", f"moved_for_{reason or 'unrecorded'}")
    for reason in (*ChangeReason.values, "")
)
DECLINE_REASON_ROWS: tuple[tuple[str, str], ...] = tuple(
    (reason, f"declined_for_{reason}") for reason in DeclineReason.values
)

# The KPIs shown for each LA (a table on the dashboard and in a contract's quarterly report).
KPI_BY_LA_KEYS = ("mediations_held", "la_could_not_decide", "changes_by_la", "declined_by_la")

# The SEN2 page and CSV.
SEN2_KEYS = (
    "sen2_mediations_held",
    "sen2_followed_by_appeal",
    "sen2_not_appealed",
    "sen2_appeal_not_known",
)

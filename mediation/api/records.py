"""A case as the systems around the service see it: one typed record per case, read in bulk.

`case_records(cases)` turns a page of cases into CaseRecords with a fixed number of queries
whatever the page's size (pinned in tests/test_queries.py). The LA API serialises them
(mediation.api.schemas); the caseload export is meant to flatten the same records into its
columns, so what an LA's system reads and what a spreadsheet holds stay one thing.

What a record holds is deliberately narrow (docs/api.md): codes, dates and references; the
child's name and date of birth and the LA's own reference, which the LA already holds; never
free text (no notes, no key points, no action wording, no reasons) and no other person's
details.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from mediation.cases.models import Case
from mediation.deadlines.clocks import is_met_by_the_service, service_calendar
from mediation.deadlines.labels import deadline_label, status_text
from mediation.deadlines.models import Deadline
from mediation.documents.models import Certificate
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.case_states import ROUTE_LABELS, STATE_LABELS, CaseState, Route
from mediation.domain.deadlines import DeadlineState, agreed_action_code, deadline_status
from mediation.domain.decisions import DECISION_LABELS, DecisionType
from mediation.meetings.models import Meeting
from mediation.outcomes.models import AgreedAction, OutcomeStatement

# The dated events of a case, as the API names them (the Case field of each).
KEY_DATE_FIELDS: tuple[str, ...] = (
    "adviser_contacted_on",
    "mediation_declined_on",
    "la_informed_on",
    "health_body_notified_on",
    "la_unable_to_arrange_notified_on",
    "everyone_agreed_on",
    "meeting_planned_on",
    "meeting_confirmation_sent_on",
    "mediation_held_on",
    "mediation_concluded_on",
    "agreement_made_on",
    "outcome_circulated_on",
    "certificate_issued_on",
    "la_decision_changed_on",
)


@dataclass(frozen=True)
class DeadlineRecord:
    code: str
    label: str
    due: date
    rule: str
    met_on: date | None
    # due, due_soon, overdue, met or met_late; the family's appeal deadline is never "met".
    status: str
    status_text: str
    met_by_the_service: bool


@dataclass(frozen=True)
class MeetingRecord:
    starts_at: datetime
    duration_minutes: int
    mode: str
    status: str


@dataclass(frozen=True)
class ActionRecord:
    id: int
    who: str
    kind: str
    section: str
    due: date | None
    # due, due_soon, overdue, done or done_late
    status: str
    done_on: date | None
    new_date_agreed: bool


@dataclass(frozen=True)
class CertificateRecord:
    reference: str
    kind: str
    issued_on: date
    revoked: bool
    revoked_on: date | None


@dataclass(frozen=True)
class ChildRecord:
    first_name: str
    last_name: str
    date_of_birth: date


@dataclass(frozen=True)
class CaseRecord:
    reference: str
    la_reference: str
    local_authority: str
    route: str
    route_label: str
    stage: str
    stage_label: str
    decision_type: str
    decision_label: str
    decision_letter_dated_on: date | None
    decision_notice_sent_on: date | None
    issues: list[str]
    child: ChildRecord
    opened_at: datetime
    closed_at: datetime | None
    changed_at: datetime
    key_dates: dict[str, date | None]
    deadlines: list[DeadlineRecord]
    meeting: MeetingRecord | None
    outcome: str
    outcome_statement_final: bool
    agreed_actions: list[ActionRecord]
    certificates: list[CertificateRecord]


def _deadline_record(row: Deadline, today: date, calendar: WorkingCalendar) -> DeadlineRecord:
    status = deadline_status(
        row.due, row.met_on, today, calendar, settings.DEADLINE_DUE_SOON_WORKING_DAYS
    )
    by_service = is_met_by_the_service(row.code)
    state = status.state
    # The family's own deadline (the appeal) is never overdue for the service, only passed.
    passed = not by_service and state is DeadlineState.OVERDUE
    words = "Passed" if passed else status_text(status)
    return DeadlineRecord(
        code=row.code,
        label=deadline_label(row.code),
        due=row.due,
        rule=row.rule,
        met_on=row.met_on,
        status=state.value,
        status_text=words,
        met_by_the_service=by_service,
    )


def _action_record(
    action: AgreedAction, stored: dict[str, Deadline], today: date, calendar: WorkingCalendar
) -> ActionRecord:
    row = stored.get(agreed_action_code(action.number))
    due = row.due if row is not None else action.effective_agreed_due
    if action.done_on is not None:
        status = "done_late" if due is not None and action.done_on > due else "done"
    elif due is None:
        status = "due"
    else:
        state = deadline_status(
            due, None, today, calendar, settings.DEADLINE_DUE_SOON_WORKING_DAYS
        ).state
        status = state.value
    return ActionRecord(
        id=action.pk,
        who=action.who,
        kind=action.kind,
        section=action.section,
        due=due,
        status=status,
        done_on=action.done_on,
        new_date_agreed=action.varied_due is not None,
    )


def _meeting_record(meetings: list[Meeting]) -> MeetingRecord | None:
    """The booked meeting, or else the latest one (held or cancelled)."""
    if not meetings:
        return None
    booked = [m for m in meetings if m.status == Meeting.Status.BOOKED]
    meeting = booked[0] if booked else max(meetings, key=lambda m: (m.starts_at, m.pk))
    return MeetingRecord(
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        mode=meeting.mode,
        status=meeting.status,
    )


def case_records(
    cases: Sequence[Case], *, today: date | None = None, calendar: WorkingCalendar | None = None
) -> list[CaseRecord]:
    """The record of each case, in the order given. Reads the deadlines, meetings, final
    outcome statements with their actions, and certificates of every case at once."""
    today = today or timezone.localdate()
    calendar = calendar or service_calendar()
    ids = [case.pk for case in cases]
    deadlines: dict[int, list[Deadline]] = defaultdict(list)
    for row in Deadline.objects.filter(case_id__in=ids).order_by("case_id", "position"):
        deadlines[row.case_id].append(row)
    meetings: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in Meeting.objects.filter(case_id__in=ids).only(
        "id", "case_id", "starts_at", "duration_minutes", "mode", "status"
    ):
        meetings[meeting.case_id].append(meeting)
    final = set(
        OutcomeStatement.objects.filter(
            case_id__in=ids, status=OutcomeStatement.Status.FINAL
        ).values_list("case_id", flat=True)
    )
    actions: dict[int, list[AgreedAction]] = defaultdict(list)
    if final:
        # Free text (what was agreed, the evidence) is deferred: it is never read here.
        for action in (
            AgreedAction.objects.filter(case_id__in=final)
            .defer("what", "done_evidence")
            .order_by("case_id", "position", "id")
        ):
            actions[action.case_id].append(action)
    certificates: dict[int, list[Certificate]] = defaultdict(list)
    for certificate in (
        Certificate.objects.filter(case_id__in=ids)
        .only("id", "case_id", "reference", "kind", "issued_on", "revoked_at")
        .order_by("case_id", "issued_on", "id")
    ):
        certificates[certificate.case_id].append(certificate)
    return [
        _case_record(
            case,
            deadlines[case.pk],
            meetings[case.pk],
            case.pk in final,
            actions[case.pk],
            certificates[case.pk],
            today,
            calendar,
        )
        for case in cases
    ]


def _case_record(
    case: Case,
    deadlines: list[Deadline],
    meetings: list[Meeting],
    statement_final: bool,
    actions: list[AgreedAction],
    certificates: list[Certificate],
    today: date,
    calendar: WorkingCalendar,
) -> CaseRecord:
    stored = {row.code: row for row in deadlines}
    decision = case.decision_type
    return CaseRecord(
        reference=case.reference,
        la_reference=case.la_reference,
        local_authority=case.local_authority.code,
        route=case.route,
        route_label=ROUTE_LABELS[Route(case.route)],
        stage=case.status,
        stage_label=STATE_LABELS[CaseState(case.status)],
        decision_type=decision,
        decision_label=DECISION_LABELS[DecisionType(decision)],
        decision_letter_dated_on=case.letter_dated_on,
        decision_notice_sent_on=case.notice_sent_on,
        issues=[
            name
            for name, flag in (
                ("education", case.issue_education),
                ("health", case.issue_health),
                ("social_care", case.issue_social_care),
            )
            if flag
        ],
        child=ChildRecord(
            first_name=case.child_first_name,
            last_name=case.child_last_name,
            date_of_birth=case.child_date_of_birth,
        ),
        opened_at=case.opened_at,
        closed_at=case.closed_at,
        changed_at=case.last_activity_at,
        key_dates={name: getattr(case, name) for name in KEY_DATE_FIELDS},
        deadlines=[_deadline_record(row, today, calendar) for row in deadlines],
        meeting=_meeting_record(meetings),
        outcome=case.outcome,
        outcome_statement_final=statement_final,
        agreed_actions=[_action_record(a, stored, today, calendar) for a in actions],
        certificates=[
            CertificateRecord(
                reference=c.reference,
                kind=c.kind,
                issued_on=c.issued_on,
                revoked=c.revoked_at is not None,
                revoked_on=timezone.localdate(c.revoked_at) if c.revoked_at else None,
            )
            for c in certificates
        ],
    )


def case_record(case: Case, *, today: date | None = None) -> CaseRecord:
    return case_records([case], today=today)[0]


def records_iter(cases: Iterable[Case], *, size: int = 200) -> Iterable[CaseRecord]:
    """Records of many cases, read `size` at a time (for an export of a whole caseload)."""
    batch: list[Case] = []
    calendar = service_calendar()
    for case in cases:
        batch.append(case)
        if len(batch) == size:
            yield from case_records(batch, calendar=calendar)
            batch = []
    if batch:
        yield from case_records(batch, calendar=calendar)

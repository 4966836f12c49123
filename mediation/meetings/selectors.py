"""Reads for meetings, always scoped through the case rules of mediation.cases.selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from mediation.accounts.models import Role, User
from mediation.audit.reads import access_one
from mediation.cases.models import Case, ParticipationDeclined, Party, PartyRole, Side
from mediation.cases.selectors import case_list_for_user
from mediation.common.days import day_bounds
from mediation.common.links import url_for_each
from mediation.common.words import lower_first
from mediation.deadlines.clocks import service_calendar
from mediation.deadlines.models import Deadline
from mediation.domain import attendance as rules
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.cancellations import LaCancellations, la_cancellations
from mediation.domain.case_states import Route
from mediation.domain.deadlines import DeadlineCode
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.domain.meetings import (
    Attendee,
    SlotMatch,
    appeal_deadline_without_certificate,
    appeal_safe_date,
    match_slots,
    role_is_invited,
)
from mediation.meetings.documents import Recipient
from mediation.meetings.models import MediatorCall, Meeting, MeetingChange, MeetingLetter, SlotOffer
from mediation.parties.selectors import attendance_for_parties, parties_with_attendance

NO_MEDIATOR_KEY = "mediator:none"


@dataclass(frozen=True)
class CaseAttendee:
    attendee: Attendee
    party: Party | None
    role_label: str


def case_attendees(case: Case, parties: list[Party] | None = None) -> list[CaseAttendee]:
    """Everyone invited to the case's meeting, and who must be able to come.

    Who attends, and on what basis, is decided once, by the reg 38 rules in mediation.parties:
    a party attending as a party is required (unless recorded as not attending); supporters and
    anyone agreed or allowed by the mediator are invited but optional. A child is invited (as
    someone who may attend) once the parent and the mediator agreed they may come (reg
    38(1)(c)); until then, not at all.
    """
    rows = attendance_for_parties(
        case, parties if parties is not None else parties_with_attendance(case)
    )
    people = []
    for row in rows:
        p = row.party
        required = row.basis == rules.Basis.PARTY and row.status != rules.Status.NOT_ATTENDING
        if not (required or row.attending):
            continue
        if not role_is_invited(p.role) and not row.attending:
            continue
        people.append(
            CaseAttendee(Attendee(f"party:{p.pk}", p.name, required), p, p.get_role_display())
        )
    if case.mediator is not None:
        people.append(
            CaseAttendee(
                Attendee(f"mediator:{case.mediator_id}", case.mediator.display_name, True),
                None,
                "Mediator",
            )
        )
    else:
        people.append(
            CaseAttendee(Attendee(NO_MEDIATOR_KEY, "Mediator (not assigned yet)", True), None, "")
        )
    return people


def adult_helping(child: Party, parties: list[Party]) -> Party | None:
    """Who a child's letters and calls go through when the child has no address or email of
    their own: their supporter, else the family's main contact, else any parent or carer."""
    supporter = next((p for p in parties if p.supports_id == child.pk), None)
    if supporter is not None:
        return supporter
    family = [p for p in parties if p.role in rules.FAMILY_ROLES]
    return next((p for p in family if p.is_main_contact), family[0] if family else None)


def case_recipients(case: Case) -> list[tuple[Recipient, Party | None]]:
    """Who gets a confirmation: every invited party and the assigned mediator. A child who may
    attend gets theirs in words for them, sent to them or to the adult helping them."""
    recipients: list[tuple[Recipient, Party | None]] = []
    parties = parties_with_attendance(case)
    for person in case_attendees(case, parties):
        if person.party is not None:
            p = person.party
            if p.role == PartyRole.CHILD and not (p.email or p.address):
                helper = adult_helping(p, parties)
                if helper is None:
                    continue
                recipient = Recipient(
                    person.attendee.key,
                    helper.name,
                    helper.email,
                    person.attendee.required,
                    helper.address,
                    for_child=p.name,
                )
                recipients.append((recipient, helper))
                continue
            recipients.append(
                (
                    Recipient(
                        person.attendee.key,
                        p.name,
                        p.email,
                        person.attendee.required,
                        p.address,
                        for_child=p.name if p.role == PartyRole.CHILD else "",
                    ),
                    p,
                )
            )
        elif case.mediator is not None:
            recipients.append(
                (
                    Recipient(
                        person.attendee.key, case.mediator.display_name, case.mediator.email, True
                    ),
                    None,
                )
            )
    return recipients


def who_will_be_there(case: Case, *, with_names: bool) -> list[str]:
    """Everyone invited to the meeting: roles only for emails (names stay behind the sign-in),
    names and roles for letters and the portal."""
    people = []
    for recipient, party in case_recipients(case):
        if party is None:
            # After a name the explanation follows a comma: "(mediator (the ...))" read badly.
            role = "Mediator, the independent person who runs the meeting"
            if not with_names:
                role = "Mediator (the independent person who runs the meeting)"
        else:
            role = party.get_role_display()
        people.append(f"{recipient.name} ({lower_first(role)})" if with_names else role)
    # Without names, one line per role: two parents are one "Parent or carer".
    return people if with_names else list(dict.fromkeys(people))


def case_mediation_by(case: Case) -> date | None:
    return (
        Deadline.objects.filter(case=case, code=DeadlineCode.MEDIATION_BY)
        .values_list("due", flat=True)
        .first()
    )


def case_appeal_safe(case: Case, calendar: WorkingCalendar) -> tuple[date | None, date | None]:
    """(appeal deadline without a certificate, appeal-safe date), or (None, None) without a
    right of appeal or a known notice date."""
    if case.decision_type not in APPEALABLE_DECISIONS or case.notice_sent_on is None:
        return None, None
    deadline = appeal_deadline_without_certificate(
        decision_type=case.decision_type, notice_sent=case.notice_sent_on, calendar=calendar
    )
    return deadline, appeal_safe_date(deadline, calendar)


@dataclass(frozen=True)
class SlotRow:
    slot: SlotOffer
    match: SlotMatch


@dataclass(frozen=True)
class SlotBoard:
    attendees: list[CaseAttendee]
    rows: list[SlotRow]
    mediation_by: date | None
    appeal_deadline: date | None
    appeal_safe: date | None

    @property
    def working_rows(self) -> list[SlotRow]:
        return [r for r in self.rows if r.match.works_for_required]


_READ = object()  # "not given: read it here" (None is a real value of mediation_by)


def slot_board(
    case: Case,
    *,
    parties: list[Party] | None = None,
    calendar: WorkingCalendar | None = None,
    mediation_by: date | None | object = _READ,
) -> SlotBoard:
    """The offered slots with everyone's answers and which slots work.

    The case page passes what it has already read for its other panels: the parties (as
    loaded by mediation.parties.selectors.parties_with_attendance), the working calendar and
    the stored "mediation by" deadline (None if the case has none)."""
    calendar = calendar or service_calendar()
    attendees = case_attendees(case, parties)
    slots = list(case.slot_offers.prefetch_related("answers"))
    answers: dict[tuple[str, str], bool] = {}
    for slot in slots:
        for answer in slot.answers.all():
            answers[(str(slot.pk), answer.attendee_key)] = answer.available
    if mediation_by is _READ:
        mediation_by = case_mediation_by(case)
    assert mediation_by is None or isinstance(mediation_by, date)
    appeal_deadline, safe = case_appeal_safe(case, calendar)
    matches = match_slots(
        [(str(s.pk), s.local_start.date()) for s in slots],
        [a.attendee for a in attendees],
        answers,
        mediation_by=mediation_by,
        appeal_safe=safe,
    )
    return SlotBoard(
        attendees=attendees,
        rows=[SlotRow(s, m) for s, m in zip(slots, matches, strict=True)],
        mediation_by=mediation_by,
        appeal_deadline=appeal_deadline,
        appeal_safe=safe,
    )


def access_slot(case: Case, slot_id: int) -> SlotOffer:
    return access_one(case.slot_offers.all(), slot_id, not_found="No such slot")


def access_meeting(case: Case, meeting_id: int) -> Meeting:
    return access_one(case.meetings.select_related("case"), meeting_id, not_found="No such meeting")


def access_call(case: Case, call_id: int) -> MediatorCall:
    return access_one(
        MediatorCall.objects.select_related("meeting", "meeting__case", "party").filter(
            meeting__case=case
        ),
        call_id,
        not_found="No such call",
        case_id=case.pk,
    )


def access_letter(case: Case, letter_id: int) -> MeetingLetter:
    return access_one(
        MeetingLetter.objects.select_related("party").filter(meeting__case=case),
        letter_id,
        not_found="No such letter",
        case_id=case.pk,
    )


def meeting_status_label(meeting: Meeting, case: Case) -> str:
    """The meeting as the case page shows it: "Booked", "Held" (once the case records that it
    took place, the same fact the family's tracker reads) or "Cancelled"."""
    if case.mediation_held_on is not None and meeting.is_booked:
        return "Held"
    if not meeting.is_booked or case.meeting_planned_on is None:
        return "Cancelled"
    return "Booked"


def meeting_current(case: Case) -> Meeting | None:
    """The booked meeting, else the most recently cancelled one. It carries `la_changes`: how
    often the LA asked to cancel or move any of the case's meetings (none without a meeting),
    so the case page counts them in the same query."""
    la_changes = (
        MeetingChange.objects.filter(
            meeting__case=OuterRef("case_id"),
            requested_by=Side.LA,
            kind__in=[MeetingChange.Kind.CANCELLED, MeetingChange.Kind.RESCHEDULED],
        )
        .order_by()
        .values("meeting__case")
        .annotate(times=Count("pk"))
        .values("times")
    )
    return (
        case.meetings.annotate(la_changes=Coalesce(Subquery(la_changes), 0))
        .order_by("status", "-booked_at", "-id")
        .first()
    )


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    if user.is_authenticated and user.is_active and user.sees_all_cases:
        # The same rule as case_list_for_user, without a subquery over every case.
        return Meeting.objects.all()
    cases = case_list_for_user(user=user)
    return Meeting.objects.filter(case__in=cases.values("pk"))


def meetings_between(
    *, user: User, start: date, end: date, mediator_id: int | None = None
) -> list[Meeting]:
    """Booked meetings from `start` up to and including `end` that the user may see."""
    from_instant, until_instant = day_bounds(start, end)
    meetings = meetings_visible_to(user).filter(
        status=Meeting.Status.BOOKED, starts_at__gte=from_instant, starts_at__lt=until_instant
    )
    if mediator_id:
        meetings = meetings.filter(case__mediator_id=mediator_id)
    return list(
        meetings.select_related("case", "case__mediator")
        # Only what the calendar shows (see calendar_days): a week can hold hundreds of
        # meetings, and whole case and user rows cost more to load than the page.
        .only(*_CALENDAR_FIELDS)
        .order_by("starts_at", "id")
    )


_CALENDAR_FIELDS = (
    "starts_at",
    "duration_minutes",
    "mode",
    "case__reference",
    "case__mediator__username",
    "case__mediator__first_name",
    "case__mediator__last_name",
)


@dataclass(frozen=True)
class CalendarEntry:
    """One booked meeting as the calendar lists it, worked out once in Python so that the
    template only prints (hundreds of meetings in a busy week)."""

    start: str  # local time, "09:30"
    end: str
    url: str
    reference: str
    mode: str
    mediator: str | None  # None if the case has no mediator


def calendar_days(meetings: list[Meeting]) -> dict[date, list[CalendarEntry]]:
    """The meetings (from meetings_between) by local day, in the order given."""
    meeting_url = url_for_each("meetings:detail")
    by_day: dict[date, list[CalendarEntry]] = {}
    for meeting in meetings:
        start = timezone.localtime(meeting.starts_at)
        end = timezone.localtime(meeting.ends_at)
        reference = meeting.case.reference
        mediator = meeting.case.mediator
        by_day.setdefault(start.date(), []).append(
            CalendarEntry(
                start=f"{start:%H:%M}",
                end=f"{end:%H:%M}",
                url=meeting_url(reference),
                reference=reference,
                mode=meeting.get_mode_display(),
                mediator=mediator.display_name if mediator is not None else None,
            )
        )
    return by_day


def mediators_for_filter() -> QuerySet[User]:
    return User.objects.filter(role=Role.MEDIATOR, is_active=True).order_by(
        "first_name", "last_name"
    )


def calls_for_mediator(*, user: User, limit: int = 20) -> list[MediatorCall]:
    """The mediator's calls still to make before their booked meetings, soonest due first."""
    if not user.is_authenticated or not user.is_mediator:
        return []
    return list(
        MediatorCall.objects.filter(
            meeting__status=Meeting.Status.BOOKED,
            meeting__case__mediator=user,
            called_on__isnull=True,
        )
        .select_related("meeting", "meeting__case", "party")
        .order_by("due_on", "id")[:limit]
    )


# Who asked for changes, and who declined to take part ------------------------------------------


@dataclass(frozen=True)
class ChangesAndDeclines:
    """The meetings panel's note on who cancelled or moved the meeting, and who declined."""

    la_changes: int
    effect: LaCancellations | None
    declines: list[ParticipationDeclined]


def changes_and_declines(
    case: Case,
    *,
    mediation_by: date | None,
    today: date | None = None,
    meeting: Meeting | None | object = _READ,
) -> ChangesAndDeclines:
    """How often the LA asked to cancel or move the case's meeting, what that means for the
    30-day limit and the deemed certificate (mediation.domain.cancellations), and for
    disagreement resolution who declined to take part. Two queries at most; none for the count
    when `meeting` (as `meeting_current` read it, None if the case has none) is given."""
    today = today or timezone.localdate()
    if meeting is _READ:
        meeting = meeting_current(case)
    assert meeting is None or isinstance(meeting, Meeting)
    # `la_changes` is annotated by meeting_current (a meeting read otherwise counts as none).
    la_changes: int = getattr(meeting, "la_changes", 0) if meeting is not None else 0
    effect = None
    if case.route == Route.MEDIATION:
        effect = la_cancellations(
            times=la_changes,
            today=today,
            mediation_by=mediation_by,
            mediation_held=case.mediation_held_on is not None,
            la_said_unable_on=case.la_unable_to_arrange_notified_on,
            health_only=case.issue_health and not (case.issue_education or case.issue_social_care),
        )
    declines = list(case.declines.all()) if case.route == Route.DISAGREEMENT_RESOLUTION else []
    return ChangesAndDeclines(la_changes=la_changes, effect=effect, declines=declines)

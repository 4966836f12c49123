"""Everything that writes slots, answers, meetings and calls.

Booking and cancelling go through the case workflow (`case_take_step`, steps BOOK_MEETING and
CANCEL_MEETING), so the case's state and its deadlines stay right; a step that is not offered or
is blocked is refused with the workflow's reason, and a meeting date the case's facts refuse
(before the LA was told, say) is refused with the field named. Moving a meeting records the new
date through the key dates service for the same reason. Each service is one transaction with
one line in the case's history and one audit event; messages are stored in it and sent after it
commits (mediation.notifications).

Days: a date that is not a working day (weekend, bank holiday, closure day) is offered or moved
to only with a reason ("yes, this date"); the mediator's calls always fall on working days.
Moving a meeting asks everyone again: the new date is offered as a slot (the portal asks the
parties who use it), with a "can come" answer recorded for each person who confirmed by phone,
and everyone is told.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.cases.models import Case, ChangeReason, ContactPreference, Party, Side
from mediation.common.errors import ServiceError
from mediation.common.words import lower_first
from mediation.deadlines.clocks import service_calendar
from mediation.documents.models import DocumentKind
from mediation.documents.services import document_store
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.case_states import CaseState, Step
from mediation.domain.dates import format_day, format_day_long
from mediation.domain.meetings import (
    call_due,
    enough_notice,
    meeting_notice_by,
    non_working_day_reason,
)
from mediation.meetings import documents
from mediation.meetings.models import (
    MediatorCall,
    Meeting,
    MeetingChange,
    MeetingLetter,
    MeetingMode,
    SlotAnswer,
    SlotOffer,
)
from mediation.meetings.selectors import (
    NO_MEDIATOR_KEY,
    case_attendees,
    case_recipients,
    who_will_be_there,
)
from mediation.notifications.models import Message
from mediation.notifications.services import message_queue
from mediation.timeline.models import TimelineKind
from mediation.timeline.services import timeline_record
from mediation.webhooks.models import EventKind
from mediation.webhooks.services import webhook_event_record
from mediation.workflow.services import Recorded, case_key_dates_update, case_take_step

DETAIL_FIELDS = ("online_link", "venue_name", "venue_address", "access_details", "phone_details")


def _event_data(meeting: Meeting) -> dict[str, Any]:
    """What an LA's system is told about a meeting (mediation.webhooks): when, how long, how."""
    return {
        "starts_at": meeting.starts_at.isoformat(),
        "duration_minutes": meeting.duration_minutes,
        "mode": meeting.mode,
        "sequence": meeting.sequence,
    }


def short_notice_refusal(meeting_date: date, today: date) -> str:
    latest = meeting_notice_by(meeting_date, service_calendar())
    return (
        f"The meeting on {format_day_long(meeting_date)} is less than 5 working days away: "
        f"everyone had to be told by {format_day_long(latest)}. Book it only if the family "
        "agrees to shorter notice, and record that they agreed (SEND Regulations 2014 reg 37(2))."
    )


def _check_notice(meeting_date: date, today: date, consent: bool) -> None:
    if not consent and not enough_notice(meeting_date, today, service_calendar()):
        raise ServiceError(
            field_messages=[("short_notice_consent", short_notice_refusal(meeting_date, today))]
        )


def non_working_day_refusal(day: date, calendar: WorkingCalendar) -> str | None:
    """Why a meeting on `day` needs a reason, in words, or None on a working day."""
    why = non_working_day_reason(day, calendar)
    if why is None:
        return None
    return (
        f"{why}. To hold the meeting then, tick “Yes, hold it on this date” and say why this "
        "day suits everyone."
    )


def _check_day(day: date, reason: str) -> None:
    refusal = non_working_day_refusal(day, service_calendar())
    if refusal and not reason.strip():
        raise ServiceError(field_messages=[("non_working_day_reason", refusal)])


def _check_who_and_why(requested_by: str, reason_kind: str) -> None:
    """Who asked for a cancellation or move, and why from the short list: each is one of its
    list, or "" where it was not recorded (a caller that does not ask, such as an import)."""
    refusals = []
    if requested_by and requested_by not in Side.values:
        refusals.append(("requested_by", "Choose who asked for the change from the list."))
    if reason_kind and reason_kind not in ChangeReason.values:
        refusals.append(("reason_kind", "Choose the reason from the list."))
    if refusals:
        raise ServiceError(field_messages=refusals)


def who_and_why_line(requested_by: str, reason_kind: str) -> str:
    """For the case's history: "asked by the local authority: illness or an emergency"."""
    if not requested_by:
        return ""
    line = f"asked by {lower_first(Side(requested_by).label)}"
    if reason_kind:
        line += f": {lower_first(ChangeReason(reason_kind).label)}"
    return line


def _check_details(mode: str, details: dict[str, Any]) -> None:
    if mode == MeetingMode.ONLINE and not details.get("online_link"):
        raise ServiceError("Give the link to join the online meeting.")
    if mode == MeetingMode.VENUE and not details.get("venue_name"):
        raise ServiceError("Give the name of the venue.")
    if mode == MeetingMode.PHONE and not details.get("phone_details"):
        raise ServiceError("Say how people join the phone call.")


@transaction.atomic
def slot_offer_add(
    *,
    case: Case,
    by: User,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    non_working_day_reason: str = "",
    request: HttpRequest | None = None,
) -> SlotOffer:
    """Offer a date and time to everyone (the portal asks the parties who use it). A day that is
    not a working day needs the reason it was chosen."""
    if not case.is_open:
        raise ServiceError("The case is closed.")
    day = timezone.localtime(starts_at).date()
    _check_day(day, non_working_day_reason)
    slot = SlotOffer.objects.create(
        case=case,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        non_working_day_reason=non_working_day_reason.strip()
        if non_working_day_refusal(day, service_calendar())
        else "",
        created_by=by,
    )
    audit_record(actor=by, verb="meeting.slot_add", target=slot, case_id=case.pk, request=request)
    return slot


@transaction.atomic
def slot_answers_record(
    *,
    slot: SlotOffer,
    by: User,
    answers: dict[str, bool | None],
    request: HttpRequest | None = None,
) -> int:
    """Record each attendee's answer for one slot (key -> True/False; None clears it). Returns
    how many answers changed; nothing is written (not even an audit event) when none did."""
    case = slot.case
    known = {a.attendee.key for a in case_attendees(case)} - {NO_MEDIATOR_KEY}
    current = {answer.attendee_key: answer.available for answer in slot.answers.all()}
    changed = 0
    for key, available in answers.items():
        if key not in known:
            raise ServiceError("That person is not invited to this meeting.")
        if current.get(key) == available:
            continue
        changed += 1
        kind, _, pk = key.partition(":")
        lookup: dict[str, Any] = (
            {"party_id": int(pk)} if kind == "party" else {"mediator_id": int(pk)}
        )
        if available is None:
            SlotAnswer.objects.filter(slot=slot, **lookup).delete()
            continue
        SlotAnswer.objects.update_or_create(
            slot=slot,
            **lookup,
            defaults={"available": available, "recorded_by": by, "recorded_at": timezone.now()},
        )
    if changed:
        audit_record(
            actor=by,
            verb="meeting.answers_record",
            target=slot,
            case_id=case.pk,
            request=request,
            detail={"changed": changed},
        )
    return changed


@transaction.atomic
def meeting_book(
    *,
    case: Case,
    slot: SlotOffer,
    by: User,
    details: dict[str, Any],
    short_notice_consent: bool,
    expected_state: CaseState,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> Meeting:
    """Book an offered slot: the workflow's BOOK_MEETING step, the Meeting, the mediator's calls,
    and a written confirmation to everyone (email with invitation; letters to print). The
    family's consent to shorter notice is recorded on the case (reg 37(2))."""
    today = today or timezone.localdate()
    if slot.case_id != case.pk:
        raise ServiceError("That slot is not on this case.")
    meeting_date = slot.local_start.date()
    if meeting_date < today:
        raise ServiceError("That slot is in the past. Offer a new date.")
    consent = short_notice_consent and not enough_notice(meeting_date, today, service_calendar())
    _check_notice(meeting_date, today, short_notice_consent)
    _check_day(meeting_date, slot.non_working_day_reason)
    _check_details(slot.mode, details)
    if Meeting.objects.filter(case=case, status=Meeting.Status.BOOKED).exists():
        raise ServiceError("A meeting is already booked. Reschedule it instead.")
    meeting = Meeting.objects.create(
        case=case,
        slot=slot,
        starts_at=slot.starts_at,
        duration_minutes=slot.duration_minutes,
        mode=slot.mode,
        short_notice_consent=consent,
        non_working_day_reason=slot.non_working_day_reason,
        booked_by=by,
        **{name: details.get(name, "") for name in DETAIL_FIELDS},
    )
    MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChange.Kind.BOOKED,
        sequence=0,
        new_starts_at=meeting.starts_at,
        by=by,
    )
    lines = []
    if consent:
        lines.append("The family agreed to less than 5 working days' notice of the meeting")
    _calls_create(meeting, today)
    lines.append(_notify(meeting, MeetingChange.Kind.BOOKED, by=by, today=today))
    case_take_step(
        case=case,
        step=Step.BOOK_MEETING,
        by=by,
        data={"on": meeting_date},
        expected_state=expected_state,
        request=request,
        also={"meeting_confirmation_sent_on": today, "short_notice_agreed": consent},
        recorded=Recorded(
            verb="meeting.book",
            target=meeting,
            lines=lines,
            detail={"sequence": 0, "short_notice_consent": consent},
        ),
    )
    webhook_event_record(case=case, kind=EventKind.MEETING_BOOKED, data=_event_data(meeting))
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    by: User,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    details: dict[str, Any],
    reason: str,
    short_notice_consent: bool,
    confirmed_by_phone: list[str] | None = None,
    non_working_day_reason: str = "",
    requested_by: str = "",
    reason_kind: str = "",
    today: date | None = None,
    request: HttpRequest | None = None,
) -> Meeting:
    """Move a booked meeting: same UID, SEQUENCE + 1, a new METHOD:REQUEST to everyone.

    Everyone required is asked again whether the new date suits them: the new date becomes an
    offered slot, with "can come" recorded for each attendee (key) in `confirmed_by_phone`, and
    the others asked (the portal asks the parties who use it; the letters and emails ask too).
    `requested_by` (a Side) and `reason_kind` (a ChangeReason) say who asked and why.
    """
    today = today or timezone.localdate()
    meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    if not meeting.is_booked:
        raise ServiceError("This meeting has been cancelled. Book a new one instead.")
    if meeting.case.status != CaseState.MEETING_BOOKED:
        raise ServiceError(
            f"The case is now “{meeting.case.get_status_display()}”: the meeting cannot be moved."
        )
    if not reason.strip():
        raise ServiceError(field_messages=[("reason", "Give the reason for moving the meeting.")])
    _check_who_and_why(requested_by, reason_kind)
    new_date = timezone.localtime(starts_at).date()
    if new_date < today:
        raise ServiceError(field_messages=[("on", "The new date is in the past.")])
    consent = short_notice_consent and not enough_notice(new_date, today, service_calendar())
    _check_notice(new_date, today, short_notice_consent)
    _check_day(new_date, non_working_day_reason)
    _check_details(mode, details)
    confirmed = set(confirmed_by_phone or ())
    attendees = {a.attendee.key for a in case_attendees(meeting.case)} - {NO_MEDIATOR_KEY}
    if not confirmed <= attendees:
        raise ServiceError("Choose people who are invited to this meeting.")
    old = meeting.starts_at
    slot = SlotOffer.objects.create(
        case=meeting.case,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        non_working_day_reason=non_working_day_reason.strip()
        if non_working_day_refusal(new_date, service_calendar())
        else "",
        created_by=by,
    )
    for key in sorted(confirmed):
        kind, _, pk = key.partition(":")
        who = {"party_id": int(pk)} if kind == "party" else {"mediator_id": int(pk)}
        SlotAnswer.objects.create(slot=slot, available=True, recorded_by=by, **who)
    meeting.slot = slot
    meeting.sequence += 1
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.mode = mode
    meeting.short_notice_consent = consent
    meeting.non_working_day_reason = slot.non_working_day_reason
    for name in DETAIL_FIELDS:
        setattr(meeting, name, details.get(name, ""))
    meeting.save()
    MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChange.Kind.RESCHEDULED,
        sequence=meeting.sequence,
        old_starts_at=old,
        new_starts_at=starts_at,
        requested_by=requested_by,
        reason_kind=reason_kind,
        reason=reason,
        by=by,
    )
    moved = (
        f"Meeting moved from {format_day(timezone.localtime(old).date())} to {format_day(new_date)}"
    )
    if requested_by:
        moved += f", {who_and_why_line(requested_by, reason_kind)}"
    due = call_due(new_date, today, service_calendar())
    meeting.calls.filter(called_on__isnull=True).update(due_on=due)
    told = _notify(
        meeting,
        MeetingChange.Kind.RESCHEDULED,
        by=by,
        today=today,
        reason=reason,
        reason_kind=reason_kind,
        confirmed=confirmed,
    )
    waiting = len(attendees - confirmed)
    asked = (
        f"{len(confirmed)} confirmed the new date by phone; {waiting} asked whether it suits them"
        if waiting
        else "Everyone confirmed the new date by phone"
    )
    lines = [moved, asked, told]
    if consent:
        lines.append("The family agreed to less than 5 working days' notice of the meeting")
    case_key_dates_update(
        case=meeting.case,
        by=by,
        changes={
            "meeting_planned_on": new_date,
            "meeting_confirmation_sent_on": today,
            "short_notice_agreed": consent,
        },
        request=request,
        recorded=Recorded(
            verb="meeting.reschedule",
            target=meeting,
            lines=lines,
            detail={
                "sequence": meeting.sequence,
                "confirmed_by_phone": len(confirmed),
                "requested_by": requested_by,
            },
        ),
    )
    webhook_event_record(
        case=meeting.case,
        kind=EventKind.MEETING_MOVED,
        data={**_event_data(meeting), "previous_starts_at": old.isoformat()},
    )
    return meeting


@transaction.atomic
def meeting_cancel(
    *,
    meeting: Meeting,
    by: User,
    reason: str,
    expected_state: CaseState,
    requested_by: str = "",
    reason_kind: str = "",
    today: date | None = None,
    request: HttpRequest | None = None,
) -> Meeting:
    """Cancel through the workflow's CANCEL_MEETING step; METHOD:CANCEL, SEQUENCE + 1.
    `requested_by` (a Side) and `reason_kind` (a ChangeReason) say who asked and why."""
    today = today or timezone.localdate()
    meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    if not meeting.is_booked:
        raise ServiceError("This meeting is already cancelled.")
    if not reason.strip():
        raise ServiceError(
            field_messages=[("reason", "Give the reason for cancelling the meeting.")]
        )
    _check_who_and_why(requested_by, reason_kind)
    meeting.sequence += 1
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["sequence", "status", "updated_at"])
    MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChange.Kind.CANCELLED,
        sequence=meeting.sequence,
        old_starts_at=meeting.starts_at,
        requested_by=requested_by,
        reason_kind=reason_kind,
        reason=reason,
        by=by,
    )
    meeting.calls.filter(called_on__isnull=True).delete()
    told = _notify(
        meeting,
        MeetingChange.Kind.CANCELLED,
        by=by,
        today=today,
        reason=reason,
        reason_kind=reason_kind,
    )
    case_take_step(
        case=meeting.case,
        step=Step.CANCEL_MEETING,
        by=by,
        data={"reason": reason},
        expected_state=expected_state,
        request=request,
        recorded=Recorded(
            verb="meeting.cancel",
            target=meeting,
            # After the step's own "Meeting cancelled": who asked, and why.
            lines=[f"A{who_and_why_line(requested_by, reason_kind)[1:]}", told]
            if requested_by
            else [told],
            detail={"sequence": meeting.sequence, "requested_by": requested_by},
            kind=TimelineKind.CONTACT,
        ),
    )
    webhook_event_record(
        case=meeting.case, kind=EventKind.MEETING_CANCELLED, data=_event_data(meeting)
    )
    return meeting


@transaction.atomic
def meeting_hand_over(
    *, meeting: Meeting, by: User, note: str, today: date | None = None
) -> Meeting:
    """A booked meeting of a case handed over to another provider (mediation.exchange): no
    longer ours to hold, so it is cancelled here through the workflow's CANCEL_MEETING step, as
    asked by the service because the case was handed over. It leaves the calendar, the calendar
    feeds, the mediator's work and the reminders; the hand-over archive, made before, keeps it
    as it was booked so the next provider can hold it. The people invited are told the meeting
    is not cancelled and that the new provider will contact them (their calendars keep it: no
    cancellation is sent to them); the mediator's invitation is withdrawn."""
    today = today or timezone.localdate()
    meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    if not meeting.is_booked:
        raise ServiceError("This meeting is already cancelled.")
    meeting.sequence += 1
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["sequence", "status", "updated_at"])
    MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChange.Kind.CANCELLED,
        sequence=meeting.sequence,
        old_starts_at=meeting.starts_at,
        requested_by=Side.SERVICE,
        reason_kind=ChangeReason.HANDED_OVER,
        reason=note,
        by=by,
    )
    meeting.calls.filter(called_on__isnull=True).delete()
    told = _tell_handed_over(meeting, by=by, today=today)
    case_take_step(
        case=meeting.case,
        step=Step.CANCEL_MEETING,
        by=by,
        data={"reason": note},
        expected_state=CaseState(meeting.case.status),
        recorded=Recorded(
            verb="meeting.hand_over",
            target=meeting,
            lines=[
                f"A{who_and_why_line(Side.SERVICE, ChangeReason.HANDED_OVER)[1:]}; the "
                f"hand-over archive keeps it as booked for {format_day(meeting.local_start.date())}",
                told,
            ],
            detail={"sequence": meeting.sequence, "requested_by": Side.SERVICE},
            kind=TimelineKind.CONTACT,
        ),
    )
    webhook_event_record(
        case=meeting.case,
        kind=EventKind.MEETING_CANCELLED,
        data={**_event_data(meeting), "handed_over": True},
    )
    return meeting


def _queue_meeting_letter(
    meeting: Meeting,
    party: Party,
    name: str,
    *,
    kind: str,
    key: str,
    subject: str,
    body: str,
    letter: tuple[str, str, bytes],
    by: User,
) -> int:
    """Queue a meeting letter for Letters to post (the PDF goes with the message, so it can be
    printed), keep it as the case's document and record it on the meeting. Idempotent on
    `key`: returns 1 when the letter is new, 0 when it was already queued."""
    title, html, pdf = letter
    message, created = message_queue(
        key=key,
        to_email="",
        to_name=name,
        subject=subject,
        body=body,
        case_id=meeting.case_id,
        channel=Message.Channel.LETTER,
        attachments=[(f"{meeting.case.reference}-meeting-letter.pdf", "application/pdf", pdf)],
    )
    if not created:
        return 0
    document = document_store(
        case=meeting.case,
        kind=DocumentKind.MEETING_LETTER,
        title=f"{title}: letter to {name}",
        html=html,
        pdf=pdf,
        by=by,
    )
    MeetingLetter.objects.create(
        meeting=meeting,
        party=party,
        sequence=meeting.sequence,
        kind=kind,
        message_id=message.pk,
        document=document,
    )
    return 1


def _tell_handed_over(meeting: Meeting, *, by: User, today: date) -> str:
    """Tell everyone invited that the meeting went with the case to the next provider: the
    parties by email or letter (no calendar change), the mediator by email with the calendar
    cancellation. Idempotent on (UID, SEQUENCE, recipient). Returns the line for the history."""
    emails = letters = 0
    for recipient, party in case_recipients(meeting.case):
        base_key = f"meeting:{meeting.uid}:{meeting.sequence}:{recipient.key}"
        body = documents.handed_over_email_body(meeting, recipient, party)
        subject = documents.handed_over_subject(meeting, to_mediator=party is None)
        if recipient.email:
            attachments = []
            if party is None:
                ics = documents.meeting_ics(
                    meeting, kind=MeetingChange.Kind.CANCELLED, attendees=[recipient]
                )
                attachments = [("meeting.ics", "text/calendar; method=CANCEL; charset=utf-8", ics)]
            _message, created = message_queue(
                key=f"{base_key}:email",
                to_email=recipient.email,
                to_name=recipient.name,
                subject=subject,
                body=body,
                case_id=meeting.case_id,
                attachments=attachments,
            )
            emails += created
        if party is not None and _wants_letter(party):
            title, html, pdf = documents.handed_over_letter_pdf(
                meeting, recipient, party, today=format_day(today)
            )
            letters += _queue_meeting_letter(
                meeting,
                party,
                recipient.name,
                kind=MeetingChange.Kind.CANCELLED,
                key=f"{base_key}:letter",
                subject=subject,
                body=body,
                letter=(title, html, pdf),
                by=by,
            )
    return (
        f"Told that the meeting went with the case to the next provider: {emails} email"
        f"{'s' if emails != 1 else ''}, {letters} letter{'s' if letters != 1 else ''} to print "
        "and post"
    )


@transaction.atomic
def mediator_call_record(
    *,
    call: MediatorCall,
    by: User,
    called_on: date,
    note: str,
    request: HttpRequest | None = None,
) -> MediatorCall:
    call.called_on = called_on
    call.note = note
    call.recorded_by = by
    call.save(update_fields=["called_on", "note", "recorded_by"])
    timeline_record(
        case=call.meeting.case,
        by=by,
        kind=TimelineKind.CONTACT,
        summary=f"Mediator's call before the meeting with {call.party.name}: "
        f"{format_day(called_on)}",
        verb="meeting.call_record",
        target=call,
        request=request,
    )
    return call


@transaction.atomic
def meeting_take_over(
    *,
    case: Case,
    by: User,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    details: dict[str, Any],
    short_notice_consent: bool,
    source: str,
    request: HttpRequest | None = None,
) -> Meeting:
    """A meeting the service that had the case before booked (a hand-over, mediation.exchange):
    kept as it was booked, with nobody told again (they were told then). The case's stage and
    meeting date come from its steps, taken before this; a meeting still ahead gets the
    mediator's calls to make."""
    today = timezone.localdate()
    if mode not in MeetingMode.values:
        raise ServiceError("Say how the meeting is held: online, at a venue or by phone.")
    if case.meeting_planned_on != timezone.localtime(starts_at).date():
        raise ServiceError("The meeting's date is not the one recorded on the case.")
    if Meeting.objects.filter(case=case, status=Meeting.Status.BOOKED).exists():
        raise ServiceError("A meeting is already booked.")
    meeting = Meeting.objects.create(
        case=case,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        short_notice_consent=short_notice_consent,
        booked_by=by,
        **{name: (details.get(name) or "") for name in DETAIL_FIELDS},
    )
    MeetingChange.objects.create(
        meeting=meeting, kind=MeetingChange.Kind.BOOKED, sequence=0, new_starts_at=starts_at, by=by
    )
    if meeting.local_start.date() >= today:
        _calls_create(meeting, today)
    timeline_record(
        case=case,
        by=by,
        summary=f"Meeting on {format_day(meeting.local_start.date())} handed over from {source} "
        "as it was booked there (no one told again)",
        verb="meeting.take_over",
        target=meeting,
        request=request,
    )
    return meeting


def _calls_create(meeting: Meeting, today: date) -> None:
    due = call_due(meeting.local_start.date(), today, service_calendar())
    MediatorCall.objects.bulk_create(
        MediatorCall(meeting=meeting, party=person.party, due_on=due)
        for person in case_attendees(meeting.case)
        if person.party is not None
    )


def _wants_letter(party: Party) -> bool:
    """Parties who prefer letters get one; so does anyone with no email address (a written
    confirmation must reach the family, reg 37(2))."""
    return party.preferred_contact == ContactPreference.LETTER or not party.email


def _notify(
    meeting: Meeting,
    kind: str,
    *,
    by: User,
    today: date,
    reason: str = "",
    reason_kind: str = "",
    confirmed: set[str] | None = None,
) -> str:
    """One message per recipient and channel, idempotent on (UID, SEQUENCE, recipient).
    After a move, those not in `confirmed` (attendee keys) are asked whether the new date suits
    them. Returns the line for the case history: how many emails and letters went.
    An email says why only from the short list (`reason_kind`): what staff typed may name the
    child or the disagreement, so it goes only in the letter, which is posted to the person."""
    recipients = case_recipients(meeting.case)
    roles = who_will_be_there(meeting.case, with_names=False)
    names = who_will_be_there(meeting.case, with_names=True)
    method = documents.ics_method(kind)
    subject = documents.email_subject(meeting, kind)
    emails = letters = 0
    for recipient, party in recipients:
        base_key = f"meeting:{meeting.uid}:{meeting.sequence}:{recipient.key}"
        body = documents.email_body(
            meeting,
            kind,
            recipient.name,
            ChangeReason(reason_kind).label if reason_kind else "",
            party,
            roles,
            for_child=recipient.for_child,
            asked_again=confirmed is not None and recipient.key not in confirmed,
        )
        if recipient.email:
            # Each invitation names only its own recipient: the others' email addresses (the
            # family's, the LA officer's) are not shared through calendar invitations.
            ics = documents.meeting_ics(meeting, kind=kind, attendees=[recipient])
            _message, created = message_queue(
                key=f"{base_key}:email",
                to_email=recipient.email,
                to_name=recipient.name,
                subject=subject,
                body=body,
                case_id=meeting.case_id,
                attachments=[
                    ("meeting.ics", f"text/calendar; method={method}; charset=utf-8", ics)
                ],
            )
            emails += created
        if party is not None and _wants_letter(party):
            title, html, pdf = documents.letter_pdf(
                meeting,
                kind,
                recipient,
                reason,
                today=format_day_long(today),
                party=party,
                who=names,
                asked_again=confirmed is not None and recipient.key not in confirmed,
            )
            letters += _queue_meeting_letter(
                meeting,
                party,
                recipient.name,
                kind=kind,
                key=f"{base_key}:letter",
                subject=subject,
                body=body,
                letter=(title, html, pdf),
                by=by,
            )
    return (
        f"Meeting {lower_first(MeetingChange.Kind(kind).label)}: {emails} email"
        f"{'s' if emails != 1 else ''} with calendar invitation sent, {letters} letter"
        f"{'s' if letters != 1 else ''} to print and post"
    )

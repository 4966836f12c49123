"""Telling people outside the service what is needed from them, by when, and how.

For each thing a party has to do (mediation.portal.to_do) the service sends, once each: a
notice when it appears, a reminder before its date, and a message once the date has passed
(mediation.domain.party_tasks decides which is due). Each message says what is needed, the
date in words, and how: a one-time portal link for those who can do it online, and always the
service's phone number. Subjects and bodies carry the case reference and never the child's
name, the disagreement or anything a person typed (that is behind the link).

How it goes: an email to anyone with an address; a letter to print for those who prefer
letters or have no email but a postal address (listed under Letters to post); a short text as
well for those who prefer texts and gave a mobile number. Someone with none of these is
recorded as "phone", for the case officer to ring.

Each case is worked in one transaction that locks the case row, writes a PartyNotice per
message (unique: a rerun writes nothing) and queues the messages; the outbox's sending lease
then sends each once even if a worker dies mid-send.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mediation.cases.models import Case, ContactPreference, Party
from mediation.common.days import day_bounds
from mediation.common.links import site_url
from mediation.common.pdf import html_to_pdf
from mediation.common.service_details import ServiceContact, service_contact
from mediation.deadlines.clocks import service_calendar
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.case_states import CaseState
from mediation.domain.dates import format_day_long
from mediation.domain.party_tasks import TASK_SUBJECT, PartyTask, Stage, TaskKind, message_due
from mediation.meetings.models import Meeting
from mediation.meetings.selectors import case_attendees
from mediation.notifications.models import SECRET_MARK, Message
from mediation.notifications.services import message_queue
from mediation.notifications.text_backends import texts_enabled
from mediation.notifications.texts import is_mobile, text_queue
from mediation.portal.models import LinkPurpose, PartyNotice
from mediation.portal.services import link_how_words, link_make
from mediation.portal.to_do import ToDo, case_to_do

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NoticeRun:
    cases: int
    messages: int


def day_words(day: date, today: date) -> str:
    """ "Tuesday 3 March" this year, "Tuesday 3 March 2028" another year."""
    words = format_day_long(day)
    return words.removesuffix(f" {today.year}") if day.year == today.year else words


def task_sentence(task: PartyTask) -> str:
    """What is needed, as a sentence."""
    if task.kind == TaskKind.ACTION_DONE:
        return f"Tell us when agreed action {task.action_number} is done."
    return f"{task.what}."


def subject_for(task: PartyTask, stage: Stage, *, reference: str, today: date) -> str:
    what = TASK_SUBJECT[task.kind]
    if task.kind == TaskKind.ACTION_DONE:
        what = f"Tell us when agreed action {task.action_number} is done"
    due = day_words(task.due, today) if task.due else ""
    if stage == Stage.OVERDUE:
        return f"Still needed: {what[0].lower()}{what[1:]} (it was due {due}) – {reference}"
    prefix = "Reminder: " if stage == Stage.REMINDER else ""
    if prefix:
        what = what[0].lower() + what[1:]
    return f"{prefix}{what} by {due} – {reference}"


def _message_context(
    item: ToDo, stage: Stage, *, case: Case, today: date, contact: ServiceContact, online: bool
) -> dict[str, object]:
    task = item.task
    return {
        "task": task,
        "stage": stage,
        "overdue": stage == Stage.OVERDUE,
        "sentence": task_sentence(task),
        "due": format_day_long(task.due) if task.due else "",
        "meeting_day": format_day_long(task.meeting_day) if task.meeting_day else "",
        "is_action": task.kind == TaskKind.ACTION_DONE,
        "reference": case.reference,
        "contact": contact,
        "online": online,
        "link": SECRET_MARK,
        "link_button": link_how_words(_purpose(task))[0],
        "link_lasts": link_how_words(_purpose(task))[1],
        "new_link": site_url(reverse("portal:new-link")),
        "portal": site_url(reverse("portal:start")),
    }


def _purpose(task: PartyTask) -> str:
    return LinkPurpose.CHILD_VIEWS if task.kind == TaskKind.CHILD_VIEWS else LinkPurpose.INVITATION


def _wants_letter(party: Party, email: str) -> bool:
    return bool(party.address.strip()) and (
        party.preferred_contact == ContactPreference.LETTER or not email
    )


def task_letter_pdf(context: dict[str, object], *, party: Party, today: date) -> bytes:
    html = render_to_string(
        "portal/letter_task.html",
        {
            **context,
            "name": party.name,
            "address_lines": [line for line in party.address.splitlines() if line.strip()],
            "today": format_day_long(today),
        },
    )
    return html_to_pdf(html, extra_css=render_to_string("portal/letter_task.css", context))


def _deliver(item: ToDo, stage: Stage, *, case: Case, today: date) -> tuple[list[int], list[str]]:
    """Queue the message(s) for one task and stage; (message ids, channels used)."""
    party, task, access = item.party, item.task, item.access
    contact = service_contact()
    child_views = task.kind == TaskKind.CHILD_VIEWS
    email = access.email if child_views and access is not None else party.email
    due_key = task.due.isoformat() if task.due and stage != Stage.NOTICE else ""
    key = f"party-task:{party.pk}:{task.key}:{stage}:{due_key}"
    subject = subject_for(task, stage, reference=case.reference, today=today)
    ids: list[int] = []
    channels: list[str] = []
    if email:
        secret = ""
        if access is not None:
            _link, secret = link_make(access, purpose=_purpose(task), by=None, revoke_earlier=False)
        context = _message_context(
            item, stage, case=case, today=today, contact=contact, online=bool(secret)
        )
        message, _created = message_queue(
            key=f"{key}:email",
            to_email=email,
            to_name="" if child_views else party.name,
            subject=subject,
            body=render_to_string("portal/email_task.txt", context),
            case_id=case.pk,
            secret=secret,
        )
        ids.append(message.pk)
        channels.append(Message.Channel.EMAIL)
    if not child_views and _wants_letter(party, email):
        context = _message_context(
            item,
            stage,
            case=case,
            today=today,
            contact=contact,
            online=access is not None,
        )
        pdf = task_letter_pdf(context, party=party, today=today)
        message, _created = message_queue(
            key=f"{key}:letter",
            to_email="",
            to_name=party.name,
            subject=subject,
            body=render_to_string("portal/email_task.txt", {**context, "online": False}),
            case_id=case.pk,
            channel=Message.Channel.LETTER,
            attachments=[(f"{case.reference}-{task.kind.value}.pdf", "application/pdf", pdf)],
        )
        ids.append(message.pk)
        channels.append(Message.Channel.LETTER)
    if (
        not child_views
        and party.preferred_contact == ContactPreference.TEXT
        and is_mobile(party.phone)
    ):
        due = day_words(task.due, today) if task.due else ""
        text, _created = text_queue(
            key=f"{key}:text",
            to_phone=party.phone,
            to_name=party.name,
            body=(
                f"{contact.name}: something on case {case.reference} needs your answer by "
                f"{due}. {'See your email, or p' if email else 'P'}hone us on "
                f"{contact.phone or contact.email}."
            ),
            case_id=case.pk,
        )
        if text is not None:
            ids.append(text.pk)
            channels.append(Message.Channel.TEXT)
    return ids, channels or ["phone"]


def _sent_by_task(case: Case) -> dict[tuple[int, str], list[PartyNotice]]:
    found: dict[tuple[int, str], list[PartyNotice]] = {}
    for notice in PartyNotice.objects.filter(case=case):
        found.setdefault((notice.party_id, notice.task_key), []).append(notice)
    return found


@transaction.atomic
def party_notices_send(
    *, case_id: int, today: date | None = None, calendar: WorkingCalendar | None = None
) -> int:
    """Send what is due today about every party's tasks on one case; returns messages queued."""
    today = today or timezone.localdate()
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not case.is_open:
        return 0
    calendar = calendar or service_calendar()
    sent = _sent_by_task(case)
    queued = 0
    for item in case_to_do(case, today=today, calendar=calendar):
        task = item.task
        due_key = task.due.isoformat() if task.due else ""
        already = {
            Stage(n.stage): n.sent_on
            for n in sent.get((item.party.pk, task.key), [])
            if n.stage == Stage.NOTICE or n.due_key == due_key
        }
        stage = message_due(
            task,
            today=today,
            calendar=calendar,
            lead_working_days=settings.PARTY_REMINDER_WORKING_DAYS,
            sent=already,
        )
        if stage is None:
            continue
        ids, channels = _deliver(item, stage, case=case, today=today)
        PartyNotice.objects.create(
            case=case,
            party=item.party,
            task_key=task.key,
            stage=stage,
            due_key="" if stage == Stage.NOTICE else due_key,
            sent_on=today,
            channels=",".join(channels),
            message_ids=ids,
        )
        queued += len(ids)
    return queued


def cases_with_party_tasks() -> list[int]:
    """Open cases where a party may have something to do: dates offered and no meeting yet, a
    booked meeting, a draft statement sent to agree, or agreed actions not done."""
    now = timezone.now()
    return list(
        Case.objects.exclude(status=CaseState.CLOSED)
        .filter(
            Q(slot_offers__starts_at__gt=now)
            | Q(meetings__status="booked")
            | Q(
                outcome_statement__status="draft",
                outcome_statement__agreement_requests__isnull=False,
            )
            | Q(outcome_statement__status="final", agreed_actions__done_on__isnull=True)
        )
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )


def meeting_text_reminders(*, today: date) -> int:
    """The day before each booked meeting, a text to each invited party who prefers texts and
    gave a mobile number (once per meeting and date: a moved meeting gets a new one)."""
    if not texts_enabled():
        return 0
    tomorrow = today + timedelta(days=1)
    start, end = day_bounds(tomorrow, tomorrow)
    contact = service_contact()
    queued = 0
    meetings = Meeting.objects.filter(
        status=Meeting.Status.BOOKED, starts_at__gte=start, starts_at__lt=end
    ).select_related("case")
    for meeting in meetings:
        when = timezone.localtime(meeting.starts_at)
        time_words = f"{when:%-I:%M%p}".lower().replace(":00", "")
        for person in case_attendees(meeting.case):
            party = person.party
            if (
                party is None
                or party.preferred_contact != ContactPreference.TEXT
                or not is_mobile(party.phone)
            ):
                continue
            _text, created = text_queue(
                key=f"meeting-reminder:{meeting.uid}:{meeting.sequence}:{party.pk}",
                to_phone=party.phone,
                to_name=party.name,
                body=(
                    f"{contact.name}: reminder, your mediation meeting is tomorrow, "
                    f"{format_day_long(tomorrow)} at {time_words} (case {meeting.case.reference}). "
                    f"How to join is in your email or letter. Questions: phone "
                    f"{contact.phone or contact.email}."
                ),
                case_id=meeting.case_id,
            )
            queued += created
    return queued


def party_reminders_send(*, today: date | None = None) -> NoticeRun:
    """The daily (or hourly) scan: every case, each in its own transaction, so one case that
    fails is logged and the others still go; then the texts the day before each meeting."""
    today = today or timezone.localdate()
    calendar = service_calendar()
    cases = messages = 0
    for case_id in cases_with_party_tasks():
        try:
            messages += party_notices_send(case_id=case_id, today=today, calendar=calendar)
        except Exception:  # noqa: BLE001 (one case's fault must not stop the others' reminders)
            logger.exception("Party reminders failed for case %s", case_id)
            continue
        cases += 1
    messages += meeting_text_reminders(today=today)
    return NoticeRun(cases=cases, messages=messages)

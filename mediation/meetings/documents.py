"""What people receive about a meeting: the email text, the .ics invitation and the PDF letter.

None of them names the child or says anything about the disagreement: they carry the case
reference, the date and time, and how to join or where to go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from icalendar import Calendar, Event, vCalAddress, vText

from mediation.cases.models import Party
from mediation.common.pdf import html_to_pdf
from mediation.common.service_details import service_contact
from mediation.documents.services import MEETING_LETTER_CODES, letter_wording
from mediation.meetings.models import Meeting, MeetingChange, MeetingMode

LONDON = ZoneInfo("Europe/London")
PRODID = "-//SEND Mediation Case Manager//Meetings//EN"


@dataclass(frozen=True)
class Recipient:
    key: str  # "party:12" or "mediator:3"
    name: str
    email: str
    required: bool
    address: str = ""
    # A child who may attend: their first name, for words written for them (sent to the child,
    # or to the adult helping them when `name` is that adult's).
    for_child: str = ""


def ics_method(kind: str) -> str:
    return "CANCEL" if kind == MeetingChange.Kind.CANCELLED else "REQUEST"


def meeting_summary(meeting: Meeting) -> str:
    return f"Mediation meeting ({meeting.case.reference})"


def meeting_ics(
    meeting: Meeting, *, kind: str, attendees: list[Recipient], now: datetime | None = None
) -> bytes:
    """An iCalendar invitation (RFC 5545/5546) for the meeting as it is now.

    The same UID every time; SEQUENCE is the meeting's; METHOD:REQUEST for a new or moved
    meeting, METHOD:CANCEL with STATUS:CANCELLED for a cancelled one.
    """
    method = ics_method(kind)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(LONDON))
    event.add("dtend", meeting.ends_at.astimezone(LONDON))
    event.add("summary", meeting_summary(meeting))
    event.add("description", how_to_join(meeting))
    event.add("location", meeting.where)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(settings.PROVIDER_NAME)
    event.add("organizer", organizer)
    for person in attendees:
        if not person.email:
            continue
        address = vCalAddress(f"mailto:{person.email}")
        address.params["cn"] = vText(person.name)
        address.params["role"] = vText("REQ-PARTICIPANT" if person.required else "OPT-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", address, encode=False)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def how_to_join(meeting: Meeting) -> str:
    if meeting.mode == MeetingMode.ONLINE:
        return (
            f"The meeting is online. Join with this link: {meeting.online_link}"
            if meeting.online_link
            else "The meeting is online. We will send you the link."
        )
    if meeting.mode == MeetingMode.PHONE:
        return f"The meeting is by phone. {meeting.phone_details}".strip()
    text = f"The meeting is at {meeting.where}."
    if meeting.access_details:
        text += f" Getting there and access: {meeting.access_details}"
    return text


# What to bring, by how the meeting happens.
WHAT_TO_BRING: dict[str, list[str]] = {
    MeetingMode.ONLINE: [
        "a phone, tablet or computer with a camera and microphone",
        "a quiet place where no one else can hear",
        "the local authority's decision letter and any reports or plans you want to talk about",
    ],
    MeetingMode.VENUE: [
        "the local authority's decision letter and any reports or plans you want to talk about",
        "anything you need to be comfortable, like water or medicine",
    ],
    MeetingMode.PHONE: [
        "a phone in a quiet place where no one else can hear",
        "the local authority's decision letter and any reports or plans you want to talk about",
    ],
}


def length_words(minutes: int) -> str:
    """ "2 hours", "1 hour 30 minutes", "45 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest:
        parts.append(f"{rest} minutes")
    return " ".join(parts) or "0 minutes"


def arranged_for(party: Party | None) -> dict[str, str]:
    """The interpreter and the reasonable adjustments recorded for this person."""
    if party is None:
        return {"interpreter": "", "adjustments": ""}
    interpreter = (
        f"We have arranged a {party.interpreter_language or 'language'} interpreter for you."
        if party.interpreter_needed
        else ""
    )
    return {"interpreter": interpreter, "adjustments": party.reasonable_adjustments.strip()}


def _context(
    meeting: Meeting,
    kind: str,
    recipient_name: str,
    reason: str = "",
    party: Party | None = None,
    who: list[str] | None = None,
) -> dict:
    start = meeting.starts_at.astimezone(LONDON)
    end = meeting.ends_at.astimezone(LONDON)
    return {
        **arranged_for(party),
        "contact": service_contact(),
        "length": length_words(meeting.duration_minutes),
        "who": who or [],
        "bring": WHAT_TO_BRING.get(meeting.mode, []),
        "is_party": party is not None,
        "meeting": meeting,
        "kind": kind,
        "reference": meeting.case.reference,
        "name": recipient_name,
        "day": f"{start:%A} {start.day} {start:%B %Y}",
        "start": f"{start:%-I:%M%p}".lower().replace(":00", ""),
        "end": f"{end:%-I:%M%p}".lower().replace(":00", ""),
        "how_to_join": how_to_join(meeting),
        "reason": reason,
        "provider": settings.PROVIDER_NAME,
        "service": settings.SERVICE_NAME,
        "consent": meeting.short_notice_consent,
    }


def email_subject(meeting: Meeting, kind: str) -> str:
    reference = meeting.case.reference
    return {
        MeetingChange.Kind.BOOKED: f"Your mediation meeting is booked ({reference})",
        MeetingChange.Kind.RESCHEDULED: f"Your mediation meeting has moved ({reference})",
        MeetingChange.Kind.CANCELLED: f"Your mediation meeting is cancelled ({reference})",
    }[MeetingChange.Kind(kind)]


CHILD_TITLES = {
    MeetingChange.Kind.BOOKED: "Your meeting",
    MeetingChange.Kind.RESCHEDULED: "Your meeting has a new day",
    MeetingChange.Kind.CANCELLED: "Your meeting is not happening",
}


def email_body(
    meeting: Meeting,
    kind: str,
    recipient_name: str,
    reason: str = "",
    party: Party | None = None,
    who: list[str] | None = None,
    *,
    for_child: str = "",
    asked_again: bool = False,
) -> str:
    """The email's text. `who`: the roles of everyone invited (meetings.selectors.
    who_will_be_there). For a child who may attend, words written for them (to them or to the
    adult helping them); after a move, those who did not confirm the new date are asked."""
    context = _context(meeting, kind, recipient_name, reason, party, who)
    context.update({"child": for_child, "asked_again": asked_again})
    template = "meetings/email_meeting_child.txt" if for_child else "meetings/email_meeting.txt"
    return render_to_string(template, context)


def letter_values(meeting: Meeting, recipient_name: str, reason: str = "") -> dict[str, str]:
    """The values of the placeholders in the letter's wording (mediation.documents.wording)."""
    context = _context(meeting, MeetingChange.Kind.BOOKED, recipient_name, reason)
    return {
        "recipient_name": recipient_name,
        "reference": context["reference"],
        "meeting_day": context["day"],
        "start_time": context["start"],
        "reason": reason,
        "provider": context["provider"],
    }


def letter_pdf(
    meeting: Meeting,
    kind: str,
    recipient: Recipient,
    reason: str = "",
    today: str = "",
    party: Party | None = None,
    who: list[str] | None = None,
    *,
    asked_again: bool = False,
) -> tuple[str, str, bytes]:
    """An A4 letter with the same facts as the email, and the names of who will be there (a
    letter goes to the person's home): (title, html, pdf). Its opening and closing are the
    wording in use (LetterTemplate), the facts come from the template."""
    context = _context(meeting, kind, recipient.name, reason, party, who)
    context.update(
        {
            "address_lines": recipient.address.splitlines(),
            "today": today,
            "asked_again": asked_again,
        }
    )
    if recipient.for_child:
        # Words for a child of 8 to 11, not the managers' wording for adults.
        context.update(
            {"child": recipient.for_child, "title": CHILD_TITLES[MeetingChange.Kind(kind)]}
        )
        html = render_to_string("meetings/letter_child.html", context)
    else:
        context.update(
            letter_wording(
                MEETING_LETTER_CODES[kind], letter_values(meeting, recipient.name, reason)
            )
        )
        html = render_to_string("meetings/letter.html", context)
    css = render_to_string("meetings/letter.css", context)
    return context["title"], html, html_to_pdf(html, extra_css=css)


# A meeting handed over with its case to another provider (mediation.exchange): the people
# invited are told the meeting is not cancelled and who will contact them; the mediator, that it
# is no longer ours to hold.


def handed_over_subject(meeting: Meeting, *, to_mediator: bool) -> str:
    reference = meeting.case.reference
    if to_mediator:
        return f"Mediation meeting handed over to another provider ({reference})"
    return f"Your mediation meeting: now arranged by a new provider ({reference})"


def _handed_over_context(
    meeting: Meeting, recipient: Recipient, party: Party | None
) -> dict[str, object]:
    context = _context(meeting, MeetingChange.Kind.CANCELLED, recipient.name, "", party)
    context.update(
        {
            "authority": meeting.case.local_authority.name,
            "child": recipient.for_child,
            "to_mediator": party is None,
        }
    )
    return context


def handed_over_email_body(meeting: Meeting, recipient: Recipient, party: Party | None) -> str:
    return render_to_string(
        "meetings/email_handed_over.txt", _handed_over_context(meeting, recipient, party)
    )


def handed_over_letter_pdf(
    meeting: Meeting, recipient: Recipient, party: Party, *, today: str
) -> tuple[str, str, bytes]:
    """The same as the email, as a letter (the meeting letter's layout): (title, html, pdf)."""
    context = _handed_over_context(meeting, recipient, party)
    body = handed_over_email_body(meeting, recipient, party)
    # The email's paragraphs between its greeting and its sign-off.
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()][1:-1]
    context.update(
        {
            "kind": "handed_over",
            "title": "Your mediation meeting: now arranged by a new provider",
            "address_lines": recipient.address.splitlines(),
            "today": today,
            "opening": paragraphs,
            "closing": [],
            "who": [],
            "bring": [],
            "interpreter": "",
            "adjustments": "",
        }
    )
    html = render_to_string("meetings/letter.html", context)
    css = render_to_string("meetings/letter.css", context)
    return str(context["title"]), html, html_to_pdf(html, extra_css=css)

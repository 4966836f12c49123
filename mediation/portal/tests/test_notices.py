"""Each step that needs something from a person outside the service: exactly the right people
get a message saying what is needed, by when (a date in words) and how (the portal link and our
phone number), and nobody else; reminders before the date and once it has passed go once each,
however often the scan runs and even if it dies half-way; and they stop once the thing is done.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from mediation.common.tests.pdf_ua import assert_pdf_ua
from mediation.deadlines.clocks import service_calendar
from mediation.domain.case_states import CaseState, Step
from mediation.domain.dates import format_day_long
from mediation.notifications.models import Message
from mediation.portal import notices
from mediation.portal.models import PartyNotice
from mediation.portal.to_do import case_to_do

pytestmark = pytest.mark.django_db

PARENT = "sarah.whitfield@example.com"
LA = "omar.hassan@northfield.example.gov.uk"
INFO = "senco@hollybank.example.sch.uk"
PHONE = "0161 496 0000"


def _task_mail(since: int = 0) -> list:
    """The emails about something to do (not confirmations or invitations), sent since."""
    return [m for m in mail.outbox[since:] if "/portal/link/" in m.body and " by " in m.subject]


def _by_address(messages) -> dict[str, list]:
    found: dict[str, list] = {}
    for message in messages:
        found.setdefault(message.to[0], []).append(message)
    return found


def _assert_says_what_when_how(message, *, what: str, due, reference: str) -> None:
    assert what in message.subject
    assert reference in message.subject and reference in message.body
    day = format_day_long(due)
    assert day.removesuffix(f" {due.year}") in message.subject  # "by Tuesday 3 March"
    assert day in message.body
    assert "/portal/link/" in message.body
    # the button the link's page shows: "Start" on a child's views link, else "Continue"
    assert ("press Start" if "views" in message.subject else "press Continue") in message.body
    assert PHONE in message.body
    for private in ("Isla", "Whitfield", "refused to assess"):
        assert private not in message.subject + message.body


def _inform_la(case, officer):
    from mediation.workflow.services import case_take_step

    return case_take_step(
        case=case,
        step=Step.INFORM_LA,
        by=officer,
        data={"on": timezone.localdate()},
        expected_state=CaseState.MEDIATION_REQUESTED,
    )


def _offer(case, officer, days):
    from mediation.meetings.services import slot_offer_add

    # On a working day (a weekend or bank holiday needs its own "yes, this date").
    calendar, today = service_calendar(), timezone.localdate()
    while not calendar.is_working_day(today + timedelta(days=days)):
        days += 1
    return slot_offer_add(
        case=case,
        by=officer,
        starts_at=timezone.now() + timedelta(days=days),
        duration_minutes=120,
        mode="online",
    )


def _book(case, officer, days=14):
    from mediation.meetings.services import meeting_book

    case = _inform_la(case, officer)
    slot = _offer(case, officer, days)
    return meeting_book(
        case=case,
        slot=slot,
        by=officer,
        details={"online_link": "https://meet.example.org/m-1"},
        short_notice_consent=False,
        expected_state=CaseState.ARRANGING,
    )


def _held(case, officer):
    from mediation.meetings.models import Meeting
    from mediation.workflow.services import case_take_step

    # Held on the day booked, recorded once it ended (not before: the step waits for the day).
    meeting = Meeting.objects.get(case=case, status=Meeting.Status.BOOKED)
    with time_machine.travel(meeting.ends_at):
        case = case_take_step(
            case=case,
            step=Step.RECORD_MEETING_HELD,
            by=officer,
            data={"on": timezone.localdate()},
            expected_state=CaseState.MEETING_BOOKED,
        )
    return case


def test_dates_offered_ask_the_invited_parties_and_nobody_else(invited, case_officer_cal):
    case = invited["parent"].case
    before = len(mail.outbox)
    slot = _offer(case, case_officer_cal, 14)
    sent = _by_address(_task_mail(before))
    # the parent and the LA officer are invited to the meeting; the LA officer is also asked
    # to name the LA's attendee; the school and the child are not asked about dates
    assert sorted(sent) == [LA, PARENT]
    calendar = service_calendar()
    answer_by = min(
        calendar.add_working_days(timezone.localdate(), 3),
        slot.local_start.date() - timedelta(days=1),
    )
    (to_parent,) = sent[PARENT]
    _assert_says_what_when_how(
        to_parent,
        what="Tell us which meeting dates you can come to",
        due=answer_by,
        reference=case.reference,
    )
    subjects = sorted(m.subject.split(" by ")[0] for m in sent[LA])
    assert subjects == [
        "Name the local authority's attendee",
        "Tell us which meeting dates you can come to",
    ]
    # a second date offered the same day joins the first: no second message
    before = len(mail.outbox)
    _offer(case, case_officer_cal, 15)
    assert _task_mail(before) == []


def test_a_booked_meeting_asks_the_school_for_information_and_the_childs_helper_for_views(
    invited, case_officer_cal
):
    case = invited["parent"].case
    before = len(mail.outbox)
    meeting = _book(case, case_officer_cal)
    meeting_day = meeting.local_start.date()
    due = service_calendar().subtract_working_days(meeting_day, 3)
    sent = _by_address(_task_mail(before))
    information = [m for m in sent[INFO] if "information" in m.subject]
    assert len(information) == 1
    _assert_says_what_when_how(
        information[0],
        what="Send your information for the meeting",
        due=due,
        reference=case.reference,
    )
    assert f"The meeting is on {format_day_long(meeting_day)}" in information[0].body
    views = [m for m in sent.get(PARENT, []) if "views" in m.subject]
    assert len(views) == 1  # to the adult helping the child: the child has no email
    _assert_says_what_when_how(
        views[0], what="Share the child's views", due=due, reference=case.reference
    )
    # nobody else is asked for information or views
    for address, messages in sent.items():
        if address != INFO:
            assert not any("information" in m.subject for m in messages)
        if address != PARENT:
            assert not any("views" in m.subject for m in messages)


def test_the_la_is_asked_for_its_attendee_until_it_confirms_one(client, invited, case_officer_cal):
    from mediation.portal.tests.conftest import sign_in

    case = invited["parent"].case
    _offer(case, case_officer_cal, 14)
    asked = [m for m in mail.outbox if m.subject.startswith("Name the local authority")]
    assert [m.to for m in asked] == [[LA]]
    assert "confirm what they can decide" in asked[0].body
    sign_in(client, LA)
    response = client.post(
        f"/portal/c/{case.reference}/attendee/",
        {"who": "me", "issues": ["education"], "confirm": "on"},
    )
    assert response.status_code == 302
    # done: later scans, even in the reminder window and after the date, send nothing more
    PartyNotice.objects.all().delete()
    later = timezone.localdate() + timedelta(days=13)
    with time_machine.travel(later):
        notices.party_reminders_send()
    assert not [m for m in mail.outbox if "local authority's attendee" in m.subject.lower()][1:]


def test_sending_the_draft_statement_asks_each_party_and_a_change_asks_again(
    invited, case_officer_cal
):
    from mediation.outcomes import services as outcome_services
    from mediation.outcomes.models import PartyAgreement

    case = _held(_book(invited["parent"].case, case_officer_cal).case, case_officer_cal)
    outcome_services.statement_save(
        case=case, by=case_officer_cal, key_points="The LA will assess.", outcome="agreed_all"
    )
    before = len(mail.outbox)
    outcome_services.statement_send_for_agreement(case=case, by=case_officer_cal)
    sent = _by_address(_task_mail(before))
    assert sorted(sent) == [LA, PARENT]  # the parties; never the school
    due = service_calendar().add_working_days(timezone.localdate(), 2)
    _assert_says_what_when_how(
        sent[PARENT][0], what="Check the outcome statement", due=due, reference=case.reference
    )
    statement = case.outcome_statement
    parent = invited["parent"].party
    PartyAgreement.objects.create(
        statement=statement,
        party=parent,
        content_hash=statement.content_hash,
        version=statement.version,
        method="portal",
    )
    before = len(mail.outbox)
    outcome_services.statement_save(
        case=case,
        by=case_officer_cal,
        key_points="The LA will assess within 6 weeks.",
        outcome="agreed_all",
    )
    again = _by_address(_task_mail(before))
    assert sorted(again) == [LA, PARENT]
    assert again[PARENT][0].subject.startswith("The outcome statement changed: check it again")
    assert "your agreement no longer counts" in again[PARENT][0].body
    assert again[LA][0].subject.startswith("Check the outcome statement")


def test_an_agreed_action_is_reminded_before_its_date_and_once_overdue(invited, case_officer_cal):
    from mediation.outcomes import services as outcome_services

    case = _held(_book(invited["parent"].case, case_officer_cal).case, case_officer_cal)
    # The statement is written, agreed and made final on the day of the meeting.
    with time_machine.travel(case.mediation_held_on):
        outcome_services.statement_save(
            case=case, by=case_officer_cal, key_points="Agreed.", outcome="agreed_all"
        )
        due = timezone.localdate() + timedelta(days=30)
        action = outcome_services.action_add(
            case=case,
            by=case_officer_cal,
            data={
                "what": "Send the draft plan",
                "who": "la",
                "kind": "not_appealable",
                "section": "F",
                "agreed_due": due,
            },
        )
        statement = case.outcome_statement
        statement.refresh_from_db()
        from mediation.outcomes.models import PartyAgreement
        from mediation.outcomes.selectors import agreeing_parties

        for party in agreeing_parties(case):
            PartyAgreement.objects.create(
                statement=statement,
                party=party,
                content_hash=statement.content_hash,
                version=statement.version,
                method="in_meeting",
                recorded_by=case_officer_cal,
            )
        outcome_services.statement_finalise(case=case, by=case_officer_cal)
    action.refresh_from_db()
    calendar = service_calendar()
    remind_on = calendar.subtract_working_days(due, 2)
    before = len(mail.outbox)
    with time_machine.travel(remind_on - timedelta(days=1)):
        notices.party_reminders_send()
    assert _task_mail(before) == []  # no notice for actions: the reminder comes before the date
    with time_machine.travel(remind_on):
        notices.party_reminders_send()
        notices.party_reminders_send()  # a second run sends nothing more
    reminders = _task_mail(before)
    assert [m.to for m in reminders] == [[LA]]  # the LA's action: the LA officer, nobody else
    # numbered as on the LA's list of agreed actions (its only one), not by its id across cases
    assert reminders[0].subject.startswith("Reminder: tell us when agreed action 1 is done by")
    before = len(mail.outbox)
    with time_machine.travel(due + timedelta(days=1)):
        notices.party_reminders_send()
        notices.party_reminders_send()
    overdue = [m for m in mail.outbox[before:] if m.subject.startswith("Still needed")]
    assert [m.to for m in overdue] == [[LA]]
    assert "That date has passed" in overdue[0].body


def test_reminders_go_once_even_when_the_scan_dies_half_way(invited, case_officer_cal, monkeypatch):
    case = invited["parent"].case
    slot = _offer(case, case_officer_cal, 20)
    first_notices = PartyNotice.objects.count()
    assert first_notices == 3  # dates: parent, LA; the LA's attendee: LA
    remind_on = service_calendar().subtract_working_days(
        min(
            service_calendar().add_working_days(timezone.localdate(), 3),
            slot.local_start.date() - timedelta(days=1),
        ),
        2,
    )
    real_deliver = notices._deliver
    calls = {"n": 0}

    def dies_on_the_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the worker was killed")
        return real_deliver(*args, **kwargs)

    monkeypatch.setattr(notices, "_deliver", dies_on_the_second)
    with time_machine.travel(remind_on):
        run = notices.party_reminders_send()
    assert run.cases == 0  # the case's transaction rolled back whole: nothing half-sent
    assert PartyNotice.objects.count() == first_notices
    monkeypatch.setattr(notices, "_deliver", real_deliver)
    before = len(mail.outbox)
    with time_machine.travel(remind_on):
        notices.party_reminders_send()
        notices.party_reminders_send()
    reminders = [m for m in mail.outbox[before:] if m.subject.startswith("Reminder:")]
    # the answers about the dates are due in 2 working days: a reminder each, once
    assert sorted(m.to[0] for m in reminders) == [LA, PARENT]


def test_a_message_whose_worker_died_mid_send_goes_once(invited, case_officer_cal, settings):
    from mediation.notifications.services import message_send, messages_send_pending

    case = invited["parent"].case
    _offer(case, case_officer_cal, 14)
    message = Message.objects.filter(idempotency_key__startswith="party-task:").first()
    assert message is not None
    # the worker claimed it, then died before recording it as sent
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING,
        sending_started_at=timezone.now()
        - timedelta(seconds=settings.NOTIFICATIONS_SENDING_LEASE_SECONDS + 1),
    )
    before = len(mail.outbox)
    assert message_send(message_id=message.pk) is False  # still "sending": not claimed twice
    messages_send_pending()  # the lease ran out: sent again, once
    messages_send_pending()
    assert len(mail.outbox) == before + 1
    notices.party_reminders_send()  # the scan does not make a second message either
    assert len(mail.outbox) == before + 1


def test_people_who_prefer_letters_get_a_letter_to_print(portal_case, case_officer_cal):
    from mediation.cases.models import Party

    grace = Party.objects.create(
        case=portal_case,
        role="la_representative",
        name="Grace Patel",
        address="County Hall\nNorthfield\nNF1 1AA",
        preferred_contact="letter",
    )
    _offer(portal_case, case_officer_cal, 14)
    letters = Message.objects.filter(channel="letter", idempotency_key__contains=f":{grace.pk}:")
    assert letters.count() == 2  # the dates, and the LA's attendee
    letter = letters.first()
    assert letter is not None
    pdf = bytes(letter.attachments.get().content)
    assert pdf.startswith(b"%PDF") and letter.status == Message.Status.PENDING
    assert_pdf_ua(pdf, title_contains=portal_case.reference)
    assert letter.recipient_name == "Grace Patel"
    assert portal_case.reference in letter.subject


def test_someone_with_only_a_phone_number_is_left_for_the_case_officer_to_ring(
    portal_case, case_officer_cal
):
    from mediation.cases.models import Party

    kim = Party.objects.create(
        case=portal_case,
        role="la_representative",
        name="Kim Lee",
        phone="01632 960 333",
        preferred_contact="phone",
    )
    _offer(portal_case, case_officer_cal, 14)
    noted = PartyNotice.objects.filter(party=kim)
    assert noted.count() == 2 and {n.channels for n in noted} == {"phone"}
    assert not Message.objects.filter(recipient_name="Kim Lee").exists()


def test_texts_for_people_who_prefer_them(portal_case, case_officer_cal, settings):
    from mediation.cases.models import Party

    settings.TEXT_BACKEND = "outbox"
    sam = Party.objects.create(
        case=portal_case,
        role="la_representative",
        name="Sam Patel",
        phone="07700 900123",
        preferred_contact="text",
    )
    _offer(portal_case, case_officer_cal, 14)
    texts = Message.objects.filter(channel="text", recipient_phone="07700 900123")
    assert texts.count() == 2
    text = texts.first()
    assert text is not None
    assert text.status == Message.Status.SENT and text.provider_id.startswith("outbox-text-")
    assert portal_case.reference in text.body and PHONE in text.body
    assert "Sam" not in text.body and len(text.body) <= 306
    settings.TEXT_BACKEND = ""
    assert sam.pk


def test_a_text_the_day_before_the_meeting_for_people_who_prefer_texts(
    invited, case_officer_cal, settings
):
    settings.TEXT_BACKEND = "outbox"
    parent = invited["parent"].party
    parent.preferred_contact = "text"
    parent.phone = "07700 900456"
    parent.save()
    meeting = _book(invited["parent"].case, case_officer_cal)
    day_before = meeting.local_start.date() - timedelta(days=1)
    with time_machine.travel(day_before):
        notices.party_reminders_send()
        notices.party_reminders_send()
    texts = Message.objects.filter(channel="text", idempotency_key__startswith="meeting-reminder:")
    assert [t.recipient_phone for t in texts] == ["07700 900456"]  # once, and only to them
    body = texts.get().body
    assert "tomorrow" in body and format_day_long(meeting.local_start.date()) in body
    assert PHONE in body and "Whitfield" not in body


def test_nothing_is_asked_for_a_meeting_once_its_day_has_passed(invited, case_officer_cal):
    """Found trying the demo as the LA: after the meeting was held, the LA officer was still
    sent "Still needed: name the local authority's attendee" about it (and the school would be
    chased for information, the child's helper for views): a meeting's day passing ends them,
    and the dates offered but not chosen are not asked about again."""
    from mediation.meetings.services import meeting_book

    case = _inform_la(invited["parent"].case, case_officer_cal)
    chosen = _offer(case, case_officer_cal, 14)
    _offer(case, case_officer_cal, 30)  # offered too, not chosen: still ahead after the meeting
    meeting = meeting_book(
        case=case,
        slot=chosen,
        by=case_officer_cal,
        details={"online_link": "https://meet.example.org/m-1"},
        short_notice_consent=False,
        expected_state=CaseState.ARRANGING,
    )
    meeting_day = meeting.local_start.date()
    with time_machine.travel(meeting_day - timedelta(days=1)):
        # the day before, the LA, the school and the child's helper still have these to do
        kinds = {item.task.kind.value for item in case_to_do(meeting.case)}
        assert {"la_attendee", "information", "child_views"} <= kinds
    before = len(mail.outbox)
    with time_machine.travel(meeting_day + timedelta(days=3)):
        notices.party_reminders_send()
        sent = [m.subject for m in mail.outbox[before:]]
        assert sent == []
        assert case_to_do(meeting.case) == []


def test_an_invitation_asking_for_something_before_the_meeting_gives_its_date(
    invited, case_officer_cal
):
    """Found trying the demo as the school: the invitation said "Send us your information for
    the meeting, by Thursday 10 December" and never which day the meeting is (an invitation
    counts as the notice, so the notice that does say it was never sent)."""
    from mediation.portal import services

    meeting = _book(invited["parent"].case, case_officer_cal)
    meeting_day = format_day_long(meeting.local_start.date())
    before = len(mail.outbox)
    services.access_new_link(access=invited["information_provider"], by=case_officer_cal)
    (invitation,) = [m for m in mail.outbox[before:] if m.to == [INFO]]
    assert "Send us your information for the meeting, by " in invitation.body
    assert f"The meeting is on {meeting_day}." in invitation.body


def test_the_childs_views_link_is_described_as_it_works(invited, case_officer_cal):
    """Found trying the demo as the adult helping the child: the email said "press Continue"
    and "The link works once", but the page says Start and the child may come back to it
    until the views are sent (as the form itself tells them)."""
    from mediation.portal import services

    before = len(mail.outbox)
    services.access_new_link(access=invited["child_views"], by=case_officer_cal)
    (email,) = mail.outbox[before:]
    assert "press Start" in email.body and "press Continue" not in email.body
    assert "works once" not in email.body
    assert "You can use the link again until the views are sent" in email.body
    # a reminder about the views says the same
    _book(invited["parent"].case, case_officer_cal)
    (views,) = [m for m in _task_mail(before) if "views" in m.subject]
    assert "press Start" in views.body and "works once" not in views.body


def test_an_agreed_action_is_numbered_as_on_the_partys_list(client, invited, case_officer_cal):
    """Found trying the demo as the LA: the email said "Tell us when agreed action 5 is done"
    (the action's id across all cases) while the LA's list of agreed actions calls it Action 1;
    the list did not mark it overdue either."""
    from mediation.outcomes import services as outcome_services
    from mediation.outcomes.models import PartyAgreement
    from mediation.outcomes.selectors import agreeing_parties
    from mediation.portal.tests.conftest import sign_in

    case = _held(_book(invited["parent"].case, case_officer_cal).case, case_officer_cal)
    with time_machine.travel(case.mediation_held_on):
        outcome_services.statement_save(
            case=case, by=case_officer_cal, key_points="Agreed.", outcome="agreed_all"
        )
        due = timezone.localdate() + timedelta(days=30)

        def add(what, who):
            return outcome_services.action_add(
                case=case,
                by=case_officer_cal,
                data={
                    "what": what,
                    "who": who,
                    "kind": "not_appealable",
                    "section": "F",
                    "agreed_due": due,
                },
            )

        # an action added and removed first, so ids and the list's numbers differ
        add("Removed before the statement was agreed", "school").delete()
        add("Set up a daily check-in", "school")
        la_action = add("Send the draft plan", "la")
        statement = case.outcome_statement
        statement.refresh_from_db()
        for party in agreeing_parties(case):
            PartyAgreement.objects.create(
                statement=statement,
                party=party,
                content_hash=statement.content_hash,
                version=statement.version,
                method="in_meeting",
                recorded_by=case_officer_cal,
            )
        outcome_services.statement_finalise(case=case, by=case_officer_cal)
    assert la_action.pk != 2
    before = len(mail.outbox)
    with time_machine.travel(due + timedelta(days=1)):
        notices.party_reminders_send()
        (overdue,) = [m for m in mail.outbox[before:] if m.to == [LA]]
        assert "agreed action 2 is done" in overdue.subject
        assert "agreed action 2 is done" in overdue.body
        sign_in(client, LA)
        page = client.get(f"/portal/c/{case.reference}/").content.decode()
        assert "Tell us when agreed action 2 is done" in page
        assert f"/portal/c/{case.reference}/actions/{la_action.pk}/" in page
        assert "Agreed action 2 was due by" in page
        listed = client.get(f"/portal/c/{case.reference}/actions/").content.decode()
        assert "Action 2: The local authority" in listed
        assert "Overdue" in listed and format_day_long(due) in listed


def test_the_las_date_for_naming_its_attendee_does_not_move_from_day_to_day(
    invited, case_officer_cal
):
    """Found trying the demo as the LA: while dates were offered, the date to name the LA's
    attendee was worked out from "today", so once it was near it moved on a day every day and
    the LA was never told it had passed."""
    case = _inform_la(invited["parent"].case, case_officer_cal)
    _offer(case, case_officer_cal, 14)

    def la_due():
        (item,) = [i for i in case_to_do(case) if i.task.kind.value == "la_attendee"]
        return item.task.due

    due = la_due()
    for later in (1, 5, 8, 10):
        with time_machine.travel(timezone.localdate() + timedelta(days=later)):
            assert la_due() == due
    before = len(mail.outbox)
    with time_machine.travel(due + timedelta(days=1)):
        notices.party_reminders_send()
    assert [m.to for m in mail.outbox[before:] if m.subject.startswith("Still needed: name")] == [
        [LA]
    ]

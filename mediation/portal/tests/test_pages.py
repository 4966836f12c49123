"""What each kind of party does through the portal, each form with invalid input first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mediation.audit.models import AuditEvent
from mediation.cases.models import Case
from mediation.portal.models import PortalLink, PortalRequest
from mediation.portal.tests.conftest import sign_in, token_from_mail
from mediation.timeline.models import TimelineEntry
from mediation.uploads.tests.samples import PDF

pytestmark = pytest.mark.django_db

PARENT = "sarah.whitfield@example.com"
LA = "omar.hassan@northfield.example.gov.uk"
INFO = "senco@hollybank.example.sch.uk"


def _error_page(response, *messages):
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    errors = re.findall(r'govuk-error-message">(.*?)</p>', body, re.S)
    for message in messages:
        assert message in body, (message, errors)
    return body


@pytest.fixture
def ref(invited):
    return invited["parent"].case.reference


# Parent ----------------------------------------------------------------------------------


def test_parent_sees_who_what_to_do_and_the_appeal_deadline_in_words(client, invited, ref):
    sign_in(client, PARENT)
    body = client.get(f"/portal/c/{ref}/").content.decode()
    assert "This case is about <strong>Isla Whitfield</strong>" in body
    assert "Where your case is" in body
    assert "You asked for mediation" in body and "Finding a date" in body
    assert "Now" in body and "Coming next" in body
    assert "You do not need to do anything now" in body
    assert "You can appeal to the Tribunal until " in body
    assert "How we worked out this date" in body  # the calculation, inside a details element
    # found trying the demo as a parent: the calculation said "Thu 12 Nov 2026" and "ask us or
    # SENDIASS" (an abbreviation never spelled out): dates in full, SENDIASS named
    calculation = body.split("How we worked out this date", 1)[1].split("</details>", 1)[0]
    assert not re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d", calculation), calculation
    assert re.search(r"\b\w+day \d{1,2} \w+ \d{4}", calculation)
    assert "SEND Information, Advice and Support Service (SENDIASS)" in calculation
    assert "special educational needs and disabilities (SEND)" in body
    assert "0161 496 0000" in body
    # what the parent must not see on their page
    for private in ("case_history", "The LA refused to assess", "/sign-in/"):
        assert private not in body


def test_a_passed_appeal_deadline_is_said_plainly_with_what_can_still_be_done(client, invited, ref):
    case = invited["parent"].case
    authority = case.local_authority
    authority.iass_name = "Northfield SENDIASS"
    authority.iass_phone = "01632 960 222"
    authority.save()
    from mediation.deadlines.services import deadline_recalculate

    case.notice_sent_on = timezone.localdate() - timedelta(days=200)
    case.save(update_fields=["notice_sent_on"])
    deadline_recalculate(case=case, by=case.owner, reason="test")
    sign_in(client, PARENT)
    body = client.get(f"/portal/c/{ref}/").content.decode()
    assert "The deadline has passed" in body
    assert "permission to appeal late" in body
    assert "Northfield SENDIASS: phone 01632 960 222" in body
    assert "You can appeal to the Tribunal until" not in body


def _slot(case, officer, days=10):
    from mediation.meetings.services import slot_offer_add

    # A weekday: a weekend date needs a reason (issue 18), which is not what these tests are about.
    starts_at = timezone.now() + timedelta(days=days)
    while starts_at.weekday() >= 5:
        starts_at += timedelta(days=2)
    return slot_offer_add(
        case=case, by=officer, starts_at=starts_at, duration_minutes=180, mode="online"
    )


def test_parent_answers_dates(client, invited, ref, case_officer_cal):
    from mediation.meetings.models import SlotAnswer

    case = invited["parent"].case
    first, second = _slot(case, case_officer_cal, 10), _slot(case, case_officer_cal, 12)
    sign_in(client, PARENT)
    assert "Needs your answer" in client.get(f"/portal/c/{ref}/").content.decode()
    page = client.get(f"/portal/c/{ref}/dates/")
    assert page.status_code == 200 and "Yes, I can come" in page.content.decode()
    _error_page(
        client.post(f"/portal/c/{ref}/dates/", {f"slot_{first.pk}": "yes"}), "Say if you can come"
    )
    assert not SlotAnswer.objects.exists()
    response = client.post(
        f"/portal/c/{ref}/dates/", {f"slot_{first.pk}": "yes", f"slot_{second.pk}": "no"}
    )
    assert response.status_code == 302
    answers = {a.slot_id: a for a in SlotAnswer.objects.all()}
    assert answers[first.pk].available and not answers[second.pk].available
    assert answers[first.pk].recorded_by is None
    assert answers[first.pk].party_id == invited["parent"].party_id
    assert TimelineEntry.objects.filter(summary__contains="through the portal").exists()


def test_the_information_provider_is_not_asked_about_dates(invited, case_officer_cal):
    from mediation.portal.selectors import offered_slots

    _slot(invited["parent"].case, case_officer_cal)
    assert offered_slots(invited["information_provider"]) == []
    assert len(offered_slots(invited["parent"])) == 1


def _meeting(case, officer):
    from mediation.meetings.models import Meeting

    return Meeting.objects.create(
        case=case,
        starts_at=timezone.now() + timedelta(days=9),
        duration_minutes=120,
        mode="online",
        online_link="https://video.example.org/room/42",
        booked_by=officer,
    )


def test_meeting_details_and_calendar_file(client, invited, ref, case_officer_cal):
    sign_in(client, PARENT)
    assert "No meeting is booked yet" in client.get(f"/portal/c/{ref}/meeting/").content.decode()
    assert client.get(f"/portal/c/{ref}/meeting/calendar.ics").status_code == 404
    meeting = _meeting(invited["parent"].case, case_officer_cal)
    body = client.get(f"/portal/c/{ref}/meeting/").content.decode()
    assert "https://video.example.org/room/42" in body
    ics = client.get(f"/portal/c/{ref}/meeting/calendar.ics")
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    assert "attachment" in ics["Content-Disposition"]
    text = ics.content.decode()
    # the Content-Type names the same METHOD as the body (RFC 5545 3.7.2)
    assert "METHOD:REQUEST" in text and "method=REQUEST" in ics["Content-Type"]
    assert meeting.uid in text and PARENT in text
    assert LA not in text  # only their own address in the invitation


def test_meeting_times_are_written_as_in_our_letters(client, invited, ref, case_officer_cal):
    """Found trying the demo as the young person: the emails said "10am to 12pm" but the case
    and meeting pages said "10:00 a.m. to 12:00 p.m." and the dates page "10:00 to 12:00"."""
    from mediation.domain.dates import format_time
    from mediation.portal.forms import slot_label

    meeting = _meeting(invited["parent"].case, case_officer_cal)
    start, end = format_time(meeting.local_start.time()), format_time(meeting.local_end.time())
    sign_in(client, PARENT)
    for page in (f"/portal/c/{ref}/", f"/portal/c/{ref}/meeting/"):
        body = client.get(page).content.decode()
        assert f"{start} to {end}" in body
        assert "a.m." not in body and "p.m." not in body
    label = slot_label(_slot(invited["parent"].case, case_officer_cal, 12))
    assert re.search(r"^\w+day \d+ \w+ \d{4}, \d+(:\d\d)?[ap]m to \d+(:\d\d)?[ap]m: ", label)
    assert "((" not in label and "))" not in label
    # the mediator's role is explained once, without brackets inside brackets
    case = invited["parent"].case
    case.mediator = case_officer_cal
    case.save(update_fields=["mediator"])
    body = client.get(f"/portal/c/{ref}/meeting/").content.decode()
    assert "(mediator, the independent person who runs the meeting)" in body
    assert "))" not in body


def test_parent_asks_for_a_supporter(client, invited, ref):
    sign_in(client, PARENT)
    _error_page(
        client.post(f"/portal/c/{ref}/supporter/", {"name": "", "note": "x" * 3001}),
        "Enter the name of the person",
        "Select who they are",
        "characters or fewer",
    )
    assert not PortalRequest.objects.exists()
    response = client.post(
        f"/portal/c/{ref}/supporter/",
        {"name": "Grace Whitfield", "supporter_kind": "family_member", "note": "My sister"},
    )
    assert response.status_code == 302
    request = PortalRequest.objects.get()
    assert request.kind == "supporter" and "Grace Whitfield" in request.details
    assert TimelineEntry.objects.filter(summary__contains="asked for a supporter").exists()


def _draft_statement(case, officer):
    from mediation.outcomes.models import OutcomeStatement
    from mediation.outcomes.services import content_hash

    case.mediation_held_on = timezone.localdate()
    case.save(update_fields=["mediation_held_on"])
    statement = OutcomeStatement.objects.create(
        case=case,
        key_points="Everyone agreed the LA will assess.",
        outcome="agreed_all",
        content_hash="pending",
        created_by=officer,
    )
    statement.content_hash = content_hash(statement)
    statement.save(update_fields=["content_hash"])
    return statement


def test_parent_reads_and_agrees_the_outcome_statement(client, invited, ref, case_officer_cal):
    from mediation.outcomes.models import PartyAgreement

    sign_in(client, PARENT)
    assert (
        "no outcome statement for you to read yet"
        in client.get(f"/portal/c/{ref}/outcome/").content.decode()
    )
    statement = _draft_statement(invited["parent"].case, case_officer_cal)
    # a draft not sent to them is not theirs to read or agree yet
    assert (
        "no outcome statement for you to read yet"
        in client.get(f"/portal/c/{ref}/outcome/").content.decode()
    )
    from mediation.outcomes.services import statement_send_for_agreement

    statement_send_for_agreement(case=invited["parent"].case, by=case_officer_cal)
    body = client.get(f"/portal/c/{ref}/outcome/").content.decode()
    assert "Everyone agreed the LA will assess." in body
    _error_page(
        client.post(f"/portal/c/{ref}/outcome/", {"content_hash": statement.content_hash}),
        "Tick the box",
    )
    stale = client.post(f"/portal/c/{ref}/outcome/", {"content_hash": "0" * 64, "confirm": "on"})
    _error_page(stale, "The statement changed")
    response = client.post(
        f"/portal/c/{ref}/outcome/", {"content_hash": statement.content_hash, "confirm": "on"}
    )
    assert response.status_code == 302
    agreement = PartyAgreement.objects.get()
    assert agreement.method == "portal" and agreement.recorded_by is None
    assert agreement.content_hash == statement.content_hash
    assert "You agreed this version" in client.get(f"/portal/c/{ref}/outcome/").content.decode()


def test_parent_downloads_their_certificate_and_letters_only(
    client, invited, ref, case_officer_cal
):
    from mediation.documents.models import Certificate, GeneratedDocument

    case = invited["parent"].case
    sign_in(client, PARENT)
    assert client.get(f"/portal/c/{ref}/certificate/").status_code == 404
    document = GeneratedDocument.objects.create(
        case=case,
        kind="certificate",
        title="Certificate",
        version=1,
        html="",
        pdf=b"%PDF-1.4 c",
        sha256="0" * 64,
    )
    Certificate.objects.create(
        case=case,
        kind="declined",
        reference="MC-1",
        verification_code="ABCD2345",
        issued_on=timezone.localdate(),
        issued_by=case_officer_cal,
        document=document,
    )
    response = client.get(f"/portal/c/{ref}/certificate/")
    assert response.status_code == 200 and response.content == b"%PDF-1.4 c"
    assert "attachment" in response["Content-Disposition"]
    assert (
        f"/portal/c/{ref}/documents/letters/{document.pk}/"
        in client.get(f"/portal/c/{ref}/documents/").content.decode()
    )
    # the LA's copy of the documents and files page does not list the family's certificate
    la = client.__class__()
    sign_in(la, LA)
    assert la.get(f"/portal/c/{ref}/documents/letters/{document.pk}/").status_code == 404
    assert la.get(f"/portal/c/{ref}/certificate/").status_code == 404


def test_a_letter_to_one_party_is_not_anothers(client, invited, ref, case_officer_cal):
    from mediation.documents.models import GeneratedDocument
    from mediation.meetings.models import MeetingLetter

    case = invited["parent"].case
    meeting = _meeting(case, case_officer_cal)
    letter = GeneratedDocument.objects.create(
        case=case,
        kind="meeting_letter",
        title="Letter",
        version=1,
        html="",
        pdf=b"%PDF-1.4 l",
        sha256="0" * 64,
    )
    MeetingLetter.objects.create(
        meeting=meeting, party=invited["parent"].party, sequence=0, kind="booked", document=letter
    )
    sign_in(client, PARENT)
    assert client.get(f"/portal/c/{ref}/documents/letters/{letter.pk}/").status_code == 200
    la = client.__class__()
    sign_in(la, LA)
    assert la.get(f"/portal/c/{ref}/documents/letters/{letter.pk}/").status_code == 404


# Documents (uploads) ---------------------------------------------------------------------


def test_sending_a_file_and_who_sees_it(client, invited, ref):
    from mediation.uploads.models import Upload

    sign_in(client, PARENT)
    _error_page(client.post(f"/portal/c/{ref}/documents/", {}), "Select a file")
    bad = SimpleUploadedFile("notes.pdf", b"<html><script>x</script></html>", "application/pdf")
    _error_page(client.post(f"/portal/c/{ref}/documents/", {"file": bad}), "must be a PDF")
    good = SimpleUploadedFile("report.pdf", PDF, "application/pdf")
    assert client.post(f"/portal/c/{ref}/documents/", {"file": good}).status_code == 302
    upload = Upload.objects.get()
    assert upload.purpose == "party_file"
    assert upload.uploaded_by_party_id == invited["parent"].party_id
    page = client.get(f"/portal/c/{ref}/documents/").content.decode()
    assert "report.pdf" in page
    download = client.get(f"/portal/c/{ref}/documents/files/{upload.pk}/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF
    download_event = AuditEvent.objects.get(verb="document.download", object_id=str(upload.pk))
    assert download_event.object_type == "uploads.upload"
    assert download_event.actor_role.startswith("portal:party:")
    # the LA does not see the family's document until staff share it
    la = client.__class__()
    sign_in(la, LA)
    assert "report.pdf" not in la.get(f"/portal/c/{ref}/documents/").content.decode()
    assert la.get(f"/portal/c/{ref}/documents/files/{upload.pk}/").status_code == 404
    Upload.objects.filter(pk=upload.pk).update(shared_with_parties=True)
    assert la.get(f"/portal/c/{ref}/documents/files/{upload.pk}/").status_code == 200


def test_la_and_information_provider_uploads_have_their_purpose(client, invited, ref):
    from mediation.uploads.models import Upload

    for email, purpose in ((LA, "la_file"), (INFO, "information")):
        c = client.__class__()
        sign_in(c, email)
        file = SimpleUploadedFile("a.pdf", PDF, "application/pdf")
        assert c.post(f"/portal/c/{ref}/documents/", {"file": file}).status_code == 302
        assert Upload.objects.filter(purpose=purpose).count() == 1


# LA officer ------------------------------------------------------------------------------


def test_la_names_the_attendee_and_confirms_authority(client, invited, ref):
    from mediation.parties.models import AuthorityConfirmation

    sign_in(client, LA)
    _error_page(
        client.post(f"/portal/c/{ref}/attendee/", {}),
        "Select who will attend",
        "Select at least one issue",
        "Tick the box to confirm",
    )
    _error_page(
        client.post(
            f"/portal/c/{ref}/attendee/",
            {"who": "other", "issues": ["education"], "confirm": "on", "email": "not-an-email"},
        ),
        "Enter the name of the person who will attend",
        "correct format",
    )
    assert not AuthorityConfirmation.objects.exists()
    response = client.post(
        f"/portal/c/{ref}/attendee/",
        {
            "who": "other",
            "name": "Dana Reed",
            "issues": ["education", "social_care"],
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    confirmations = AuthorityConfirmation.objects.all()
    assert {c.issue for c in confirmations} == {"education", "social_care"}
    assert all(c.recorded_by is None and c.party.name == "Dana Reed" for c in confirmations)
    response = client.post(
        f"/portal/c/{ref}/attendee/", {"who": "me", "issues": ["education"], "confirm": "on"}
    )
    assert response.status_code == 302
    assert AuthorityConfirmation.objects.filter(party=invited["la_officer"].party).count() == 1


def _final_statement_with_action(case, officer):
    from mediation.outcomes.models import AgreedAction

    statement = _draft_statement(case, officer)
    action = AgreedAction.objects.create(
        statement=statement,
        case=case,
        what="Carry out the assessment",
        who="la",
        kind="assessment",
        section="B",
    )
    statement.status = "final"
    statement.save(update_fields=["status"])
    return action


def test_la_reports_progress_on_an_agreed_action(client, invited, ref, case_officer_cal):
    sign_in(client, LA)
    assert "no agreed actions" in client.get(f"/portal/c/{ref}/actions/").content.decode()
    action = _final_statement_with_action(invited["parent"].case, case_officer_cal)
    assert "Carry out the assessment" in client.get(f"/portal/c/{ref}/actions/").content.decode()
    url = f"/portal/c/{ref}/actions/{action.pk}/"
    _error_page(client.post(url, {}), "Select if it has been done", "Enter details")
    _error_page(
        client.post(url, {"what": "done", "details": "Letter sent"}), "Enter the date it was done"
    )
    today = timezone.localdate()
    _error_page(
        client.post(
            url,
            {
                "what": "new_date",
                "details": "Staff off sick",
                "new_date_day": today.day,
                "new_date_month": today.month,
                "new_date_year": today.year,
            },
        ),
        "must be in the future",
    )
    assert not PortalRequest.objects.exists()
    response = client.post(
        url,
        {
            "what": "done",
            "details": "Assessment started",
            "done_on_day": today.day,
            "done_on_month": today.month,
            "done_on_year": today.year,
        },
    )
    assert response.status_code == 302
    request = PortalRequest.objects.get()
    assert request.kind == "action_done" and request.action_id == action.pk
    assert request.on_date == today
    action.refresh_from_db()
    assert action.done_on is None  # staff confirm it on the outcome page
    # an action of another case is not reachable
    assert client.get(f"/portal/c/{ref}/actions/999999/").status_code == 404


# Information provider --------------------------------------------------------------------


def test_information_provider_sends_information(client, invited, ref):
    sign_in(client, INFO)
    body = client.get(f"/portal/c/{ref}/").content.decode()
    assert "Send your information" in body
    assert "Where your case is" not in body and "appeal" not in body.lower()
    _error_page(client.post(f"/portal/c/{ref}/information/", {}), "Enter your information")
    response = client.post(
        f"/portal/c/{ref}/information/", {"information": "Isla is doing well with reading."}
    )
    assert response.status_code == 302
    assert PortalRequest.objects.get().kind == "information"


# Child's views ---------------------------------------------------------------------------


def _child_client(client):
    token = token_from_mail(PARENT, subject="A link to share your views")
    assert client.get(f"/portal/link/{token}/").status_code == 200
    response = client.post(f"/portal/link/{token}/")
    assert response["Location"] == "/portal/views/"
    return token


def test_child_views_form(client, invited):
    from mediation.uploads.models import ChildViews, Upload

    token = _child_client(client)
    page = client.get("/portal/views/").content.decode()
    assert "Hello Isla." in page
    for secret in ("Whitfield", invited["parent"].case.reference, "Northfield Borough", "Sarah"):
        assert secret not in page
    _error_page(
        client.post("/portal/views/", {}),
        "Write something in at least one box",
        "Choose who can see",
    )
    drawing = SimpleUploadedFile("drawing.pdf", PDF, "application/pdf")
    response = client.post(
        "/portal/views/",
        {
            "going_well": "I like art",
            "hard": "",
            "would_like": "A quiet room",
            "who_helps": "Mum",
            "helped_by": "Mum",
            "share_with": "mediator_only",
            "attachments": [drawing],
        },
    )
    assert response.status_code == 302 and response["Location"] == "/portal/views/thank-you/"
    views = ChildViews.objects.get()
    assert views.going_well == "I like art" and views.share_with == "mediator_only"
    assert views.given_via == "portal" and views.submitted_via_party is not None
    assert views.submitted_via_party.role == "child"
    assert Upload.objects.get().child_views_id == views.pk
    assert "Thank you" in client.get("/portal/views/thank-you/").content.decode()
    # used up: the session ended and the link no longer works
    assert client.get("/portal/views/").status_code == 404
    assert client.post(f"/portal/link/{token}/").status_code == 410
    assert PortalLink.objects.get(access=invited["child_views"]).used_at is not None
    # the family never sees the child's views or their attachments
    sign_in(client, PARENT)
    ref = invited["parent"].case.reference
    assert "drawing.pdf" not in client.get(f"/portal/c/{ref}/documents/").content.decode()
    upload = Upload.objects.get()
    Upload.objects.filter(pk=upload.pk).update(shared_with_parties=True)
    assert client.get(f"/portal/c/{ref}/documents/files/{upload.pk}/").status_code == 404


def test_child_views_refused_file_keeps_answers(client, invited):
    from mediation.uploads.models import ChildViews

    _child_client(client)
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00not a pdf", "application/pdf")
    body = _error_page(
        client.post(
            "/portal/views/",
            {"going_well": "Football", "share_with": "everyone", "attachments": [bad]},
        ),
        "must be a PDF",
    )
    assert "Football" in body
    assert not ChildViews.objects.exists()


def test_several_cases_give_a_list_after_sign_in(
    client, invited, case_officer_cal, local_authority
):
    from mediation.cases.models import Party
    from mediation.portal import services
    from mediation.portal.tests.conftest import _second_case_for

    second = _second_case_for(local_authority, case_officer_cal)
    party = Party.objects.create(
        case=second,
        role="la_representative",
        name="Omar Hassan",
        email=LA.upper(),
        preferred_contact="email",
    )
    services.access_invite(case=second, party=party, kind="la_officer", by=case_officer_cal)
    response = client.post(f"/portal/link/{token_from_mail(LA)}/")
    assert response["Location"] == "/portal/cases/"
    body = client.get("/portal/cases/").content.decode()
    assert second.reference in body and invited["parent"].case.reference in body
    assert client.get(f"/portal/c/{second.reference}/").status_code == 200
    assert client.get(f"/portal/c/{invited['parent'].case.reference}/attendee/").status_code == 200


def test_the_case_page_links_only_to_what_there_is(client, invited, ref, case_officer_cal):
    """Found trying the demo as the LA: its page offered "Meeting dates" once the meeting was
    booked and "Agreed actions" before there were any, each a page saying there is nothing."""
    _meeting(invited["parent"].case, case_officer_cal)
    for email in (PARENT, LA):
        sign_in(client, email)
        body = client.get(f"/portal/c/{ref}/").content.decode()
        assert f"/portal/c/{ref}/meeting/" in body
        assert f"/portal/c/{ref}/dates/" not in body
        assert f"/portal/c/{ref}/actions/" not in body


def test_every_link_on_the_case_page_opens_for_each_kind_of_party(
    client, invited, ref, case_officer_cal
):
    """Found trying the demo as the school: its case page linked to the meeting page ("Who will
    be there, what to bring..."), which only the family and the LA may open: a 404."""
    _meeting(invited["parent"].case, case_officer_cal)
    for email in (PARENT, LA, INFO):
        sign_in(client, email)
        body = client.get(f"/portal/c/{ref}/").content.decode()
        links = set(re.findall(r'href="(/portal/c/[^"]+)"', body))
        assert links
        for link in links:
            response = client.get(link)
            assert response.status_code == 200, (email, link, response.status_code)


def test_a_held_meeting_is_shown_as_held_and_the_la_is_not_asked_about_it(
    client, invited, ref, case_officer_cal
):
    """Found trying the demo as the LA officer: after the meeting, the case page still gave
    its date and time as if it were to come, and asked the LA to name who will attend."""
    case = invited["la_officer"].case
    meeting = _meeting(case, case_officer_cal)
    sign_in(client, LA)
    body = client.get(f"/portal/c/{ref}/").content.decode()
    assert "Name who will attend" in body and "The meeting took place" not in body
    held = meeting.local_start.date()
    Case.objects.filter(pk=case.pk).update(mediation_held_on=held)
    body = client.get(f"/portal/c/{ref}/").content.decode()
    assert f"The meeting took place on {held:%A} {held.day} {held:%B %Y}." in body
    assert "Name who will attend" not in body

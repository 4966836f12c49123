"""Each kind of party does its part through the portal on a phone-sized screen, signing in by
the link in the email they were sent (read from the test mail outbox). Every portal page on the
way is checked with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in as staff_sign_in
from tests.browser.test_first_call_journey import staff

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PARENT = "sarah.whitfield@example.com"
LA = "omar.hassan@eastmoor.example.gov.uk"
INFO = "senco@hollybank.example.sch.uk"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def upload_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    settings.UPLOAD_VIRUS_SCANNER = ""


def portal_case():
    from django.utils import timezone

    from mediation.accounts.models import Role
    from mediation.cases import services
    from mediation.cases.models import Party
    from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
    from mediation.domain.case_states import Route
    from mediation.meetings.services import slot_offer_add
    from mediation.workflow import services as workflow_services

    officer = staff("casey", "Casey", "Morgan", Role.CASE_OFFICER)
    authority = LocalAuthorityFactory.create(name="Eastmoor County Council", code="EMC")
    enquiry = services.enquiry_record(by=officer, data=enquiry_data(authority))
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=officer, by=officer
    )
    Party.objects.create(
        case=case,
        role="la_representative",
        name="Omar Hassan",
        email=LA,
        preferred_contact="email",
    )
    Party.objects.create(
        case=case,
        role="information_provider",
        name="Priya Shah",
        email=INFO,
        provider_kind="school",
        preferred_contact="email",
    )
    Party.objects.create(case=case, role="child", name="Isla Whitfield")
    slot_offer_add(
        case=case,
        by=officer,
        starts_at=timezone.now() + timedelta(days=10),
        duration_minutes=180,
        mode="online",
    )
    return case, officer


def statement(case, officer, *, final=False):
    from django.utils import timezone

    from mediation.outcomes.models import AgreedAction, OutcomeStatement
    from mediation.outcomes.services import content_hash

    case.mediation_held_on = timezone.localdate()
    case.save(update_fields=["mediation_held_on"])
    statement = OutcomeStatement.objects.create(
        case=case,
        key_points="The LA will carry out an assessment.",
        outcome="agreed_all",
        content_hash="-",
        created_by=officer,
    )
    AgreedAction.objects.create(
        statement=statement,
        case=case,
        what="Start the EHC needs assessment",
        who="la",
        kind="assessment",
        section="B",
    )
    statement.content_hash = content_hash(statement)
    statement.status = "final" if final else "draft"
    statement.save(update_fields=["content_hash", "status"])
    return statement


def portal_case_second(case, officer):
    from mediation.cases import services
    from mediation.cases.tests.factories import enquiry_data
    from mediation.domain.case_states import Route
    from mediation.workflow import services as workflow_services

    enquiry = services.enquiry_record(
        by=officer,
        data=enquiry_data(
            case.local_authority,
            caller_name="Tom Baker",
            email="tom@example.com",
            child_first_name="Leo",
            child_last_name="Baker",
        ),
    )
    other = workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=officer, by=officer
    )
    return other, officer


def invite(case, officer, role, kind, send_to=None):
    from mediation.portal import services

    party = case.parties.get(role=role)
    return services.access_invite(case=case, party=party, kind=kind, by=officer, send_to=send_to)


def open_emailed_link(page, live_server, to, subject=None):
    from django.core import mail

    message = next(
        m for m in reversed(mail.outbox) if to in m.to and (subject is None or m.subject == subject)
    )
    for word in ("Whitfield", "Isla", "Eastmoor", "MED-"):
        assert word not in f"{message.subject}{message.body}"
    found = re.search(r"https?://[^/\s]+(/portal/link/[^\s]+/)", str(message.body))
    assert found is not None
    path = found.group(1)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    return path


def test_parent_is_invited_by_staff_and_does_their_part(phone, live_server, upload_root):
    from mediation.meetings.models import SlotAnswer
    from mediation.outcomes.models import PartyAgreement
    from mediation.portal.models import PortalRequest
    from mediation.uploads.models import Upload

    page = phone
    case, officer = portal_case()
    statement(case, officer)
    # staff invite the parent from the case page
    staff_sign_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{case.reference}/#portal")
    assert_accessible(page)
    parent = case.parties.get(role="parent_carer")
    page.locator(f"a[href$='/portal/invite/{parent.pk}/']").click()
    page.wait_for_selector("h1:has-text('Invite Sarah Whitfield')")
    assert_accessible(page)
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Parent, carer or young person").check()
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_selector("text=Invitation emailed")
    assert page.locator("text=email sent").first.is_visible()

    path = open_emailed_link(page, live_server, PARENT)
    page.wait_for_selector("h1:has-text('Where your case is')")
    assert_accessible(page)
    assert page.get_by_text("Your appeal deadline").is_visible()

    page.get_by_role("link", name="Tell us which meeting dates you can do").click()
    page.wait_for_selector("h1:has-text('Which dates can you do?')")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Yes, I can come").check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_selector("text=We have your answers")
    assert SlotAnswer.objects.get().available

    page.get_by_role("link", name="Ask to bring someone to support you").click()
    page.wait_for_selector("h1:has-text('Bring someone to support you')")
    assert_accessible(page)
    page.get_by_label("Their name").fill("Grace Whitfield")
    page.get_by_label("Family member or friend").check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("text=We will contact you about your supporter")
    assert PortalRequest.objects.get().kind == "supporter"

    page.get_by_role("link", name="Documents and files").click()
    page.wait_for_selector("h1:has-text('Documents and files')")
    assert_accessible(page)
    page.locator("#id_file").set_input_files(
        files=[{"name": "school-report.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Send the file").click()
    page.wait_for_selector("text=school-report.pdf")
    assert_accessible(page)
    assert Upload.objects.get().purpose == "party_file"

    page.get_by_role("link", name="Back to your case").click()
    page.get_by_role("link", name="Read the outcome statement").click()
    page.wait_for_selector("h1:has-text('Outcome statement')")
    assert_accessible(page)
    page.get_by_role("button", name="Send my agreement").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("I agree that this is an accurate record").check()
    page.get_by_role("button", name="Send my agreement").click()
    page.wait_for_selector("text=We have recorded that you agree")
    assert PartyAgreement.objects.get().method == "portal"

    # the meeting is booked: its details, the link and the calendar file
    from django.utils import timezone

    from mediation.meetings.models import Meeting

    Meeting.objects.create(
        case=case,
        starts_at=timezone.now() + timedelta(days=9),
        duration_minutes=120,
        mode="online",
        online_link="https://video.example.org/room/42",
        booked_by=officer,
    )
    page.reload()
    page.get_by_role("link", name="Your meeting on").click()
    page.wait_for_selector("h1:has-text('Your meeting')")
    assert page.get_by_role("link", name="Join the online meeting").is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add it to your calendar").click()
    assert download.value.suggested_filename == "mediation-meeting.ics"

    # sign out; the link used to sign in cannot be used again
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("h1:has-text('You have signed out')")
    assert_accessible(page)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("h1:has-text('This link cannot be used')")
    assert_accessible(page)
    page.goto(f"{live_server.url}/portal/c/{case.reference}/")
    page.wait_for_selector("h1:has-text('Page not found')")
    assert_accessible(page)


def test_la_officer_names_attendee_answers_dates_and_reports_on_an_action(
    phone, live_server, upload_root
):
    from mediation.cases.models import Party
    from mediation.parties.models import AuthorityConfirmation
    from mediation.portal.models import PortalRequest

    page = phone
    case, officer = portal_case()
    statement(case, officer, final=True)
    invite(case, officer, "la_representative", "la_officer")
    # the same officer was invited to another case of their LA
    other, _ = portal_case_second(case, officer)
    Party.objects.create(case=other, role="la_representative", name="Omar Hassan", email=LA)
    invite(other, officer, "la_representative", "la_officer")
    # the invitation link is used up: they ask for a new sign-in link by email address
    page.goto(f"{live_server.url}/portal/")
    assert_accessible(page)
    page.get_by_role("button", name="Get a new sign-in link").click()
    page.wait_for_selector("h1:has-text('Get a new sign-in link')")
    assert_accessible(page)
    page.get_by_role("button", name="Send me a link").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Email address").fill(LA)
    page.get_by_role("button", name="Send me a link").click()
    page.wait_for_selector("h1:has-text('Check your email')")
    assert_accessible(page)
    open_emailed_link(page, live_server, LA, subject="Your link to sign in")
    page.wait_for_selector("h1:has-text('Your cases')")
    assert_accessible(page)
    page.get_by_role("link", name=f"Case {case.reference}").click()
    page.wait_for_selector('h1:has-text("Your local authority\'s part")')
    assert_accessible(page)

    page.get_by_role("link", name="Name who will attend and confirm their authority").click()
    page.wait_for_selector("h1:has-text('Who will attend')")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("I will").check()
    page.get_by_label("Education").check()
    page.get_by_label("I confirm the local authority").check()
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_selector("text=We have recorded who will attend")
    assert AuthorityConfirmation.objects.get().issue == "education"

    page.get_by_role("link", name="Tell us which meeting dates you can do").click()
    page.get_by_label("No, I cannot come").check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_selector("text=We have your answers")

    page.get_by_role("link", name="Read the outcome statement").click()
    page.wait_for_selector("text=This is the final statement")
    assert_accessible(page)
    page.get_by_role("link", name="Back to your case").click()
    page.get_by_role("link", name="Agreed actions: tell us about progress").click()
    page.wait_for_selector("h1:has-text('Agreed actions')")
    assert_accessible(page)
    page.get_by_role("link", name="Tell us about progress on action 1").click()
    page.wait_for_selector("h1:has-text('Progress on an agreed action')")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("It needs a new date").check()
    when = __import__("datetime").date.today() + timedelta(days=30)
    page.locator("#id_new_date_0").fill(str(when.day))
    page.locator("#id_new_date_1").fill(str(when.month))
    page.locator("#id_new_date_2").fill(str(when.year))
    page.get_by_label("How you know it was done").fill("The panel moved to next month.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("text=The case officer will check this")
    assert PortalRequest.objects.get().kind == "action_new_date"


def test_information_provider_sends_information_written_and_as_a_file(
    phone, live_server, upload_root
):
    from mediation.portal.models import PortalRequest
    from mediation.uploads.models import Upload

    page = phone
    case, officer = portal_case()
    invite(case, officer, "information_provider", "information_provider")
    open_emailed_link(page, live_server, INFO)
    page.wait_for_selector("h1:has-text('Your information for the meeting')")
    assert_accessible(page)
    assert not page.get_by_text("appeal").count()
    page.get_by_role("link", name="Send your information").click()
    page.wait_for_selector("h1:has-text('Send your information')")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Your information for the meeting").fill("Isla reads well with support.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("text=We have your information")
    assert PortalRequest.objects.get().kind == "information"
    page.get_by_role("link", name="Send files").click()
    page.locator("#id_file").set_input_files(
        files=[{"name": "senco-report.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Send the file").click()
    page.wait_for_selector("text=senco-report.pdf")
    assert_accessible(page)
    assert Upload.objects.get().purpose == "information"


def test_child_gives_their_views_once(phone, live_server, upload_root):
    from mediation.uploads.models import ChildViews

    page = phone
    case, officer = portal_case()
    parent = case.parties.get(role="parent_carer")
    invite(case, officer, "child", "child_views", send_to=parent)
    path = open_emailed_link(page, live_server, PARENT, subject="A link to share your views")
    page.wait_for_selector("h1:has-text('Hello Isla')")
    assert_accessible(page)
    assert not page.get_by_text("Whitfield").count()
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("What is going well?").fill("I like art and my friends.")
    page.get_by_label("What is hard?").fill("Noisy classrooms.")
    page.locator("#id_attachments").set_input_files(
        files=[{"name": "drawing.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Only the mediator can see it").check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("h1:has-text('Thank you')")
    assert_accessible(page)
    views = ChildViews.objects.get()
    assert views.share_with == "mediator_only" and views.attachments.count() == 1
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("h1:has-text('This link cannot be used')")

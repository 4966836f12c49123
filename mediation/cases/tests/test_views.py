"""Staff pages: who may use each one, bad input on every form, and pinned query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import audit_write_queries, login
from mediation.audit.models import AuditEvent
from mediation.cases import services
from mediation.cases.models import Case, Contact, Enquiry
from mediation.cases.tests.factories import enquiry_data
from mediation.domain.case_states import Route
from mediation.workflow import services as workflow_services

pytestmark = pytest.mark.django_db

ROLES = [
    "case_officer_cal",
    "case_officer_cleo",
    "mediator_mia",
    "mediator_max",
    "manager_sue",
    "admin_ada",
]


def _urls(case, enquiry, calendar_change):
    return {
        "my-work": reverse("cases:my-work"),
        "case-list": reverse("cases:list"),
        "case-detail": reverse("cases:detail", args=[case.reference]),
        "contact-add": reverse("cases:contact-add", args=[case.reference]),
        "note-add": reverse("cases:note-add", args=[case.reference]),
        "key-dates": reverse("cases:key-dates", args=[case.reference]),
        "step-inform-la": reverse("cases:step", args=[case.reference, "inform-la"]),
        "step-meeting-held": reverse("cases:step", args=[case.reference, "meeting-held"]),
        "assign-mediator": reverse("cases:assign-mediator", args=[case.reference]),
        "private-notes": reverse("cases:mediator-notes", args=[case.reference]),
        "link-add": reverse("cases:link-add", args=[case.reference]),
        "team": reverse("cases:team"),
        "closure-days": reverse("manage:closure-days"),
        "calendar-change": reverse("manage:calendar-change", args=[calendar_change.pk]),
        "enquiry-list": reverse("enquiries:list"),
        "enquiry-new": reverse("enquiries:new"),
        "enquiry-detail": reverse("enquiries:detail", args=[enquiry.reference]),
        "enquiry-open-case": reverse("enquiries:open-case", args=[enquiry.reference]),
        "enquiry-close": reverse("enquiries:close", args=[enquiry.reference]),
        "manage-home": reverse("manage:home"),
        "authorities": reverse("manage:authorities"),
        "authority-new": reverse("manage:authority-new"),
        "authority-edit": reverse("manage:authority-edit", args=[case.local_authority_id]),
        "users": reverse("manage:users"),
        "user-new": reverse("manage:user-new"),
        "user-edit": reverse("manage:user-edit", args=[case.owner_id]),
    }


# Expected status per page for: case officers (cal owns the case, cleo does not), the assigned
# mediator, an unassigned mediator, the manager and the administrator.
EXPECTED = {
    #                    cal  cleo  mia  max  sue  ada
    "my-work": (200, 200, 200, 200, 200, 200),
    "case-list": (200, 200, 200, 200, 200, 200),
    "case-detail": (200, 200, 200, 404, 200, 200),
    "contact-add": (200, 200, 200, 404, 200, 200),
    "note-add": (200, 200, 200, 404, 200, 200),
    "key-dates": (200, 200, 200, 404, 200, 200),
    "step-inform-la": (200, 200, 403, 404, 200, 200),
    # A step not possible now still answers 200 with the reason, to those allowed to take it.
    "step-meeting-held": (200, 200, 200, 404, 200, 200),
    "assign-mediator": (403, 403, 403, 404, 200, 200),
    "private-notes": (404, 404, 200, 404, 404, 404),
    "link-add": (200, 200, 403, 404, 200, 200),
    "team": (200, 200, 403, 403, 200, 200),
    "closure-days": (403, 403, 403, 403, 200, 200),
    "calendar-change": (403, 403, 403, 403, 200, 200),
    "enquiry-list": (200, 200, 403, 403, 200, 200),
    "enquiry-new": (200, 200, 403, 403, 200, 200),
    "enquiry-detail": (200, 200, 403, 403, 200, 200),
    "enquiry-open-case": (200, 200, 403, 403, 200, 200),
    "enquiry-close": (200, 200, 403, 403, 200, 200),
    "manage-home": (403, 403, 403, 403, 200, 200),
    "authorities": (403, 403, 403, 403, 200, 200),
    "authority-new": (403, 403, 403, 403, 200, 200),
    "authority-edit": (403, 403, 403, 403, 200, 200),
    "users": (403, 403, 403, 403, 200, 200),
    "user-new": (403, 403, 403, 403, 200, 200),
    "user-edit": (403, 403, 403, 403, 200, 200),
}


@pytest.fixture
def calendar_change(manager_sue):
    from mediation.deadlines.models import CalendarChange

    return CalendarChange.objects.create(
        description="Added a day", day="2026-12-01", by=manager_sue
    )


@pytest.fixture
def second_enquiry(case_officer_cal, local_authority):
    return services.enquiry_record(by=case_officer_cal, data=enquiry_data(local_authority))


@pytest.mark.parametrize("page", sorted(EXPECTED))
@pytest.mark.parametrize("who", ROLES)
def test_permission_matrix(client, cast, open_case, second_enquiry, calendar_change, page, who):
    login(client, cast[who])
    response = client.get(_urls(open_case, second_enquiry, calendar_change)[page])
    assert response.status_code == EXPECTED[page][ROLES.index(who)]


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_signed_out_people_are_sent_to_sign_in(
    client, open_case, second_enquiry, calendar_change, page
):
    response = client.get(_urls(open_case, second_enquiry, calendar_change)[page])
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_reading_a_case_is_audited(client, open_case, case_officer_cleo):
    login(client, case_officer_cleo)
    client.get(reverse("cases:detail", args=[open_case.reference]))
    read = AuditEvent.objects.get(verb="read", case_id=open_case.pk, actor=case_officer_cleo)
    assert (read.object_type, read.object_id) == ("cases.case", str(open_case.pk))
    assert read.detail["page"] == "cases:detail"


def test_case_page_shows_child_parties_decision_and_timeline(client, open_case, case_officer_cal):
    services.case_note_add(case=open_case, by=case_officer_cal, text="Prefers calls after 3pm")
    login(client, case_officer_cal)
    html = client.get(reverse("cases:detail", args=[open_case.reference])).content.decode()
    for text in [
        "Isla Whitfield",
        "Sarah Whitfield",
        "Refusal to carry out an EHC needs assessment",
        "2 November 2026",
        "Prefers calls after 3pm",
        "Case opened from enquiry",
        "The LA refused to assess",
    ]:
        assert text in html


# The enquiry form --------------------------------------------------------------------------


def _enquiry_post(authority, **overrides):
    data = {
        "caller_type": "parent_carer",
        "caller_name": "Sarah Whitfield",
        "caller_relationship": "Mother",
        "phone": "07700 900123",
        "email": "",
        "address": "",
        "preferred_contact": "phone",
        "child_first_name": "Isla",
        "child_last_name": "Whitfield",
        "child_date_of_birth_day": "12",
        "child_date_of_birth_month": "4",
        "child_date_of_birth_year": "2016",
        "child_setting": "",
        "local_authority": str(authority.pk),
        "decision_type": "refuse_assessment",
        "notice_sent_on_day": "2",
        "notice_sent_on_month": "11",
        "notice_sent_on_year": "2026",
        "letter_dated_on_day": "",
        "letter_dated_on_month": "",
        "letter_dated_on_year": "",
        "case_history": "Refused to assess.",
        "information_given": ["mediation", "appeal"],
    }
    data.update(overrides)
    return data


def test_recording_an_enquiry(client, case_officer_cal, local_authority):
    login(client, case_officer_cal)
    response = client.post(reverse("enquiries:new"), _enquiry_post(local_authority))
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("enquiries:detail", args=[enquiry.reference])
    assert (
        enquiry.info_mediation_given,
        enquiry.info_certificate_given,
        enquiry.info_appeal_given,
    ) == (True, False, True)


INVALID_ENQUIRIES = [
    ({"caller_name": ""}, "Enter the caller&#x27;s full name"),
    ({"caller_name": "x" * 121}, "Caller&#x27;s full name must be 120 characters or fewer"),
    ({"caller_relationship": ""}, "Enter the caller&#x27;s relationship"),
    ({"phone": ""}, "Enter a phone number, or choose another way to contact them"),
    ({"phone": "07700 9001"}, "Enter a UK phone number, like 01632 960 001"),
    ({"phone": "ring the school"}, "Enter a UK phone number"),
    ({"phone": "0" * 31}, "Phone number must be 30 characters or fewer"),
    ({"preferred_contact": "email"}, "Enter an email address, or choose another way"),
    ({"email": "not-an-email"}, "Enter an email address in the correct format"),
    ({"preferred_contact": "letter"}, "Enter a postal address"),
    (
        {"child_date_of_birth_day": "31", "child_date_of_birth_month": "2"},
        "Date of birth must be a real date",
    ),
    ({"child_date_of_birth_year": "1990"}, "must be under 25"),
    ({"child_date_of_birth_year": "2099"}, "Date of birth must be today or in the past"),
    ({"child_date_of_birth_month": ""}, "Date of birth must include a month"),
    (
        {
            "child_date_of_birth_day": "",
            "child_date_of_birth_month": "",
            "child_date_of_birth_year": "",
        },
        "Enter the date of birth",
    ),
    ({"notice_sent_on_year": "2099"}, "must be today or in the past"),
    (
        {"notice_sent_on_day": "", "notice_sent_on_month": "", "notice_sent_on_year": ""},
        "Enter the date the decision notice was sent",
    ),
    ({"local_authority": "999999"}, "Select a local authority from the list"),
    ({"decision_type": "invented"}, "Select a valid choice"),
    ({"section_i_only": "on"}, "Section I only applies to a disagreement about the contents"),
    ({"case_history": "x" * 5001}, "must be 5,000 characters or fewer"),
    ({"caller_type": ""}, "Select who is calling"),
]


@pytest.mark.parametrize(("overrides", "message"), INVALID_ENQUIRIES)
def test_enquiry_form_rejects_bad_input_and_keeps_what_was_typed(
    client, case_officer_cal, local_authority, overrides, message
):
    login(client, case_officer_cal)
    response = client.post(reverse("enquiries:new"), _enquiry_post(local_authority, **overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert message in html
    assert 'value="Isla"' in html  # what the user typed is kept
    assert Enquiry.objects.count() == 0


# Opening a case ----------------------------------------------------------------------------


def test_opening_a_case_from_an_enquiry(client, case_officer_cal, second_enquiry):
    login(client, case_officer_cal)
    response = client.post(
        reverse("enquiries:open-case", args=[second_enquiry.reference]),
        {
            "route": "mediation",
            "issues": ["education", "health"],
            "owner": str(case_officer_cal.pk),
        },
    )
    case = Case.objects.get()
    assert response.url == reverse("cases:detail", args=[case.reference])
    assert case.issue_health and case.route == Route.MEDIATION


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"issues": ["education"]}, "Select what the family has chosen"),
        ({"route": "mediation"}, "Select at least one kind of issue"),
        ({"route": "mediation", "issues": ["education"], "owner": ""}, "Select the case owner"),
        ({"route": "teleport", "issues": ["education"]}, "Select a valid choice"),
    ],
)
def test_open_case_form_rejects_bad_input(client, case_officer_cal, second_enquiry, post, message):
    login(client, case_officer_cal)
    post = {"owner": str(case_officer_cal.pk), **post}
    response = client.post(reverse("enquiries:open-case", args=[second_enquiry.reference]), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Case.objects.count() == 0


def test_no_certificate_route_for_section_i_only(client, case_officer_cal, local_authority):
    enquiry = services.enquiry_record(
        by=case_officer_cal,
        data=enquiry_data(local_authority, decision_type="plan_contents", section_i_only=True),
    )
    login(client, case_officer_cal)
    response = client.post(
        reverse("enquiries:open-case", args=[enquiry.reference]),
        {"route": "certificate_only", "issues": ["education"], "owner": str(case_officer_cal.pk)},
    )
    assert response.status_code == 400
    assert "No certificate is needed to appeal about Section I only" in response.content.decode()


def test_mediation_route_refused_for_a_decision_without_appeal(
    client, case_officer_cal, local_authority
):
    enquiry = services.enquiry_record(
        by=case_officer_cal,
        data=enquiry_data(local_authority, decision_type="other_disagreement", notice_sent_on=None),
    )
    login(client, case_officer_cal)
    response = client.post(
        reverse("enquiries:open-case", args=[enquiry.reference]),
        {"route": "mediation", "issues": ["education"], "owner": str(case_officer_cal.pk)},
    )
    assert response.status_code == 400
    assert "Choose disagreement resolution" in response.content.decode()


def test_closing_an_enquiry_needs_a_note(client, case_officer_cal, second_enquiry):
    login(client, case_officer_cal)
    url = reverse("enquiries:close", args=[second_enquiry.reference])
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "Explained the options"}).status_code == 302
    second_enquiry.refresh_from_db()
    assert second_enquiry.status == Enquiry.Status.CLOSED


# Contacts and notes ------------------------------------------------------------------------


def test_logging_a_contact(client, case_officer_cal, open_case):
    login(client, case_officer_cal)
    party = open_case.parties.get()
    response = client.post(
        reverse("cases:contact-add", args=[open_case.reference]),
        {
            "party": str(party.pk),
            "method": "phone",
            "direction": "outgoing",
            "occurred_on_day": "20",
            "occurred_on_month": "11",
            "occurred_on_year": "2026",
            "occurred_time": "10:15",
            "summary": "Called to explain next steps",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.party == party and contact.summary == "Called to explain next steps"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"summary": ""}, "Enter a summary of the contact"),
        ({"party": ""}, "Select who the contact was with"),
        ({"party": "other"}, "Enter the name of the person"),
        ({"party": "424242"}, "Select a person from the list"),
        ({"occurred_time": "25:99"}, "Enter a time like 09:15 or 14:30"),
        ({"occurred_on_year": "2099"}, "must be today or in the past"),
        ({"method": ""}, "Select how the contact was made"),
    ],
)
def test_contact_form_rejects_bad_input(client, case_officer_cal, open_case, overrides, message):
    login(client, case_officer_cal)
    post = {
        "party": str(open_case.parties.get().pk),
        "method": "phone",
        "direction": "outgoing",
        "occurred_on_day": "20",
        "occurred_on_month": "11",
        "occurred_on_year": "2026",
        "occurred_time": "",
        "summary": "Called",
    }
    post.update(overrides)
    response = client.post(reverse("cases:contact-add", args=[open_case.reference]), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Contact.objects.count() == 0


def test_note_form(client, case_officer_cal, open_case):
    login(client, case_officer_cal)
    url = reverse("cases:note-add", args=[open_case.reference])
    response = client.post(url, {"text": ""})
    assert response.status_code == 400 and "Enter the note" in response.content.decode()
    response = client.post(url, {"text": "x" * 5001})
    assert response.status_code == 400 and "5,000 characters or fewer" in response.content.decode()
    assert client.post(url, {"text": "Spoke to school"}).status_code == 302


def test_an_unassigned_mediator_cannot_post_to_a_case(client, mediator_max, open_case):
    login(client, mediator_max)
    response = client.post(reverse("cases:note-add", args=[open_case.reference]), {"text": "x"})
    assert response.status_code == 404
    assert open_case.notes.count() == 0


# Query counts ------------------------------------------------------------------------------


def _make_cases(owner, local_authority, count):
    for _ in range(count):
        enquiry = services.enquiry_record(by=owner, data=enquiry_data(local_authority))
        workflow_services.case_open_from_enquiry(
            enquiry=enquiry, route=Route.MEDIATION, owner=owner, by=owner
        )


@pytest.mark.parametrize("url_name", ["cases:my-work", "cases:list"])
def test_list_pages_use_a_fixed_number_of_queries(
    client, case_officer_cal, local_authority, django_assert_max_num_queries, url_name
):
    _make_cases(case_officer_cal, local_authority, 3)
    login(client, case_officer_cal)
    # 12, and the page's read event (ADR 0029)
    with django_assert_max_num_queries(12 + audit_write_queries()) as small:
        client.get(reverse(url_name))
    _make_cases(case_officer_cal, local_authority, 20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(
            reverse(
                url_name,
            )
        )
    assert response.status_code == 200


def test_case_page_queries_do_not_grow_with_the_timeline(
    client, case_officer_cal, open_case, django_assert_max_num_queries
):
    login(client, case_officer_cal)
    url = reverse("cases:detail", args=[open_case.reference])
    services.case_note_add(case=open_case, by=case_officer_cal, text="one")
    # The case page gathers many panels (parties, meetings, outcome, certificate); what matters
    # is that the count stays flat as the case grows.
    with django_assert_max_num_queries(45) as first:
        client.get(url)
    for number in range(15):
        services.case_note_add(case=open_case, by=case_officer_cal, text=f"note {number}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)

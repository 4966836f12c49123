"""Every meetings URL × the cast, invalid forms, and query counts on the calendar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import audit_write_queries, login
from mediation.audit.models import AuditEvent
from mediation.domain.case_states import CaseState
from mediation.meetings import services
from mediation.meetings.models import MediatorCall, Meeting, MeetingLetter, SlotOffer
from mediation.meetings.tests.conftest import ONLINE, at, working_days_from_today
from mediation.notifications.models import Message
from mediation.workflow import services as workflow_services

pytestmark = pytest.mark.django_db

CAST = [
    "case_officer_cal",
    "case_officer_cleo",
    "mediator_mia",
    "mediator_max",
    "manager_sue",
    "admin_ada",
]


@pytest.fixture
def booked(arranging_case, slot, case_officer_cal):
    return services.meeting_book(
        case=arranging_case,
        slot=slot,
        by=case_officer_cal,
        details=ONLINE,
        short_notice_consent=False,
        expected_state=CaseState.ARRANGING,
    )


def urls(case, slot, meeting):
    ref = case.reference
    call = meeting.calls.first()
    letter = MeetingLetter.objects.get(meeting=meeting)
    return {
        "slots": reverse("meetings:slots", args=[ref]),
        "answers": reverse("meetings:answers", args=[ref, slot.pk]),
        "book": reverse("meetings:book", args=[ref, slot.pk]),
        "detail": reverse("meetings:detail", args=[ref]),
        "reschedule": reverse("meetings:reschedule", args=[ref, meeting.pk]),
        "cancel": reverse("meetings:cancel", args=[ref, meeting.pk]),
        "call": reverse("meetings:call", args=[ref, call.pk]),
        "letter": reverse("documents:download", args=[ref, letter.document_id]),
    }


# Expected GET status per page and person: case officers, managers and admins see and schedule;
# the assigned mediator sees the case pages and records calls but does not schedule; any other
# mediator gets 404 as if the case did not exist.
EXPECTED = {
    "case_officer_cal": dict.fromkeys(
        ["slots", "answers", "book", "detail", "reschedule", "cancel", "call", "letter"], 200
    ),
    "case_officer_cleo": dict.fromkeys(
        ["slots", "answers", "book", "detail", "reschedule", "cancel", "call", "letter"], 200
    ),
    "manager_sue": dict.fromkeys(
        ["slots", "answers", "book", "detail", "reschedule", "cancel", "call", "letter"], 200
    ),
    "admin_ada": dict.fromkeys(
        ["slots", "answers", "book", "detail", "reschedule", "cancel", "call", "letter"], 200
    ),
    "mediator_mia": {
        "slots": 200,
        "answers": 403,
        "book": 403,
        "detail": 200,
        "reschedule": 403,
        "cancel": 403,
        "call": 200,
        "letter": 200,
    },
    "mediator_max": dict.fromkeys(
        ["slots", "answers", "book", "detail", "reschedule", "cancel", "call", "letter"], 404
    ),
}


@pytest.mark.parametrize("who", CAST)
def test_permission_matrix(client, cast, who, arranging_case, slot, booked):
    login(client, cast[who])
    for name, url in urls(arranging_case, slot, booked).items():
        assert client.get(url).status_code == EXPECTED[who][name], (who, name)
    assert client.get(reverse("meetings:calendar")).status_code == 200


def test_signed_out_is_sent_to_sign_in(client, arranging_case, slot, booked):
    for url in [*urls(arranging_case, slot, booked).values(), reverse("meetings:calendar")]:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_mediators_cannot_post_to_scheduling_pages(
    client, mediator_mia, arranging_case, slot, booked
):
    login(client, mediator_mia)
    page = urls(arranging_case, slot, booked)
    assert client.post(page["slots"], {}).status_code == 403
    assert client.post(page["cancel"], {"reason": "x"}).status_code == 403
    assert Meeting.objects.get().is_booked


def test_unassigned_mediator_cannot_post(client, mediator_max, arranging_case, slot, booked):
    login(client, mediator_max)
    page = urls(arranging_case, slot, booked)
    assert client.post(page["call"], {"note": "x"}).status_code == 404
    assert client.post(page["cancel"], {"reason": "x"}).status_code == 404


def test_the_pdf_letter_downloads(client, case_officer_cal, arranging_case, slot, booked):
    login(client, case_officer_cal)
    letter = MeetingLetter.objects.select_related("document").get()
    response = client.get(urls(arranging_case, slot, booked)["letter"])
    assert response["Content-Type"] == "application/pdf"
    assert letter.document is not None and response.content == bytes(letter.document.pdf)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert AuditEvent.objects.filter(verb="document.download", case_id=arranging_case.pk).exists()
    # the page links to it; the old address sends people there
    page = client.get(urls(arranging_case, slot, booked)["detail"]).content.decode()
    assert urls(arranging_case, slot, booked)["letter"] in page
    old = reverse("meetings:letter", args=[arranging_case.reference, letter.pk])
    assert client.get(old)["Location"] == urls(arranging_case, slot, booked)["letter"]
    client.post(reverse("meetings:letter-posted", args=[arranging_case.reference, letter.pk]))
    assert letter.message_id is not None
    assert Message.objects.get(pk=letter.message_id).status == Message.Status.SENT


def _date(prefix, day):
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def test_offer_a_date_and_invalid_input(client, case_officer_cal, arranging_case):
    login(client, case_officer_cal)
    url = reverse("meetings:slots", args=[arranging_case.reference])
    day = working_days_from_today(8)
    bad = {**_date("on", day), "start_time": "25:99", "duration_minutes": "abc", "mode": ""}
    response = client.post(url, bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_start_time-error"' in html and "Enter a real time" in html
    assert "Length must be a number of minutes" in html
    assert "Select how people will take part" in html
    assert 'value="25:99"' in html  # what was typed is kept
    assert not SlotOffer.objects.exists()
    good = {**_date("on", day), "start_time": "14:30", "duration_minutes": "120", "mode": "online"}
    assert client.post(url, good).status_code == 302
    slot = SlotOffer.objects.get()
    assert slot.local_start.hour == 14 and slot.local_start.minute == 30
    assert str(slot.local_start.tzinfo) == "Europe/London"


def test_answers_and_booking_through_the_pages(client, case_officer_cal, arranging_case, slot):
    login(client, case_officer_cal)
    answers_url = reverse("meetings:answers", args=[arranging_case.reference, slot.pk])
    form = client.get(answers_url).context["form"]
    assert client.post(answers_url, {name: "bogus" for name in form.fields}).status_code == 400
    assert client.post(answers_url, dict.fromkeys(form.fields, "yes")).status_code == 302
    page = client.get(reverse("meetings:slots", args=[arranging_case.reference])).content.decode()
    assert "Works for everyone required" in page and "Book this date" in page

    book_url = reverse("meetings:book", args=[arranging_case.reference, slot.pk])
    response = client.post(book_url, {"expected_state": "arranging", "online_link": "not a link"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_online_link-error"' in html and 'value="not a link"' in html
    response = client.post(book_url, {"expected_state": "arranging", **ONLINE})
    assert response.status_code == 302
    assert Meeting.objects.get().is_booked
    arranging_case.refresh_from_db()
    assert arranging_case.status == CaseState.MEETING_BOOKED
    case_page = client.get(
        reverse("cases:detail", args=[arranging_case.reference])
    ).content.decode()
    assert "Meeting details, letters and calls" in case_page


def test_booking_inside_five_working_days_without_consent_is_refused_beside_the_field(
    client, case_officer_cal, arranging_case
):
    login(client, case_officer_cal)
    soon = services.slot_offer_add(
        case=arranging_case,
        by=case_officer_cal,
        starts_at=at(working_days_from_today(2)),
        duration_minutes=120,
        mode="online",
    )
    url = reverse("meetings:book", args=[arranging_case.reference, soon.pk])
    response = client.post(url, {"expected_state": "arranging", **ONLINE})
    assert response.status_code == 400
    assert 'id="id_short_notice_consent-error"' in response.content.decode()
    assert not Meeting.objects.exists()
    response = client.post(
        url, {"expected_state": "arranging", "short_notice_consent": "on", **ONLINE}
    )
    assert response.status_code == 302 and Meeting.objects.get().short_notice_consent


def test_a_stale_booking_page_is_refused(client, case_officer_cal, arranging_case, slot):
    login(client, case_officer_cal)
    url = reverse("meetings:book", args=[arranging_case.reference, slot.pk])
    response = client.post(url, {"expected_state": "mediation_requested", **ONLINE})
    assert response.status_code == 400
    assert "Someone else changed this case" in response.content.decode()
    assert not Meeting.objects.exists()


def test_reschedule_cancel_and_call_forms(
    client, case_officer_cal, mediator_mia, arranging_case, slot, booked
):
    login(client, case_officer_cal)
    page = urls(arranging_case, slot, booked)
    response = client.post(
        page["reschedule"], {"start_time": "10:00", "mode": "venue", "duration_minutes": "60"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the date" in html and "Give the reason for moving" in html
    assert "Enter the name of the venue" in html
    assert "Select who asked for the meeting to be moved" in html
    assert "Select the main reason" in html
    new_day = working_days_from_today(15)
    data = {
        **_date("on", new_day),
        "start_time": "10:00",
        "duration_minutes": "60",
        "mode": "online",
        "requested_by": "la",
        "reason_kind": "not_available",
        "reason": "Clash",
        **ONLINE,
    }
    assert client.post(page["reschedule"], data).status_code == 302
    booked.refresh_from_db()
    assert booked.sequence == 1 and booked.local_start.date() == new_day

    assert (
        client.post(page["cancel"], {"expected_state": "meeting_booked", "reason": ""}).status_code
        == 400
    )
    login(client, mediator_mia)
    response = client.post(page["call"], {"note": "x" * 600})
    assert response.status_code == 400
    assert "Enter the date of the call" in response.content.decode()
    assert "500 characters or fewer" in response.content.decode()
    today = timezone.localdate()
    assert (
        client.post(page["call"], {**_date("called_on", today), "note": "Fine"}).status_code == 302
    )
    assert MediatorCall.objects.filter(called_on=today).count() == 1
    login(client, case_officer_cal)
    data = {
        "expected_state": "meeting_booked",
        "requested_by": "family",
        "reason_kind": "settled",
        "reason": "Family withdrew",
    }
    assert client.post(page["cancel"], data).status_code == 302
    booked.refresh_from_db()
    assert booked.status == Meeting.Status.CANCELLED and booked.sequence == 2


def test_my_work_lists_the_mediators_calls(
    client, mediator_mia, mediator_max, arranging_case, booked, django_assert_max_num_queries
):
    login(client, mediator_mia)
    html = client.get(reverse("cases:my-work")).content.decode()
    assert "Calls before meetings" in html and "Call Sarah Whitfield" in html
    login(client, mediator_max)
    html = client.get(reverse("cases:my-work")).content.decode()
    assert "Call Sarah Whitfield" not in html


def test_my_work_calls_panel_uses_one_query(
    mediator_mia, arranging_case, booked, django_assert_num_queries
):
    from django.template import Context, Template

    template = Template("{% load meetings %}{% mediator_calls user %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"user": mediator_mia}))
    assert html.count('class="govuk-link"') == 4


# Calendar ----------------------------------------------------------------------------------------


def _book_for(case_fixture_case, user, day, hour=10):
    slot = services.slot_offer_add(
        case=case_fixture_case,
        by=user,
        starts_at=at(day, hour),
        duration_minutes=120,
        mode="online",
    )
    return services.meeting_book(
        case=case_fixture_case,
        slot=slot,
        by=user,
        details=ONLINE,
        short_notice_consent=True,
        expected_state=CaseState(case_fixture_case.status),
    )


def _other_case(officer, local_authority, mediator):
    from mediation.cases import services as case_services
    from mediation.cases.tests.factories import enquiry_data
    from mediation.domain.case_states import Route, Step
    from mediation.workflow.services import case_take_step

    enquiry = case_services.enquiry_record(by=officer, data=enquiry_data(local_authority))
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=officer, by=officer
    )
    case = case_services.case_assign_mediator(case=case, mediator=mediator, by=officer)
    return case_take_step(
        case=case,
        step=Step.INFORM_LA,
        by=officer,
        data={"on": timezone.localdate()},
        expected_state=CaseState.MEDIATION_REQUESTED,
    )


def test_calendar_scope_filters_and_navigation(
    client, case_officer_cal, mediator_mia, mediator_max, local_authority, arranging_case, booked
):
    other = _other_case(case_officer_cal, local_authority, mediator_max)
    day = booked.local_start.date()
    _book_for(other, case_officer_cal, day, 15)
    query = f"?view=month&date={day:%Y-%m-%d}"
    url = reverse("meetings:calendar")

    login(client, case_officer_cal)
    html = client.get(url + query).content.decode()
    assert arranging_case.reference in html and other.reference in html
    assert "Isla" not in html  # no child's name on the calendar
    html = client.get(url + query + f"&mediator={mediator_max.pk}").content.decode()
    assert other.reference in html and arranging_case.reference not in html

    login(client, mediator_mia)
    html = client.get(url + query).content.decode()
    assert arranging_case.reference in html and other.reference not in html
    # a mediator cannot widen the scope with the filter
    html = client.get(url + query + f"&mediator={mediator_max.pk}").content.decode()
    assert other.reference not in html

    login(client, case_officer_cal)
    response = client.get(url + f"?view=week&date={day:%Y-%m-%d}")
    assert arranging_case.reference in response.content.decode()
    monday = day - timedelta(days=day.weekday())
    assert response.context["previous"] == monday - timedelta(days=7)
    assert response.context["following"] == monday + timedelta(days=7)
    assert len(response.context["days"]) == 7
    # a nonsense date falls back to today rather than failing
    assert client.get(url + "?view=month&date=2026-13-45").status_code == 200


def test_calendar_query_count_is_fixed(
    client,
    case_officer_cal,
    mediator_max,
    local_authority,
    arranging_case,
    booked,
    django_assert_num_queries,
):
    day = booked.local_start.date()
    url = reverse("meetings:calendar") + f"?view=month&date={day:%Y-%m-%d}"
    login(client, case_officer_cal)
    client.get(url)
    # The session, the user with their device (ADR 0050), the calendar's reads, the read event.
    with django_assert_num_queries(4 + audit_write_queries()) as first:
        client.get(url)
    for hour in (9, 13, 16):
        _book_for(
            _other_case(case_officer_cal, local_authority, mediator_max),
            case_officer_cal,
            day,
            hour,
        )
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.context["count"] == 4


def test_the_las_changes_are_counted_with_the_meeting(booked, case_officer_cal):
    """The case page counts the LA's cancellations and moves of any of the case's meetings in
    the query that reads the current meeting; the family's and bookings do not count."""
    from mediation.cases.models import Side
    from mediation.meetings.models import MeetingChange
    from mediation.meetings.selectors import changes_and_declines, meeting_current

    case = booked.case
    earlier = Meeting.objects.get(pk=booked.pk)
    earlier.pk, earlier.uid, earlier.status = None, "earlier@example.org", Meeting.Status.CANCELLED
    earlier.save()
    for meeting, kind, side in (
        (earlier, MeetingChange.Kind.CANCELLED, Side.LA),
        (booked, MeetingChange.Kind.RESCHEDULED, Side.LA),
        (booked, MeetingChange.Kind.RESCHEDULED, Side.FAMILY),
        (booked, MeetingChange.Kind.BOOKED, Side.LA),
    ):
        MeetingChange.objects.create(
            meeting=meeting, kind=kind, sequence=1, requested_by=side, by=case_officer_cal
        )
    current = meeting_current(case)
    assert current is not None and current.pk == booked.pk
    assert changes_and_declines(case, mediation_by=None, meeting=current).la_changes == 2
    assert changes_and_declines(case, mediation_by=None).la_changes == 2

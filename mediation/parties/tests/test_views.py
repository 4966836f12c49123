"""Pages: who may use each one, bad input on every form, and a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from conftest import login
from mediation.cases.models import Party
from mediation.parties import services
from mediation.parties.models import AttendanceResponse, ExpenseClaim
from mediation.parties.tests.helpers import parent_of, person
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
VIEW = (200, 200, 200, 404, 200, 200)
CHANGE = (200, 200, 403, 404, 200, 200)
DECIDE = (403, 403, 200, 404, 200, 200)
EXPECTED = {
    "list": VIEW,
    "add": CHANGE,
    "detail": VIEW,
    "edit": CHANGE,
    "attendance": CHANGE,
    "response": CHANGE,
    "decision": DECIDE,
    "authority": CHANGE,
    "expenses": VIEW,
    "claim-new": CHANGE,
    "claim": VIEW,
    "line-add": CHANGE,
}


@pytest.fixture
def scene(open_case, case_officer_cal):
    la = person(open_case, case_officer_cal, "la_representative", "Lee Officer")
    teacher = person(open_case, case_officer_cal, "information_provider", "Ms Teacher")
    claim = services.expense_claim_start(
        case=open_case,
        claimant=parent_of(open_case),
        received_on=date(2026, 11, 25),
        by=case_officer_cal,
    )
    return {"case": open_case, "la": la, "teacher": teacher, "claim": claim}


def _url(name, scene):
    ref = scene["case"].reference
    if name in {"list", "add", "expenses", "claim-new"}:
        return reverse(f"parties:{name}", args=[ref])
    if name in {"claim", "line-add"}:
        return reverse(f"parties:{name}", args=[ref, scene["claim"].pk])
    party = scene["la"] if name == "authority" else scene["teacher"]
    return reverse(f"parties:{name}", args=[ref, party.pk])


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_permission_matrix(client, cast, scene, name, role_index):
    login(client, cast[ROLES[role_index]])
    response = client.get(_url(name, scene))
    assert response.status_code == EXPECTED[name][role_index], (ROLES[role_index], name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_signed_out_goes_to_sign_in(client, scene, name):
    response = client.get(_url(name, scene))
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


@pytest.mark.parametrize("name", ["add", "edit", "attendance", "response", "authority"])
def test_mediator_posts_change_nothing(client, mediator_mia, scene, name):
    login(client, mediator_mia)
    before = (Party.objects.count(), AttendanceResponse.objects.count())
    response = client.post(_url(name, scene), {"name": "X", "role": "supporter"})
    assert response.status_code == 403
    assert (Party.objects.count(), AttendanceResponse.objects.count()) == before


def test_authority_page_is_404_for_someone_not_representing_a_body(client, case_officer_cal, scene):
    login(client, case_officer_cal)
    url = reverse("parties:authority", args=[scene["case"].reference, scene["teacher"].pk])
    assert client.get(url).status_code == 404


def test_party_of_another_case_is_404(client, case_officer_cal, scene, local_authority):
    from mediation.cases import services as case_services
    from mediation.cases.tests.factories import enquiry_data
    from mediation.domain.case_states import Route

    enquiry = case_services.enquiry_record(by=case_officer_cal, data=enquiry_data(local_authority))
    other = workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
    )
    login(client, case_officer_cal)
    url = reverse("parties:detail", args=[other.reference, scene["teacher"].pk])
    assert client.get(url).status_code == 404


def _error_beside(response, message):
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html, message
    return html


PARTY_BASE = {
    "role": "parent_carer",
    "name": "Tom Whitfield",
    "preferred_contact": "phone",
    "language": "English",
}


@pytest.mark.parametrize(
    ("changes", "message", "kept"),
    [
        ({"name": ""}, "Enter the full name", 'value="English"'),
        ({"email": "tom@@nowhere"}, "Enter an email address in the correct format", "tom@@nowhere"),
        (
            {"interpreter_needed": "on"},
            "Enter the language the interpreter is needed for",
            "Tom Whitfield",
        ),
        (
            {"reasonable_adjustments": "x" * 5001},
            "Reasonable adjustments must be 5,000 characters or fewer",
            "xxxxxxxx",
        ),
        ({"name": "N" * 121}, "Full name must be 120 characters or fewer", "NNNNNNN"),
        ({"role": "supporter"}, "Select who they are supporting", "Tom Whitfield"),
        ({"role": "information_provider"}, "Enter the organisation they are from", "Tom Whitfield"),
        ({"role": "wizard"}, "Select the person&#x27;s role", "Tom Whitfield"),
        (
            {"preferred_contact": "email"},
            "Enter an email address, as they prefer email",
            "Tom Whitfield",
        ),
        (
            {"preferred_contact": "letter"},
            "Enter a postal address, as they prefer letters",
            "Tom Whitfield",
        ),
        ({"phone": "0770 090"}, "Enter a UK phone number, like 01632 960 001", "0770 090"),
        ({"phone": "call me"}, "Enter a UK phone number", "call me"),
    ],
)
def test_party_form_invalid_input(client, case_officer_cal, scene, changes, message, kept):
    login(client, case_officer_cal)
    before = Party.objects.count()
    for name in ("add", "edit"):
        response = client.post(_url(name, scene), {**PARTY_BASE, **changes})
        html = _error_beside(response, message)
        assert kept in html
    assert Party.objects.count() == before


def test_add_and_edit_a_party(client, case_officer_cal, scene):
    login(client, case_officer_cal)
    response = client.post(
        _url("add", scene),
        {
            **PARTY_BASE,
            "role": "supporter",
            "name": "Ann Advocate",
            "supporter_kind": "advocate",
            "supports": parent_of(scene["case"]).pk,
            "interpreter_needed": "on",
            "interpreter_language": "BSL",
            "reasonable_adjustments": "Breaks every 30 minutes",
        },
    )
    assert response.status_code == 302
    ann = Party.objects.get(name="Ann Advocate")
    assert ann.supports == parent_of(scene["case"])
    page = client.get(response["Location"]).content.decode()
    assert "Attends by right" in page and "Interpreter needed: BSL" in page
    response = client.post(
        reverse("parties:edit", args=[scene["case"].reference, ann.pk]),
        {**PARTY_BASE, "name": "Ann Advocate", "language": "Welsh", "phone": "+447700900982"},
    )
    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.phone == "07700 900982"  # checked and kept as people write it
    assert (ann.role, ann.language, ann.supports_id, ann.interpreter_language) == (
        "parent_carer",
        "Welsh",
        None,
        "",
    )


def test_response_form_invalid(client, case_officer_cal, scene):
    login(client, case_officer_cal)
    url = _url("response", scene)
    response = client.post(url, {})
    _error_beside(response, "Select who is answering")
    response = client.post(url, {"responder": parent_of(scene["case"]).pk, "agrees": "no"})
    _error_beside(response, "Give the reason for the objection")
    response = client.post(url, {"responder": 999999, "agrees": "yes"})
    _error_beside(response, "Select someone whose agreement counts")
    assert not AttendanceResponse.objects.exists()
    response = client.post(
        url,
        {"responder": scene["la"].pk, "agrees": "no", "reason": "Not relevant"},
    )
    assert response.status_code == 302


def test_response_for_a_party_is_not_needed(client, case_officer_cal, scene):
    login(client, case_officer_cal)
    url = reverse("parties:response", args=[scene["case"].reference, scene["la"].pk])
    assert "Parties attend as parties" in client.get(url).content.decode()
    assert client.post(url, {"responder": scene["la"].pk, "agrees": "no"}).status_code == 400


def test_decision_form_invalid_and_valid(client, mediator_mia, scene):
    login(client, mediator_mia)
    url = _url("decision", scene)
    _error_beside(client.post(url, {}), "Select your decision")
    html = _error_beside(
        client.post(url, {"decision": "refused", "reason": ""}), "Give the reason for your decision"
    )
    assert 'value="refused" checked' in html
    response = client.post(url, {"decision": "refused", "reason": "Not needed"})
    assert response.status_code == 302


def test_decision_for_the_child_asks_how_much(client, mediator_mia, case_officer_cal, scene):
    child = person(scene["case"], case_officer_cal, "child", "Isla")
    login(client, mediator_mia)
    url = reverse("parties:decision", args=[scene["case"].reference, child.pk])
    _error_beside(
        client.post(url, {"decision": "allowed", "reason": "ok"}),
        "Select part or all of the meeting",
    )
    _error_beside(
        client.post(url, {"decision": "allowed", "reason": "ok", "child_scope": "part"}),
        "Say which part of the meeting",
    )


def test_plan_form_invalid(client, case_officer_cal, scene):
    login(client, case_officer_cal)
    _error_beside(client.post(_url("attendance", scene), {}), "Select whether they will attend")
    child = person(scene["case"], case_officer_cal, "child", "Isla")
    url = reverse("parties:attendance", args=[scene["case"].reference, child.pk])
    html = _error_beside(
        client.post(url, {"attending": "yes", "child_scope": "part", "child_scope_detail": ""}),
        "Say which part of the meeting",
    )
    assert 'value="part" checked' in html
    # Only information providers are offered "send information instead".
    _error_beside(
        client.post(url, {"attending": "information", "child_scope": "all"}),
        "Select whether they will attend",
    )


def test_authority_form_invalid_and_warning_goes(client, case_officer_cal, scene):
    login(client, case_officer_cal)
    case_url = reverse("cases:detail", args=[scene["case"].reference])
    assert "can make decisions on: education" in client.get(case_url).content.decode()
    url = _url("authority", scene)
    html = _error_beside(
        client.post(
            url,
            {
                "issues": ["education"],
                "confirmed_on_day": "31",
                "confirmed_on_month": "2",
                "confirmed_on_year": "2026",
            },
        ),
        "Date the body confirmed it must be a real date",
    )
    assert 'value="31"' in html
    _error_beside(
        client.post(url, {"issues": ["education"]}), "Enter the date the body confirmed it"
    )
    _error_beside(
        client.post(
            url,
            {
                "issues": ["astrology"],
                "confirmed_on_day": "2",
                "confirmed_on_month": "2",
                "confirmed_on_year": "2026",
            },
        ),
        "Select issues from the list",
    )
    response = client.post(
        url,
        {
            "issues": ["education"],
            "confirmed_on_day": "2",
            "confirmed_on_month": "2",
            "confirmed_on_year": "2026",
        },
    )
    assert response.status_code == 302
    assert "can make decisions on: education" not in client.get(case_url).content.decode()


def test_claim_and_line_forms(client, case_officer_cal, scene):
    login(client, case_officer_cal)
    _error_beside(client.post(_url("claim-new", scene), {}), "Select who is claiming")
    _error_beside(
        client.post(_url("claim-new", scene), {"claimant": scene["la"].pk, "confirmed_on_day": ""}),
        "Select the parent, young person or representative",
    )
    assert ExpenseClaim.objects.count() == 1
    url = _url("line-add", scene)
    _error_beside(client.post(url, {}), "Select what is being claimed")
    _error_beside(client.post(url, {"kind": "taxi"}), "Enter the amount claimed")
    html = _error_beside(
        client.post(url, {"kind": "taxi", "amount": "12.345"}),
        "Enter the amount in pounds and pence, between £0 and £10,000",
    )
    assert 'value="12.345"' in html
    _error_beside(client.post(url, {"kind": "mileage"}), "Enter the number of miles")
    _error_beside(client.post(url, {"kind": "mileage", "miles": "-3"}), "Miles must be 0 or more")
    _error_beside(
        client.post(url, {"kind": "carer", "hours": "2"}),
        "Enter the number of children or young people",
    )
    _error_beside(
        client.post(url, {"kind": "overnight_elsewhere", "amount": "80"}),
        "Enter the number of nights",
    )
    response = client.post(url, {"kind": "loss_of_earnings", "amount": "£60.00"})
    assert response.status_code == 302
    page = client.get(_url("claim", scene)).content.decode()
    assert "Total payable: £45.00" in page
    assert "Capped at £45.00: loss of earnings is paid up to £45" in page
    assert "The local authority" in page


def test_case_page_queries_do_not_grow_with_parties(
    client, case_officer_cal, scene, django_assert_max_num_queries
):
    login(client, case_officer_cal)
    url = reverse("cases:detail", args=[scene["case"].reference])
    with django_assert_max_num_queries(40) as first:
        response = client.get(url)
    assert "Parties and attendance" in response.content.decode()
    case = scene["case"]
    for number in range(6):
        teacher = person(case, case_officer_cal, "information_provider", f"Teacher {number}")
        services.attendance_response_record(
            party=teacher,
            responder=parent_of(case),
            agrees=False,
            reason="No",
            by=case_officer_cal,
        )
        person(
            case,
            case_officer_cal,
            "la_representative",
            f"Officer {number}",
            additional_officer=True,
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert "Teacher 5" in response.content.decode()


@pytest.mark.parametrize("name", ["list", "detail"])
def test_party_pages_queries_do_not_grow(
    client, case_officer_cal, scene, django_assert_max_num_queries, name
):
    login(client, case_officer_cal)
    with django_assert_max_num_queries(40) as first:
        client.get(_url(name, scene))
    for number in range(5):
        person(
            scene["case"],
            case_officer_cal,
            "supporter",
            f"Helper {number}",
            supports=parent_of(scene["case"]),
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(_url(name, scene)).status_code == 200


def test_needs_summary_include(scene, case_officer_cal):
    from django.template import Context, Template

    person(
        scene["case"],
        case_officer_cal,
        "parent_carer",
        "Piotr Nowak",
        language="Polish",
        interpreter_needed=True,
        interpreter_language="Polish",
        reasonable_adjustments="Phone only",
    )
    html = Template('{% include "parties/_needs_summary.html" %}').render(
        Context({"case": scene["case"]})
    )
    assert "Piotr Nowak" in html
    assert "Interpreter needed: Polish" in html
    assert "Adjustments: Phone only" in html
    assert "Sarah Whitfield" in html


def test_the_pages_say_what_was_saved_or_that_nothing_was(client, case_officer_cal, scene):
    """Issue 18: "Authority recorded" with nothing ticked claimed a change that never happened."""
    login(client, case_officer_cal)
    url = _url("authority", scene)
    response = client.post(
        url, {"confirmed_on_day": "2", "confirmed_on_month": "2", "confirmed_on_year": "2026"}
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Nothing was changed" in page and "Authority recorded" not in page
    post = {
        "issues": ["education"],
        "confirmed_on_day": "2",
        "confirmed_on_month": "2",
        "confirmed_on_year": "2026",
    }
    page = client.get(client.post(url, post).url).content.decode()
    assert "Recorded: Lee Officer can decide on education" in page
    page = client.get(client.post(url, post).url).content.decode()
    assert "Nothing was changed" in page
    # Saving a person's details unchanged: no history line, and the page says so.
    from mediation.parties.forms import PartyForm
    from mediation.timeline.models import TimelineEntry

    teacher = scene["teacher"]
    lines = TimelineEntry.objects.filter(case=scene["case"]).count()
    form = PartyForm(case=scene["case"], party=teacher, initial=PartyForm.initial_for(teacher))
    unchanged = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                unchanged[name] = "on"
        elif value is not None:
            unchanged[name] = value.pk if hasattr(value, "pk") else value
    response = client.post(_url("edit", scene), unchanged)
    assert response.status_code == 302, response.content.decode()
    assert "Nothing was changed" in client.get(response.url).content.decode()
    assert TimelineEntry.objects.filter(case=scene["case"]).count() == lines


def test_an_objection_shows_the_mediator_must_decide(client, case_officer_cal, scene):
    """Issue 18: "Waiting for X" after X objected. For anyone else (reg 38(1)(e)) the mediator
    decides once a party objects; the page says so and waits for no one."""
    parent = parent_of(scene["case"])
    services.attendance_response_record(
        party=scene["teacher"],
        responder=parent,
        agrees=False,
        reason="Prefer a smaller meeting",
        by=case_officer_cal,
    )
    login(client, case_officer_cal)
    page = client.get(_url("detail", scene)).content.decode()
    assert "The mediator must decide: a party objected" in page
    assert "Waiting for" not in page

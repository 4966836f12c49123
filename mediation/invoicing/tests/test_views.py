"""The Manage → Invoices pages: who may see them, the forms with good and bad input, the list's
queries, and downloads that are audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.invoicing import selectors, services
from mediation.invoicing.models import Activity, CreditNote, Invoice, Tariff
from mediation.invoicing.tests import support
from mediation.notifications.models import Message

pytestmark = pytest.mark.django_db

NOV_1, NOV_30 = date(2026, 11, 1), date(2026, 11, 30)


def issue(authority, user, start=NOV_1, end=NOV_30):
    draft = selectors.invoice_draft(authority=authority, start=start, end=end)
    return services.invoice_issue(
        authority=authority, start=start, end=end, fingerprint=draft.fingerprint, by=user
    )


@pytest.fixture
def invoice(local_authority, manager_sue, case_officer_cal):
    support.standard_tariffs(local_authority, manager_sue)
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 3))
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 4))
    support.information_call(local_authority, case_officer_cal, date(2026, 11, 5))
    return issue(local_authority, manager_sue)


@pytest.fixture
def credit_note(invoice, manager_sue):
    mediations = invoice.lines.get(activity=Activity.MEDIATION)
    return services.credit_note_issue(
        invoice=invoice,
        quantities={mediations.pk: 1},
        reason="Charged twice",
        release=False,
        by=manager_sue,
    )


def urls(invoice, credit_note, authority, tariff):
    return [
        ("get", reverse("invoicing:list")),
        ("get", reverse("invoicing:new")),
        ("post", reverse("invoicing:issue")),
        ("get", reverse("invoicing:tariff-authorities")),
        ("get", reverse("invoicing:tariffs", args=[authority.pk])),
        ("get", reverse("invoicing:tariff-new", args=[authority.pk])),
        ("get", reverse("invoicing:tariff-edit", args=[authority.pk, tariff.pk])),
        ("get", reverse("invoicing:detail", args=[invoice.number])),
        ("get", reverse("invoicing:pdf", args=[invoice.number])),
        ("get", reverse("invoicing:csv", args=[invoice.number])),
        ("post", reverse("invoicing:send", args=[invoice.number])),
        ("get", reverse("invoicing:credit-note-new", args=[invoice.number])),
        ("get", reverse("invoicing:credit-note-pdf", args=[invoice.number, credit_note.number])),
        ("get", reverse("invoicing:credit-note-csv", args=[invoice.number, credit_note.number])),
    ]


@pytest.mark.parametrize(
    "who", ["case_officer_cal", "case_officer_cleo", "mediator_mia", "mediator_max"]
)
def test_only_managers_may_use_any_invoice_page(
    client, cast, who, invoice, credit_note, local_authority
):
    login(client, cast[who])
    tariff = Tariff.objects.first()
    for method, url in urls(invoice, credit_note, local_authority, tariff):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
    assert Message.objects.count() == 0
    assert not AuditEvent.objects.filter(verb__in=["invoice.download", "invoice.send"]).exists()


def test_signed_out_people_are_sent_to_sign_in(client, invoice, credit_note, local_authority):
    tariff = Tariff.objects.first()
    for method, url in urls(invoice, credit_note, local_authority, tariff):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url


@pytest.mark.parametrize("who", ["manager_sue", "admin_ada"])
def test_managers_see_every_page(client, cast, who, invoice, credit_note, local_authority):
    login(client, cast[who])
    tariff = Tariff.objects.first()
    for method, url in urls(invoice, credit_note, local_authority, tariff):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_unknown_invoice_and_credit_note_are_404(client, manager_sue, invoice, credit_note):
    login(client, manager_sue)
    assert client.get(reverse("invoicing:detail", args=["INV-2026-99999"])).status_code == 404
    assert client.get(reverse("invoicing:pdf", args=["INV-2026-99999"])).status_code == 404
    url = reverse("invoicing:credit-note-pdf", args=[invoice.number, "CN-2026-99999"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("invoicing:tariffs", args=[999999])).status_code == 404


def test_manage_home_links_to_invoices(client, manager_sue):
    login(client, manager_sue)
    assert reverse("invoicing:list") in client.get(reverse("manage:home")).content.decode()


def test_issued_invoices_have_no_edit_or_delete_page(client, manager_sue, invoice):
    login(client, manager_sue)
    page = client.get(reverse("invoicing:detail", args=[invoice.number])).content.decode()
    assert "Delete" not in page and "Change" not in page and "Edit" not in page
    assert "Raise a credit note" in page
    for suffix in ("edit/", "delete/"):
        response = client.post(reverse("invoicing:detail", args=[invoice.number]) + suffix)
        assert response.status_code == 404
    # The detail page itself answers GET only for reading; a POST changes nothing.
    client.post(reverse("invoicing:detail", args=[invoice.number]))
    assert Invoice.objects.get(pk=invoice.pk).total_pence == invoice.total_pence


# ---------------------------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------------------------


def test_list_with_status_filters_and_pinned_queries(
    client, manager_sue, invoice, credit_note, other_authority, case_officer_cal,
    django_assert_num_queries,
):  # fmt: skip
    support.standard_tariffs(other_authority, manager_sue)
    for day in range(1, 8):
        support.mediation(other_authority, case_officer_cal, date(2026, 10, day))
        issue(other_authority, manager_sue, start=date(2026, 10, day), end=date(2026, 10, day))
    login(client, manager_sue)
    url = reverse("invoicing:list")
    client.get(url)
    # the session, the user with their OTP device (ADR 0050), invoices (one page + 1, with
    # credited totals), authorities for the filter
    with django_assert_num_queries(4):
        response = client.get(url)
    page = response.content.decode()
    assert invoice.number in page and "Part credited" in page and "INV-2026-00008" in page
    response = client.get(url, {"status": "part_credited"})
    assert [i.number for i, _ in response.context["rows"]] == [invoice.number]
    response = client.get(url, {"authority": other_authority.pk})
    assert len(response.context["rows"]) == 7
    response = client.get(url, {"status": "issued", "authority": invoice.local_authority_id})
    assert response.context["rows"] == []
    assert client.get(url, {"status": "nonsense", "page": "x"}).status_code == 200


def test_list_pages_without_counting(client, manager_sue, local_authority, case_officer_cal):
    support.standard_tariffs(local_authority, manager_sue)
    for day in range(1, 28):
        support.mediation(local_authority, case_officer_cal, date(2026, 10, day))
        issue(local_authority, manager_sue, start=date(2026, 10, day), end=date(2026, 10, day))
    login(client, manager_sue)
    first = client.get(reverse("invoicing:list"))
    assert first.context["page"].has_next and len(first.context["rows"]) == 25
    second = client.get(reverse("invoicing:list"), {"page": 2})
    assert len(second.context["rows"]) == 2 and not second.context["page"].has_next


# ---------------------------------------------------------------------------------------------
# Tariff form
# ---------------------------------------------------------------------------------------------


def tariff_post(**overrides):
    data = {
        "activity": Activity.MEDIATION,
        "unit_price": "650.00",
        "vat_rate": "20",
        "notice_working_days": "",
        "effective_from_day": "1",
        "effective_from_month": "4",
        "effective_from_year": "2026",
        "effective_to_day": "",
        "effective_to_month": "",
        "effective_to_year": "",
    }
    data.update(overrides)
    return data


def test_add_a_tariff(client, manager_sue, local_authority):
    login(client, manager_sue)
    page = client.get(reverse("invoicing:tariff-new", args=[local_authority.pk])).content.decode()
    assert 'class="govuk-input__prefix" aria-hidden="true">£</div>' in page
    response = client.post(
        reverse("invoicing:tariff-new", args=[local_authority.pk]),
        tariff_post(unit_price="1,250.5", vat_rate="17.5"),
    )
    assert response.status_code == 302
    tariff = Tariff.objects.get()
    assert (tariff.unit_price_pence, tariff.vat_rate_bp, tariff.effective_from) == (
        125050,
        1750,
        date(2026, 4, 1),
    )
    assert tariff.effective_to is None and tariff.created_by == manager_sue
    assert AuditEvent.objects.filter(verb="tariff.create").count() == 1
    listing = client.get(reverse("invoicing:tariffs", args=[local_authority.pk])).content.decode()
    assert "£1,250.50" in listing and "17.5%" in listing


def test_change_a_tariff_to_end_it(client, manager_sue, local_authority):
    tariff = support.tariff(local_authority, manager_sue, Activity.MEDIATION, 65000, vat_bp=2000)
    login(client, manager_sue)
    url = reverse("invoicing:tariff-edit", args=[local_authority.pk, tariff.pk])
    form = client.get(url).context["form"]
    assert form.initial["unit_price"] == "650.00" and form.initial["vat_rate"] == "20"
    response = client.post(
        url,
        tariff_post(
            effective_from_day="1", effective_from_month="1", effective_from_year="2020",
            effective_to_day="31", effective_to_month="3", effective_to_year="2026",
        ),
    )  # fmt: skip
    assert response.status_code == 302
    tariff.refresh_from_db()
    assert tariff.effective_to == date(2026, 3, 31)
    # Now a new price can start the next day.
    response = client.post(
        reverse("invoicing:tariff-new", args=[local_authority.pk]),
        tariff_post(unit_price="700"),
    )
    assert response.status_code == 302 and Tariff.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"activity": ""}, "Choose the activity this price is for"),
        ({"activity": "nonsense"}, "Select a valid choice"),
        ({"unit_price": ""}, "Enter the price for each activity"),
        ({"unit_price": "-5"}, "Price must not be negative"),
        ({"unit_price": "4.505"}, "Price must not have more than 2 decimal places"),
        ({"unit_price": "ten"}, "Price must be an amount in pounds and pence, like 450.00"),
        ({"unit_price": "2000000"}, "Price must be £1,000,000 or less"),
        ({"vat_rate": ""}, "Enter the VAT rate, or 0 if there is no VAT"),
        ({"vat_rate": "120"}, "VAT rate must be 100% or less"),
        ({"vat_rate": "twenty"}, "VAT rate must be an amount in per cent, like 20"),
        ({"vat_rate": "-1"}, "VAT rate must not be negative"),
        ({"effective_from_day": ""}, "Applies from must include a day"),
        ({"effective_from_day": "", "effective_from_month": "", "effective_from_year": ""},
         "Enter the applies from"),
        ({"effective_to_day": "31", "effective_to_month": "3", "effective_to_year": "2026"},
         "Applies until must be the same as or after applies from"),
        ({"activity": Activity.CANCELLED_MEETING},
         "Enter the notice needed to cancel without charge, in working days"),
        ({"activity": Activity.CANCELLED_MEETING, "notice_working_days": "two"},
         "Notice must be a whole number of working days, like 2"),
        ({"activity": Activity.CANCELLED_MEETING, "notice_working_days": "-1"},
         "Notice must be 0 working days or more"),
    ],
)  # fmt: skip
def test_tariff_form_refuses_bad_input(client, manager_sue, local_authority, overrides, message):
    login(client, manager_sue)
    response = client.post(
        reverse("invoicing:tariff-new", args=[local_authority.pk]), tariff_post(**overrides)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not Tariff.objects.exists()
    # What was typed is kept.
    if overrides.get("unit_price"):
        assert f'value="{overrides["unit_price"]}"' in page


def test_overlapping_tariffs_are_refused_with_a_clear_message(client, manager_sue, local_authority):
    support.tariff(local_authority, manager_sue, Activity.MEDIATION, 60000, start=date(2026, 1, 1))
    login(client, manager_sue)
    response = client.post(
        reverse("invoicing:tariff-new", args=[local_authority.pk]), tariff_post()
    )
    assert response.status_code == 400
    assert (
        "These dates overlap the tariff for Mediation at £600.00 from Thu 1 Jan 2026 with no "
        "end date. Give that tariff an end date first" in response.content.decode()
    )
    assert Tariff.objects.count() == 1
    # Another activity, or another LA, does not overlap.
    response = client.post(
        reverse("invoicing:tariff-new", args=[local_authority.pk]),
        tariff_post(activity=Activity.INFORMATION_CALL),
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("existing", "new", "overlaps"),
    [
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 4, 1), None), False),
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 3, 31), None), True),
        ((date(2026, 4, 1), None), (date(2025, 1, 1), date(2026, 3, 31)), False),
        ((date(2026, 4, 1), None), (date(2025, 1, 1), date(2026, 4, 1)), True),
        ((date(2026, 4, 1), date(2026, 4, 30)), (date(2026, 4, 10), date(2026, 4, 12)), True),
    ],
)
def test_overlap_rule(manager_sue, local_authority, existing, new, overlaps):
    support.tariff(
        local_authority, manager_sue, Activity.MEDIATION, 100, start=existing[0], end=existing[1]
    )
    candidate = Tariff(
        local_authority=local_authority,
        activity=Activity.MEDIATION,
        unit_price_pence=200,
        effective_from=new[0],
        effective_to=new[1],
    )
    assert (services.tariff_overlap(candidate) is not None) is overlaps


# ---------------------------------------------------------------------------------------------
# Preview and issue
# ---------------------------------------------------------------------------------------------


def test_preview_a_month_then_issue(client, manager_sue, local_authority, case_officer_cal):
    support.standard_tariffs(local_authority, manager_sue)
    held = support.mediation(local_authority, case_officer_cal, date(2026, 11, 3))
    login(client, manager_sue)
    response = client.get(
        reverse("invoicing:new"),
        {"local_authority": local_authority.pk, "period": "month", "year": "2026", "month": "11"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 November 2026 to 30 November 2026" in page
    assert held.reference in page and "£780.00" in page and "Issue invoice" in page
    draft = response.context["draft"]
    response = client.post(
        reverse("invoicing:issue"),
        {
            "local_authority": local_authority.pk,
            "start": "2026-11-01",
            "end": "2026-11-30",
            "fingerprint": draft.fingerprint,
        },
    )
    invoice = Invoice.objects.get()
    assert response["Location"] == reverse("invoicing:detail", args=[invoice.number])
    assert invoice.total_pence == 78000


def test_preview_a_quarter(client, manager_sue, local_authority, case_officer_cal):
    support.standard_tariffs(local_authority, manager_sue)
    support.mediation(local_authority, case_officer_cal, date(2026, 7, 1))
    support.mediation(local_authority, case_officer_cal, date(2026, 9, 30))
    support.mediation(local_authority, case_officer_cal, date(2026, 10, 1))
    login(client, manager_sue)
    response = client.get(
        reverse("invoicing:new"),
        {
            "local_authority": local_authority.pk,
            "period": "quarter",
            "year": "2026",
            "quarter": "3",
        },
    )
    draft = response.context["draft"]
    assert (draft.start, draft.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert draft.lines[0].quantity == 2


def test_issue_with_a_stale_preview_goes_back_to_the_preview(
    client, manager_sue, local_authority, case_officer_cal
):
    support.standard_tariffs(local_authority, manager_sue)
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 3))
    login(client, manager_sue)
    response = client.post(
        reverse("invoicing:issue"),
        {"local_authority": local_authority.pk, "start": "2026-11-01", "end": "2026-11-30",
         "fingerprint": "old"},
    )  # fmt: skip
    assert response.status_code == 302 and "period=custom" in response["Location"]
    follow = client.get(response["Location"])
    assert "has changed since you looked at the preview" in follow.content.decode()
    assert not Invoice.objects.exists()


def test_issue_with_nonsense_goes_back_to_the_start(client, manager_sue):
    login(client, manager_sue)
    response = client.post(reverse("invoicing:issue"), {"local_authority": "x", "start": "no"})
    assert response["Location"] == reverse("invoicing:new")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "month", "year": "2026", "month": "11"}, "Choose the local authority to invoice"),
        ({"period": ""}, "Choose the period to invoice"),
        ({"period": "month", "month": "11"}, "Enter the year"),
        ({"period": "month", "year": "2026"}, "Choose the month"),
        ({"period": "quarter", "year": "2026"}, "Choose the quarter"),
        ({"period": "month", "year": "twenty", "month": "1"}, "Year must be a number, like 2026"),
        ({"period": "custom"}, "Enter the first day"),
        ({"period": "custom", "start_day": "1", "start_month": "11", "start_year": "2026",
          "end_day": "1", "end_month": "10", "end_year": "2026"},
         "Last day must be the same as or after the first day"),
        ({"period": "custom", "start_day": "31", "start_month": "2", "start_year": "2026",
          "end_day": "1", "end_month": "3", "end_year": "2026"}, "First day must be a real date"),
        ({"period": "month", "year": "2027", "month": "1"}, "The period must not start in the future"),
    ],
)  # fmt: skip
def test_period_form_refuses_bad_input(client, manager_sue, local_authority, params, message):
    login(client, manager_sue)
    query = {"local_authority": local_authority.pk, **params}
    if "Choose the local authority" in message:
        query["local_authority"] = ""
    response = client.get(reverse("invoicing:new"), query)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert "Issue invoice" not in page


# ---------------------------------------------------------------------------------------------
# Credit note form, downloads, sending
# ---------------------------------------------------------------------------------------------


def test_raise_a_credit_note(client, manager_sue, invoice):
    mediations = invoice.lines.get(activity=Activity.MEDIATION)
    login(client, manager_sue)
    url = reverse("invoicing:credit-note-new", args=[invoice.number])
    response = client.post(
        url, {f"line_{mediations.pk}": "2", "reason": "Wrong price", "release": "yes"}
    )
    assert response.status_code == 302
    note = CreditNote.objects.get()
    assert note.releases_activities and note.total_pence == 2 * 78000
    page = client.get(reverse("invoicing:detail", args=[invoice.number])).content.decode()
    assert note.number in page and "Part credited" in page and "may be invoiced again" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "x", "release": "no"}, "Enter how many of at least one line to credit"),
        ({"line": "3", "reason": "x", "release": "no"}, "You can credit at most 2 of this line"),
        ({"line": "-1", "reason": "x", "release": "no"}, "Enter 0 or more"),
        ({"line": "one", "reason": "x", "release": "no"}, "Enter a whole number"),
        ({"line": "1", "reason": "", "release": "no"}, "Enter the reason for the credit note"),
        ({"line": "1", "reason": "x" * 501, "release": "no"}, "Reason must be 500 characters"),
        ({"line": "1", "reason": "x"}, "Choose whether the activities can be invoiced again"),
        ({"line": "1", "reason": "x", "release": "yes"}, "Only whole lines can be invoiced again"),
    ],
)
def test_credit_note_form_refuses_bad_input(client, manager_sue, invoice, data, message):
    mediations = invoice.lines.get(activity=Activity.MEDIATION)
    login(client, manager_sue)
    data = dict(data)
    if "line" in data:
        data[f"line_{mediations.pk}"] = data.pop("line")
    response = client.post(reverse("invoicing:credit-note-new", args=[invoice.number]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not CreditNote.objects.exists()


def test_fully_credited_invoice_offers_no_credit_note(client, manager_sue, invoice):
    services.credit_note_issue(
        invoice=invoice,
        quantities={ln.pk: ln.quantity for ln in invoice.lines.all()},
        reason="Wrong LA",
        release=False,
        by=manager_sue,
    )
    login(client, manager_sue)
    page = client.get(reverse("invoicing:detail", args=[invoice.number])).content.decode()
    assert "Raise a credit note" not in page and ">Credited<" in page
    response = client.get(reverse("invoicing:credit-note-new", args=[invoice.number]))
    assert response.status_code == 302


def test_downloads_are_audited(client, manager_sue, invoice, credit_note):
    login(client, manager_sue)
    pdf = client.get(reverse("invoicing:pdf", args=[invoice.number]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    assert pdf.content == bytes(invoice.pdf)
    csv_response = client.get(reverse("invoicing:csv", args=[invoice.number]))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode("utf-8-sig") == services.invoice_csv(invoice)
    client.get(reverse("invoicing:credit-note-pdf", args=[invoice.number, credit_note.number]))
    client.get(reverse("invoicing:credit-note-csv", args=[invoice.number, credit_note.number]))
    events = AuditEvent.objects.filter(verb__endswith=".download").order_by("id")
    assert [(e.verb, e.detail["format"], e.actor_id) for e in events] == [
        ("invoice.download", "pdf", manager_sue.pk),
        ("invoice.download", "csv", manager_sue.pk),
        ("credit_note.download", "pdf", manager_sue.pk),
        ("credit_note.download", "csv", manager_sue.pk),
    ]


def test_send_and_resend_from_the_page(client, manager_sue, invoice, credit_note):
    login(client, manager_sue)
    url = reverse("invoicing:send", args=[invoice.number])
    client.post(url)
    client.post(url)
    client.post(url, {"credit_note": credit_note.number})
    assert Message.objects.count() == 3
    page = client.get(reverse("invoicing:detail", args=[invoice.number])).content.decode()
    assert page.count("to send@testshire.example.gov.uk by Sue Manager") == 3
    assert "Email invoice INV-2026-00001 again" in page
    assert client.get(url).status_code == 405


def test_a_tariff_on_an_issued_invoice_keeps_its_price(client, manager_sue, invoice):
    tariff = Tariff.objects.get(activity=Activity.MEDIATION)
    login(client, manager_sue)
    url = reverse("invoicing:tariff-edit", args=[invoice.local_authority_id, tariff.pk])
    base = {"effective_from_day": "1", "effective_from_month": "1", "effective_from_year": "2020"}
    response = client.post(url, tariff_post(unit_price="700", **base))
    assert response.status_code == 400
    assert "only its end date can change" in response.content.decode()
    response = client.post(
        url,
        tariff_post(
            unit_price="650", effective_to_day="3", effective_to_month="11",
            effective_to_year="2026", **base,
        ),
    )  # fmt: skip
    assert response.status_code == 400
    assert "cannot end before that day" in response.content.decode()
    response = client.post(
        url,
        tariff_post(
            unit_price="650", effective_to_day="30", effective_to_month="11",
            effective_to_year="2026", **base,
        ),
    )  # fmt: skip
    assert response.status_code == 302
    tariff.refresh_from_db()
    assert (tariff.unit_price_pence, tariff.effective_to) == (65000, date(2026, 11, 30))


def test_downloads_ask_for_a_fresh_code_first(
    client, manager_sue, invoice, credit_note, monkeypatch
):
    from mediation.accounts import step_up

    monkeypatch.setattr(step_up, "step_up_is_fresh", lambda request: False)
    login(client, manager_sue)
    for url in [
        reverse("invoicing:pdf", args=[invoice.number]),
        reverse("invoicing:csv", args=[invoice.number]),
        reverse("invoicing:credit-note-pdf", args=[invoice.number, credit_note.number]),
        reverse("invoicing:credit-note-csv", args=[invoice.number, credit_note.number]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:step-up"))
    assert not AuditEvent.objects.filter(verb__endswith=".download").exists()

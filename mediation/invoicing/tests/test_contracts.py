"""Contracts across several LAs (issue 23, item 5): a contract groups LAs under a lead council,
with its own dates and prices; its invoice goes to the lead council with a line per LA, and an
activity is never billed both there and on the LA's own invoice."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from conftest import login
from mediation.authorities.models import Contract
from mediation.authorities.services import contract_save
from mediation.cases.tests.factories import LocalAuthorityFactory
from mediation.common.errors import ServiceError
from mediation.invoicing import selectors, services
from mediation.invoicing.models import Activity, BilledActivity, Invoice, Tariff
from mediation.invoicing.tests import support

pytestmark = pytest.mark.django_db

NOV_START, NOV_END = date(2026, 11, 1), date(2026, 11, 30)


@pytest.fixture
def county(db):
    return LocalAuthorityFactory(name="Eastshire County Council", code="ESC")


@pytest.fixture
def contract(local_authority, other_authority, county, manager_sue):
    """Eastshire leads; Northfield and Southbury are in it from 1 October 2026."""
    made = Contract(name="East group 2026", lead=county, starts_on=date(2026, 10, 1))
    contract_save(contract=made, members=[local_authority, other_authority], by=manager_sue)
    Tariff.objects.create(
        contract=made,
        activity=Activity.MEDIATION,
        unit_price_pence=60_000,
        vat_rate_bp=2000,
        effective_from=date(2026, 10, 1),
        created_by=manager_sue,
    )
    return made


def test_the_lead_is_always_a_member_and_an_la_is_in_one_contract_at_a_time(
    contract, county, local_authority, manager_sue
):
    assert set(contract.members.all()) >= {county, local_authority}
    second = Contract(name="Overlap", lead=local_authority, starts_on=date(2026, 12, 1))
    with pytest.raises(ServiceError, match="already in the contract “East group 2026”"):
        contract_save(contract=second, members=[], by=manager_sue)
    # After the first contract ends, the LA can join another.
    contract.ends_on = date(2026, 11, 30)
    contract_save(contract=contract, members=list(contract.members.all()), by=manager_sue)
    contract_save(contract=second, members=[], by=manager_sue)
    assert second.pk is not None


def test_the_contract_invoice_goes_to_the_lead_with_a_line_per_la(
    contract, county, local_authority, other_authority, case_officer_cal, manager_sue
):
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 3))
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 10))
    support.mediation(other_authority, case_officer_cal, date(2026, 11, 12))
    support.mediation(other_authority, case_officer_cal, date(2026, 9, 20))  # before the contract
    draft = selectors.invoice_draft_for_contract(contract=contract, start=NOV_START, end=NOV_END)
    assert draft.local_authority == county
    lines = {(line.authority and line.authority.code, line.quantity) for line in draft.lines}
    assert lines == {("NFD", 2), ("SBY", 1)}
    assert all(line.unit_price_pence == 60_000 for line in draft.lines)
    invoice = services.invoice_issue(
        authority=county,
        contract=contract,
        start=NOV_START,
        end=NOV_END,
        fingerprint=draft.fingerprint,
        by=manager_sue,
    )
    assert invoice.local_authority == county and invoice.contract == contract
    assert invoice.total_pence == 3 * 72_000
    billed = set(BilledActivity.objects.values_list("local_authority__code", flat=True))
    assert billed == {"NFD", "SBY"}  # each activity billed as its own LA's
    lines_for = invoice.lines.order_by("position").values_list("for_authority__code", flat=True)
    assert list(lines_for) == ["NFD", "SBY"]


def test_the_las_own_invoice_leaves_the_contracts_activities_to_the_lead(
    contract, local_authority, case_officer_cal, manager_sue
):
    support.standard_tariffs(local_authority, manager_sue)
    in_contract = support.mediation(local_authority, case_officer_cal, date(2026, 11, 3))
    before = support.mediation(local_authority, case_officer_cal, date(2026, 9, 3))
    draft = selectors.invoice_draft(authority=local_authority, start=date(2026, 9, 1), end=NOV_END)
    assert [row.reference for row, _name in draft.under_contract] == [in_contract.reference]
    assert [item.reference for line in draft.lines for item in line.items] == [before.reference]


def test_an_activity_on_the_las_invoice_is_not_billed_again_to_the_contract(
    contract, county, local_authority, case_officer_cal, manager_sue
):
    """Had the LA been invoiced for it before the contract's prices were set, it stays billed."""
    held = support.mediation(local_authority, case_officer_cal, date(2026, 11, 3))
    Tariff.objects.filter(contract=contract).delete()
    support.standard_tariffs(local_authority, manager_sue)
    own = selectors.invoice_draft(authority=local_authority, start=NOV_START, end=NOV_END)
    services.invoice_issue(
        authority=local_authority,
        start=NOV_START,
        end=NOV_END,
        fingerprint=own.fingerprint,
        by=manager_sue,
    )
    Tariff.objects.create(
        contract=contract,
        activity=Activity.MEDIATION,
        unit_price_pence=60_000,
        effective_from=date(2026, 10, 1),
        created_by=manager_sue,
    )
    draft = selectors.invoice_draft_for_contract(contract=contract, start=NOV_START, end=NOV_END)
    assert draft.lines == []
    assert [row.reference for row, _number in draft.already_billed] == [held.reference]


def test_a_contract_invoice_is_issued_only_to_its_lead(contract, local_authority, manager_sue):
    with pytest.raises(ServiceError, match="lead council"):
        services.invoice_issue(
            authority=local_authority,
            contract=contract,
            start=NOV_START,
            end=NOV_END,
            fingerprint="",
            by=manager_sue,
        )


def test_contract_tariffs_do_not_overlap(contract, manager_sue):
    clash = Tariff(
        contract=contract,
        activity=Activity.MEDIATION,
        unit_price_pence=1,
        effective_from=date(2026, 12, 1),
    )
    with pytest.raises(ServiceError, match="overlap"):
        services.tariff_save(tariff=clash, by=manager_sue)


# Pages ------------------------------------------------------------------------------------------


def test_the_invoice_page_previews_and_issues_for_a_contract(
    client, contract, county, local_authority, case_officer_cal, manager_sue
):
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 3))
    login(client, manager_sue)
    query = {"contract": contract.pk, "period": "month", "year": "2026", "month": "11"}
    page = client.get(reverse("invoicing:new"), query)
    body = page.content.decode()
    assert page.status_code == 200
    assert "the contract “East group 2026”, to Eastshire County Council (lead council)" in body
    assert "Mediation: Northfield Borough Council" in body
    draft = selectors.invoice_draft_for_contract(contract=contract, start=NOV_START, end=NOV_END)
    response = client.post(
        reverse("invoicing:issue"),
        {
            "local_authority": county.pk,
            "contract": contract.pk,
            "start": "2026-11-01",
            "end": "2026-11-30",
            "fingerprint": draft.fingerprint,
        },
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and invoice.contract == contract
    detail = client.get(reverse("invoicing:detail", args=[invoice.number])).content.decode()
    assert "for the contract “East group 2026”" in detail


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"period": "month", "year": "2026", "month": "11"},
            "Choose the local authority to invoice",
        ),
        ("both", "Choose a local authority or a contract to invoice, not both"),
        (
            {"contract": "99999", "period": "month", "year": "2026", "month": "11"},
            "Choose the contract from the list",
        ),
    ],
)
def test_the_invoice_form_refuses_no_one_or_both(
    client, contract, local_authority, manager_sue, query, message
):
    if query == "both":
        query = {
            "contract": contract.pk,
            "local_authority": local_authority.pk,
            "period": "month",
            "year": "2026",
            "month": "11",
        }
    login(client, manager_sue)
    response = client.get(reverse("invoicing:new"), query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_contract_pages(client, contract, local_authority, county, manager_sue, case_officer_cal):
    login(client, manager_sue)
    listing = client.get(reverse("manage:contracts")).content.decode()
    assert "East group 2026" in listing and "Eastshire County Council" in listing
    tariffs = client.get(reverse("invoicing:contract-tariffs", args=[contract.pk]))
    assert "£600.00" in tariffs.content.decode()
    response = client.post(
        reverse("invoicing:contract-tariff-new", args=[contract.pk]),
        {
            "activity": Activity.DISAGREEMENT_RESOLUTION,
            "unit_price": "500.00",
            "vat_rate": "20",
            "effective_from_day": "1",
            "effective_from_month": "10",
            "effective_from_year": "2026",
        },
    )
    assert response.status_code == 302
    assert Tariff.objects.filter(contract=contract).count() == 2
    login(client, case_officer_cal)
    assert client.get(reverse("manage:contracts")).status_code == 403
    assert client.get(reverse("invoicing:contract-tariffs", args=[contract.pk])).status_code == 403


def test_the_contract_form_saves_with_the_lead_as_a_member(
    client, manager_sue, local_authority, county
):
    login(client, manager_sue)
    response = client.post(
        reverse("manage:contract-new"),
        {
            "name": "North group",
            "lead": county.pk,
            "members": [local_authority.pk],
            "starts_on_day": "1",
            "starts_on_month": "4",
            "starts_on_year": "2027",
        },
    )
    assert response.status_code == 302
    contract = Contract.objects.get(name="North group")
    assert set(contract.members.all()) == {county, local_authority}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the name of the contract"),
        ({}, "Choose the lead council"),
        ({}, "Enter the start date"),
        ({"lead": "424242"}, "Choose the lead council from the list"),
        ({"members": ["424242"]}, "Choose local authorities from the list"),
        (
            {
                "starts_on_day": "1",
                "starts_on_month": "4",
                "starts_on_year": "2027",
                "ends_on_day": "1",
                "ends_on_month": "3",
                "ends_on_year": "2027",
            },
            "End date must be the same as or after the start date",
        ),
        ({"name": "East group 2026"}, "Another contract already has that name"),
        ("overlap", "is already in the contract “East group 2026”"),
    ],
)
def test_the_contract_form_refuses_bad_input(
    client, manager_sue, contract, county, local_authority, data, message
):
    if data == "overlap":
        data = {
            "name": "Another",
            "lead": local_authority.pk,
            "starts_on_day": "1",
            "starts_on_month": "1",
            "starts_on_year": "2027",
        }
    login(client, manager_sue)
    before = Contract.objects.count()
    response = client.post(reverse("manage:contract-new"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body
    assert Contract.objects.count() == before

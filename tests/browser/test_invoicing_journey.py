"""A manager sets a tariff, previews October's invoice for an LA, issues it, downloads its PDF
and CSV, emails it, and raises a credit note.

Every page is checked with axe-core, on a desktop and a phone-sized screen.
"""

from __future__ import annotations

import csv
import re
import subprocess
from datetime import date

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in, staff
from tests.browser.test_privacy_journey import next_code

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True
    )
    return "\n".join(" ".join(line.split()) for line in out.stdout.decode("utf-8").splitlines())


@pytest.fixture
def october():
    from mediation.accounts.models import Role
    from mediation.cases.tests.factories import LocalAuthorityFactory
    from mediation.invoicing.tests import support

    authority = LocalAuthorityFactory(
        name="Eastmoor County Council", code="EMC", contact_email="send@eastmoor.example.gov.uk"
    )
    officer = staff("casey", "Casey", "Morgan", Role.CASE_OFFICER)
    staff("sue", "Sue", "Manager", Role.MANAGER)
    cases = [
        support.mediation(authority, officer, date(2026, 10, 6), reference="MED-2026-00041"),
        support.mediation(authority, officer, date(2026, 10, 30), reference="MED-2026-00042"),
    ]
    return authority, cases


def test_tariff_preview_issue_download_and_credit(page, live_server, october, tmp_path):
    authority, cases = october
    sign_in(page, live_server, "sue")

    page.goto(f"{live_server.url}/manage/")
    page.get_by_role("link", name="Invoices").click()
    page.wait_for_selector("h1:has-text('Invoices')")
    assert_accessible(page)

    # A tariff: first with mistakes, then right.
    page.get_by_role("link", name="Tariffs by local authority").click()
    assert_accessible(page)
    page.get_by_role("link", name="Eastmoor County Council").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add a tariff").click()
    page.wait_for_selector("h1:has-text('Add a tariff')")
    assert_accessible(page)
    page.get_by_label("Mediation", exact=True).check()
    page.locator("#id_unit_price").fill("650.123")
    page.locator("#id_vat_rate").fill("20")
    page.get_by_role("button", name="Save tariff").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Price must not have more than 2 decimal places" in page.content()
    assert "Enter the applies from" in page.content()
    assert_accessible(page)
    page.locator("#id_unit_price").fill("650")
    page.locator("#id_effective_from_0").fill("1")
    page.locator("#id_effective_from_1").fill("4")
    page.locator("#id_effective_from_2").fill("2026")
    page.get_by_role("button", name="Save tariff").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert "£650.00" in page.content()
    assert_accessible(page)

    # Preview October, then issue.
    page.goto(f"{live_server.url}/manage/invoices/")
    page.get_by_role("button", name="Prepare an invoice").click()
    page.wait_for_selector("h1:has-text('Prepare an invoice')")
    assert_accessible(page)
    page.get_by_label("Local authority").select_option(label="Eastmoor County Council")
    page.get_by_label("A month").check()
    page.locator("#id_year").fill("2026")
    page.locator("#id_month").select_option(label="October")
    page.get_by_role("button", name="Show the preview").click()
    page.wait_for_selector("#preview")
    assert_accessible(page)
    content = page.content()
    assert "£1,560.00" in content  # 2 × £650 + 20% VAT
    page.get_by_text("Mediation: 2").click()
    assert page.get_by_text("MED-2026-00042, 30 October 2026").is_visible()
    page.get_by_role("button", name="Issue invoice").click()
    page.wait_for_selector("h1:has-text('Invoice INV-')")
    found = re.search(r"INV-\d{4}-\d{5}", page.locator("h1").inner_text())
    assert found is not None
    number = found.group(0)
    assert_accessible(page)

    # The first download asks for a fresh code from the authenticator app.
    page.get_by_role("link", name=f"Download invoice {number} (PDF)").click()
    page.wait_for_url(re.compile(r"/sign-in/confirm/"))
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(next_code("sue"))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server.url}/manage/invoices/{number}/")
    saved = tmp_path / "invoice.pdf"
    download_info.value.save_as(saved)
    text = pdf_text(saved)
    assert f"Invoice {number}" in text and "Total due £1,560.00" in text
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download invoice {number} (CSV)").click()
    saved = tmp_path / "invoice.csv"
    download_info.value.save_as(saved)
    rows = list(csv.reader(saved.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][7:] == [
        "Mediation", "2", "650.00", "1300.00", "20.00", "260.00", "1560.00",
        "MED-2026-00041 MED-2026-00042",
    ]  # fmt: skip

    page.get_by_role("button", name=f"Email invoice {number}").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert "queued to send to send@eastmoor.example.gov.uk" in page.content()
    assert_accessible(page)

    # A credit note for one of the two mediations.
    page.get_by_role("button", name="Raise a credit note").click()
    page.wait_for_selector("h1:has-text('Raise a credit note')")
    assert_accessible(page)
    page.get_by_role("button", name="Issue credit note").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Mediation: how many to credit").fill("1")
    page.get_by_label("Reason for the credit note").fill("One meeting was charged twice")
    page.get_by_label("No, they should not be charged").check()
    page.get_by_role("button", name="Issue credit note").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert "Part credited" in page.content() and "CN-" in page.content()
    assert_accessible(page)

    page.goto(f"{live_server.url}/manage/invoices/")
    assert number in page.content() and "Part credited" in page.content()
    assert_accessible(page)

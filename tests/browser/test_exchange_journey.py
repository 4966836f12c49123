"""A manager imports a messy caseload (upload, match the columns, read the check of every row,
import), then hands an LA's open cases over (make the archive, download it after a fresh code,
close the cases as handed over).

Every page is checked with axe-core, on a desktop and a phone-sized screen. The test settings run
background tasks at once, so each page after a button shows the finished work.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from mediation.exchange.tests.conftest import messy_csv
from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in, staff
from tests.browser.test_privacy_journey import next_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def service():
    from mediation.accounts.models import Role
    from mediation.cases.tests.factories import LocalAuthorityFactory

    LocalAuthorityFactory(name="Northfield Borough Council", code="NFD")
    LocalAuthorityFactory(name="Westdale County Council", code="WDL")
    staff("casey", "Casey", "Morgan", Role.CASE_OFFICER)
    staff("sue", "Sue", "Manager", Role.MANAGER)


def test_import_a_caseload_then_hand_it_over(page, live_server, service, tmp_path):
    sign_in(page, live_server, "sue")
    page.goto(f"{live_server.url}/manage/")
    page.get_by_role("link", name="Import a caseload from a spreadsheet").click()
    page.wait_for_selector("h1:has-text('Import a caseload')")
    assert_accessible(page)

    # A file that is not a caseload: refused next to the field.
    wrong = tmp_path / "notes.pdf"
    wrong.write_bytes(b"%PDF-1.4 not a caseload")
    page.locator("#id_file").set_input_files(str(wrong))
    page.get_by_role("button", name="Upload and continue").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "The file must be a CSV file" in page.locator("#id_file-error").inner_text()
    assert_accessible(page)

    upload = tmp_path / "old-system.csv"
    upload.write_bytes(messy_csv())
    page.locator("#id_file").set_input_files(str(upload))
    page.get_by_label("Case officer for cases with none on the row").select_option(
        label="Casey Morgan"
    )
    page.get_by_role("button", name="Upload and continue").click()
    page.wait_for_selector("h1:has-text('Match the columns')")
    assert_accessible(page)
    page.get_by_role("button", name="Check every row").click()
    page.wait_for_selector("h1:has-text('Check the rows before importing')")
    assert_accessible(page)
    problem = page.locator("tr", has=page.locator("td", has_text=re.compile(r"^9$")))
    assert "Row 9: the decision date 31/02/2026 is not a date" in problem.inner_text()
    assert "ABC-005" in problem.inner_text()

    page.get_by_role("button", name="Import 4 cases").click()
    page.wait_for_selector("h1:has-text('Import finished')")
    assert_accessible(page)
    first = page.locator("tr", has_text="ABC-001").get_by_role("link")
    reference = first.inner_text()
    first.click()
    page.wait_for_selector(f".govuk-caption-l:has-text('{reference}')")
    assert "Northfield Borough Council" in page.content()

    # Hand over Northfield's open cases.
    page.goto(f"{live_server.url}/manage/")
    page.get_by_role("link", name="Hand over open cases to another provider").click()
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.get_by_role("button", name="Make the archive").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Select the local authority" in page.content()
    assert_accessible(page)
    page.get_by_label("Local authority whose cases go to the new provider").select_option(
        label="Northfield Borough Council"
    )
    page.get_by_role("button", name="Make the archive").click()
    page.wait_for_selector("h1:has-text('Hand-over of')")
    assert_accessible(page)
    assert reference in page.content()

    page.get_by_role("link", name="Download the archive").click()
    page.wait_for_url(re.compile(r"/sign-in/confirm/"))
    page.get_by_label("Code from your authenticator app").fill(next_code("sue"))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Continue").click()
    saved = tmp_path / "handover.zip"
    download_info.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        names = archive.namelist()
    assert "manifest.json" in names and "cases.csv" in names
    assert f"cases/{reference}/case.json" in names

    from mediation.exchange.models import Handover

    page.goto(f"{live_server.url}/manage/hand-over/{Handover.objects.get().pk}/")
    assert_accessible(page)
    page.get_by_label("The new provider has the archive").check()
    page.get_by_role("button", name=re.compile(r"^Close \d+ cases? as handed over$")).click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert "Closed as handed over" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    page.wait_for_selector(f".govuk-caption-l:has-text('{reference}')")
    assert "Handed over to another provider" in page.content()

"""Files and a child's views in the browser: a case officer uploads a file (a refused
file first), shares it with the parties, and records a child's views with a drawing.

Runs on a desktop and a phone-sized screen; every page is checked with axe-core.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in, staff

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body>not a pdf</body></html>"


@pytest.fixture
def case_reference(db, settings, tmp_path):
    from mediation.accounts.models import Role
    from mediation.cases import services
    from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
    from mediation.domain.case_states import Route
    from mediation.workflow import services as workflow_services

    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    officer = staff("casey", "Casey", "Morgan", Role.CASE_OFFICER)
    enquiry = services.enquiry_record(by=officer, data=enquiry_data(LocalAuthorityFactory.create()))
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=officer, by=officer
    )
    return case.reference


def test_upload_share_and_record_child_views(page, live_server, case_reference, tmp_path):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{case_reference}/")
    page.get_by_role("link", name="See the files and the child's views").click()
    page.wait_for_selector("h1:has-text('Files and views')")
    assert "No files yet." in page.locator("main").inner_text()
    assert_accessible(page)

    # Upload: a web page called .pdf is refused next to the field.
    page.get_by_role("button", name="Upload a file").click()
    page.wait_for_selector("h1:has-text('Upload a file')")
    assert_accessible(page)
    page.get_by_role("button", name="Upload the file").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Select a file" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Upload a file").set_input_files(
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": HTML}
    )
    page.get_by_label("Sent to us by the local authority").check()
    page.get_by_role("button", name="Upload the file").click()
    page.wait_for_selector(".govuk-error-summary")
    assert (
        "must be a PDF, Word document, image, audio or video file"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)

    page.get_by_label("Upload a file").set_input_files(
        {"name": "EHCP draft.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Sent to us by the local authority").check()
    page.get_by_role("button", name="Upload the file").click()
    page.wait_for_selector("h1:has-text('Files and views')")
    table = page.locator("table.govuk-table")
    assert "EHCP draft.pdf" in table.inner_text() and "Not shared" in table.inner_text()
    assert_accessible(page)

    # Share it with the parties.
    page.get_by_role("button", name=re.compile("Share with parties")).click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert "Shared" in page.locator("table.govuk-table").inner_text()
    assert_accessible(page)

    # Download works and is an attachment.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^EHCP draft\.pdf")).click()
    download = download_info.value
    assert download.suggested_filename == "EHCP draft.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == PDF

    # Record the child's views, first with nothing filled in.
    page.get_by_role("button", name="Record the child's or young person's views").click()
    page.wait_for_selector("h1:has-text('Record the child')")
    assert_accessible(page)
    page.get_by_role("button", name="Save their views").click()
    page.wait_for_selector(".govuk-error-summary")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select how they gave their views" in summary
    assert "Enter at least one answer" in summary
    assert_accessible(page)
    page.get_by_label("Phone call").check()
    page.get_by_label("What is going well?").fill("Art club on Tuesdays")
    page.get_by_label("What would they like to happen?").fill("A quiet place at lunchtime")
    page.get_by_label("Who helped them give their views (optional)").fill("Their gran")
    page.get_by_label("Only the mediator").check()
    page.get_by_label("Attach drawings, recordings or writing (optional)").set_input_files(
        {"name": "my drawing.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Save their views").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    views = page.locator(".govuk-summary-card").first.inner_text()
    assert "Art club on Tuesdays" in views and "Only for the mediator" in views
    assert "my drawing.pdf" in views
    assert_accessible(page)

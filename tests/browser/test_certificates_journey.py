"""A case officer issues a certificate from a case and downloads it; anyone then checks it on
the public verification page; a manager changes the letter wording and revokes the certificate.

Every page is checked with axe-core, on a desktop and a phone-sized screen.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in, staff
from tests.browser.test_workflow_journeys import TODAY, make_case, step

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def check_certificate(page, live_server, reference, code):
    page.goto(f"{live_server.url}/verify-certificate/")
    page.wait_for_selector("h1")
    page.get_by_label("Certificate reference").fill(reference)
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Check the certificate").click()
    page.wait_for_selector(".app-verify-result")
    assert_accessible(page)
    return page.locator(".app-verify-result").inner_text()


def test_issue_download_and_verify_a_certificate(page, live_server, tmp_path):
    from mediation.domain.case_states import Route

    case = make_case(Route.CERTIFICATE_ONLY)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    assert "No certificate or letters yet." in page.content()
    step(page, "Record that the certificate was issued", on=TODAY, confirm=True)

    # The case page's panel: the certificate and a download link.
    panel = page.locator("#certificate + *")
    assert panel.is_visible()
    assert_accessible(page)
    found = re.search(r"CERT-\d{4}-\d{5}", page.content())
    assert found is not None
    reference = found.group(0)
    assert "Revoke certificate" not in page.content()  # managers only
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download certificate {reference} (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"{case.reference}-certificate-v1.pdf"
    saved = tmp_path / "certificate.pdf"
    download.save_as(saved)
    text = pdf_text(saved)
    assert reference in text and "Isla Whitfield" in text
    found = re.search(r"Verification code: ([A-Z0-9]{4}-[A-Z0-9]{4})", text)
    assert found is not None
    code = found.group(1)

    # Anyone, signed out, can check it: the right code, then a wrong one.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verify-certificate/")
    page.wait_for_selector("h1")
    assert_accessible(page)
    assert page.locator(".govuk-service-navigation").count() == 0
    answer = check_certificate(page, live_server, reference, code)
    assert f"was issued on {TODAY.day} {TODAY:%B %Y}" in answer
    assert "Whitfield" not in page.content()
    wrong = "ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ" else "YYYY-YYYY"
    assert "No certificate matches" in check_certificate(page, live_server, reference, wrong)


def test_manager_changes_wording_revokes_and_the_check_says_revoked(page, live_server):
    from mediation.accounts.models import Role
    from mediation.documents import services
    from mediation.documents.models import Certificate
    from mediation.domain.case_states import Route

    case = make_case(Route.CERTIFICATE_ONLY)
    staff("morgan", "Morgan", "Manager", Role.MANAGER)
    sign_in(page, live_server, "morgan")

    # Letter wording: list, edit, preview.
    page.goto(f"{live_server.url}/manage/letter-templates/")
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.get_by_role("link", name="Change the covering letter or email to the family").click()
    page.wait_for_selector("textarea")
    assert_accessible(page)
    page.get_by_label("Wording").fill("Dear {parent}")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Unknown placeholder {parent}" in page.content()
    assert_accessible(page)
    page.get_by_label("Wording").fill("Dear {recipient_name},\n\nAppeal by {appeal_deadline}.")
    page.get_by_role("button", name="Preview", exact=True).click()
    page.wait_for_selector("#preview-title")
    assert "Dear Sample Parent," in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "version" in page.locator(".govuk-notification-banner").inner_text()

    # Issue, then revoke with a reason and a confirmation.
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    step(page, "Record that the certificate was issued", on=TODAY, confirm=True, check=False)
    certificate = Certificate.objects.get(case__reference=case.reference)
    page.get_by_role("link", name=f"Revoke certificate {certificate.reference}").click()
    page.wait_for_selector("textarea")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Why are you revoking this certificate?").fill("Issued on the wrong case")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_selector("text=This cannot be undone")
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the certificate").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Revoked" in page.locator("#certificate ~ p .govuk-tag").first.inner_text()

    page.context.clear_cookies()
    answer = check_certificate(
        page, live_server, certificate.reference, certificate.verification_code
    )
    assert "It was revoked on" in answer

    # Past the limit, the page answers 429 with a GOV.UK page.
    for _ in range(services.VERIFY_LIMIT):
        services.rate_take(
            key="verify:ip:127.0.0.1", limit=services.VERIFY_LIMIT, window=services.VERIFY_WINDOW
        )
    page.goto(f"{live_server.url}/verify-certificate/")
    page.get_by_label("Certificate reference").fill(certificate.reference)
    page.get_by_label("Verification code").fill(certificate.verification_code)
    with page.expect_response(re.compile(r"/verify-certificate/$")) as response_info:
        page.get_by_role("button", name="Check the certificate").click()
    assert response_info.value.status == 429
    page.wait_for_selector("h1")
    assert "Too many checks" in page.locator("h1").inner_text()
    assert_accessible(page)

"""A manager searches the audit log, places a legal hold, asks for an erasure that a second
manager approves, and downloads a subject access export after re-entering a code.

Every page is checked with axe-core, on a desktop and a phone-sized screen.
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from pathlib import Path

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in, staff
from tests.browser.test_workflow_journeys import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def next_code(username):
    """The code for the next 30-second window (the current one was used to sign in)."""
    from django_otp.oath import TOTP

    from mediation.accounts.models import User
    from mediation.accounts.two_factor import confirmed_device

    device = confirmed_device(User.objects.get(username=username))
    assert device is not None
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0)
    totp.time = time.time() + device.step
    return f"{totp.token():06d}"


def test_privacy_and_audit_pages(page, live_server):
    from mediation.accounts.models import Role
    from mediation.domain.case_states import Route
    from mediation.privacy.models import AnonymisedCase, LegalHold

    case = make_case(Route.MEDIATION)
    staff("morgan", "Morgan", "Reed", Role.MANAGER)
    staff("alex", "Alex", "Shah", Role.MANAGER)

    sign_in(page, live_server, "morgan")
    page.goto(f"{live_server.url}/manage/")
    page.get_by_role("link", name="Audit log: who read or changed what").click()
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.get_by_label("Case reference").fill("MED-1999-00001")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "No case has this reference" in page.content()
    assert_accessible(page)
    page.get_by_label("Case reference").fill(case.reference)
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("table")
    assert "case.create" in page.content()

    # Legal hold, with the error first.
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.get_by_role("link", name="Legal hold and erasure").click()
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.get_by_role("button", name="Place a legal hold").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Reason for the hold").fill("Complaint under investigation")
    page.get_by_role("button", name="Place a legal hold").click()
    page.wait_for_selector(".govuk-notification-banner, .govuk-body")
    assert LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists()
    page.get_by_label("Reason for lifting the hold").fill("Complaint closed")
    page.get_by_role("button", name="Lift the legal hold").click()
    page.wait_for_selector("text=Place a legal hold")

    # Ask for erasure of the whole case.
    page.get_by_label("Everyone's personal details on the case").check()
    page.get_by_label("Reason for erasing").fill("The family asked in writing on 1 November")
    page.get_by_role("button", name="Ask for erasure").click()
    page.wait_for_selector("text=Erasure requested")
    assert_accessible(page)

    # Subject access: search, then the download asks for a fresh code.
    page.goto(f"{live_server.url}/manage/privacy/")
    assert_accessible(page)
    page.get_by_role("link", name="Find and download everything held about a person").click()
    page.get_by_label("Email address").fill("sarah.whitfield@example.com")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("text=What was found")
    assert "sarah.whitfield" not in page.url
    assert_accessible(page)
    page.get_by_role("link", name="Download everything found (zip)").click()
    page.wait_for_url(re.compile(r"/sign-in/confirm/"))
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(next_code("morgan"))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Continue").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    data = json.loads(archive.read("data.json"))
    assert data["as_a_party_on_a_case"][0]["case_reference"] == case.reference

    # A second manager approves the erasure.
    page.context.clear_cookies()
    sign_in(page, live_server, "alex")
    page.goto(f"{live_server.url}/manage/privacy/")
    page.get_by_role("link", name=re.compile(case.reference)).first.click()
    # Deciding an erasure asks for a fresh code.
    page.wait_for_url(re.compile(r"/sign-in/confirm/"))
    page.get_by_label("Code from your authenticator app").fill(next_code("alex"))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_selector("text=Decide an erasure request")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm decision").click()
    page.wait_for_selector(".govuk-error-summary")
    page.get_by_label("Approve and erase now").check()
    page.get_by_role("button", name="Confirm decision").click()
    page.wait_for_selector("text=Personal details on this case were removed")
    assert AnonymisedCase.objects.filter(case=case).exists()
    assert_accessible(page)

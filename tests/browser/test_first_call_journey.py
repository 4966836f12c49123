"""A case officer signs in, records a first call, opens a case and finds it again.

Every page on the way is checked with axe-core on a desktop and a phone-sized screen.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"
AUTHENTICATOR_KEY = "JBSWY3DPEHPK3PXP"


def current_code(username):
    from django_otp.oath import TOTP

    from mediation.accounts.models import User
    from mediation.accounts.two_factor import confirmed_device

    device = confirmed_device(User.objects.get(username=username))
    assert device is not None
    return f"{TOTP(device.bin_key, step=device.step, t0=device.t0).token():06d}"


def staff(username, first, last, role):
    from mediation.accounts.two_factor import device_with_key
    from mediation.cases.tests.factories import UserFactory

    user = UserFactory.create(username=username, first_name=first, last_name=last, role=role)
    device_with_key(user, AUTHENTICATOR_KEY)
    return user


@pytest.fixture
def service_setup(db):
    from mediation.accounts.models import Role
    from mediation.cases.tests.factories import LocalAuthorityFactory

    LocalAuthorityFactory(name="Eastmoor County Council", code="EMC")
    return staff("casey", "Casey", "Morgan", Role.CASE_OFFICER)


def sign_in(page, live_server, username="casey"):
    page.goto(f"{live_server.url}/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/sign-in/code/"))
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(current_code(username))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/my-work/$"))


def test_record_enquiry_open_case_and_find_it(page, live_server, service_setup):
    sign_in(page, live_server)
    assert page.get_by_role("heading", name="My work").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Record a new enquiry").click()
    page.wait_for_url(re.compile(r"/enquiries/new/$"))
    assert_accessible(page)

    # Submitting an empty form shows the error summary, which takes focus.
    page.get_by_role("button", name="Save enquiry").click()
    page.wait_for_selector(".govuk-error-summary")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Select who is calling" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("Parent or carer").check()
    page.get_by_label("Caller's full name").fill("Joy Brennan")
    page.get_by_label("Relationship to the child or young person").fill("Mother")
    page.get_by_label("Phone number").fill("07700 900456")
    page.locator("#id_preferred_contact_0").check()
    page.get_by_label("Child or young person's first name").fill("Arlo")
    page.get_by_label("Child or young person's last name").fill("Brennan")
    page.locator("#id_child_date_of_birth_0").fill("3")
    page.locator("#id_child_date_of_birth_1").fill("9")
    page.locator("#id_child_date_of_birth_2").fill("2015")
    page.get_by_label("Local authority that made the decision").select_option(
        label="Eastmoor County Council"
    )
    page.get_by_label("Refusal to carry out an EHC needs assessment").check()
    page.locator("#id_notice_sent_on_0").fill("2")
    page.locator("#id_notice_sent_on_1").fill("11")
    page.locator("#id_notice_sent_on_2").fill("2026")
    page.get_by_label("What has happened so far, in the caller's words").fill(
        "School supports an assessment."
    )
    page.get_by_label("What mediation is and how it works").check()
    page.get_by_role("button", name="Save enquiry").click()
    page.wait_for_url(re.compile(r"/enquiries/ENQ-\d{4}-\d{5}/$"))
    assert "Joy Brennan about Arlo Brennan" in page.locator("h1").inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Open a case").click()
    page.get_by_label("Mediation", exact=True).check()
    page.get_by_label("Health").check()
    page.get_by_role("button", name="Open case").click()
    page.wait_for_url(re.compile(r"/cases/MED-\d{4}-\d{5}/$"))
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert "Arlo Brennan" in page.locator("h1").inner_text()
    assert "Education, Health" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Cases").first.click()
    page.get_by_label("Search", exact=True).fill("Brennan")
    page.get_by_role("button", name="Search").click()
    # Posted: the name stays out of the address (issue 20); the results show the case.
    page.get_by_role("link", name=reference).wait_for()
    assert "Brennan" not in page.url
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    page.wait_for_url(re.compile(reference))

    page.get_by_role("button", name="Log a contact").click()
    assert_accessible(page)
    page.get_by_label("Who was the contact with?").select_option(index=1)
    page.get_by_label("Phone call").check()
    page.get_by_label("From us to them").check()
    page.locator("#id_occurred_on_0").fill("20")
    page.locator("#id_occurred_on_1").fill("11")
    page.locator("#id_occurred_on_2").fill("2026")
    page.get_by_label("Summary").fill("Explained how mediation works")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(re.compile(reference + "/$"))
    assert "Phone call to Joy Brennan" in page.content()


def test_manager_pages_are_accessible(page, live_server, service_setup):
    from mediation.accounts.models import Role

    staff("morgan", "Morgan", "Ellis", Role.MANAGER)
    sign_in(page, live_server, username="morgan")
    for path in [
        "/manage/",
        "/manage/local-authorities/",
        "/manage/local-authorities/new/",
        "/manage/users/",
        "/manage/users/new/",
        "/enquiries/",
        "/cases/",
        "/outbox/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
    page.goto(f"{live_server.url}/manage/local-authorities/new/")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)


def test_keyboard_only_sign_in(page, live_server, service_setup):
    page.goto(f"{live_server.url}/sign-in/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # after skipping, the first field
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("casey")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sign-in/code/"))
    page.locator("#id_code").focus()
    page.keyboard.type(current_code("casey"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/my-work/"))

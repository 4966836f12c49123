"""The pages work in a real browser with the Content-Security-Policy enforced.

The accessibility journeys in tests/browser turn the CSP off (bypass_csp) to inject axe-core.
This test leaves it on, walks the staff pages (including the authenticator set-up page with its
QR code, an error summary, a 404 and the lockout page) and fails on any CSP violation, any
report sent to the report endpoint, any request to another site, any failed sub-resource, or any
script that did not run.

Playwright's sync API allows one instance per thread and tests/browser keeps one open for the
whole session, so this browser runs in a thread of its own (and touches no database there).
"""

from __future__ import annotations

import re
import threading

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def scripts_ran(page) -> bool:
    classes = page.evaluate("document.body.className")
    return "js-enabled" in classes and "govuk-frontend-supported" in classes


def watch(page, problems: list[str], base: str) -> None:
    def on_console(message) -> None:
        # The browser logs the 400/404/429 status of a page as an error; those pages are meant.
        # Sub-resources that fail are caught by on_response.
        if message.text.startswith("Failed to load resource: the server responded"):
            return
        if "Content Security Policy" in message.text or message.type == "error":
            problems.append(f"console: {message.text}")

    def on_response(response) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    def on_request(request) -> None:
        if "/csp-report/" in request.url:
            problems.append(f"CSP report sent: {request.url}")
        if not request.url.startswith(f"{base}/"):  # no third-party requests (trackers, fonts)
            problems.append(f"request to another site: {request.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("request", on_request)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))


def journey(base: str, code_for_now, case_reference: str, problems: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        watch(page, problems, base)

        first = page.goto(f"{base}/sign-in/")
        assert first is not None
        assert "'unsafe-inline'" not in first.headers["content-security-policy"]
        assert scripts_ran(page)
        page.locator("#id_username").fill("morgan")
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        # First sign-in: the set-up page with its server-drawn QR code, sized by the style sheet.
        page.wait_for_url(re.compile(r"/sign-in/set-up-authenticator/"))
        assert scripts_ran(page)
        box = page.locator(".app-qr svg").bounding_box()
        assert box is not None and round(box["width"]) == 200 and round(box["height"]) == 200
        page.locator("#id_code").fill(code_for_now())
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(re.compile(r"/my-work/$"))

        for path in [
            "/my-work/",
            "/cases/",
            f"/cases/{case_reference}/",
            "/enquiries/",
            "/enquiries/new/",
            "/manage/",
            "/manage/users/",
            "/manage/local-authorities/",
            "/outbox/",
            "/no-such-page/",
        ]:
            page.goto(f"{base}{path}")
            assert scripts_ran(page), path

        # GOV.UK Frontend's script moves focus to an error summary.
        page.goto(f"{base}/enquiries/new/")
        page.get_by_role("button", name="Save enquiry").click()
        page.wait_for_selector(".govuk-error-summary")
        assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(re.compile(r"/sign-in/"))
        for _ in range(10):
            page.locator("#id_username").fill("morgan")
            page.locator("#id_password").fill("not-the-password")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            if "cannot sign in" in page.locator("h1").inner_text():
                break
        assert page.locator("h1").inner_text() == "You cannot sign in at the moment"
        assert scripts_ran(page)
        browser.close()


def test_staff_pages_work_with_the_policy_enforced(live_server, open_case):
    from django_otp.oath import TOTP

    from mediation.accounts.models import Role
    from mediation.accounts.two_factor import pending_device
    from mediation.cases.tests.factories import UserFactory

    manager = UserFactory.create(username="morgan", first_name="Morgan", last_name="Ellis")
    manager.role = Role.MANAGER
    manager.save()
    device = pending_device(manager)  # the set-up page shows this device's key
    key, step, t0 = device.bin_key, device.step, device.t0

    def code_for_now() -> str:
        return f"{TOTP(key, step=step, t0=t0).token():06d}"

    problems: list[str] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            journey(live_server.url, code_for_now, open_case.reference, problems)
        except BaseException as error:  # reported in the test's own thread below
            failure.append(error)

    worker = threading.Thread(target=run, name="csp-browser")
    worker.start()
    worker.join(timeout=180)
    assert not worker.is_alive(), "the browser journey did not finish in 3 minutes"
    if failure:
        raise failure[0]
    assert problems == []

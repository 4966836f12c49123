"""Nothing moves after the first paint: the cumulative layout shift of signed-in pages at phone
width stays under 0.1 (the limit of "good"), measured in the browser with a
PerformanceObserver for layout-shift entries (user-caused shifts excluded, as the metric does)."""

from __future__ import annotations

import pytest

from tests.browser.test_first_call_journey import service_setup, sign_in  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = 0.1

# Registered before any page script runs, so shifts from the very first paint are counted.
OBSERVE = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) {
      window.__cls += entry.value;
      window.__moved = (window.__moved || []).concat(
        (entry.sources || []).map((s) => s.node ? (s.node.className || s.node.nodeName) + ' ' + JSON.stringify(s.previousRect) + '->' + JSON.stringify(s.currentRect) : '?'));
    }
  }
}).observe({type: 'layout-shift', buffered: true});
"""


def _shift(page, url: str) -> tuple[float, list[str]]:
    """The page's cumulative layout shift, and what moved (to say why when it fails)."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # shifts after load are reported to the observer shortly after
    return page.evaluate("window.__cls"), page.evaluate("window.__moved || []")


def test_signed_in_pages_do_not_move_after_the_first_paint(browser, live_server, service_setup):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    context.add_init_script(OBSERVE)
    page = context.new_page()
    try:
        sign_in(page, live_server)
        shifts = {
            path: _shift(page, f"{live_server.url}{path}")
            for path in ("/my-work/", "/cases/", "/calendar/", "/enquiries/")
        }
    finally:
        context.close()
    assert {path: found for path, found in shifts.items() if found[0] >= GOOD} == {}

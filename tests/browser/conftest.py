"""Headless Debian Chromium driven by Playwright, with the axe-core accessibility engine and the
Nu Html Checker (vnu-jar from npm, run by the machine's Java): every page a journey checks must
have no WCAG 2.2 A or AA violation and no HTML error."""

from __future__ import annotations

import atexit
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        new_context = instance.new_context

        def watched_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.on("page", watch_documents)
            return context

        # Every new context watches its pages (a wrapper, so each test's context does).
        instance.new_context = watched_context  # type: ignore[method-assign]
        yield instance
        instance.close()


@pytest.fixture(params=[(1200, 900), (390, 844)], ids=["desktop", "phone"])
def page(request, browser):
    width, height = request.param
    # bypass_csp lets the test inject axe-core; the pages themselves allow no inline script.
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


class HtmlChecker:
    """The Nu Html Checker as a local web service: started once (a JVM takes a while to start),
    on a free port of this machine, for the whole test run; stopped when Python exits."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(  # noqa: S603 (our own java and jar, no shell)
            ["java", "-Xss1024k", "-cp", str(VNU_JAR), "nu.validator.servlet.Main", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        atexit.register(self.process.terminate)
        self.url = f"http://127.0.0.1:{port}/?out=json"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()  # noqa: S310
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise RuntimeError("The Nu Html Checker did not start")

    def errors(self, html: str) -> list[dict]:
        if self.process is None:
            self.start()
        request = urllib.request.Request(  # noqa: S310 (our own checker on this machine)
            self.url,
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            messages = json.load(response)["messages"]
        return [
            {"message": m["message"], "line": m.get("lastLine"), "extract": m.get("extract")}
            for m in messages
            if m["type"] == "error" or m.get("subType") in ("fatal", "warning")
        ]


HTML_CHECKER = HtmlChecker()


def watch_documents(page) -> None:
    """Remember the last page the server sent, so it is checked as served (the DOM after
    GOV.UK Frontend's scripts holds attributes they add, not ours)."""

    def remember(response):
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            page._served_document = response

    page.on("response", remember)


def assert_valid_html(page) -> None:
    """The Nu Html Checker finds no error (nor warning) in the current page's HTML."""
    served = getattr(page, "_served_document", None)
    html = served.text() if served is not None and served.url == page.url else page.content()
    problems = HTML_CHECKER.errors(html)
    assert problems == [], f"{page.url}: {json.dumps(problems, indent=1)}"


def assert_accessible(page) -> None:
    """Run axe-core and the Nu Html Checker on the current page and fail on any WCAG 2.2 A or
    AA violation or HTML error."""
    assert_valid_html(page)
    page.add_script_tag(content=AXE_JS.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert violations == [], f"{page.url}: {json.dumps(violations, indent=1)}"

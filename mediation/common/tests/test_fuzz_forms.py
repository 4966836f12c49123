"""Every form in the product, fuzzed with hypothesis: no input gives a server error (issue 8).

The forms are found, not listed: every URL from the resolver is opened by a visitor allowed to use
it, every <form method="post"> on the page is read (field names, options, hidden values), and
hypothesis posts a few hundred variations of it: odd text (NUL bytes, right-to-left marks,
emoji, 10,000 characters), wrong options, missing fields, impossible dates and random files.
A 500 anywhere fails the test and hypothesis shrinks the input to the smallest that does it.

FUZZ_EXAMPLES sets the number of inputs per form (default 200; `make test-postgres` runs fewer,
as the same forms were just fuzzed on SQLite).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from conftest import login
from mediation.accounts.models import User
from mediation.accounts.step_up import SESSION_KEY as STEP_UP_KEY
from mediation.common.tests.test_every_url import ACCESS, OPEN_TO_ANONYMOUS, PORTAL_GATED
from mediation.common.tests.url_world import target_for, url_patterns

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
# Forms whose only effect is to end the session or start another flow; fuzzing them would sign
# the fuzzing visitor out.
NOT_FUZZED = {"accounts:sign-out"}


@dataclass
class FormField:
    name: str
    kind: str  # text, hidden, choice, file, checkbox
    options: list[str] = field(default_factory=list)
    value: str = ""


@dataclass
class PostForm:
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)


class _FormReader(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[PostForm] = []
        self._form: PostForm | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = PostForm(action=a.get("action") or self.page_url)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                existing = self._form.fields.setdefault(name, FormField(name, "choice"))
                existing.options.append(a.get("value") or "on")
            elif kind == "file":
                self._form.fields[name] = FormField(name, "file")
            elif kind not in ("submit", "button"):
                self._form.fields[name] = FormField(
                    name, "hidden" if kind == "hidden" else "text", value=a.get("value") or ""
                )
        elif tag == "select" and name:
            self._select = self._form.fields[name] = FormField(name, "choice")
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._form.fields[name] = FormField(name, "text")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "\u202etxt.exe",
            "😀" * 30,
            "x" * 10_000,
            "<script>alert(1)</script>",
            "'; DROP TABLE cases_case; --",
            "../../etc/passwd",
            "-1",
            "0",
            "99999999999999999999",
            "31",
            "2",
            "1900",
            "9999",
            "1e309",
            "NaN",
            "12.345",
            "£1,000.00",
            "2026-02-30",
            "not-an-email@",
        ]
    ),
)


def _value(form_field: FormField) -> st.SearchStrategy:
    if form_field.kind == "choice":
        return st.one_of(st.sampled_from(form_field.options or [""]), NASTY_TEXT)
    if form_field.kind == "hidden":
        return st.one_of(st.just(form_field.value), NASTY_TEXT)
    if form_field.kind == "file":
        return st.builds(
            lambda name, content: SimpleUploadedFile(name, content),
            st.sampled_from(
                ["a.pdf", "x.docx", "../../evil.pdf", "photo.jpg", "noextension", "😀.png"]
            ),
            st.one_of(
                st.binary(max_size=2_000),
                st.sampled_from([b"%PDF-1.4\n%%EOF", b"PK\x03\x04", b"\xff\xd8\xff\xe0", b""]),
            ),
        )
    return NASTY_TEXT


def _form_data(form: PostForm) -> st.SearchStrategy:
    """Every field present with a fuzzed value, or left out altogether."""
    return st.fixed_dictionaries(
        {},
        optional={name: _value(form_field) for name, form_field in form.fields.items()},
    )


def _visitor_for(name: str, users: dict[str, User], target: Any) -> User | None:
    allowed = ACCESS[name]
    if name in OPEN_TO_ANONYMOUS and "anon" in allowed:
        return None
    if "own_med" in allowed and "manager" not in allowed:
        return target.case.mediator if target.case else None
    if "manager" in allowed:
        return users["morgan.manager"]
    return users["casey.officer"]


def _signed_in(client: Client, visitor: User | None) -> Client:
    """Signed in with both factors and a fresh step-up, so export and erasure pages open too."""
    if visitor is not None:
        login(client, visitor)
        session = client.session
        session[STEP_UP_KEY] = time.time()
        session.save()
    return client


def _portal_clients(case, officer) -> list[Client]:
    """A signed-in portal session for each kind of party on the case, by the emailed link."""
    import re

    from django.core import mail
    from django.db import transaction

    from mediation.cases.models import Party
    from mediation.portal.models import AccessKind, PortalAccess
    from mediation.portal.services import access_invite, access_new_link

    parties = {party.role: party for party in case.parties.all()}
    provider = Party.objects.create(
        case=case,
        role="information_provider",
        name="School",
        email="senco@school.example",
        provider_kind="school",
        preferred_contact="email",
    )
    child = Party.objects.create(case=case, role="child", name="Child", preferred_contact="phone")
    helper = next(
        p for p in parties.values() if p.email and p.role in ("parent_carer", "young_person")
    )
    sent_before = len(mail.outbox)
    callbacks: list = []
    real_on_commit = transaction.on_commit
    transaction.on_commit = lambda func, using=None, robust=False: callbacks.append(func)
    try:
        for access in PortalAccess.objects.filter(case=case):
            access_new_link(access=access, by=officer)
        la_officer = parties["la_representative"]
        if not PortalAccess.objects.filter(party=la_officer, revoked_at=None).exists():
            # The demo may have invited the case's LA officer already (sent a new link above).
            access_invite(case=case, party=la_officer, kind=AccessKind.LA_OFFICER, by=officer)
        access_invite(case=case, party=provider, kind=AccessKind.INFORMATION_PROVIDER, by=officer)
        access_invite(
            case=case, party=child, kind=AccessKind.CHILD_VIEWS, send_to=helper, by=officer
        )
    finally:
        transaction.on_commit = real_on_commit
    for callback in callbacks:
        callback()
    clients = []
    for message in mail.outbox[sent_before:]:
        found = re.search(r"/portal/link/([A-Za-z0-9_-]+)/", str(message.body))
        if found:
            client = Client()
            if client.post(f"/portal/link/{found.group(1)}/").status_code == 302:
                clients.append(client)
    # The end-of-case survey's link (mediation.feedback): a session that opens the survey only.
    from mediation.feedback.models import SurveyInvitation
    from mediation.portal.models import LinkPurpose
    from mediation.portal.services import access_ensure, link_make

    survey = access_ensure(
        case=case, party=helper, kind=AccessKind.FEEDBACK, email=helper.email, by=officer
    )
    SurveyInvitation.objects.create(
        case=case, party=helper, participant="parent", access=survey, sent_to=helper.email
    )
    _link, address = link_make(survey, purpose=LinkPurpose.FEEDBACK, by=officer)
    found = re.search(r"/portal/link/([A-Za-z0-9_-]+)/", address)
    assert found is not None
    client = Client()
    if client.post(found.group(0)).status_code == 302:
        clients.append(client)
    assert len(clients) >= 5, "a portal session for each kind of party, and the survey's"
    return clients


def _forms_in_the_product(users, portal_clients):
    """(url name, client, form) for every post form the product shows, each with a client that
    may use the page: staff signed in with both factors, or a party's portal session."""
    found = []
    staff_clients: dict[str, Client] = {}
    for name, pattern in url_patterns():
        if name in NOT_FUZZED:
            continue
        target = target_for(name, pattern)
        if ACCESS[name] is PORTAL_GATED:
            candidates = portal_clients
        else:
            visitor = _visitor_for(name, users, target)
            key = visitor.username if visitor else ""
            if key not in staff_clients:
                staff_clients[key] = _signed_in(Client(), visitor)
            candidates = [staff_clients[key]]
        for client in candidates:
            response = client.get(target.url)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                break
        else:
            continue
        reader = _FormReader(target.url)
        reader.feed(response.content.decode())
        for form in reader.forms:
            if form.fields and form.action.startswith("/") and "sign-out" not in form.action:
                found.append((name, client, form))
    return found


def _fuzz(client: Client, form: PostForm) -> None:
    @fuzz_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=_form_data(form))
    def post_it(data: dict[str, Any]) -> None:
        response = client.post(form.action, data)
        assert response.status_code < 500, (form.action, data)

    post_it()


SHARDS = 4  # so that pytest-xdist can spread the forms over both workers


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_form_survives_fuzzing(world, shard, settings):
    settings.STEP_UP_SECONDS = 24 * 60 * 60
    from mediation.accounts.models import User
    from mediation.common.tests.url_world import rich_case

    users = {user.username: user for user in User.objects.all()}
    portal_clients = _portal_clients(rich_case(), users["casey.officer"])
    every_form = _forms_in_the_product(users, portal_clients)
    assert len(every_form) >= 45, "the walk should find the product's forms"
    assert any(
        name.startswith("portal:") and name != "portal:new-link" for name, _, _ in every_form
    )
    forms = every_form[shard::SHARDS]
    server_errors = []
    for name, client, form in forms:
        try:
            _fuzz(client, form)
        except Exception as failure:  # a database error escapes as itself, not as a 500
            server_errors.append(f"{name} {form.action}: {type(failure).__name__}: {failure}")
            break  # on PostgreSQL the test's transaction is now unusable
    assert server_errors == [], "\n".join(server_errors)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | NASTY_TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(NASTY_TEXT, children, max_size=4)
    ),
    max_leaves=12,
)


@fuzz_settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(
    body=st.one_of(
        st.binary(max_size=3_000),
        JSON_VALUES.map(lambda value: json.dumps(value).encode()),
        st.fixed_dictionaries(
            {"csp-report": st.dictionaries(NASTY_TEXT, JSON_VALUES, max_size=6)}
        ).map(lambda value: json.dumps(value).encode()),
    ),
    content_type=st.sampled_from(
        ["application/csp-report", "application/reports+json", "application/json", "text/plain", ""]
    ),
)
def test_the_json_endpoint_survives_fuzzing(body, content_type):
    response = Client().post("/csp-report/", data=body, content_type=content_type)
    assert response.status_code < 500

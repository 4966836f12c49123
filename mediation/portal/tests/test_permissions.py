"""The permission matrix over every portal URL: who gets through the gate, and everyone else
gets the same 404. The gate writes a "portal.view" audit event for each page it lets through,
so "allowed" is measured there, whatever the page then shows. A portal URL without a row here
fails `test_every_portal_url_has_a_row`."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.portal import services
from mediation.portal.tests.conftest import sign_in, token_from_mail
from mediation.portal.urls import urlpatterns

pytestmark = pytest.mark.django_db

PARENT, LA, INFO, CHILD = "parent", "la_officer", "information_provider", "child_views"

# Pages with no case data, open to anyone (each is checked below for what it must not show).
PUBLIC = {"start", "link", "new-link", "sign-out", "signed-out", "views-thanks"}

# Every page behind the gate, and the kinds of access it lets through.
GATED: dict[str, set[str]] = {
    "cases": {PARENT, LA, INFO},
    "case": {PARENT, LA, INFO},
    "meeting": {PARENT, LA},
    "meeting-ics": {PARENT, LA},
    "dates": {PARENT, LA},
    "supporter": {PARENT},
    "outcome": {PARENT, LA},
    "certificate": {PARENT},
    "documents-and-files": {PARENT, LA, INFO},
    "document": {PARENT, LA},
    "upload": {PARENT, LA, INFO},
    "attendee": {LA},
    "actions": {LA},
    "action": {LA},
    "information": {INFO},
    "views": {CHILD},
}

EMAILS = {
    PARENT: "sarah.whitfield@example.com",
    LA: "omar.hassan@northfield.example.gov.uk",
    INFO: "senco@hollybank.example.sch.uk",
}


def _names() -> set[str | None]:
    """The portal's URL names (None for a URL without one: the matrix test then names it)."""
    return {p.name for p in urlpatterns if isinstance(p, URLPattern)}


def test_every_portal_url_has_a_row():
    names = _names()
    assert names - PUBLIC - set(GATED) == set(), "add these portal URLs to the matrix"
    assert set(GATED) - names == set(), "remove rows for URLs that no longer exist"


def _url(name: str, reference: str) -> str:
    pattern = next(p for p in urlpatterns if p.name == name)
    kwargs = {}
    for key in pattern.pattern.converters:
        kwargs[key] = {"reference": reference, "token": "x" * 43}.get(key, 1)
    return reverse(f"portal:{name}", kwargs=kwargs)


def _gated_names() -> list[str]:
    return sorted(n for n in _names() if n is not None and n in GATED)


def _case_names() -> list[str]:
    """Gated pages whose URL names a case (the others act on the signed-in person only)."""
    return [
        n
        for n in _gated_names()
        if "reference" in next(p for p in urlpatterns if p.name == n).pattern.converters
    ]


def _gate_let_through(client, url: str, method: str = "get") -> tuple[bool, int, bytes]:
    """Did the gate let the party through to the view? The request's one audit event says so
    (ADR 0029): a read ("portal.view", or "document.download" for a file) naming the party, or,
    when the view itself then refused, an "access.denied" naming the party that the gate did
    not write (the gate's own refusals say "portal_page" or "portal_case")."""
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = getattr(client, method)(url)
    events = AuditEvent.objects.filter(id__gt=before, actor_role__startswith="portal:")
    through = any(
        e.detail.get("object") not in ("portal_page", "portal_case")
        for e in events
        if e.verb in ("portal.view", "document.download", "access.denied")
    )
    return through, response.status_code, response.content


def _signed_in(client, kind: str, invited) -> None:
    if kind == CHILD:
        # the child's views link went to the parent's address: the newest such email
        from mediation.portal.models import PortalLink

        link = PortalLink.objects.get(access=invited[CHILD])
        from django.core import mail

        message = next(
            m for m in reversed(mail.outbox) if m.subject == "A link to share your views"
        )
        token = message.body.split("/portal/link/")[1].split("/")[0]
        assert services.hash_token(token) == link.token_hash
        assert client.post(f"/portal/link/{token}/").status_code == 302
        return
    sign_in(client, EMAILS[kind])


@pytest.mark.parametrize("kind", [PARENT, LA, INFO, CHILD])
def test_each_kind_on_its_own_case(client, invited, kind):
    reference = invited[PARENT].case.reference
    _signed_in(client, kind, invited)
    for name in _gated_names():
        allowed, status, body = _gate_let_through(client, _url(name, reference))
        assert allowed == (kind in GATED[name]), (kind, name, status)
        assert status in {200, 302, 404}, (kind, name, status)  # 404: nothing there yet
        if not allowed:
            assert status == 404, (kind, name, status)
            assert reference.encode() not in body
            # the POST is refused by the same gate
            allowed_post, status_post, _ = _gate_let_through(client, _url(name, reference), "post")
            assert not allowed_post and status_post == 404, (kind, name)


@pytest.mark.parametrize("kind", [PARENT, LA, INFO])
def test_a_party_on_another_case_gets_nothing(client, invited, other_case, kind):
    """Signed in on portal_case, asking for the other family's case (same LA): 404 everywhere."""
    _signed_in(client, kind, invited)
    for name in _case_names():
        allowed, status, body = _gate_let_through(client, _url(name, other_case.reference))
        assert not allowed and status == 404, (kind, name, status)
        assert other_case.reference.encode() not in body


def test_the_other_family_gets_nothing_of_this_case(client, invited, other_case):
    sign_in(client, "tom.baker@example.com")
    reference = invited[PARENT].case.reference
    for name in _case_names():
        allowed, status, _ = _gate_let_through(client, _url(name, reference))
        assert not allowed and status == 404, name
    assert AuditEvent.objects.filter(verb="access.denied", detail__object="portal_case").exists()


def test_anonymous_visitors_get_nothing(client, invited):
    reference = invited[PARENT].case.reference
    for name in _gated_names():
        for method in ("get", "post"):
            allowed, status, body = _gate_let_through(client, _url(name, reference), method)
            assert not allowed and status == 404, (name, method)
            assert reference.encode() not in body


@pytest.mark.parametrize("who", ["mediator_max", "manager_sue", "case_officer_cal"])
def test_a_staff_session_reaches_no_portal_data(client, invited, cast, who):
    """Staff sign-in is not a portal session, whatever the staff member may see on the staff site."""
    login(client, cast[who])
    reference = invited[PARENT].case.reference
    for name in _gated_names():
        allowed, status, _ = _gate_let_through(client, _url(name, reference))
        assert not allowed and status == 404, (who, name)


def test_a_portal_session_reaches_no_staff_page(client, invited):
    sign_in(client, EMAILS[LA])
    reference = invited[PARENT].case.reference
    for url in (
        "/cases/",
        f"/cases/{reference}/",
        f"/cases/{reference}/parties/",
        "/outbox/",
        "/manage/",
        reverse("portal_staff:invite", args=[reference, invited[PARENT].party_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url


@pytest.mark.parametrize("how", ["expired", "used", "revoked access", "replaced"])
def test_links_that_cannot_be_used_open_nothing(
    client, invited, case_officer_cal, how, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    email = EMAILS[LA]
    token = token_from_mail(email)
    access = invited[LA]
    if how == "expired":
        real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=8))
    elif how == "used":
        assert client.__class__().post(f"/portal/link/{token}/").status_code == 302
    elif how == "revoked access":
        services.access_revoke(access=access, by=case_officer_cal)
    else:
        services.access_new_link(access=access, by=case_officer_cal)
    response = client.post(f"/portal/link/{token}/")
    assert response.status_code == 410
    assert b"This link cannot be used" in response.content
    reference = access.case.reference
    for name in _gated_names():
        allowed, status, _ = _gate_let_through(client, _url(name, reference))
        assert not allowed and status == 404, (how, name)


def test_public_pages_show_no_case_data(client, invited):
    reference = invited[PARENT].case.reference
    for name in sorted(PUBLIC & _names()):
        for method in ("get", "post"):
            response = getattr(client, method)(_url(name, reference))
            assert response.status_code in {200, 302, 400, 405, 410}, (name, method)
            body = response.content
            for secret in (reference, "Whitfield", "Isla", "Northfield Borough", "Omar"):
                assert secret.encode() not in body, (name, method, secret)


# Staff pages of the portal ----------------------------------------------------------------

STAFF_EXPECTED = {
    "case_officer_cal": 200,
    "case_officer_cleo": 200,
    "manager_sue": 200,
    "admin_ada": 200,
    "mediator_mia": 403,  # assigned mediator: may look at the case, may not change access
    "mediator_max": 404,  # cannot see the case at all
}


@pytest.mark.parametrize("who", sorted(STAFF_EXPECTED))
def test_staff_portal_pages(client, invited, cast, who):
    case = invited[PARENT].case
    login(client, cast[who])
    party = case.parties.get(role="la_representative")
    assert (
        client.get(f"/cases/{case.reference}/portal/invite/{party.pk}/").status_code
        == (STAFF_EXPECTED[who])
    )
    for action in ("new-link", "revoke"):
        url = reverse(f"portal_staff:{action}", args=[case.reference, invited[LA].pk])
        expected = 302 if STAFF_EXPECTED[who] == 200 else STAFF_EXPECTED[who]
        assert client.post(url).status_code == expected, action
    invited[LA].refresh_from_db()
    assert invited[LA].is_active == (STAFF_EXPECTED[who] != 200)
    url = reverse("portal_staff:request-done", args=[case.reference, 999999])
    assert client.post(url).status_code == (
        404 if STAFF_EXPECTED[who] == 200 else STAFF_EXPECTED[who]
    )


def test_staff_portal_pages_need_sign_in(client, invited):
    case = invited[PARENT].case
    for url in (
        reverse("portal_staff:invite", args=[case.reference, invited[LA].party_id]),
        reverse("portal_staff:revoke", args=[case.reference, invited[LA].pk]),
        reverse("portal_staff:new-link", args=[case.reference, invited[LA].pk]),
    ):
        response = client.post(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_staff_cannot_act_on_another_cases_access(client, invited, other_case, case_officer_cal):
    login(client, case_officer_cal)
    other_access = other_case.portal_accesses.get()
    url = reverse("portal_staff:revoke", args=[invited[PARENT].case.reference, other_access.pk])
    assert client.post(url).status_code == 404
    other_access.refresh_from_db()
    assert other_access.is_active

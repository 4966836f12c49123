"""Links: random, stored only as hashes, single use, expiring, revocable; GET uses nothing;
the session is rotated at sign-in and ended at sign-out; no account enumeration."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from mediation.audit.models import AuditEvent
from mediation.notifications.models import Message
from mediation.portal import services
from mediation.portal.models import PortalLink
from mediation.portal.tests.conftest import sign_in, token_from_mail

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_its_hash(invited):
    token = token_from_mail("omar.hassan@northfield.example.gov.uk")
    assert len(token) >= 43  # 32 random bytes, base64
    link = PortalLink.objects.get(access=invited["la_officer"])
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not PortalLink.objects.filter(token_hash=token).exists()
    # the stored email keeps a placeholder: once sent, the link is not in the database at all
    assert link.message_id is not None
    message = Message.objects.get(pk=link.message_id)
    assert message.status == Message.Status.SENT
    assert token not in message.body and message.secret == ""
    for row in Message.objects.all():
        assert token not in row.body + row.secret


@override_settings(NOTIFICATIONS_KEEP_SENT_SECRETS=True)
def test_development_outbox_may_keep_the_link(portal_case, case_officer_cal):
    party = portal_case.parties.get(role="la_representative")
    access = services.access_invite(
        case=portal_case, party=party, kind="la_officer", by=case_officer_cal
    )
    message_id = access.links.get().message_id
    assert message_id is not None
    message = Message.objects.get(pk=message_id)
    assert token_from_mail(party.email) in message.body_as_sent


def test_invitation_email_says_what_and_how_but_names_no_one(invited):
    reference = invited["parent"].case.reference
    for message in mail.outbox:
        text = f"{message.subject}{message.body}"
        # The case reference may be named (it is how people quote the case); names may not.
        for word in ("Isla", "Whitfield", "Northfield Borough", "Omar", "Priya", "Sarah"):
            assert word not in text
        assert "/portal/link/" in message.body
        assert reference in message.subject and f"Please quote reference {reference}" in text
        assert "0161 496 0000 (Monday to Friday, 9am to 5pm)" in message.body
    subjects = {m.subject for m in mail.outbox}
    assert f"You are invited to take part in mediation case {reference}" in subjects
    assert f"A link to share your views – {reference}" in subjects
    nothing_yet = [m for m in mail.outbox if "You do not need to do anything now" in m.body]
    assert len(nothing_yet) == 3  # no dates offered, no meeting booked: nothing to do yet


def test_get_shows_continue_and_uses_nothing(client, invited):
    token = token_from_mail("omar.hassan@northfield.example.gov.uk")
    for _ in range(3):
        response = client.get(f"/portal/link/{token}/")
        assert response.status_code == 200
        assert b"Continue" in response.content
        assert b"MED-" not in response.content and b"Omar" not in response.content
    assert PortalLink.objects.get(access=invited["la_officer"]).used_at is None
    response = client.post(f"/portal/link/{token}/")
    assert response.status_code == 302


def test_a_link_works_once(client, invited):
    token = token_from_mail("omar.hassan@northfield.example.gov.uk")
    assert client.post(f"/portal/link/{token}/").status_code == 302
    other = client.__class__()
    for method in (other.get, other.post):
        response = method(f"/portal/link/{token}/")
        assert response.status_code == 410
        assert b"This link cannot be used" in response.content
    assert AuditEvent.objects.filter(verb="portal.link_refused", detail__reason="used").exists()


def _shift(monkeypatch, delta):
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + delta)


def test_an_invitation_expires_after_seven_days(client, invited, monkeypatch):
    token = token_from_mail("omar.hassan@northfield.example.gov.uk")
    _shift(monkeypatch, timedelta(days=7, seconds=1))
    response = client.post(f"/portal/link/{token}/")
    assert response.status_code == 410
    assert b"This link cannot be used" in response.content


def test_an_invitation_works_just_before_seven_days(client, invited, monkeypatch):
    token = token_from_mail("omar.hassan@northfield.example.gov.uk")
    _shift(monkeypatch, timedelta(days=6, hours=23, minutes=59))
    assert client.post(f"/portal/link/{token}/").status_code == 302


def test_a_sign_in_link_lasts_fifteen_minutes(client, invited, monkeypatch):
    address = "omar.hassan@northfield.example.gov.uk"
    services.sign_in_links_send(email=address)
    token = token_from_mail(address)
    link = PortalLink.objects.filter(access=invited["la_officer"]).first()
    assert link is not None
    assert link.purpose == "sign_in"
    assert link.expires_at - link.created_at == timedelta(minutes=15)
    _shift(monkeypatch, timedelta(minutes=15, seconds=1))
    assert client.post(f"/portal/link/{token}/").status_code == 410


def test_a_new_link_replaces_the_old_one(client, invited, case_officer_cal):
    address = "omar.hassan@northfield.example.gov.uk"
    old = token_from_mail(address)
    services.access_new_link(access=invited["la_officer"], by=case_officer_cal)
    new = token_from_mail(address)
    assert old != new
    assert client.post(f"/portal/link/{old}/").status_code == 410
    assert client.post(f"/portal/link/{new}/").status_code == 302


def test_revoking_access_stops_links_and_ends_sessions(client, invited, case_officer_cal):
    address = "omar.hassan@northfield.example.gov.uk"
    sign_in(client, address)
    reference = invited["la_officer"].case.reference
    assert client.get(f"/portal/c/{reference}/").status_code == 200
    services.access_new_link(access=invited["la_officer"], by=case_officer_cal)
    token = token_from_mail(address)
    services.access_revoke(access=invited["la_officer"], by=case_officer_cal)
    assert client.get(f"/portal/c/{reference}/").status_code == 404
    assert client.post(f"/portal/link/{token}/").status_code == 410


def test_unknown_and_garbage_tokens_get_the_friendly_page(client, db):
    for token in ("nope", "x" * 43, "a" * 200):
        response = client.post(f"/portal/link/{token}/")
        assert response.status_code == 410
        assert b"This link cannot be used" in response.content


def test_sign_in_rotates_the_session_key_and_sign_out_ends_it(client, invited):
    client.get("/portal/new-link/")
    client.session.save()
    before = client.session.session_key
    client.cookies["sessionid"] = before
    sign_in(client, "omar.hassan@northfield.example.gov.uk")
    after = client.cookies["sessionid"].value
    assert after and after != before
    reference = invited["la_officer"].case.reference
    assert client.get(f"/portal/c/{reference}/").status_code == 200
    response = client.post("/portal/sign-out/")
    assert response.status_code == 302
    assert "Clear-Site-Data" in response
    assert client.get(f"/portal/c/{reference}/").status_code == 404
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=after).exists()


def test_sign_out_needs_post(client, db):
    assert client.get("/portal/sign-out/").status_code == 405


def test_the_portal_session_ends_after_the_absolute_limit(client, invited, monkeypatch):
    import time as time_module

    sign_in(client, "omar.hassan@northfield.example.gov.uk")
    reference = invited["la_officer"].case.reference
    assert client.get(f"/portal/c/{reference}/").status_code == 200
    real = time_module.time
    monkeypatch.setattr(time_module, "time", lambda: real() + 12 * 3600 + 1)
    assert client.get(f"/portal/c/{reference}/").status_code == 404


def test_child_views_link_is_not_used_up_by_signing_in(client, invited):
    from mediation.portal.models import LinkPurpose

    link = PortalLink.objects.get(access=invited["child_views"])
    assert link.purpose == LinkPurpose.CHILD_VIEWS
    assert link.expires_at - link.created_at == timedelta(days=14)


# No account enumeration ------------------------------------------------------------------


def _ask(client, email, ip="203.0.113.9"):
    return client.post("/portal/new-link/", {"email": email}, REMOTE_ADDR=ip)


def test_known_and_unknown_addresses_get_identical_answers(client, invited):
    mail.outbox.clear()
    known = _ask(client, "Omar.Hassan@northfield.example.gov.uk ", ip="203.0.113.1")
    unknown = _ask(client, "nobody@example.com", ip="203.0.113.2")
    assert known.status_code == unknown.status_code == 200
    csrf = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub(b"", known.content) == csrf.sub(b"", unknown.content)
    assert [m.to for m in mail.outbox] == [["omar.hassan@northfield.example.gov.uk"]]
    assert mail.outbox[0].subject.startswith("Your link to sign in – MED-")
    # The same page answers a child's helper: it does not say every link works once.
    page = known.content.decode()
    assert "A link to sign in works once, for 15 minutes." in page
    assert "works until their views are sent" in page


def test_revoked_access_gets_no_link_but_the_same_answer(client, invited, case_officer_cal):
    services.access_revoke(access=invited["la_officer"], by=case_officer_cal)
    mail.outbox.clear()
    response = _ask(client, "omar.hassan@northfield.example.gov.uk")
    assert response.status_code == 200 and b"Check your email" in response.content
    assert mail.outbox == []


def test_requests_are_limited_per_address(client, invited):
    mail.outbox.clear()
    answers = [
        _ask(client, "omar.hassan@northfield.example.gov.uk", ip=f"203.0.113.{n}")
        for n in range(1, 6)
    ]
    assert len(mail.outbox) == 3  # PORTAL_LINK_REQUESTS_PER_ADDRESS
    assert len({a.status_code for a in answers}) == 1
    assert AuditEvent.objects.filter(
        verb="portal.link_request_limited", detail__limit="address"
    ).exists()


@override_settings(PORTAL_LINK_REQUESTS_PER_CLIENT=2)
def test_requests_are_limited_per_client(client, invited):
    mail.outbox.clear()
    first = _ask(client, "nobody@example.com")
    _ask(client, "nobody2@example.com")
    limited = _ask(client, "omar.hassan@northfield.example.gov.uk")
    assert mail.outbox == []
    assert limited.status_code == first.status_code == 200
    assert b"Check your email" in limited.content
    assert AuditEvent.objects.filter(
        verb="portal.link_request_limited", detail__limit="client"
    ).exists()


def test_audit_names_the_party_as_actor(client, invited):
    sign_in(client, "omar.hassan@northfield.example.gov.uk")
    client.get(f"/portal/c/{invited['la_officer'].case.reference}/")
    party_id = invited["la_officer"].party_id
    views = AuditEvent.objects.filter(verb="portal.view", actor_role=f"portal:party:{party_id}")
    assert views.exists()
    first = views.first()
    assert first is not None and first.actor is None
    from mediation.audit.verification import audit_verify_chain

    assert audit_verify_chain() is None


def test_the_session_has_the_staff_idle_limit(client, invited):
    """30 minutes idle end a portal session too (mediation.accounts.sessions, ADR 0050)."""
    import time_machine

    page = f"/portal/c/{invited['la_officer'].case.reference}/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, "omar.hassan@northfield.example.gov.uk")
        assert client.get(page).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get(page).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get(page).status_code == 200  # 58 minutes, never 30 idle
        clock.shift(timedelta(minutes=30, seconds=1))
        assert client.get(page).status_code == 404  # signed out: the one "not found" page


def test_portal_sign_in_ends_a_staff_session_in_that_browser(client, invited, case_officer_cal):
    from conftest import login

    login(client, case_officer_cal)
    assert client.get("/cases/").status_code == 200
    sign_in(client, "omar.hassan@northfield.example.gov.uk")
    response = client.get("/cases/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_staff_sign_in_ends_a_portal_session(client, invited, case_officer_cal):
    from django.contrib.auth.signals import user_logged_in
    from django.test import RequestFactory

    sign_in(client, "omar.hassan@northfield.example.gov.uk")
    session = client.session
    assert session.get("portal_access")
    request = RequestFactory().get("/")
    request.session = session
    user_logged_in.send(sender=case_officer_cal.__class__, request=request, user=case_officer_cal)
    assert "portal_access" not in request.session


def test_dates_offered_tell_the_invited_parties_what_by_when_and_how(invited, case_officer_cal):
    from django.utils import timezone

    from mediation.meetings.services import slot_offer_add

    mail.outbox.clear()
    case = invited["parent"].case
    for days in (10, 11):
        starts_at = timezone.now() + timedelta(days=days)
        while starts_at.weekday() >= 5:  # a weekday: a weekend date needs a reason
            starts_at += timedelta(days=2)
        slot_offer_add(
            case=case,
            by=case_officer_cal,
            starts_at=starts_at,
            duration_minutes=120,
            mode="online",
        )
    notices = [m for m in mail.outbox if "meeting dates you can come to" in m.subject]
    # the parent and the LA officer are invited to the meeting; the school and the child are not
    assert sorted(m.to[0] for m in notices) == [
        "omar.hassan@northfield.example.gov.uk",
        "sarah.whitfield@example.com",
    ]
    for message in notices:
        assert "Whitfield" not in f"{message.body}{message.subject}"
        assert case.reference in message.subject and case.reference in message.body
        assert " by " in message.subject
        assert "/portal/link/" in message.body
        assert "0161 496 0000" in message.body


def test_new_link_form_with_invalid_input(client, db):
    for value in ("", "not-an-address", "a" * 300 + "@example.com"):
        response = client.post("/portal/new-link/", {"email": value})
        assert response.status_code == 400
        body = response.content.decode()
        assert "govuk-error-summary" in body
        assert "Enter" in body
    assert mail.outbox == []


def test_portal_pages_send_the_security_headers(client, invited):
    from mediation.common.tests.test_security_headers import assert_baseline

    token = token_from_mail("omar.hassan@northfield.example.gov.uk")
    reference = invited["la_officer"].case.reference
    pages = ["/portal/", "/portal/new-link/", f"/portal/link/{token}/", "/portal/link/unknown/"]
    for url in pages:
        assert_baseline(client.get(url))
    assert_baseline(client.post("/portal/new-link/", {"email": "x@example.com"}))
    sign_in(client, "omar.hassan@northfield.example.gov.uk")
    for url in (f"/portal/c/{reference}/", f"/portal/c/{reference}/attendee/", "/portal/nope/"):
        assert_baseline(client.get(url))

"""The public verification page (no sign-in, the same answer for a wrong code and an unknown
reference, no names, rate limited with a database counter, audited without the code), and
revoking a certificate (managers only, with a reason, confirmed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.common import errors
from mediation.documents import services
from mediation.documents.models import Certificate, RateCounter
from mediation.documents.tests.support import NOW, declined_certificate_case

pytestmark = pytest.mark.django_db

URL = reverse("documents:verify")
NO_MATCH = "No certificate matches this reference and code"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def certificate(clock, case_officer_cal, local_authority):
    case = declined_certificate_case(case_officer_cal, local_authority)
    return Certificate.objects.get(case=case)


def check(client, reference, code, ip="203.0.113.5"):
    return client.post(URL, {"reference": reference, "code": code}, REMOTE_ADDR=ip)


def other_code(code):
    return ("A" if code[0] != "A" else "B") + code[1:]


def test_the_page_is_public_and_plain(client, certificate):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check a mediation certificate" in page and "Sign out" not in page
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "<script>" not in page and "style=" not in page


def test_right_code_says_when_it_was_issued_and_nothing_else(client, certificate):
    response = check(client, certificate.reference, certificate.verification_code)
    page = response.content.decode()
    assert response.status_code == 200
    assert "A certificate with this reference and code was issued on 9 November 2026" in page
    assert "revoked" not in page.lower()
    for private in ("Whitfield", "Isla", "Sarah", "Northfield Borough", "MED-2026", "Cal Officer"):
        assert private not in page


def test_the_code_can_be_typed_loosely(client, certificate):
    loose = certificate.code_display.lower().replace("-", " ")
    response = check(client, f" {certificate.reference.lower()} ", loose)
    assert "was issued on 9 November 2026" in response.content.decode()


def test_wrong_code_and_unknown_reference_get_the_same_answer(client, certificate):
    wrong = check(client, certificate.reference, other_code(certificate.verification_code))
    unknown = check(client, "CERT-2026-99999", certificate.verification_code)
    assert wrong.status_code == unknown.status_code == 200
    assert NO_MATCH in wrong.content.decode()
    strip = lambda r: r.content.decode().replace(str(r.context["csrf_token"]), "")  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert "issued on" not in wrong.content.decode()


def test_every_check_is_audited_without_the_code(client, certificate):
    check(client, certificate.reference, certificate.verification_code)
    check(client, certificate.reference, "WRONGCOD")
    events = list(AuditEvent.objects.filter(verb="certificate.verify").order_by("id"))
    assert [e.detail["matched"] for e in events] == [True, False]
    assert {e.detail["reference"] for e in events} == {certificate.reference}
    assert events[0].ip_address == "203.0.113.5"
    for event in events:
        assert certificate.verification_code not in str(event.detail)
        assert "WRONGCOD" not in str(event.detail)


def test_missing_fields_are_refused_with_messages(client, certificate):
    response = client.post(URL, {"reference": "", "code": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the certificate reference" in page and "Enter the verification code" in page


def test_too_many_tries_from_one_address_get_429_until_the_window_passes(
    client, certificate, clock
):
    for number in range(services.VERIFY_LIMIT):
        # Different references, so only the per-address limit is reached.
        response = check(client, f"CERT-2026-{number:05d}", "AAAAAAAA")
        assert response.status_code == 200
    refused = check(client, certificate.reference, certificate.verification_code)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many checks" in page and "govuk-heading-l" in page
    assert refused["Retry-After"] == "600"
    # Another address is not affected.
    other = check(client, certificate.reference, certificate.verification_code, ip="198.51.100.7")
    assert "was issued on" in other.content.decode()
    assert AuditEvent.objects.filter(verb="certificate.verify_limited").count() == 1

    clock.shift(timedelta(minutes=11))
    again = check(client, certificate.reference, certificate.verification_code)
    assert again.status_code == 200 and "was issued on" in again.content.decode()


def test_too_many_tries_for_one_reference_from_many_addresses_get_429(client, certificate):
    for number in range(services.VERIFY_LIMIT):
        assert (
            check(client, certificate.reference, "AAAAAAAA", ip=f"192.0.2.{number}").status_code
            == 200
        )
    assert (
        check(
            client, certificate.reference, certificate.verification_code, ip="192.0.2.200"
        ).status_code
        == 429
    )


def test_the_counter_is_one_row_per_key_and_window_and_old_windows_go(certificate, clock):
    for _ in range(3):
        assert services.rate_take(key="k", limit=2, window=timedelta(minutes=10)) is not None
    row = RateCounter.objects.get(key="k")
    assert row.count == 3
    assert services.rate_take(key="k", limit=5, window=timedelta(minutes=10)) is True
    clock.shift(timedelta(minutes=25))
    assert services.rate_take(key="k", limit=2, window=timedelta(minutes=10)) is True
    assert RateCounter.objects.filter(key="k").count() == 1  # the old window was deleted


# --- Revoking -----------------------------------------------------------------------------------


def revoke_url(certificate):
    return reverse("documents:certificate-revoke", args=[certificate.case.reference])


@pytest.mark.parametrize("who", ["case_officer_cal", "mediator_mia", "mediator_max"])
def test_only_managers_can_revoke(client, cast, certificate, who):
    login(client, cast[who])
    assert client.get(revoke_url(certificate)).status_code == 403
    response = client.post(revoke_url(certificate), {"reason": "x", "confirmed": "yes"})
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_the_service_refuses_non_managers_too(certificate, case_officer_cal):
    with pytest.raises(errors.ServiceError, match="Only managers"):
        services.certificate_revoke(certificate=certificate, by=case_officer_cal, reason="x")


def test_a_reason_is_required(client, manager_sue, certificate):
    login(client, manager_sue)
    response = client.post(revoke_url(certificate), {"reason": "   "})
    assert response.status_code == 400
    assert "Give the reason for revoking the certificate" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_revoking_is_confirmed_audited_on_the_timeline_and_shown_when_checked(
    client, manager_sue, certificate
):
    login(client, manager_sue)
    page = client.get(revoke_url(certificate))
    assert page.status_code == 200 and certificate.reference in page.content.decode()
    confirm = client.post(revoke_url(certificate), {"reason": "Issued on the wrong case"})
    assert confirm.status_code == 200
    assert "This cannot be undone" in confirm.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None  # not until confirmed

    done = client.post(
        revoke_url(certificate), {"reason": "Issued on the wrong case", "confirmed": "yes"}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("cases:detail", args=[certificate.case.reference])
    certificate.refresh_from_db()
    assert certificate.revoked_by == manager_sue
    assert certificate.revoke_reason == "Issued on the wrong case"
    event = AuditEvent.objects.get(verb="certificate.revoke")
    assert event.actor == manager_sue and event.case_id == certificate.case_id
    assert certificate.case.timeline.filter(
        summary=f"Certificate {certificate.reference} revoked (issued in error)"
    ).exists()
    # Revoked certificates can no longer be revoked (the page is gone).
    assert client.get(revoke_url(certificate)).status_code == 404

    client.logout()
    response = check(client, certificate.reference, certificate.verification_code)
    page = response.content.decode()
    assert "was issued on 9 November 2026" in page
    assert "It was revoked on 27 November 2026" in page
    assert "Issued on the wrong case" not in page  # the reason is not public

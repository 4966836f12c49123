"""Managers search the audit log; nobody else may read it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_manager_finds_who_read_a_case(client, manager_sue, case_officer_cal, open_case):
    audit_record(actor=case_officer_cal, verb="case.view", target=open_case, case_id=open_case.pk)
    login(client, manager_sue)
    response = client.get(reverse("audit:log"), {"reference": open_case.reference, "what": "reads"})
    assert response.status_code == 200
    rows = response.context["page"].items
    assert rows and all(e.case_id == open_case.pk and e.verb == "case.view" for e in rows)
    assert case_officer_cal.pk in {e.actor_id for e in rows}
    assert open_case.reference in response.content.decode()
    # Searching is itself recorded.
    assert AuditEvent.objects.filter(verb="audit.search", actor=manager_sue).exists()


def test_filters_by_person_and_dates(client, manager_sue, case_officer_cal, case_officer_cleo):
    audit_record(actor=case_officer_cal, verb="auth.sign_out")
    audit_record(actor=case_officer_cleo, verb="auth.sign_out")
    login(client, manager_sue)
    today = timezone.localdate()
    params = {
        "user": case_officer_cleo.pk,
        "what": "sign_in",
        "on_or_after_day": today.day,
        "on_or_after_month": today.month,
        "on_or_after_year": today.year,
        "on_or_before_day": today.day,
        "on_or_before_month": today.month,
        "on_or_before_year": today.year,
    }
    rows = client.get(reverse("audit:log"), params).context["page"].items
    assert rows and {e.actor_id for e in rows} == {case_officer_cleo.pk}
    yesterday = today - timedelta(days=1)
    params.update(
        on_or_before_day=yesterday.day,
        on_or_before_month=yesterday.month,
        on_or_before_year=yesterday.year,
    )
    params.update(
        on_or_after_day=yesterday.day,
        on_or_after_month=yesterday.month,
        on_or_after_year=yesterday.year,
    )
    assert client.get(reverse("audit:log"), params).context["page"].items == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"reference": "MED-1999-99999"}, "No case has this reference"),
        ({"ip_address": "not-an-ip"}, "Enter an IP address"),
        (
            {"on_or_after_day": "31", "on_or_after_month": "2", "on_or_after_year": "2026"},
            "must be a real date",
        ),
        (
            {
                "on_or_after_day": "2",
                "on_or_after_month": "3",
                "on_or_after_year": "2026",
                "on_or_before_day": "1",
                "on_or_before_month": "3",
                "on_or_before_year": "2026",
            },
            "The to date must be the same as or after the from date",
        ),
    ],
)
def test_bad_filters_are_explained(client, manager_sue, params, message):
    login(client, manager_sue)
    response = client.get(reverse("audit:log"), params)
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body


@pytest.mark.parametrize("who", ["case_officer_cal", "mediator_mia"])
def test_only_managers_may_read_the_log(client, request, who):
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.post(reverse("audit:check")).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("audit:log"))
    assert response.status_code == 302 and "sign-in" in response.url


def test_chain_check_reports_whole_log(client, manager_sue, case_officer_cal):
    audit_record(actor=case_officer_cal, verb="auth.sign_out")
    login(client, manager_sue)
    response = client.post(reverse("audit:check"), follow=True)
    assert "The audit log is whole" in response.content.decode()
    assert AuditEvent.objects.filter(verb="audit.verify_chain").exists()


def test_page_query_count_does_not_grow_with_events(
    client, manager_sue, case_officer_cal, open_case, django_assert_max_num_queries
):
    for _ in range(30):
        audit_record(
            actor=case_officer_cal, verb="case.view", target=open_case, case_id=open_case.pk
        )
    login(client, manager_sue)
    client.get(reverse("audit:log"))  # warm the session
    # 14 before the keyed chain, plus sealing what waits (on PostgreSQL the lock, the queue, the
    # chain's head, the seals written and the queue emptied, in one statement each, however
    # many wait) and which of the page's events are sealed: none of them grows with the events.
    with django_assert_max_num_queries(19):
        response = client.get(reverse("audit:log"))
    assert len(response.context["page"].items) == 25


def test_audit_address_believes_only_our_own_proxies(rf, settings, case_officer_cal):
    from mediation.audit.services import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # a client can write X-Forwarded-For itself
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"  # the entry our one proxy appended


def test_events_not_yet_sealed_are_shown_as_such(
    client, manager_sue, case_officer_cal, monkeypatch
):
    # As if another sealer held the lock: the page does not wait, it shows what is waiting.
    monkeypatch.setattr("mediation.audit.services._seals_at_once", lambda: False)
    monkeypatch.setattr("mediation.privacy.audit_log_views.audit_seal_pending", lambda wait: 0)
    waiting = audit_record(actor=case_officer_cal, verb="auth.sign_out")
    login(client, manager_sue)
    response = client.get(reverse("audit:log"))
    assert waiting.pk in response.context["unsealed"]
    assert response.content.decode().count("Not yet sealed") >= 1


def test_the_check_names_the_first_changed_event(client, manager_sue, case_officer_cal):
    from mediation.audit.services import audit_seal_pending

    audit_record(actor=case_officer_cal, verb="auth.sign_out")
    changed = audit_record(actor=case_officer_cal, verb="auth.sign_out")
    audit_seal_pending()
    AuditEvent.objects.filter(pk=changed.pk).update(verb="auth.sign_in")
    login(client, manager_sue)
    body = client.post(reverse("audit:check"), follow=True).content.decode()
    assert f"Event {changed.pk} (number" in body and "has been changed" in body
    assert "Tell your data protection officer today" in body
    refused = AuditEvent.objects.get(verb="audit.verify_chain")
    assert refused.detail == {"broken_at": changed.pk}

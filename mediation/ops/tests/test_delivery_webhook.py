"""The email provider's delivery reports (django-anymail's tracking webhook, here Postmark's
format): refused without the right credentials; a bounce, a delivery and a complaint update the
message; a bounce shows on the case and on My work."""

from __future__ import annotations

import base64
import json

import pytest
from django.urls import reverse

from conftest import login
from mediation.notifications.models import Message
from mediation.notifications.services import message_queue, message_send
from mediation.timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db

URL = reverse("email-events")
GOOD = "Basic " + base64.b64encode(b"webhook:test-only-secret").decode()


def _sent(open_case, email="sam.patel@example.com", name="Sam Patel") -> Message:
    from mediation.cases.models import Party

    Party.objects.create(
        case=open_case, role="la_representative", name=name, email=email, phone="01632 960 444"
    )
    message, _created = message_queue(
        key=f"test:{email}",
        to_email=email,
        to_name=name,
        subject=f"Your meeting ({open_case.reference})",
        body="Hello",
        case_id=open_case.pk,
    )
    message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.provider_id  # without anymail, the Message-ID stands in
    return message


def _post(client, payload: dict, auth: str | None = GOOD):
    headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


def _bounce(message: Message) -> dict:
    return {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "MessageID": message.provider_id,
        "Email": message.recipient_email,
        "BouncedAt": "2026-12-07T10:00:00Z",
        "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 mailbox unavailable",
    }


def test_reports_without_the_right_credentials_are_refused(client, open_case):
    message = _sent(open_case)
    for auth in (None, "Basic " + base64.b64encode(b"webhook:wrong").decode(), "Bearer x"):
        response = _post(client, _bounce(message), auth=auth)
        assert response.status_code in (400, 401, 403)
    message.refresh_from_db()
    assert message.delivery_status == ""


def test_a_bounce_is_recorded_and_shown_on_the_case_and_my_work(
    client, open_case, case_officer_cal
):
    message = _sent(open_case)
    assert _post(client, _bounce(message)).status_code == 200
    message.refresh_from_db()
    assert message.delivery_status == Message.Delivery.BOUNCED
    assert message.failed_delivery
    assert "unable to deliver" in message.delivery_detail
    line = TimelineEntry.objects.get(case=open_case, summary__contains="bounced")
    assert line.summary.startswith("Email to Sam Patel bounced")
    # a later "delivered" (reports come out of order) does not hide the bounce
    delivered = {
        "RecordType": "Delivery",
        "MessageID": message.provider_id,
        "Recipient": message.recipient_email,
        "DeliveredAt": "2026-12-07T10:01:00Z",
    }
    assert _post(client, delivered).status_code == 200
    message.refresh_from_db()
    assert message.delivery_status == Message.Delivery.BOUNCED
    # the same report again changes nothing and writes no second line
    assert _post(client, _bounce(message)).status_code == 200
    assert TimelineEntry.objects.filter(case=open_case, summary__contains="bounced").count() == 1
    login(client, case_officer_cal)
    case_page = client.get(reverse("cases:detail", args=[open_case.reference])).content.decode()
    assert "Email to Sam Patel bounced: phone them on 01632 960 444" in case_page
    my_work = client.get(reverse("cases:my-work")).content.decode()
    assert "Email to Sam Patel bounced: phone them on 01632 960 444" in my_work


def test_delivered_and_complained(client, open_case):
    message = _sent(open_case, email="ann@example.com", name="Ann Lee")
    _post(
        client,
        {
            "RecordType": "Delivery",
            "MessageID": message.provider_id,
            "Recipient": message.recipient_email,
            "DeliveredAt": "2026-12-07T10:01:00Z",
        },
    )
    message.refresh_from_db()
    assert message.delivery_status == Message.Delivery.DELIVERED
    assert not message.failed_delivery
    _post(
        client,
        {
            "RecordType": "SpamComplaint",
            "Type": "SpamComplaint",
            "MessageID": message.provider_id,
            "Email": message.recipient_email,
            "BouncedAt": "2026-12-07T11:00:00Z",
        },
    )
    message.refresh_from_db()
    assert message.delivery_status == Message.Delivery.COMPLAINED


def test_a_report_about_a_message_that_is_not_ours_changes_nothing(client, open_case):
    message = _sent(open_case)
    response = _post(client, {**_bounce(message), "MessageID": "someone-elses"})
    assert response.status_code == 200
    assert not Message.objects.exclude(delivery_status="").exists()

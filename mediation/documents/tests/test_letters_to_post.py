"""Letters to post: every letter waiting to be printed, its PDF, and Mark as posted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login
from mediation.notifications.models import Message
from mediation.notifications.services import message_queue
from mediation.timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db


def _letter(case, name="Grace Whitfield"):
    message, _created = message_queue(
        key=f"letter:{name}",
        to_email="",
        to_name=name,
        subject=f"Tell us which meeting dates you can come to by Friday 11 December – {case.reference}",
        body="A letter.",
        case_id=case.pk,
        channel=Message.Channel.LETTER,
        attachments=[("letter.pdf", "application/pdf", b"%PDF-1.4 a letter")],
    )
    return message


def test_a_case_officer_prints_and_marks_a_letter_as_posted(
    client, open_case, case_officer_cal, django_assert_max_num_queries
):
    letter = _letter(open_case)
    for n in range(5):
        _letter(open_case, name=f"Person {n}")
    login(client, case_officer_cal)
    url = reverse("documents:letters-to-post")
    client.get(url)
    with django_assert_max_num_queries(12):  # the same however many letters
        page = client.get(url).content.decode()
    assert "Grace Whitfield" in page and open_case.reference in page and "Person 4" in page
    pdf = client.get(reverse("documents:letter-pdf", args=[letter.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    response = client.post(reverse("documents:letter-posted", args=[letter.pk]))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == Message.Status.SENT and letter.sent_at is not None
    assert TimelineEntry.objects.filter(
        case=open_case, summary__startswith="Letter to Grace Whitfield posted"
    ).exists()
    listed = client.get(url).content.decode()  # the success message shows once, then goes
    assert "Letter to Grace Whitfield marked as posted" in listed
    assert "Grace Whitfield</td>" not in client.get(url).content.decode()
    # twice: a clear message, nothing changes
    again = client.post(reverse("documents:letter-posted", args=[letter.pk]), follow=True)
    assert "already marked as posted" in again.content.decode()


def test_a_mediator_does_not_post_letters(client, open_case, mediator_mia):
    letter = _letter(open_case)
    login(client, mediator_mia)
    assert client.get(reverse("documents:letters-to-post")).status_code == 403
    assert client.post(reverse("documents:letter-posted", args=[letter.pk])).status_code == 403

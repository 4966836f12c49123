"""The end-of-case survey: who is asked when a case closes and in what words, the link, the
adult and child pages, answers recorded by staff, and who may see them."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.cases.models import ClosureOutcome, PartyRole
from mediation.domain.case_states import CaseState, Step
from mediation.feedback.models import GivenVia, Participant, SurveyInvitation, SurveyResponse
from mediation.notifications.models import Message
from mediation.parties.services import party_add
from mediation.portal.models import AccessKind, PortalAccess, PortalLink
from mediation.portal.services import access_invite
from mediation.uploads.services import child_views_record
from mediation.workflow.services import case_take_step

pytestmark = pytest.mark.django_db

ANSWERS = {
    "satisfaction": "satisfied",
    "felt_heard": "yes",
    "information_clear": "partly",
    "would_recommend": "yes",
    "comment": "Thank you",
}


@pytest.fixture
def people(open_case, case_officer_cal):
    """The parent (main contact, from the enquiry), an LA officer, an officer who only came
    along, a child who gave their views through a link sent to the parent, and a young person
    with no email address."""
    by = case_officer_cal
    la = party_add(
        case=open_case,
        by=by,
        data={"role": PartyRole.LA_REPRESENTATIVE, "name": "Lee Officer", "email": "lee@la.example.gov.uk",
              "organisation": "Northfield", "preferred_contact": "email"},
    )  # fmt: skip
    party_add(
        case=open_case,
        by=by,
        data={"role": PartyRole.LA_REPRESENTATIVE, "name": "Ola Extra", "email": "ola@la.example.gov.uk",
              "organisation": "Northfield", "preferred_contact": "email", "additional_officer": True},
    )  # fmt: skip
    child = party_add(
        case=open_case,
        by=by,
        data={"role": PartyRole.CHILD, "name": "Isla Whitfield", "preferred_contact": "phone"},
    )
    young = party_add(
        case=open_case,
        by=by,
        data={"role": PartyRole.YOUNG_PERSON, "name": "Ben Whitfield", "phone": "07700 900999",
              "preferred_contact": "phone"},
    )  # fmt: skip
    parent = open_case.parties.get(is_main_contact=True)
    access_invite(case=open_case, party=child, kind=AccessKind.CHILD_VIEWS, by=by, send_to=parent)
    child_views_record(
        open_case,
        given_via="portal",
        going_well="Art",
        hard="Maths",
        would_like="Help",
        who_helps="Mum",
        helped_by="Mum",
        share_with="everyone",
        by_party=child,
    )
    return {"parent": parent, "la": la, "child": child, "young": young}


def _close(case, by, django_capture_on_commit_callbacks, outcome=ClosureOutcome.WITHDRAWN):
    with django_capture_on_commit_callbacks(execute=True):
        return case_take_step(
            case=case,
            step=Step.CLOSE,
            by=by,
            data={"closure_outcome": outcome, "reason": "Family withdrew"},
            expected_state=CaseState(case.status),
        )


def _access(invitation: SurveyInvitation) -> PortalAccess:
    assert invitation.access_id is not None  # an emailed invitation
    return PortalAccess.objects.get(pk=invitation.access_id)


def _message(invitation: SurveyInvitation) -> Message:
    assert invitation.message_id is not None  # an emailed invitation
    return Message.objects.get(pk=invitation.message_id)


def _link_of(message: Message) -> str:
    """The link in the email as it went out (the outbox keeps no link once it is sent)."""
    for sent in reversed(mail.outbox):
        if sent.subject == message.subject and message.recipient_email in sent.to:
            found = re.search(r"/portal/link/[\w-]+/", str(sent.body))
            assert found is not None, sent.body
            return found.group(0)
    raise AssertionError(f"No email {message.subject} to {message.recipient_email}")


def test_closing_a_case_asks_everyone_who_took_part_once(
    people, open_case, case_officer_cal, django_capture_on_commit_callbacks
):
    before = Message.objects.count()
    _close(open_case, case_officer_cal, django_capture_on_commit_callbacks)
    invitations = {i.party_id: i for i in SurveyInvitation.objects.filter(case=open_case)}
    assert set(invitations) == {p.pk for p in people.values()}  # not the officer who came along
    assert invitations[people["parent"].pk].participant == Participant.PARENT
    assert invitations[people["la"].pk].participant == Participant.LA_OFFICER
    assert invitations[people["child"].pk].participant == Participant.CHILD
    # The child's link goes where their views link went: the parent who helped them.
    assert invitations[people["child"].pk].sent_to == people["parent"].email.lower()
    assert invitations[people["young"].pk].sent_to == ""  # no email: asked by phone
    sent = list(Message.objects.order_by("pk")[before:])
    assert len(sent) == 3
    reference = open_case.reference
    for message in sent:
        assert reference in message.subject
        for name in ("Isla", "Whitfield", "Sarah", "Lee"):
            assert name not in message.subject and name not in message.body
        # What, by when (a date in words with its weekday), how.
        assert re.search(
            r"by (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d", message.body
        )
        assert "Open this link and press Continue" in message.body
        assert "contact" in message.body and f"quote reference {reference}" in message.body
    child_email = next(m for m in sent if "child or young person" in m.subject)
    assert "5 short questions written for them" in child_email.body
    line = open_case.timeline.filter(summary__startswith="End-of-case survey emailed").get()
    assert "Isla Whitfield (child, in child-friendly words)" in line.summary
    assert open_case.timeline.filter(summary__contains="to ask by phone: Ben Whitfield").exists()
    # Asking again (a reopened case closed again, a second task) asks nobody twice.
    from mediation.feedback.services import survey_invite_case

    assert survey_invite_case(case_id=open_case.pk) == 0
    assert SurveyInvitation.objects.filter(case=open_case).count() == 4


def test_a_case_handed_over_asks_nobody(
    people, open_case, case_officer_cal, django_capture_on_commit_callbacks
):
    _close(
        open_case, case_officer_cal, django_capture_on_commit_callbacks, ClosureOutcome.HANDED_OVER
    )
    assert not SurveyInvitation.objects.exists()


def test_the_link_opens_the_survey_only_and_is_used_up_by_the_answers(
    people, open_case, case_officer_cal, django_capture_on_commit_callbacks
):
    _close(open_case, case_officer_cal, django_capture_on_commit_callbacks)
    invitation = SurveyInvitation.objects.get(party=people["parent"])
    link = _link_of(_message(invitation))
    client = Client()
    assert client.get(link).status_code == 200  # Continue: nothing used by opening it
    response = client.post(link)
    assert response["Location"] == reverse("feedback:survey")
    page = client.get(reverse("feedback:survey"))
    assert page.status_code == 200
    assert "Tell us what you thought of our service" in page.content.decode()
    # The survey link opens nothing else of the portal.
    assert client.get(reverse("portal:case", args=[open_case.reference])).status_code == 404
    assert client.get(reverse("portal:cases")).status_code == 404
    # Missing answers: each question says so, what was typed is kept.
    refused = client.post(reverse("feedback:survey"), {"comment": "Kept"})
    assert refused.status_code == 400
    text = refused.content.decode()
    for message in (
        "Select how satisfied you are",
        "Select whether you felt listened to",
        "Select whether the information was clear",
        "Select whether you would recommend us",
    ):
        assert message in text
    assert "Kept</textarea>" in text
    done = client.post(reverse("feedback:survey"), ANSWERS)
    assert done["Location"] == reverse("feedback:thanks")
    saved = SurveyResponse.objects.get(party=people["parent"])
    assert (saved.satisfaction, saved.given_via, saved.comment) == (
        "satisfied",
        GivenVia.LINK,
        "Thank you",
    )
    assert saved.invitation == invitation
    # Used up: the link, the access and the session.
    assert client.get(reverse("feedback:survey")).status_code == 404
    assert Client().post(link).status_code == 410
    assert not _access(invitation).is_active
    assert not PortalLink.objects.filter(access=_access(invitation), used_at=None).exists()
    verbs = set(AuditEvent.objects.filter(case_id=open_case.pk).values_list("verb", flat=True))
    assert {"feedback.invite", "portal.view", "feedback.answer", "portal.feedback_sent"} <= verbs
    assert open_case.timeline.filter(
        summary="Sarah Whitfield answered the end-of-case survey (through the link)"
    ).exists()


def test_the_child_gets_questions_in_their_words(
    people, open_case, case_officer_cal, django_capture_on_commit_callbacks
):
    _close(open_case, case_officer_cal, django_capture_on_commit_callbacks)
    invitation = SurveyInvitation.objects.get(party=people["child"])
    client = Client()
    client.post(_link_of(_message(invitation)))
    page = client.get(reverse("feedback:survey")).content.decode()
    assert "How did it go for you?" in page
    assert "Really good" in page and "A bit" in page
    assert "We do not tell anyone your name" in page
    assert "Very satisfied" not in page and "How satisfied" not in page  # no grown-up words
    refused = client.post(reverse("feedback:survey"), {})
    assert "Pick how it went" in refused.content.decode()
    done = client.post(reverse("feedback:survey"), {**ANSWERS, "satisfaction": "very_satisfied"})
    assert done["Location"] == reverse("feedback:thanks") + "?child=1"
    assert "We have got your answers" in client.get(done["Location"]).content.decode()
    saved = SurveyResponse.objects.get(party=people["child"])
    assert saved.participant == Participant.CHILD


def test_staff_record_answers_from_a_phone_call(
    people, open_case, case_officer_cal, mediator_mia, django_capture_on_commit_callbacks
):
    _close(open_case, case_officer_cal, django_capture_on_commit_callbacks)
    client = login(Client(), case_officer_cal)
    url = reverse("feedback:record", args=[open_case.reference])
    page = client.get(url)
    assert page.status_code == 200
    assert "Ben Whitfield" in page.content.decode()
    refused = client.post(url, {"comment": "Said it was fine"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Select who answered" in text and "Select how they answered" in text
    assert "Said it was fine" in text
    wrong = client.post(url, {**ANSWERS, "party": "999999", "given_via": "phone"})
    assert "Select someone from the list" in wrong.content.decode()
    young = people["young"]
    done = client.post(url, {**ANSWERS, "party": young.pk, "given_via": "phone"})
    assert done.status_code == 302
    saved = SurveyResponse.objects.get(party=young)
    assert (saved.given_via, saved.recorded_by, saved.participant) == (
        GivenVia.PHONE,
        case_officer_cal,
        Participant.YOUNG_PERSON,
    )
    # Recording the parent's answers ends their link too.
    parent_invitation = SurveyInvitation.objects.get(party=people["parent"])
    client.post(url, {**ANSWERS, "party": people["parent"].pk, "given_via": "phone"})
    assert not _access(parent_invitation).is_active
    # A second answer for the same person is refused: they are no longer offered.
    again = client.post(url, {**ANSWERS, "party": young.pk, "given_via": "phone"})
    assert again.status_code == 400
    # The case's feedback page lists the answers (a read of personal data, audited).
    page = client.get(reverse("feedback:case", args=[open_case.reference]))
    assert page.status_code == 200 and "Thank you" in page.content.decode()
    assert AuditEvent.objects.filter(verb="read", case_id=open_case.pk).exists()
    # The mediator does not read the answers; a stranger's case is not found.
    mediator = login(Client(), mediator_mia)
    assert mediator.get(reverse("feedback:case", args=[open_case.reference])).status_code == 403
    assert client.get(reverse("feedback:case", args=["MED-1999-99999"])).status_code == 404


def test_the_feedback_page_reads_a_fixed_number_of_queries(
    people, open_case, case_officer_cal, django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):  # fmt: skip
    _close(open_case, case_officer_cal, django_capture_on_commit_callbacks)
    client = login(Client(), case_officer_cal)
    url = reverse("feedback:case", args=[open_case.reference])
    client.get(url)
    for party in people.values():
        client.post(
            reverse("feedback:record", args=[open_case.reference]),
            {**ANSWERS, "party": party.pk, "given_via": "phone"},
        )
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200

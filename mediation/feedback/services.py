"""The end-of-case survey: asking everyone who took part when a case closes, their answers through
the link, and answers staff record from a phone call. Each change is one transaction with a line
in the case's history and its audit event.

The link is the portal's (mediation.portal): an access of kind "feedback" for the person, and a
single-use, expiring link (PORTAL_FEEDBACK_DAYS) that opens the survey and nothing else. It stays
usable until the answers are sent, then the access ends, so nobody answers twice. The email says
what we ask, by when and how to reach us, with the case reference and no names
(docs/guide/parties.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.cases.models import Case, ClosureOutcome, Party, PartyRole
from mediation.common.errors import ServiceError
from mediation.domain.case_states import CaseState
from mediation.domain.dates import format_day_long
from mediation.feedback.models import (
    Agreement,
    GivenVia,
    Participant,
    Recommend,
    Satisfaction,
    SurveyInvitation,
    SurveyResponse,
)
from mediation.notifications.models import SECRET_MARK
from mediation.notifications.services import message_queue
from mediation.portal.models import AccessKind, LinkPurpose, PortalAccess
from mediation.portal.services import access_ensure, access_used_up, link_make
from mediation.timeline.models import TimelineKind
from mediation.timeline.services import timeline_record
from mediation.uploads.models import ChildViews

PARTICIPANT_OF_ROLE: dict[str, str] = {
    PartyRole.PARENT_CARER: Participant.PARENT,
    PartyRole.REPRESENTATIVE: Participant.PARENT,
    PartyRole.YOUNG_PERSON: Participant.YOUNG_PERSON,
    PartyRole.LA_REPRESENTATIVE: Participant.LA_OFFICER,
    PartyRole.CHILD: Participant.CHILD,
}
# The words for one person of each kind, in the case's history.
ONE_OF: dict[str, str] = {
    Participant.PARENT: "parent or carer",
    Participant.YOUNG_PERSON: "young person",
    Participant.LA_OFFICER: "LA officer",
    Participant.CHILD: "child, in child-friendly words",
}
# Closures after which nobody is asked: the case goes on with another provider.
NOT_ASKED_AFTER = frozenset({ClosureOutcome.HANDED_OVER})
ANSWER_FIELDS = ("satisfaction", "felt_heard", "information_clear", "would_recommend")


def may_handle_feedback(user: User) -> bool:
    """Case officers and managers read and record the answers (the mediator's own work is what
    many comments are about)."""
    return user.is_authenticated and user.sees_all_cases


@dataclass(frozen=True)
class Invitee:
    party: Party
    participant: str
    email: str  # "" when there is no address: asked by phone


def survey_invitees(case: Case) -> list[Invitee]:
    """Everyone who took part: the parents or carers (or the person acting for them), a young
    person, the LA's officer (not an officer who only came along), and a child who gave their
    views (through the email their views link went to: theirs or the adult who helped them)."""
    parties = list(
        Party.objects.filter(case=case, role__in=list(PARTICIPANT_OF_ROLE))
        .exclude(role=PartyRole.LA_REPRESENTATIVE, additional_officer=True)
        .order_by("id")
    )
    views = list(ChildViews.objects.filter(case=case).values_list("submitted_via_party", flat=True))
    children = [p for p in parties if p.role == PartyRole.CHILD]
    gave_views = {party_id for party_id in views if party_id}
    if None in views and len(children) == 1:  # views recorded by staff for the one child
        gave_views.add(children[0].pk)
    child_links = dict(
        PortalAccess.objects.filter(case=case, kind=AccessKind.CHILD_VIEWS)
        .order_by("created_at", "id")
        .values_list("party_id", "email")
    )
    invitees = []
    for party in parties:
        if party.role == PartyRole.CHILD:
            if party.pk not in gave_views:
                continue
            email = child_links.get(party.pk) or party.email
        else:
            email = party.email
        invitees.append(Invitee(party, PARTICIPANT_OF_ROLE[party.role], (email or "").lower()))
    return invitees


def _answer_by(today: date) -> date:
    # The link stops at the end of its last day; the email asks for an answer the day before.
    return today + timedelta(days=settings.PORTAL_FEEDBACK_DAYS - 1)


def survey_email(*, reference: str, participant: str, answer_by: date) -> tuple[str, str]:
    """(subject, body) of the email with the survey link: what we ask, by when, how; the case
    reference and no names. The link is SECRET_MARK, put in when the email is sent."""
    service = settings.PROVIDER_NAME
    by_when = format_day_long(answer_by)
    if participant == Participant.CHILD:
        subject = f"Questions for the child or young person about their mediation – {reference}"
        opening = (
            f"Mediation case {reference} has now finished. We would like to know what the child "
            "or young person thought of it, in their own words. The link opens 5 short questions "
            "written for them. You can help them answer, or read the questions to them."
        )
    else:
        subject = f"Tell us what you thought of our service – {reference}"
        role = (
            " you took part in for the local authority"
            if participant == Participant.LA_OFFICER
            else ""
        )
        opening = f"Mediation case {reference}{role} has now finished."
    body = (
        f"Hello,\n\n{opening}\n\n"
        f"Please tell us what you thought of our service by {by_when}. There are 5 short "
        "questions and it takes about 2 minutes. You do not have to answer, and your answers "
        "do not change anything about the case.\n\n"
        "We use the answers to make our service better. We share them with the local "
        "authorities we work for only as numbers and as comments with every name taken out.\n\n"
        f"Open this link and press Continue:\n{SECRET_MARK}\n\n"
        f"The link works until {by_when}. It can be used once.\n\n"
        f"To answer by phone instead, or if you have a question, contact {service} and quote "
        f"reference {reference}. You do not need to do anything else.\n\n"
        f"{service}"
    )
    return subject, body


@transaction.atomic
def survey_invite_case(
    *, case_id: int, by: User | None = None, request: HttpRequest | None = None
) -> int:
    """Ask everyone who took part in a closed case, once each. Returns how many were emailed
    (people with no email address are listed to ask by phone). Nothing for an open case, or one
    handed over to another provider."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.status != CaseState.CLOSED or case.closure_outcome in NOT_ASKED_AFTER:
        return 0
    asked = set(SurveyInvitation.objects.filter(case=case).values_list("party_id", flat=True))
    today = timezone.localdate()
    answer_by = _answer_by(today)
    emailed: list[str] = []
    by_phone: list[str] = []
    for invitee in survey_invitees(case):
        party = invitee.party
        if party.pk in asked:
            continue
        who = f"{party.name} ({ONE_OF[invitee.participant]})"
        invitation = SurveyInvitation(
            case=case, party=party, participant=invitee.participant, invited_by=by
        )
        if invitee.email:
            access = access_ensure(
                case=case, party=party, kind=AccessKind.FEEDBACK, email=invitee.email, by=by
            )
            _link, address = link_make(access, purpose=LinkPurpose.FEEDBACK, by=by)
            subject, body = survey_email(
                reference=case.reference, participant=invitee.participant, answer_by=answer_by
            )
            message, _created = message_queue(
                key=f"feedback-survey:{case.pk}:{party.pk}",
                to_email=invitee.email,
                to_name="",
                subject=subject,
                body=body,
                case_id=case.pk,
                secret=address,
            )
            invitation.access = access
            invitation.sent_to = invitee.email
            invitation.message_id = message.pk
            invitation.answer_by = answer_by
            emailed.append(who)
        else:
            by_phone.append(who)
        invitation.save()
    if not emailed and not by_phone:
        return 0
    lines = []
    if emailed:
        lines.append(
            f"End-of-case survey emailed to {', '.join(emailed)}: answers by "
            f"{format_day_long(answer_by)}"
        )
    if by_phone:
        lines.append(f"No email address, to ask by phone: {', '.join(by_phone)}")
    timeline_record(
        case=case,
        by=by,
        kind=TimelineKind.CONTACT,
        summary=lines,
        verb="feedback.invite",
        target=case,
        request=request,
        detail={"emailed": len(emailed), "by_phone": len(by_phone)},
    )
    return len(emailed)


def _clean_answers(answers: dict[str, Any]) -> dict[str, Any]:
    choices = {
        "satisfaction": Satisfaction.values,
        "felt_heard": Agreement.values,
        "information_clear": Agreement.values,
        "would_recommend": Recommend.values,
    }
    for name, allowed in choices.items():
        if answers.get(name) not in allowed:
            raise ServiceError("Answer each question.")
    return {
        **{name: answers[name] for name in ANSWER_FIELDS},
        "comment": (answers.get("comment") or "").strip(),
    }


def invitation_of(access: PortalAccess) -> SurveyInvitation | None:
    return (
        SurveyInvitation.objects.select_related("case", "party")
        .filter(access=access, party_id=access.party_id)
        .first()
    )


@transaction.atomic
def survey_answer(
    *, access: PortalAccess, answers: dict[str, Any], request: HttpRequest | None = None
) -> SurveyResponse:
    """The person's own answers, through their link. The link and its access end with them."""
    access = (
        PortalAccess.objects.select_for_update().select_related("party", "case").get(pk=access.pk)
    )
    if access.kind != AccessKind.FEEDBACK or not access.is_active:
        raise ServiceError("This link has already been used. Thank you.")
    invitation = invitation_of(access)
    if invitation is None:
        raise ServiceError("This link has already been used. Thank you.")
    cleaned = _clean_answers(answers)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                case=access.case,
                party=access.party,
                participant=invitation.participant,
                invitation=invitation,
                given_via=GivenVia.LINK,
                **cleaned,
            )
    except IntegrityError:
        raise ServiceError("We already have your answers. Thank you.") from None
    access_used_up(access=access, verb="portal.feedback_sent", request=request)
    timeline_record(
        case=access.case,
        by=access.actor,
        kind=TimelineKind.CONTACT,
        summary=f"{access.party.name} answered the end-of-case survey (through the link)",
        verb="feedback.answer",
        target=response,
        request=request,
        detail={"participant": invitation.participant},
    )
    return response


@transaction.atomic
def survey_record(
    *,
    case: Case,
    party: Party,
    answers: dict[str, Any],
    given_via: str,
    by: User,
    request: HttpRequest | None = None,
) -> SurveyResponse:
    """Answers a person gave by phone (or on paper), recorded by staff. Their link, if they
    had one, stops working."""
    if not may_handle_feedback(by):
        raise ServiceError("Only case officers and managers can record feedback.")
    if party.case_id != case.pk or party.role not in PARTICIPANT_OF_ROLE:
        raise ServiceError("Choose someone who took part in the case.")
    if given_via not in (GivenVia.PHONE, GivenVia.PAPER):
        raise ServiceError("Say how they gave their answers.")
    cleaned = _clean_answers(answers)
    invitation = SurveyInvitation.objects.filter(case=case, party=party).first()
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                case=case,
                party=party,
                participant=invitation.participant
                if invitation
                else PARTICIPANT_OF_ROLE[party.role],
                invitation=invitation,
                given_via=given_via,
                recorded_by=by,
                **cleaned,
            )
    except IntegrityError:
        raise ServiceError(f"{party.name}'s answers are already recorded.") from None
    if invitation is not None and invitation.access_id is not None:
        access = PortalAccess.objects.get(pk=invitation.access_id)
        if access.is_active:
            access_used_up(access=access, verb="portal.feedback_sent", by=by, request=request)
    timeline_record(
        case=case,
        by=by,
        kind=TimelineKind.CONTACT,
        summary=f"End-of-case survey answers from {party.name} recorded "
        f"({GivenVia(given_via).label.lower()})",
        verb="feedback.record",
        target=response,
        request=request,
        detail={"participant": response.participant, "given_via": given_via},
    )
    return response

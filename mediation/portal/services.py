"""Everything that writes portal accesses, links and what parties do through the portal.

Staff invite, revoke and send new links (`access_invite`, `access_revoke`, `access_new_link`).
A party asks for a sign-in link by email address (`sign_in_links_ask`, sent by
`sign_in_links_send` in a task), opens a link
(`link_use`, only on POST) and then acts on their case (`slot_answers_save`, `agreement_save`,
`authority_save`, `request_add`). Each is one transaction with a timeline entry (staff-only)
and an audit event whose actor is the party ("portal:party:<id>") or the staff member.

Tokens: `secrets.token_urlsafe(32)` (256 bits). Only their SHA-256 is stored; the email's body
holds a placeholder and the link is put in only when it is sent (mediation.notifications).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.cases.models import Case, Party, PartyRole
from mediation.common.dispatch import enqueue_on_commit
from mediation.common.encryption import encrypt_text
from mediation.common.errors import ServiceError
from mediation.common.links import site_url
from mediation.common.service_details import service_contact
from mediation.documents.services import rate_take
from mediation.domain import attendance as rules
from mediation.domain.dates import format_day_long
from mediation.domain.party_tasks import PartyTask, Stage, TaskKind
from mediation.meetings.models import SlotAnswer, SlotOffer
from mediation.notifications.models import SECRET_MARK
from mediation.notifications.services import message_queue
from mediation.outcomes.models import AgreedAction, AgreementRequest, PartyAgreement
from mediation.outcomes.selectors import agreeing_parties
from mediation.outcomes.services import statement_locked, statement_require_draft
from mediation.parties.models import AuthorityConfirmation
from mediation.parties.services import attendance_refresh
from mediation.portal.models import (
    AccessKind,
    LinkPurpose,
    PartyNotice,
    PortalAccess,
    PortalLink,
    PortalRequest,
)
from mediation.portal.selectors import KINDS_FOR_ROLE, child_views_recipients
from mediation.portal.to_do import ToDo, case_to_do
from mediation.timeline.models import TimelineKind
from mediation.timeline.services import timeline_record

RATE_WINDOW = timedelta(hours=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime(purpose: str) -> timedelta:
    if purpose == LinkPurpose.SIGN_IN:
        return timedelta(minutes=settings.PORTAL_SIGN_IN_MINUTES)
    if purpose == LinkPurpose.CHILD_VIEWS:
        return timedelta(days=settings.PORTAL_CHILD_VIEWS_DAYS)
    if purpose == LinkPurpose.FEEDBACK:
        return timedelta(days=settings.PORTAL_FEEDBACK_DAYS)
    return timedelta(hours=settings.PORTAL_INVITATION_HOURS)


def _purpose_for_invitation(access: PortalAccess) -> str:
    return (
        LinkPurpose.CHILD_VIEWS
        if access.kind == AccessKind.CHILD_VIEWS
        else (LinkPurpose.INVITATION)
    )


def lifetime_words(purpose: str) -> str:
    """How long a link of this purpose works, in words ("7 days")."""
    if purpose == LinkPurpose.SIGN_IN:
        return f"{settings.PORTAL_SIGN_IN_MINUTES} minutes"
    if purpose == LinkPurpose.CHILD_VIEWS:
        return f"{settings.PORTAL_CHILD_VIEWS_DAYS} days"
    hours = settings.PORTAL_INVITATION_HOURS
    return f"{hours // 24} days" if hours % 24 == 0 else f"{hours} hours"


def link_how_words(purpose: str) -> tuple[str, str]:
    """(the button the link's page shows, how long the link works), for the email: a child's
    views link opens on "Start" and works until the views are sent; the others on "Continue",
    once."""
    if purpose == LinkPurpose.CHILD_VIEWS:
        return "Start", (
            f"You can use the link again until the views are sent, for up to "
            f"{lifetime_words(purpose)}."
        )
    return "Continue", f"The link works once and stops working after {lifetime_words(purpose)}."


ROLE_WORDS: dict[str, str] = {
    AccessKind.PARENT: "",
    AccessKind.LA_OFFICER: " for the local authority",
    AccessKind.INFORMATION_PROVIDER: (
        " as someone who knows the child or young person (a school, health or care worker)"
    ),
}


def email_wording(
    purpose: str, *, reference: str = "", kind: str = "", to_do: list[str] | None = None
) -> tuple[str, str]:
    """(subject, body) for a link email: the case reference, what is needed and by when, the
    link (as SECRET_MARK; the real link is put in when the email is sent) and how to reach us.
    Never the child's name, the family or the disagreement: those are behind the link."""
    contact = service_contact()
    button, lasts = link_how_words(purpose)
    about = f" – {reference}" if reference else ""
    if purpose == LinkPurpose.SIGN_IN:
        subject = f"Your link to sign in{about}"
        opening = f"You asked for a link to sign in to mediation case {reference}."
    elif purpose == LinkPurpose.CHILD_VIEWS:
        subject = f"A link to share your views{about}"
        opening = (
            "Before a mediation meeting (a meeting where an independent person, the mediator, "
            "helps people agree), we want to know what the child or young person thinks. "
            "This link opens a short, friendly form for them. You can help them fill it in."
        )
    else:
        subject = f"You are invited to take part in mediation case {reference}".rstrip()
        opening = (
            f"{contact.name} runs mediation about support for children and young people with "
            "special educational needs and disabilities (SEND). Mediation is a meeting where an "
            "independent person, the mediator, helps everyone try to agree.\n\n"
            f"You are invited to take part in case {reference}{ROLE_WORDS.get(kind, '')}. "
            "Through the link below you can see the case and do your part online."
        )
    if to_do:
        needed = "What we need from you:\n" + "\n".join(f"- {line}" for line in to_do)
    elif purpose == LinkPurpose.INVITATION:
        needed = (
            "You do not need to do anything now. We will email you when we need something "
            "from you, and say by when."
        )
    else:
        needed = ""
    reach = "\n".join(
        line
        for line in (
            f"By phone: ring us on {contact.phone_with_hours}." if contact.phone else "",
            f"By email: write to {contact.email}." if contact.email else "",
        )
        if line
    )
    body = (
        f"Hello,\n\n{opening}\n\n"
        + (f"{needed}\n\n" if needed else "")
        + f"Open this link and press {button}:\n{SECRET_MARK}\n\n"
        f"{lasts} If it has stopped working, "
        f"ask for a new one at {site_url(reverse('portal:new-link'))}\n\n"
        + (f"You can also do everything by phone or email instead:\n{reach}\n\n" if reach else "")
        + (f"Please quote reference {reference}.\n\n" if reference else "")
        + "If you were not expecting this email, you can ignore it.\n\n"
        f"{contact.name}"
    )
    return subject, body


def link_make(
    access: PortalAccess,
    *,
    purpose: str,
    by: User | None,
    now: datetime | None = None,
    revoke_earlier: bool = True,
) -> tuple[PortalLink, str]:
    """A new link for `access` and its address (to put in one email, never stored). Earlier
    unused links stop working, except when the link comes with a message about something to
    do (`revoke_earlier=False`): a reminder must not break the invitation sent before it."""
    now = now or timezone.now()
    if revoke_earlier:
        PortalLink.objects.filter(access=access, used_at=None, revoked_at=None).update(
            revoked_at=now
        )
    token = secrets.token_urlsafe(32)
    link = PortalLink.objects.create(
        access=access,
        purpose=purpose,
        token_hash=hash_token(token),
        created_at=now,
        created_by=by,
        expires_at=now + lifetime(purpose),
    )
    return link, site_url(reverse("portal:link", args=[token]))


def _link_issue(
    access: PortalAccess,
    *,
    purpose: str,
    by: User | None,
    now: datetime | None = None,
) -> PortalLink:
    """Make a new link for `access`, revoke its earlier unused ones, and queue the email. An
    invitation lists what the person has to do now, with dates; it counts as the notice of
    each (mediation.portal.notices sends no second one)."""
    link, address = link_make(access, purpose=purpose, by=by, now=now)
    items = [] if purpose == LinkPurpose.SIGN_IN else _to_do_of(access)
    subject, body = email_wording(
        purpose,
        reference=access.case.reference,
        kind=access.kind,
        to_do=[_to_do_line(item.task) for item in items],
    )
    message, _created = message_queue(
        key=f"portal-link:{link.pk}",
        to_email=access.email,
        to_name="",
        subject=subject,
        body=body,
        case_id=access.case_id,
        secret=address,
    )
    link.message_id = message.pk
    link.save(update_fields=["message_id"])
    today = timezone.localdate()
    for item in items:
        if item.task.due is not None:
            PartyNotice.objects.get_or_create(
                party=item.party,
                task_key=item.task.key,
                stage=Stage.NOTICE,
                due_key="",
                defaults={
                    "case_id": access.case_id,
                    "sent_on": today,
                    "channels": "email",
                    "message_ids": [message.pk],
                },
            )
    return link


def _to_do_of(access: PortalAccess) -> list[ToDo]:
    return [
        item
        for item in case_to_do(access.case)
        if item.party.pk == access.party_id
        and item.access is not None
        and item.access.pk == access.pk
    ]


def _to_do_line(task: PartyTask) -> str:
    what = (
        f"Tell us when agreed action {task.action_number} is done"
        if task.kind == TaskKind.ACTION_DONE
        else task.what
    )
    line = f"{what}, by {format_day_long(task.due)}." if task.due else f"{what}."
    # Something needed before the meeting says which day that is (the notice it stands for does).
    if task.meeting_day:
        line += f" The meeting is on {format_day_long(task.meeting_day)}."
    return line


# Staff ------------------------------------------------------------------------------------


@transaction.atomic
def access_invite(
    *,
    case: Case,
    party: Party,
    kind: str,
    by: User,
    send_to: Party | None = None,
    request: HttpRequest | None = None,
) -> PortalAccess:
    """Give `party` portal access and email the first link. A child's views link may be sent to
    an adult who will help them (`send_to`); every other link goes to the party."""
    if party.case_id != case.pk:
        raise ServiceError("That person is not on this case.")
    if not case.is_open:
        raise ServiceError("The case is closed.")
    if kind == AccessKind.CHILD_VIEWS:
        recipients = child_views_recipients(party)
        send_to = send_to or (recipients[0] if recipients else None)
        if send_to is None or send_to.pk not in {p.pk for p in recipients}:
            raise ServiceError("Choose who the link should be emailed to.")
    else:
        send_to = party
    if not send_to.email:
        raise ServiceError(f"Add an email address for {send_to.name} first.")
    if kind not in KINDS_FOR_ROLE.get(party.role, ()):
        raise ServiceError("Choose a kind of access that fits their role on the case.")
    if PortalAccess.objects.filter(party=party, kind=kind, revoked_at=None).exists():
        raise ServiceError(f"{party.name} already has this access: send them a new link instead.")
    access = PortalAccess.objects.create(
        case=case, party=party, kind=kind, email=send_to.email.strip().lower(), created_by=by
    )
    _link_issue(access, purpose=_purpose_for_invitation(access), by=by)
    timeline_record(
        case=case,
        by=by,
        kind=TimelineKind.CONTACT,
        summary=f"Portal invitation emailed to {party.name} ({AccessKind(kind).label.lower()})",
        verb="portal.invite",
        target=access,
        request=request,
        detail={"kind": kind},
    )
    return access


@transaction.atomic
def access_new_link(
    *, access: PortalAccess, by: User, request: HttpRequest | None = None
) -> PortalLink:
    """Send a fresh invitation (or child's views) link; earlier unused links stop working."""
    access = PortalAccess.objects.select_for_update().select_related("party").get(pk=access.pk)
    if not access.is_active:
        raise ServiceError("This access was revoked: invite them again instead.")
    if access.kind == AccessKind.FEEDBACK:
        raise ServiceError("Send the survey again from the case's feedback page.")
    link = _link_issue(access, purpose=_purpose_for_invitation(access), by=by)
    timeline_record(
        case=access.case,
        by=by,
        kind=TimelineKind.CONTACT,
        summary=f"New portal link emailed to {access.party.name}",
        verb="portal.link_resend",
        target=access,
        request=request,
    )
    return link


@transaction.atomic
def access_revoke(*, access: PortalAccess, by: User, request: HttpRequest | None = None) -> None:
    access = PortalAccess.objects.select_for_update().select_related("party").get(pk=access.pk)
    if not access.is_active:
        raise ServiceError("This access is already revoked.")
    now = timezone.now()
    access.revoked_at = now
    access.revoked_by = by
    access.save(update_fields=["revoked_at", "revoked_by"])
    PortalLink.objects.filter(access=access, used_at=None, revoked_at=None).update(revoked_at=now)
    timeline_record(
        case=access.case,
        by=by,
        summary=f"Portal access of {access.party.name} revoked",
        verb="portal.revoke",
        target=access,
        request=request,
    )


@transaction.atomic
def request_dealt_with(
    *, portal_request: PortalRequest, by: User, request: HttpRequest | None = None
) -> None:
    if portal_request.dealt_with_at is not None:
        raise ServiceError("This has already been dealt with.")
    portal_request.dealt_with_at = timezone.now()
    portal_request.dealt_with_by = by
    portal_request.save(update_fields=["dealt_with_at", "dealt_with_by"])
    audit_record(
        actor=by,
        verb="portal.request_dealt_with",
        target=portal_request,
        case_id=portal_request.case_id,
        request=request,
    )


# Signing in -------------------------------------------------------------------------------


def link_find(token: str) -> PortalLink | None:
    """The link for this token, or None. Reads only: opening a link does not use it."""
    if not token or len(token) > 100:
        return None
    return PortalLink.objects.select_related("access").filter(token_hash=hash_token(token)).first()


@transaction.atomic
def link_use(
    *, token: str, request: HttpRequest | None = None, now: datetime | None = None
) -> PortalAccess | None:
    """Use the link (the POST of "Continue"): the access it signs in, or None if it cannot be
    used (unknown, used, expired, revoked, or its access revoked). A child's views link stays
    usable until the views are sent, a survey link until the answers are; every other link is
    used up now."""
    now = now or timezone.now()
    found = link_find(token)
    if found is None:
        audit_record(
            actor=None, verb="portal.link_refused", request=request, detail={"reason": "unknown"}
        )
        return None
    link = PortalLink.objects.select_for_update().select_related("access").get(pk=found.pk)
    access = link.access
    if not link.is_usable(now):
        reason = (
            "used"
            if link.used_at
            else "revoked"
            if link.revoked_at or access.revoked_at
            else "expired"
        )
        audit_record(
            actor=access.actor,
            verb="portal.link_refused",
            target=link,
            case_id=access.case_id,
            request=request,
            detail={"reason": reason, "purpose": link.purpose},
        )
        return None
    if link.purpose not in (LinkPurpose.CHILD_VIEWS, LinkPurpose.FEEDBACK):
        link.used_at = now
        link.save(update_fields=["used_at"])
    audit_record(
        actor=access.actor,
        verb="portal.sign_in",
        target=link,
        case_id=access.case_id,
        request=request,
        detail={"purpose": link.purpose, "kind": access.kind},
    )
    return access


@transaction.atomic
def child_link_used_up(*, access: PortalAccess, request: HttpRequest | None = None) -> None:
    """The views were sent: the child's link (and any other unused one) stops working."""
    now = timezone.now()
    PortalLink.objects.filter(access=access, used_at=None).update(used_at=now)
    audit_record(
        actor=access.actor,
        verb="portal.child_views_sent",
        target=access,
        case_id=access.case_id,
        request=request,
    )


@transaction.atomic
def access_ensure(
    *, case: Case, party: Party, kind: str, email: str, by: User | None
) -> PortalAccess:
    """The party's active access of `kind`, made (with no email: the caller sends its own) if
    they have none, for a service above the portal that sends its own link (the end-of-case
    survey)."""
    if party.case_id != case.pk:
        raise ServiceError("That person is not on this case.")
    existing = PortalAccess.objects.filter(party=party, kind=kind, revoked_at=None).first()
    if existing is not None:
        return existing
    return PortalAccess.objects.create(
        case=case, party=party, kind=kind, email=normalise_email(email), created_by=by
    )


@transaction.atomic
def access_used_up(
    *,
    access: PortalAccess,
    verb: str,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> None:
    """A one-form access whose form was sent (or answered for them, `by` a staff member): its
    links stop working and the access ends, so the form cannot be sent twice. Audited with
    `verb`; the actor is `by`, or the party."""
    now = timezone.now()
    PortalLink.objects.filter(access=access, used_at=None).update(used_at=now)
    PortalAccess.objects.filter(pk=access.pk, revoked_at=None).update(revoked_at=now)
    audit_record(
        actor=by or access.actor, verb=verb, target=access, case_id=access.case_id, request=request
    )


def child_views_sent(access: PortalAccess) -> bool:
    """The views were sent through this link (it is then used up for good)."""
    return PortalLink.objects.filter(
        access=access, purpose=LinkPurpose.CHILD_VIEWS, used_at__isnull=False
    ).exists()


@dataclass(frozen=True)
class LinkRequestResult:
    limited: bool
    sent: int


def normalise_email(value: str) -> str:
    return value.strip().lower()[:254]


@transaction.atomic
def sign_in_links_ask(
    *, email: str, client: str, request: HttpRequest | None = None, now: datetime | None = None
) -> bool:
    """In the request: the same work whatever the address, so that neither the answer nor its
    timing says whether anyone has it (issue 20). The limit per client address is taken here;
    the address is looked up, limited and sent to by `sign_in_links_task` after the commit. It
    travels to the task encrypted (the task queue is a table like any other). Returns False
    when this client asked too often (nothing is queued)."""
    if not rate_take(
        key=f"portal:client:{client}",
        limit=settings.PORTAL_LINK_REQUESTS_PER_CLIENT,
        window=RATE_WINDOW,
        now=now,
    ):
        audit_record(
            actor=None,
            verb="portal.link_request_limited",
            request=request,
            detail={"limit": "client"},
        )
        return False
    audit_record(actor=None, verb="portal.link_request", request=request)
    enqueue_on_commit(
        "mediation.portal.tasks.sign_in_links_task",
        sealed_email=encrypt_text(normalise_email(email)),
    )
    return True


@transaction.atomic
def sign_in_links_send(*, email: str, now: datetime | None = None) -> LinkRequestResult:
    """In the task: email a sign-in link for each active access with this address, and a new
    child's views link for each child's views access whose views are not sent yet (the link is
    used up when they are), within the limit per address."""
    email = normalise_email(email)
    address_key = "portal:address:" + hashlib.sha256(email.encode()).hexdigest()[:32]
    if not rate_take(
        key=address_key,
        limit=settings.PORTAL_LINK_REQUESTS_PER_ADDRESS,
        window=RATE_WINDOW,
        now=now,
    ):
        audit_record(actor=None, verb="portal.link_request_limited", detail={"limit": "address"})
        return LinkRequestResult(limited=True, sent=0)
    accesses = list(
        PortalAccess.objects.filter(email=email, revoked_at=None)
        # A survey's link is never sent again (a child's views link is, until they send them).
        .exclude(kind=AccessKind.FEEDBACK)
        .select_related("case")
    )
    sent = 0
    for access in accesses:
        if not access.case.is_open and access.kind != AccessKind.PARENT:
            continue
        if access.kind == AccessKind.CHILD_VIEWS:
            if not access.case.is_open or child_views_sent(access):
                continue
            _link_issue(access, purpose=LinkPurpose.CHILD_VIEWS, by=None, now=now)
        else:
            _link_issue(access, purpose=LinkPurpose.SIGN_IN, by=None, now=now)
        audit_record(
            actor=access.actor, verb="portal.link_sent", target=access, case_id=access.case_id
        )
        sent += 1
    if not sent:
        audit_record(actor=None, verb="portal.link_sent", detail={"matched": False})
    return LinkRequestResult(limited=False, sent=sent)


# What parties do --------------------------------------------------------------------------


def _party_record(access: PortalAccess, summary: str, **audit: Any) -> None:
    """What a party did through the portal: a line in the case's history (with no staff
    member as its author) and the audit event naming the party."""
    timeline_record(
        case=access.case,
        by=access.actor,
        kind=TimelineKind.CONTACT,
        summary=f"{summary} (through the portal)",
        **audit,
    )


@transaction.atomic
def slot_answers_save(
    *,
    access: PortalAccess,
    answers: dict[int, bool],
    offered: list[SlotOffer],
    request: HttpRequest | None = None,
) -> None:
    """The party's own answers for the slots they were offered (recorded_by empty: themselves)."""
    offered_ids = {slot.pk for slot in offered}
    if not set(answers) <= offered_ids:
        raise ServiceError("Answer only the dates you were offered.")
    for slot_id, available in answers.items():
        SlotAnswer.objects.update_or_create(
            slot_id=slot_id,
            party=access.party,
            defaults={"available": available, "recorded_by": None, "recorded_at": timezone.now()},
        )
    _party_record(
        access,
        f"{access.party.name} answered the meeting dates offered",
        verb="meeting.answers_record",
        target=access,
        request=request,
        detail={"slots": sorted(answers)},
    )


@transaction.atomic
def agreement_save(
    *, access: PortalAccess, given_for_hash: str, request: HttpRequest | None = None
) -> PartyAgreement:
    """The party agrees the outcome statement is accurate, for the version they read."""
    case = access.case
    statement = statement_locked(case)
    statement_require_draft(statement)
    if given_for_hash != statement.content_hash:
        raise ServiceError(
            "The statement changed while you were reading it. Read the new version below."
        )
    party = access.party
    if party.pk not in {p.pk for p in agreeing_parties(case)}:
        raise ServiceError("Only the people who took part as a party agree the statement.")
    if not AgreementRequest.objects.filter(
        statement=statement, party=party, content_hash=statement.content_hash
    ).exists():
        raise ServiceError(
            "This version has not been sent to you yet. We will send it to you to check."
        )
    if PartyAgreement.objects.filter(
        statement=statement, party=party, content_hash=statement.content_hash, voided_at=None
    ).exists():
        raise ServiceError("You have already agreed this version.")
    agreement = PartyAgreement.objects.create(
        statement=statement,
        party=party,
        content_hash=statement.content_hash,
        version=statement.version,
        method=PartyAgreement.Method.PORTAL,
        recorded_by=None,
    )
    _party_record(
        access,
        f"{party.name} agreed the outcome statement (version {statement.version})",
        verb="outcome.agreement_record",
        target=agreement,
        request=request,
        detail={"hash": statement.content_hash, "version": statement.version},
    )
    return agreement


@transaction.atomic
def authority_save(
    *,
    access: PortalAccess,
    attendee_is_me: bool,
    name: str,
    email: str,
    issues: list[str],
    request: HttpRequest | None = None,
) -> Party:
    """The LA names who attends for it and confirms the issues they can decide (reg 37(1))."""
    case = Case.objects.select_for_update().get(pk=access.case_id)
    if access.kind != AccessKind.LA_OFFICER:
        raise ServiceError("Only the local authority confirms its attendee.")
    allowed = {rules.EDUCATION, rules.SOCIAL_CARE}
    if not issues or not set(issues) <= allowed:
        raise ServiceError("Choose the issues they can make decisions on.")
    if attendee_is_me:
        attendee = access.party
    else:
        if not name.strip():
            raise ServiceError("Enter the name of the person who will attend.")
        attendee = Party.objects.create(
            case=case,
            role=PartyRole.LA_REPRESENTATIVE,
            name=name.strip()[:120],
            email=email.strip()[:254],
            organisation=case.local_authority.name[:150],
            preferred_contact="email" if email.strip() else "phone",
        )
    today = timezone.localdate()
    AuthorityConfirmation.objects.filter(party=attendee).exclude(issue__in=issues).delete()
    for issue in issues:
        AuthorityConfirmation.objects.update_or_create(
            party=attendee,
            issue=issue,
            defaults={
                "case": case,
                "confirmed_on": today,
                "recorded_by": None,
                "recorded_at": timezone.now(),
            },
        )
    attendance_refresh(case)
    names = ", ".join(rules.ISSUE_LABELS[i] for i in issues)
    _party_record(
        access,
        f"{access.party.name} named {attendee.name} to attend for the LA, with authority to "
        f"decide: {names}",
        verb="authority.confirm",
        target=attendee,
        request=request,
        detail={"issues": sorted(issues), "confirmed_on": today.isoformat()},
    )
    return attendee


@transaction.atomic
def request_add(
    *,
    access: PortalAccess,
    kind: str,
    details: str,
    action: AgreedAction | None = None,
    on_date: date | None = None,
    request: HttpRequest | None = None,
) -> PortalRequest:
    """Something staff must act on: a supporter, an action's progress, information sent."""
    if action is not None and action.case_id != access.case_id:
        raise ServiceError("That action is not on this case.")
    portal_request = PortalRequest.objects.create(
        case=access.case,
        access=access,
        kind=kind,
        details=details.strip(),
        action=action,
        on_date=on_date,
    )
    label = PortalRequest.Kind(kind).label
    what = f"{label[0].lower()}{label[1:]}"
    if action is not None:
        what += f" (agreed action {action.number})"
    _party_record(
        access,
        f"{access.party.name} {what}",
        verb=f"portal.request_{kind}",
        target=portal_request,
        request=request,
    )
    return portal_request

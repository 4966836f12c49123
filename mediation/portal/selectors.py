"""Reads for portal pages (always for one PortalAccess) and for the staff portal panel.

Only what staff shared reaches a party: their own uploads and uploads staff shared with parties
(mediation.uploads), and generated documents addressed to them: their meeting letters, the
outcome statement as circulated to them, the family's certificate (parents only) and, for the
LA, letters about overdue actions. Never another party's private items, mediator notes or a
child's views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from mediation.cases.models import Case, Party, PartyRole
from mediation.deadlines.selectors import case_clocks
from mediation.documents.models import Certificate, GeneratedDocument
from mediation.domain.dates import spell_out_days
from mediation.domain.party_tasks import TASK_SUBJECT, Stage, TaskKind
from mediation.meetings.models import Meeting, MeetingLetter, SlotAnswer, SlotOffer
from mediation.meetings.selectors import case_attendees
from mediation.notifications.models import Message
from mediation.outcomes.models import ActionChase, AgreementRequest, Delivery, OutcomeStatement
from mediation.outcomes.selectors import statement_for_case
from mediation.portal.models import (
    AccessKind,
    PartyNotice,
    PortalAccess,
    PortalLink,
    PortalRequest,
)
from mediation.portal.session import sibling_accesses

# Staff panel ------------------------------------------------------------------------------


# Which kinds of access each role of party may be given. LA officers only for LA roles. A child's
# views link belongs to the child or young person (the views are theirs); it is emailed to them
# or to an adult on the case who will help them (`send_to`).
KINDS_FOR_ROLE: dict[str, tuple[str, ...]] = {
    PartyRole.PARENT_CARER: (AccessKind.PARENT,),
    PartyRole.YOUNG_PERSON: (AccessKind.PARENT, AccessKind.CHILD_VIEWS),
    PartyRole.REPRESENTATIVE: (AccessKind.PARENT,),
    PartyRole.CHILD: (AccessKind.CHILD_VIEWS,),
    PartyRole.LA_REPRESENTATIVE: (AccessKind.LA_OFFICER,),
    PartyRole.HEALTH_REPRESENTATIVE: (AccessKind.INFORMATION_PROVIDER,),
    PartyRole.INFORMATION_PROVIDER: (AccessKind.INFORMATION_PROVIDER,),
}
HELPER_ROLES = (PartyRole.PARENT_CARER, PartyRole.YOUNG_PERSON, PartyRole.REPRESENTATIVE)


def kinds_for_party(party: Party, *, helper_has_email: bool = False) -> tuple[str, ...]:
    """The kinds of access staff may give this party: each needs an address to send to (for a
    child's views link, theirs or a helping adult's)."""
    return tuple(
        kind
        for kind in KINDS_FOR_ROLE.get(party.role, ())
        if party.email or (kind == AccessKind.CHILD_VIEWS and helper_has_email)
    )


def child_views_recipients(party: Party) -> list[Party]:
    """Who a child's views link can be emailed to: the child or young person, or an adult on the
    case who will help them."""
    helpers = (
        Party.objects.filter(case_id=party.case_id, role__in=HELPER_ROLES)
        .exclude(email="")
        .exclude(pk=party.pk)
    )
    return ([party] if party.email else []) + list(helpers.order_by("id"))


@dataclass
class LinkRow:
    link: PortalLink
    email_status: str  # what became of the link's email, in words ("" if none is recorded)


@dataclass
class AccessRow:
    access: PortalAccess
    links: list[LinkRow] = field(default_factory=list)


@dataclass
class PartyRow:
    party: Party
    kinds: tuple[str, ...]
    accesses: list[AccessRow]

    @property
    def kinds_not_given(self) -> list[str]:
        given = {row.access.kind for row in self.accesses if row.access.is_active}
        return [kind for kind in self.kinds if kind not in given]


@dataclass(frozen=True)
class NoticeRow:
    notice: PartyNotice
    what: str
    stage: str

    @property
    def how(self) -> str:
        """ "email and letter"."""
        return " and ".join(self.notice.channels.split(","))

    @property
    def due(self) -> date | None:
        return date.fromisoformat(self.notice.due_key) if self.notice.due_key else None

    @property
    def to_ring(self) -> bool:
        """No email, address or mobile: the case officer phones them."""
        return self.notice.channels == "phone"


STAGE_WORDS = {Stage.NOTICE: "Asked", Stage.REMINDER: "Reminded", Stage.OVERDUE: "Overdue: chased"}


@dataclass
class StaffPanel:
    parties: list[PartyRow]
    requests: list[PortalRequest]
    notices: list[NoticeRow] = field(default_factory=list)


def _words(words: dict[str, str], value: str | None) -> str:
    """A stored choice in words, as get_FOO_display says it ("" for none)."""
    return words.get(value, value) if value else ""


def staff_panel(case: Case, parties: list[Party] | None = None) -> StaffPanel:
    """Everyone on the case who has or could have portal access, and what parties were asked
    to do: five queries at most, one fewer when the case page passes the parties it has already
    read (any order). Each link carries its email's status, read in the links' own query."""
    if parties is None:
        parties = list(Party.objects.filter(case=case).order_by("id"))
    else:
        parties = sorted(parties, key=lambda party: party.pk)
    accesses = list(
        PortalAccess.objects.filter(case=case)
        .exclude(kind=AccessKind.FEEDBACK)  # the survey's links: on the case's feedback page
        .prefetch_related(
            Prefetch(
                "links",
                queryset=PortalLink.objects.annotate(
                    email_status=Subquery(
                        Message.objects.filter(pk=OuterRef("message_id")).values("status")[:1]
                    )
                ).order_by("-created_at", "-id"),
            )
        )
        .order_by("created_at", "id")
    )
    status_words = dict(Message.Status.choices)
    by_party: dict[int, list[AccessRow]] = {}
    for access in accesses:
        row = AccessRow(
            access,
            [
                LinkRow(link, _words(status_words, getattr(link, "email_status", None)))
                for link in access.links.all()[:3]
            ],
        )
        by_party.setdefault(access.party_id, []).append(row)
    helper = any(p.email and p.role in HELPER_ROLES for p in parties)
    rows = [
        PartyRow(party, kinds, by_party.get(party.pk, []))
        for party in parties
        if (kinds := kinds_for_party(party, helper_has_email=helper)) or party.pk in by_party
    ]
    requests = list(
        PortalRequest.objects.filter(case=case, dealt_with_at=None)
        .select_related("access__party", "action")
        .order_by("-created_at", "-id")[:50]
    )
    notices = [
        NoticeRow(
            notice,
            TASK_SUBJECT.get(TaskKind(notice.task_key.split(":")[0]), notice.task_key),
            STAGE_WORDS.get(Stage(notice.stage), notice.stage),
        )
        for notice in PartyNotice.objects.filter(case=case)
        .select_related("party")
        .order_by("-created_at", "-id")[:30]
    ]
    return StaffPanel(rows, requests, notices)


# Portal pages -----------------------------------------------------------------------------


def your_cases(access: PortalAccess) -> list[PortalAccess]:
    return list(
        sibling_accesses(access).select_related("case").order_by("-case__last_activity_at", "id")
    )


def meeting_for(access: PortalAccess) -> Meeting | None:
    return (
        Meeting.objects.filter(case_id=access.case_id, status=Meeting.Status.BOOKED)
        .order_by("starts_at")
        .first()
    )


def is_invited(access: PortalAccess) -> bool:
    key = f"party:{access.party_id}"
    return any(person.attendee.key == key for person in case_attendees(access.case))


def offered_slots(access: PortalAccess) -> list[tuple[SlotOffer, bool | None]]:
    """Dates still to come that this person is asked about, with their answer so far."""
    if meeting_for(access) is not None or not is_invited(access):
        return []
    slots = list(
        SlotOffer.objects.filter(case_id=access.case_id, starts_at__gt=timezone.now()).order_by(
            "starts_at", "id"
        )
    )
    answers = dict(
        SlotAnswer.objects.filter(slot__in=slots, party=access.party).values_list(
            "slot_id", "available"
        )
    )
    return [(slot, answers.get(slot.pk)) for slot in slots]


def visible_documents(access: PortalAccess) -> list[GeneratedDocument]:
    """Generated documents addressed to this person (see the module docstring)."""
    ids: set[int] = set(
        MeetingLetter.objects.filter(party=access.party, document__isnull=False).values_list(
            "document_id", flat=True
        )
    )
    ids |= set(
        Delivery.objects.filter(
            party=access.party, document__isnull=False, statement__case_id=access.case_id
        ).values_list("document_id", flat=True)
    )
    if access.kind == AccessKind.PARENT:
        ids |= set(
            Certificate.objects.filter(case_id=access.case_id, revoked_at=None).values_list(
                "document_id", flat=True
            )
        )
    if access.kind == AccessKind.LA_OFFICER:
        ids |= set(
            ActionChase.objects.filter(
                action__case_id=access.case_id, document__isnull=False
            ).values_list("document_id", flat=True)
        )
    if access.kind in (AccessKind.INFORMATION_PROVIDER, AccessKind.CHILD_VIEWS):
        return []
    return list(
        GeneratedDocument.objects.filter(pk__in=ids, case_id=access.case_id)
        .defer("html", "pdf")
        .select_related("case")
        .order_by("-generated_at", "-id")
    )


def statement_for(access: PortalAccess) -> OutcomeStatement | None:
    """The outcome statement once final, or a draft once a version of it was sent to this
    person to agree (the portal shows the current version; they agree only that one, and only
    once it was sent to them: `sent_to_agree`)."""
    case = access.case
    statement = statement_for_case(case)
    if statement is None:
        return None
    if statement.is_final:
        return statement
    if (
        case.mediation_held_on is None
        or not AgreementRequest.objects.filter(
            statement=statement, party_id=access.party_id
        ).exists()
    ):
        return None
    return statement


def sent_to_agree(access: PortalAccess, statement: OutcomeStatement) -> bool:
    """This version of the draft was sent to this person to agree."""
    return AgreementRequest.objects.filter(
        statement=statement, party_id=access.party_id, content_hash=statement.content_hash
    ).exists()


def current_certificate(access: PortalAccess) -> Certificate | None:
    return (
        Certificate.objects.filter(case_id=access.case_id, revoked_at=None)
        .select_related("document")
        .first()
    )


def open_requests(access: PortalAccess, kind: str) -> list[PortalRequest]:
    return list(
        PortalRequest.objects.filter(access=access, kind=kind).order_by("-created_at", "-id")[:20]
    )


@dataclass(frozen=True)
class AppealView:
    """The family's appeal deadline in plain words, and what to do once it has passed."""

    due: date
    passed: bool
    calculation: str
    rule: str
    iass_contact: str


def appeal_for(access: PortalAccess, *, today: date | None = None) -> AppealView | None:
    """The family's appeal deadline, if their case has one (an appealable decision whose
    notice date we know)."""
    today = today or timezone.localdate()
    appeal = case_clocks(case=access.case, today=today).appeal
    if appeal is None:
        return None
    return AppealView(
        due=appeal.due,
        passed=appeal.due < today,
        # the deadline engine's explanation, its dates written in full for the family
        calculation=spell_out_days(appeal.explanation),
        rule=appeal.rule,
        iass_contact=access.case.local_authority.iass_contact,
    )


def meeting_people(access: PortalAccess, meeting: Meeting) -> list[str]:
    """Who is invited to the meeting, as the portal shows them: names and roles."""
    return [
        f"{person.attendee.name} ({person.role_label.lower()})"
        if person.role_label
        else person.attendee.name
        for person in case_attendees(access.case)
    ]

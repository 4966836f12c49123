"""What each person outside the service still has to do on a case, and by when.

One reading of the case for three uses: the list on each party's portal page, the messages
that tell them (mediation.portal.notices), and the reminders before and after each date. The
dates and the messages due come from mediation.domain.party_tasks; this module reads the facts.

Who is asked what:

- the dates offered: everyone invited to the meeting who has not answered each date still to
  come, until a meeting is booked;
- the local authority's attendee and what they can decide (reg 37(1)): the LA's contact (its
  officers with portal access, else every LA representative who is not an additional officer),
  until an attendee is confirmed for every LA issue;
- information before the meeting: each information provider, until they send some;
- the child's views before the meeting: whoever the child's views link goes to (the child or
  the adult helping them), until views are recorded;
- agreeing the outcome statement: each party a draft version was sent to, until they agree it
  (again, if they agreed an earlier version);
- an agreed action done: whoever it belongs to (the LA's contact, the family, the school, the
  health body's representative), until it is recorded done or they have told us it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from mediation.cases.models import Case, Party, PartyRole
from mediation.common.days import day_start
from mediation.deadlines.clocks import service_calendar
from mediation.domain import attendance as rules
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.party_tasks import (
    PartyTask,
    TaskKind,
    answer_dates_due,
    before_meeting_due,
)
from mediation.meetings.models import Meeting, SlotAnswer, SlotOffer
from mediation.meetings.selectors import case_attendees
from mediation.outcomes.models import AgreedAction, AgreementRequest, PartyAgreement
from mediation.outcomes.selectors import action_views, agreeing_parties, statement_for_case
from mediation.parties.selectors import parties_with_attendance
from mediation.portal.models import AccessKind, PortalAccess, PortalRequest
from mediation.uploads.models import ChildViews, Purpose, Upload

FAMILY = frozenset({PartyRole.PARENT_CARER, PartyRole.YOUNG_PERSON, PartyRole.REPRESENTATIVE})

# Which kind of portal access lets a person do each task online.
ONLINE_FOR: dict[TaskKind, frozenset[str]] = {
    TaskKind.ANSWER_DATES: frozenset({AccessKind.PARENT, AccessKind.LA_OFFICER}),
    TaskKind.LA_ATTENDEE: frozenset({AccessKind.LA_OFFICER}),
    TaskKind.INFORMATION: frozenset({AccessKind.INFORMATION_PROVIDER}),
    TaskKind.CHILD_VIEWS: frozenset({AccessKind.CHILD_VIEWS}),
    TaskKind.AGREE_STATEMENT: frozenset({AccessKind.PARENT, AccessKind.LA_OFFICER}),
    TaskKind.AGREE_AGAIN: frozenset({AccessKind.PARENT, AccessKind.LA_OFFICER}),
    TaskKind.ACTION_DONE: frozenset({AccessKind.LA_OFFICER}),
}


@dataclass(frozen=True)
class ToDo:
    """One thing one party has to do. `access` is the portal access that lets them do it
    online (None: by phone, email or letter only); for the child's views it is the child's
    views link, whose address may be an adult's who helps them."""

    party: Party
    task: PartyTask
    access: PortalAccess | None


@dataclass(frozen=True)
class CaseFacts:
    meeting: Meeting | None
    accesses: list[PortalAccess]


def _la_contacts(parties: list[Party], accesses: list[PortalAccess]) -> list[Party]:
    officers = {
        a.party_id for a in accesses if a.kind == AccessKind.LA_OFFICER and a.revoked_at is None
    }
    representatives = [
        p for p in parties if p.role == PartyRole.LA_REPRESENTATIVE and not p.additional_officer
    ]
    with_access = [p for p in representatives if p.pk in officers]
    return with_access or representatives


def case_to_do(
    case: Case, *, today: date | None = None, calendar: WorkingCalendar | None = None
) -> list[ToDo]:
    """Everything every party still has to do on `case` (a fixed number of queries)."""
    if not case.is_open:
        return []
    today = today or timezone.localdate()
    calendar = calendar or service_calendar()
    parties = parties_with_attendance(case)
    by_pk = {p.pk: p for p in parties}
    accesses = list(PortalAccess.objects.filter(case=case, revoked_at=None))
    access_of: dict[tuple[int, str], PortalAccess] = {(a.party_id, a.kind): a for a in accesses}
    booked = list(
        Meeting.objects.filter(case=case, status=Meeting.Status.BOOKED).order_by("starts_at")
    )
    # A booked meeting whose day has passed was held (or missed): what was needed before it
    # is no longer asked for, and no one is chased about it afterwards; nor are the dates
    # offered before it was booked asked about again.
    meeting = next((m for m in booked if m.starts_at >= day_start(today)), None)
    to_do: list[ToDo] = []

    def add(party: Party, task: PartyTask) -> None:
        online = next(
            (
                access_of[(party.pk, kind)]
                for kind in ONLINE_FOR[task.kind]
                if (party.pk, kind) in access_of
            ),
            None,
        )
        to_do.append(ToDo(party, task, online))

    before_meeting = settings.PARTY_BEFORE_MEETING_WORKING_DAYS
    meeting_day = meeting.local_start.date() if meeting else None
    meeting_due = (
        before_meeting_due(
            meeting_day=meeting_day,
            confirmed_on=case.meeting_confirmation_sent_on or timezone.localdate(meeting.booked_at),
            calendar=calendar,
            working_days=before_meeting,
        )
        if meeting and meeting_day
        else None
    )

    # The dates offered ------------------------------------------------------------------
    slots: list[SlotOffer] = []
    if not booked:
        slots = list(
            SlotOffer.objects.filter(case=case, starts_at__gt=timezone.now()).order_by(
                "starts_at", "id"
            )
        )
    if slots:
        answered: set[tuple[int, int]] = set(
            SlotAnswer.objects.filter(slot__in=slots, party__isnull=False).values_list(
                "party_id", "slot_id"
            )
        )
        for person in case_attendees(case, parties):
            party = person.party
            if party is None or party.role == PartyRole.CHILD:
                continue
            waiting = [s for s in slots if (party.pk, s.pk) not in answered]
            if not waiting:
                continue
            offered_on = timezone.localdate(min(s.created_at for s in waiting))
            first_day = min(s.local_start.date() for s in waiting)
            due = max(
                answer_dates_due(
                    offered_on=offered_on,
                    first_slot_day=first_day,
                    calendar=calendar,
                    working_days=settings.PARTY_ANSWER_WORKING_DAYS,
                ),
                offered_on,
            )
            # One task per batch of dates: dates added while the first are unanswered join
            # it; dates offered after they answered are a new one (and a new notice).
            key = f"answer_dates:{offered_on.isoformat()}"
            add(party, PartyTask(TaskKind.ANSWER_DATES, key, due))

    # The LA's attendee and their authority (reg 37(1)) ------------------------------------
    needed = rules.issues_needing_authority(
        education=case.issue_education, social_care=case.issue_social_care, health=False
    ).get(rules.LA_BODY, ())
    if needed and (meeting is not None or slots):
        confirmed = {
            confirmation.issue
            for party in parties
            if party.role == PartyRole.LA_REPRESENTATIVE
            for confirmation in party.authorities.all()
        }
        if set(needed) - confirmed:
            anchor = meeting_day or min(s.local_start.date() for s in slots)
            due = meeting_due or before_meeting_due(
                meeting_day=anchor,
                # from the day the dates were offered: "today" moved the date on every day
                confirmed_on=timezone.localdate(min(s.created_at for s in slots)),
                calendar=calendar,
                working_days=before_meeting,
            )
            for party in _la_contacts(parties, accesses):
                add(
                    party,
                    PartyTask(TaskKind.LA_ATTENDEE, "la_attendee", due, meeting_day=meeting_day),
                )

    # Before the booked meeting: information, and the child's views -------------------------
    if meeting is not None and meeting_due is not None:
        providers = [p for p in parties if p.role == PartyRole.INFORMATION_PROVIDER]
        if providers:
            sent_requests = set(
                PortalRequest.objects.filter(
                    case=case, kind=PortalRequest.Kind.INFORMATION
                ).values_list("access__party_id", flat=True)
            )
            sent_files = set(
                Upload.objects.filter(
                    case=case, purpose=Purpose.INFORMATION, removed_at=None
                ).values_list("uploaded_by_party_id", flat=True)
            )
            for party in providers:
                if party.pk not in sent_requests | sent_files:
                    add(
                        party,
                        PartyTask(
                            TaskKind.INFORMATION,
                            f"information:{meeting.uid}",
                            meeting_due,
                            meeting_day=meeting_day,
                        ),
                    )
        links = [a for a in accesses if a.kind == AccessKind.CHILD_VIEWS]
        if links and not ChildViews.objects.filter(case=case).exists():
            for access in links:
                child = by_pk.get(access.party_id)
                if child is not None:
                    add(
                        child,
                        PartyTask(
                            TaskKind.CHILD_VIEWS,
                            f"child_views:{meeting.uid}",
                            meeting_due,
                            meeting_day=meeting_day,
                        ),
                    )

    # The outcome statement ---------------------------------------------------------------
    statement = statement_for_case(case)
    if statement is not None and not statement.is_final:
        sent_to_agree = {
            r.party_id: r
            for r in AgreementRequest.objects.filter(
                statement=statement, content_hash=statement.content_hash
            )
        }
        agreements = list(PartyAgreement.objects.filter(statement=statement))
        agreed_now = {
            a.party_id
            for a in agreements
            if a.voided_at is None and a.content_hash == statement.content_hash
        }
        agreed_before = {a.party_id for a in agreements if a.voided_at is not None}
        for party in agreeing_parties(case):
            sent = sent_to_agree.get(party.pk)
            if sent is None or party.pk in agreed_now:
                continue
            kind = TaskKind.AGREE_AGAIN if party.pk in agreed_before else TaskKind.AGREE_STATEMENT
            due = calendar.add_working_days(
                timezone.localdate(sent.sent_at), settings.PARTY_AGREE_WORKING_DAYS
            )
            add(party, PartyTask(kind, f"{kind.value}:v{statement.version}", due))

    # Agreed actions ---------------------------------------------------------------------
    if statement is not None and statement.is_final:
        every_action = list(AgreedAction.objects.filter(statement=statement))
        # Numbered as the party's list of agreed actions numbers them (1, 2, 3 on this
        # statement), not by the action's id across all cases.
        shown_as = {a.pk: str(n) for n, a in enumerate(every_action, 1)}
        actions = [a for a in every_action if a.done_on is None]
        if actions:
            told_done = set(
                PortalRequest.objects.filter(
                    case=case, kind=PortalRequest.Kind.ACTION_DONE, dealt_with_at=None
                ).values_list("action_id", flat=True)
            )
            owners: dict[str, list[Party]] = {
                AgreedAction.Who.LA: _la_contacts(parties, accesses),
                AgreedAction.Who.FAMILY: [p for p in parties if p.role in FAMILY],
                AgreedAction.Who.SCHOOL: [
                    p
                    for p in parties
                    if p.role == PartyRole.INFORMATION_PROVIDER
                    and p.provider_kind == Party.ProviderKind.SCHOOL
                ],
                AgreedAction.Who.HEALTH: [
                    p for p in parties if p.role == PartyRole.HEALTH_REPRESENTATIVE
                ],
            }
            for view in action_views(statement, actions, today=today):
                if view.due is None or view.action.pk in told_done:
                    continue
                for party in owners.get(view.action.who, []):
                    add(
                        party,
                        PartyTask(
                            TaskKind.ACTION_DONE,
                            f"action_done:{view.action.pk}",
                            view.due,
                            action_number=shown_as[view.action.pk],
                            action_id=view.action.pk,
                            notice=False,
                        ),
                    )
    return to_do


def party_to_do(access: PortalAccess, *, today: date | None = None) -> list[ToDo]:
    """What the person signed in with `access` still has to do, soonest first."""
    mine = [
        item for item in case_to_do(access.case, today=today) if item.party.pk == access.party_id
    ]
    return sorted(mine, key=lambda item: (item.task.due or date.max, item.task.key))

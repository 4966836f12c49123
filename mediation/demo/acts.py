"""What the people of the demo do: each method of `DemoCase` is one thing a case officer, a
mediator, a manager or a party does in the service, through the same service function its page
or the portal calls. Nothing here writes a model field: whatever a service refuses, the demo
cannot hold.

Days are counted in working days from the day the demo is loaded (`World.day`), so the demo
looks the same on any day it is loaded: a case "opened 12 working days ago" always is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mediation.accounts.models import User
from mediation.authorities.models import LocalAuthority
from mediation.cases import services as cases
from mediation.cases.models import (
    CallerType,
    Case,
    CaseLink,
    Contact,
    ContactPreference,
    Enquiry,
    IssueTheme,
    Party,
    PartyRole,
)
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.case_states import CaseState, Route, Step
from mediation.feedback import services as feedback
from mediation.feedback.models import GivenVia as AnsweredVia
from mediation.feedback.models import SurveyInvitation
from mediation.meetings import services as meetings
from mediation.meetings.models import MediatorCall, Meeting, SlotOffer
from mediation.meetings.selectors import NO_MEDIATOR_KEY, case_attendees
from mediation.outcomes import services as outcomes
from mediation.outcomes.models import AgreedAction, OutcomeStatement, PartyAgreement
from mediation.parties import services as parties
from mediation.parties.models import ChildScope, ExpenseKind
from mediation.portal import services as portal
from mediation.portal.models import AccessKind, PortalAccess, PortalRequest
from mediation.uploads.models import GivenVia, ShareWith
from mediation.uploads.services import child_views_record, upload_store
from mediation.workflow import services as workflow

LONDON = ZoneInfo("Europe/London")


@dataclass
class World:
    """What every demo case shares: the staff, the local authorities, the working calendar and
    the day the demo is loaded."""

    staff: dict[str, User]
    authorities: dict[str, LocalAuthority]
    calendar: WorkingCalendar
    today: date
    # The latest moment a demo step may be recorded at: a little before the load started.
    latest: datetime
    files: dict[str, bytes] = field(default_factory=dict)

    def day(self, offset: int) -> date:
        """The working day `offset` working days from the demo's today (0: today, or the last
        working day before it when the demo is loaded on a weekend or a bank holiday)."""
        base = self.today
        while not self.calendar.is_working_day(base):
            base -= timedelta(days=1)
        if offset >= 0:
            return self.calendar.add_working_days(base, offset) if offset else base
        return self.calendar.subtract_working_days(base, -offset)

    def at(self, offset: int, clock: str = "10:00") -> datetime:
        """That working day at `clock` (London time); never later than the load itself."""
        return self.moment(self.day(offset), clock)

    def moment(self, day: date, clock: str = "10:00") -> datetime:
        """`day` at `clock` (London time); never later than the load itself."""
        hours, minutes = (int(part) for part in clock.split(":"))
        return min(datetime.combine(day, time(hours, minutes), tzinfo=LONDON), self.latest)

    def working_day(self, day: date, plus: int = 0) -> date:
        """The first working day on or after `day`, then `plus` working days on."""
        day = self.calendar.next_working_day_on_or_after(day)
        return self.calendar.add_working_days(day, plus) if plus else day

    def month_start(self, months_back: int) -> date:
        """The first day of the month `months_back` months before this one."""
        year, month = self.today.year, self.today.month - months_back
        while month < 1:
            year, month = year - 1, month + 12
        return date(year, month, 1)


@dataclass(frozen=True)
class Family:
    """Who calls, about which child, and the decision they disagree with."""

    child_first: str
    child_last: str
    age: int
    setting: str
    caller: str  # the parent's name, or the young person's own
    relationship: str = "Mother"
    caller_type: str = CallerType.PARENT_CARER
    preferred_contact: str = ContactPreference.EMAIL
    email: bool = True
    decision: str = "refuse_amendment"
    notice_days_before_call: int = 10  # calendar days from the decision letter to the call
    section_i_only: bool = False
    history: str = ""
    # A number in Ofcom's range for drama (020 7946 0000 to 0999), one per caller, unless given:
    # invented, yet a well-formed UK number.
    phone: str = ""

    @property
    def child(self) -> str:
        return f"{self.child_first} {self.child_last}"

    @property
    def phone_number(self) -> str:
        return self.phone or f"020 7946 0{sum(map(ord, self.caller)) % 1000:03d}"

    @property
    def email_address(self) -> str:
        if not self.email:
            return ""
        first, last = self.caller.lower().split()[0], self.caller.lower().split()[-1]
        return f"{first}.{last}@example.com"


class DemoCase:
    """One demo case as its people work it. `s.case` is the case as it now is."""

    def __init__(self, world: World, family: Family, *, owner: str, authority: str) -> None:
        self.world = world
        self.family = family
        self.owner = world.staff[owner]
        self.authority = world.authorities[authority]
        self.enquiry: Enquiry | None = None
        self._case: Case | None = None
        self.people: dict[str, Party] = {}
        self.access: dict[str, PortalAccess] = {}
        self.slots: list[SlotOffer] = []
        self.actions: list[AgreedAction] = []

    # Time -------------------------------------------------------------------------------------

    def at(self, offset: int, clock: str = "10:00") -> datetime:
        return self.world.at(offset, clock)

    def day(self, offset: int) -> date:
        return self.world.day(offset)

    @staticmethod
    def today() -> date:
        """The day the service thinks it is (the demo's clock)."""
        return timezone.localdate()

    # The case -----------------------------------------------------------------------------------

    @property
    def case(self) -> Case:
        assert self._case is not None, "open the case first"
        return self._case

    def reload(self) -> Case:
        self._case = Case.objects.get(pk=self.case.pk)
        return self._case

    @property
    def mediator(self) -> User:
        assert self.case.mediator is not None, "assign a mediator first"
        return self.case.mediator

    # The first call -------------------------------------------------------------------------------

    def first_call(self) -> Enquiry:
        """Record the family's first call as an enquiry (today, by the demo's clock)."""
        f = self.family
        today = self.today()
        appealable = f.decision != "other_disagreement"
        notice = today - timedelta(days=f.notice_days_before_call) if appealable else None
        while notice is not None and notice.weekday() >= 5:  # LAs send letters on weekdays
            notice -= timedelta(days=1)
        self.enquiry = cases.enquiry_record(
            by=self.owner,
            data={
                "caller_type": f.caller_type,
                "caller_name": f.caller,
                "caller_relationship": f.relationship
                if f.caller_type == CallerType.PARENT_CARER
                else "",
                "phone": f.phone_number,
                "email": f.email_address,
                "address": "" if f.email else f"14 Mill Lane\n{self.authority.name.split()[0]}",
                "preferred_contact": f.preferred_contact,
                "child_first_name": f.child_first,
                "child_last_name": f.child_last,
                "child_date_of_birth": date(today.year - f.age, 3 + f.age % 9, 1 + f.age),
                "child_setting": f.setting,
                "local_authority": self.authority,
                "decision_type": f.decision,
                "notice_sent_on": notice,
                "letter_dated_on": notice - timedelta(days=1) if notice else None,
                "section_i_only": f.section_i_only,
                "case_history": f.history,
                "info_mediation_given": True,
                "info_certificate_given": appealable,
                "info_appeal_given": appealable,
            },
        )
        return self.enquiry

    def close_enquiry(self, note: str) -> None:
        assert self.enquiry is not None
        cases.enquiry_close_with_information(enquiry=self.enquiry, by=self.owner, note=note)

    def open_case(
        self,
        route: Route,
        *,
        health: bool = False,
        social_care: bool = False,
        education: bool = True,
    ) -> Case:
        """Open the case from the enquiry; the caller becomes its first party."""
        assert self.enquiry is not None
        self._case = workflow.case_open_from_enquiry(
            enquiry=self.enquiry,
            route=route,
            owner=self.owner,
            by=self.owner,
            issue_education=education,
            issue_health=health,
            issue_social_care=social_care,
        )
        main = self.case.parties.get(is_main_contact=True)
        self.people["family"] = main
        return self.case

    def call_logged(self, summary: str, *, who: str = "family", incoming: bool = True) -> None:
        cases.case_contact_add(
            case=self.case,
            by=self.owner,
            method=Contact.Method.PHONE,
            direction=Contact.Direction.INCOMING if incoming else Contact.Direction.OUTGOING,
            occurred_at=timezone.now(),
            summary=summary,
            party=self.people[who],
        )

    def email_logged(self, summary: str, *, who: str, incoming: bool = True) -> None:
        cases.case_contact_add(
            case=self.case,
            by=self.owner,
            method=Contact.Method.EMAIL,
            direction=Contact.Direction.INCOMING if incoming else Contact.Direction.OUTGOING,
            occurred_at=timezone.now(),
            summary=summary,
            party=self.people[who],
        )

    def note(self, text: str) -> None:
        cases.case_note_add(case=self.case, by=self.owner, text=text)

    def mediator_note(self, text: str) -> None:
        cases.mediator_note_add(case=self.case, by=self.mediator, text=text)

    def assign_mediator(self, username: str) -> None:
        self._case = cases.case_assign_mediator(
            case=self.case, mediator=self.world.staff[username], by=self.owner
        )

    def issues(self, *names: str) -> None:
        """The issues in dispute, from the service's list (the reports' themes count them). A
        migration seeds the list; where it is not there (a test's flushed database) the manager
        adds the issue, as under Manage."""
        themes = []
        for name in names:
            theme = IssueTheme.objects.filter(name=name).first()
            if theme is None:
                theme = cases.issue_theme_save(
                    theme=IssueTheme(name=name), by=self.world.staff["morgan.manager"]
                )
            themes.append(theme)
        cases.case_issues_set(case=self.case, themes=themes, by=self.owner)

    def declined(self, side: str, reason_kind: str, reason: str) -> None:
        """Someone would not take part in disagreement resolution, told us today."""
        cases.participation_declined_record(
            case=self.case,
            by=self.owner,
            data={
                "side": side,
                "reason_kind": reason_kind,
                "reason": reason,
                "declined_on": self.today(),
            },
        )

    def link_to(self, child: str, kind: str = CaseLink.Kind.SIBLING) -> None:
        """Link this case to another demo case, found by the child's name."""
        first, last = child.split()
        other = Case.objects.get(child_first_name=first, child_last_name=last)
        cases.case_link_add(case=self.case, other=other, kind=kind, by=self.owner)

    # People -------------------------------------------------------------------------------------

    def add_person(self, key: str, role: str, name: str, **details: Any) -> Party:
        """Add someone to the case in a role (an email at an example domain unless told)."""
        first, last = name.lower().split()[0], name.lower().split()[-1]
        domain = {
            PartyRole.LA_REPRESENTATIVE: f"{self.authority.code.lower()}.example.gov.uk",
            PartyRole.HEALTH_REPRESENTATIVE: "nhs.example.net",
            PartyRole.INFORMATION_PROVIDER: "school.example.org",
        }.get(PartyRole(role), "example.com")
        data = {
            "role": role,
            "name": name,
            "email": f"{first}.{last}@{domain}",
            "preferred_contact": ContactPreference.EMAIL,
            **details,
        }
        if role in {PartyRole.LA_REPRESENTATIVE, PartyRole.HEALTH_REPRESENTATIVE}:
            data.setdefault(
                "organisation",
                self.authority.name
                if role == PartyRole.LA_REPRESENTATIVE
                else "Northfield and Eastmoor Integrated Care Board",
            )
        party = parties.party_add(case=self.case, by=self.owner, data=data)
        self.people[key] = party
        return party

    def authority_confirmed(self, key: str, issues: Iterable[str]) -> None:
        parties.authority_confirm(
            party=self.people[key], issues=list(issues), confirmed_on=self.today(), by=self.owner
        )

    def attendance_agreed(self, key: str, *, by_whom: Iterable[str]) -> None:
        for responder in by_whom:
            parties.attendance_response_record(
                party=self.people[key],
                responder=self.people[responder],
                agrees=True,
                reason="",
                by=self.owner,
            )

    def child_attends(self, key: str, scope: str, detail: str, reason: str) -> None:
        """The parent agreed (recorded by the case officer) and the mediator decided."""
        self.attendance_agreed(key, by_whom=["family"])
        parties.attendance_mediator_decide(
            party=self.people[key],
            allows=True,
            reason=reason,
            by=self.mediator,
            child_scope=scope,
            child_scope_detail=detail if scope == ChildScope.PART else "",
        )

    # The route's steps ---------------------------------------------------------------------------

    def step(self, step: Step, **data: Any) -> Case:
        """Take a step on the case; its date is today's (the demo's clock) unless given."""
        data.setdefault("on", self.today())
        self._case = workflow.case_take_step(
            case=self.case,
            step=step,
            by=self.owner,
            data=data,
            expected_state=CaseState(self.case.status),
        )
        return self.case

    # Meetings ----------------------------------------------------------------------------------

    def offer_dates(
        self, days: Iterable[int | date], *, clock: str = "10:00", mode: str = "online"
    ) -> None:
        """Offer meeting dates: days, or working days from the demo's today."""
        hours, minutes = (int(part) for part in clock.split(":"))
        for day in days:
            when = day if isinstance(day, date) else self.day(day)
            starts = datetime.combine(when, time(hours, minutes), tzinfo=LONDON)
            self.slots.append(
                meetings.slot_offer_add(
                    case=self.case,
                    by=self.owner,
                    starts_at=starts,
                    duration_minutes=120,
                    mode=mode,
                )
            )

    def answers_recorded(self, slot: int, answers: dict[str, bool]) -> None:
        """Answers given on the phone or by email, recorded by the case officer. `answers` maps a
        person's key ("family", "la"...) or "mediator" to whether they can come."""
        keys = {
            ("mediator" if a.party is None else self._key_of(a.party)): a.attendee.key
            for a in case_attendees(self.case)
            if a.attendee.key != NO_MEDIATOR_KEY
        }
        meetings.slot_answers_record(
            slot=self.slots[slot],
            by=self.owner,
            answers={keys[who]: can for who, can in answers.items()},
        )

    def everyone_can_come(self, slot: int) -> None:
        everyone = {
            ("mediator" if a.party is None else self._key_of(a.party)): True
            for a in case_attendees(self.case)
            if a.attendee.key != NO_MEDIATOR_KEY
        }
        self.answers_recorded(slot, everyone)

    def _key_of(self, party: Party) -> str:
        return next(key for key, known in self.people.items() if known.pk == party.pk)

    def book(self, slot: int, *, short_notice: bool = False) -> Meeting:
        """Book an offered date: confirmations go to everyone (emails with an invitation, and
        a letter to post for whoever prefers letters)."""
        offered = self.slots[slot]
        meeting = meetings.meeting_book(
            case=self.case,
            slot=offered,
            by=self.owner,
            details=self._details(offered.mode),
            short_notice_consent=short_notice,
            expected_state=CaseState(self.case.status),
        )
        self.reload()
        return meeting

    def _details(self, mode: str) -> dict[str, str]:
        return {
            "online": {"online_link": f"https://meet.example.org/{self.case.reference.lower()}"},
            "venue": {
                "venue_name": "Northfield Family Centre",
                "venue_address": "2 Station Road, Northfield",
                "access_details": "Step-free entrance from the car park; quiet room available.",
            },
            "phone": {"phone_details": "Dial 020 7946 0999 and enter 4821 when asked."},
        }[mode]

    def meeting_moved(
        self, day: int, *, requested_by: str, reason_kind: str, reason: str, clock: str = "10:00"
    ) -> Meeting:
        """Move the booked meeting to working day `day` (same time and place), at the request of
        `requested_by` (a Side) for `reason_kind` (a ChangeReason): everyone is asked again."""
        meeting = self.meeting
        hours, minutes = (int(part) for part in clock.split(":"))
        moved = meetings.meeting_reschedule(
            meeting=meeting,
            by=self.owner,
            starts_at=datetime.combine(self.day(day), time(hours, minutes), tzinfo=LONDON),
            duration_minutes=meeting.duration_minutes,
            mode=meeting.mode,
            details=self._details(meeting.mode),
            reason=reason,
            short_notice_consent=False,
            requested_by=requested_by,
            reason_kind=reason_kind,
        )
        self.reload()
        return moved

    @property
    def meeting(self) -> Meeting:
        return Meeting.objects.get(case=self.case, status=Meeting.Status.BOOKED)

    def calls_made(self, *who: str) -> None:
        """The mediator's calls before the meeting, to these people, made today."""
        wanted = {self.people[key].pk for key in who}
        for call in MediatorCall.objects.filter(meeting=self.meeting, called_on__isnull=True):
            if call.party_id in wanted:
                meetings.mediator_call_record(
                    call=call,
                    by=self.mediator,
                    called_on=self.today(),
                    note="Talked through how the day will run and what matters most to them.",
                )

    # The outcome statement -----------------------------------------------------------------------

    def statement_written(self, outcome: str, key_points: str) -> OutcomeStatement:
        return outcomes.statement_save(
            case=self.case, by=self.mediator, key_points=key_points, outcome=outcome
        )

    def action_agreed(
        self,
        what: str,
        *,
        who: str,
        kind: str,
        section: str,
        due_in_weeks: int | None = None,
    ) -> AgreedAction:
        """An agreed action, with a date agreed in writing (`due_in_weeks` after today) or the
        time limit of the regulations."""
        due = self.today() + timedelta(weeks=due_in_weeks) if due_in_weeks else None
        while due is not None and not self.world.calendar.is_working_day(due):
            due += timedelta(days=1)
        action = outcomes.action_add(
            case=self.case,
            by=self.mediator,
            data={"what": what, "who": who, "kind": kind, "section": section, "agreed_due": due},
        )
        self.actions.append(action)
        return action

    def statement_agreed_by(
        self, *who: str, method: str = PartyAgreement.Method.IN_MEETING
    ) -> None:
        for key in who:
            statement = OutcomeStatement.objects.get(case=self.case)
            outcomes.agreement_record(
                case=self.case,
                party=self.people[key],
                by=self.mediator,
                method=method,
                given_for_hash=statement.content_hash,
            )

    def statement_sent_to_agree(self) -> None:
        """The draft sent to every party who has not agreed it: each is told what to check, by
        when (an email with a portal link, or a letter), and may then agree it in the portal."""
        outcomes.statement_send_for_agreement(case=self.case, by=self.mediator)

    def issue_results(self, result: str) -> None:
        """The statement gives every issue in dispute on the case the same result."""
        theme_ids = self.case.disputed_issues.values_list("theme_id", flat=True)
        outcomes.issue_results_save(
            case=self.case, by=self.mediator, results=dict.fromkeys(theme_ids, result)
        )

    def issue_result(self, theme: str, result: str) -> None:
        """The statement gives one issue in dispute (by its name) its result."""
        theme_id = self.case.disputed_issues.get(theme__name=theme).theme_id
        outcomes.issue_results_save(case=self.case, by=self.mediator, results={theme_id: result})

    def decision_put_off(
        self, *, decided_by: str, decision_maker: str, about: str, weeks: int, section: str
    ) -> None:
        """The LA's attendee could not decide about issue `about`: `decision_maker` will, within
        `weeks` weeks (on a working day). Followed up as an agreed action."""
        due = self.today() + timedelta(weeks=weeks)
        while not self.world.calendar.is_working_day(due):
            due += timedelta(days=1)
        outcomes.deferred_decision_add(
            case=self.case,
            by=self.mediator,
            data={
                "decided_by": decided_by,
                "decision_maker": decision_maker,
                "decision_due_on": due,
                "themes": [self.case.disputed_issues.get(theme__name=about).theme],
                "section": section,
            },
        )

    def statement_final(self) -> None:
        outcomes.statement_finalise(case=self.case, by=self.mediator)
        self.reload()

    def statement_sent(self) -> None:
        outcomes.statement_circulate(case=self.case, by=self.owner)
        self.reload()

    def action_done(self, number: int, evidence: str) -> None:
        outcomes.action_mark_done(
            action=self.actions[number], by=self.owner, done_on=self.today(), evidence=evidence
        )

    def action_chased(self, number: int) -> None:
        """A letter to the LA about an overdue action (a PDF, emailed to its contact address)."""
        outcomes.action_letter_send(action=self.actions[number], by=self.owner)

    def action_new_date(self, number: int, weeks: int, reason: str) -> None:
        new_due = self.today() + timedelta(weeks=weeks)
        while not self.world.calendar.is_working_day(new_due):
            new_due += timedelta(days=1)
        outcomes.action_vary(
            action=self.actions[number],
            by=self.owner,
            new_due=new_due,
            agreed_in_writing_on=self.today(),
            reason=reason,
        )

    # The portal ----------------------------------------------------------------------------------

    def invite(self, key: str, kind: str = "", *, send_to: str | None = None) -> PortalAccess:
        """Give someone portal access: the invitation email carries their first link."""
        party = self.people[key]
        kind = (
            kind
            or {
                PartyRole.PARENT_CARER: AccessKind.PARENT,
                PartyRole.YOUNG_PERSON: AccessKind.PARENT,
                PartyRole.LA_REPRESENTATIVE: AccessKind.LA_OFFICER,
                PartyRole.INFORMATION_PROVIDER: AccessKind.INFORMATION_PROVIDER,
                PartyRole.HEALTH_REPRESENTATIVE: AccessKind.INFORMATION_PROVIDER,
                PartyRole.CHILD: AccessKind.CHILD_VIEWS,
            }[PartyRole(party.role)]
        )
        access = portal.access_invite(
            case=self.case,
            party=party,
            kind=kind,
            by=self.owner,
            send_to=self.people[send_to] if send_to else None,
        )
        self.access[key if kind != AccessKind.CHILD_VIEWS else f"{key}:views"] = access
        return access

    def answers_through_portal(self, key: str, answers: dict[int, bool]) -> None:
        """A party answers the dates offered, signed in to the portal."""
        portal.slot_answers_save(
            access=self.access[key],
            answers={self.slots[i].pk: can for i, can in answers.items()},
            offered=self.slots,
        )

    def agrees_through_portal(self, key: str) -> None:
        statement = OutcomeStatement.objects.get(case=self.case)
        portal.agreement_save(access=self.access[key], given_for_hash=statement.content_hash)

    def asks_through_portal(
        self, key: str, kind: str, details: str, *, action: int | None = None
    ) -> PortalRequest:
        return portal.request_add(
            access=self.access[key],
            kind=kind,
            details=details,
            action=self.actions[action] if action is not None else None,
        )

    # Files and views --------------------------------------------------------------------------

    def file_sent(self, name: str, purpose: str, *, by: str | None = None) -> None:
        """A file for the case: from a party through the portal (`by`), or added by staff."""
        content = self.world.files["pdf"]
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        if by is None:
            upload_store(self.case, upload, purpose=purpose, by_user=self.owner)
        else:
            upload_store(self.case, upload, purpose=purpose, by_party=self.people[by])

    def child_views(
        self, *, share_with: str = ShareWith.EVERYONE, via: str = GivenVia.PHONE
    ) -> None:
        child_views_record(
            self.case,
            given_via=via,
            going_well="I like art and my teaching assistant Mrs Cole.",
            hard="The classroom is noisy and I get tired after lunch.",
            would_like="A quiet place to go and someone to help me with reading.",
            who_helps="My mum and Mrs Cole.",
            helped_by="My mum wrote down what I said.",
            share_with=share_with,
            by_user=self.owner,
        )

    # The end-of-case survey ----------------------------------------------------------------------

    def survey_sent(self) -> int:
        """What the task worker does once a closing is committed: ask everyone who took part
        (an email with a single-use link each; anyone with no email address, by phone). Nobody
        is asked twice, so the worker's own run of it later asks nobody."""
        return feedback.survey_invite_case(case_id=self.case.pk)

    def survey_answered(self, key: str, answers: dict[str, str], comment: str = "") -> None:
        """Someone answers through the link in their survey email, as the survey page sends it
        (a child's answers come through the same page, in child-friendly words)."""
        invitation = SurveyInvitation.objects.select_related("access").get(
            case=self.case, party=self.people[key]
        )
        assert invitation.access is not None, "no link: record their answers from a phone call"
        feedback.survey_answer(access=invitation.access, answers={**answers, "comment": comment})

    def survey_recorded(self, key: str, answers: dict[str, str], comment: str = "") -> None:
        """Answers someone gave on the phone, recorded by the case officer."""
        feedback.survey_record(
            case=self.case,
            party=self.people[key],
            answers={**answers, "comment": comment},
            given_via=AnsweredVia.PHONE,
            by=self.owner,
        )

    # Expenses ----------------------------------------------------------------------------------

    def expenses_claimed(self) -> None:
        family = self.people["family"]
        claim = parties.expense_claim_start(
            case=self.case, claimant=family, received_on=self.today(), by=self.owner
        )
        parties.expense_line_add(
            claim=claim,
            by=self.owner,
            data={
                "kind": ExpenseKind.MILEAGE,
                "description": "Home to the venue and back",
                "miles": Decimal("18"),
            },
        )
        parties.expense_line_add(
            claim=claim,
            by=self.owner,
            data={
                "kind": ExpenseKind.CARER,
                "description": "Childminder for a younger brother",
                "hours": Decimal("4"),
            },
        )

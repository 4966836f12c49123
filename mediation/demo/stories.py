"""The demo cases: one story per stage of each route, and the office's own work.

Each story is a generator: it yields the moment of its next step, then takes that step through
the services (mediation.demo.acts) under the demo's clock (mediation.demo.loader plays them all
together, in time order). Days are working days from the day the demo is loaded: `s.at(-12)`
is twelve working days ago, so the demo looks the same whichever day it is loaded.

The dates are chosen so the demo looks like a service on an ordinary day: each case officer has
a few deadlines this week, one overdue (an agreed action the LA is late with; the LA late in
telling the health body), and the rest ahead; no family's appeal deadline has passed
unless the case says what the family decided. `JOURNEYS` names the portal link to try for each
kind of party; docs/guide/try-the-demo.md lists the cases to open for each journey.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mediation.calendar_feeds.services import feed_new_address
from mediation.cases.models import (
    AppealLodged,
    CallerType,
    ChangeReason,
    ClosureOutcome,
    ContactPreference,
    DeclineReason,
    Outcome,
    Party,
    PartyRole,
    Side,
)
from mediation.demo.acts import DemoCase, Family, World
from mediation.domain.attendance import EDUCATION, HEALTH, SOCIAL_CARE
from mediation.domain.case_states import Route, Step
from mediation.domain.deadlines import ActionKind
from mediation.exchange.services import (
    caseload_import_check,
    caseload_import_map,
    caseload_import_run,
    caseload_import_start,
    caseload_import_upload,
)
from mediation.invoicing import selectors as invoicing_selectors
from mediation.invoicing.services import credit_note_issue, invoice_issue
from mediation.outcomes.models import AgreedAction, DeferredDecision, IssueResult
from mediation.parties.models import ChildScope
from mediation.portal.models import AccessKind, PortalRequest
from mediation.reports.services import appeal_record, quarterly_report_request
from mediation.uploads.models import Purpose, ShareWith

Steps = Iterator[datetime]
WHO = AgreedAction.Who
SECTION = AgreedAction.Section

MEDIATION = "Mediation"
CERTIFICATE = "Certificate without mediation"
RESOLUTION = "Disagreement resolution"
OFFICE = "The office"


@dataclass(frozen=True)
class Story:
    key: str
    journey: str  # the route, or the office's own work
    stage: str  # what the case shows, as the guide names it
    child: str  # how to find the case (search by the child's name); "" for the office's work
    play: Callable[[World], Steps]


STORIES: list[Story] = []


def story(
    key: str, journey: str, stage: str, child: str = ""
) -> Callable[..., Callable[..., Steps]]:
    def register(play: Callable[[World], Steps]) -> Callable[[World], Steps]:
        STORIES.append(Story(key, journey, stage, child, play))
        return play

    return register


def contract_start(today: date) -> date:
    """The first day of the LAs' contracts: 1 April of last year, before every demo case."""
    return date(today.year - 1, 4, 1)


@dataclass(frozen=True)
class Journey:
    """A portal link `manage.py demo_links` prints: whose, on which demo case, for what."""

    label: str
    child: str
    role: str
    kind: str
    try_this: str


JOURNEYS: tuple[Journey, ...] = (
    Journey(
        "Parent",
        "Noah Adebayo",
        PartyRole.PARENT_CARER,
        AccessKind.PARENT,
        "say which meeting dates you can do; ask for a supporter to come",
    ),
    Journey(
        "Parent",
        "Maisie Thornton",
        PartyRole.PARENT_CARER,
        AccessKind.PARENT,
        "read what the LA's panel will decide, by when, and what it means for your appeal deadline",
    ),
    Journey(
        "Young person",
        "Zara Haddad",
        PartyRole.YOUNG_PERSON,
        AccessKind.PARENT,
        "read the outcome statement of your meeting and agree it",
    ),
    Journey(
        "LA officer",
        "Isla Kowalski",
        PartyRole.LA_REPRESENTATIVE,
        AccessKind.LA_OFFICER,
        "name who attends for the LA and confirm what they can decide",
    ),
    Journey(
        "LA officer",
        "Freya Pemberton",
        PartyRole.LA_REPRESENTATIVE,
        AccessKind.LA_OFFICER,
        "report progress on the agreed actions, one of them overdue",
    ),
    Journey(
        "Information provider",
        "Isla Kowalski",
        PartyRole.INFORMATION_PROVIDER,
        AccessKind.INFORMATION_PROVIDER,
        "send the school's information before the meeting",
    ),
    Journey(
        "Child's views",
        "Isla Kowalski",
        PartyRole.CHILD,
        AccessKind.CHILD_VIEWS,
        "the easy-read form a child fills in before the meeting",
    ),
)

FIRST_CALL = "First call. Explained mediation, the certificate and the right of appeal."


def opened(
    s: DemoCase,
    day: int,
    route: Route,
    *,
    clock: str = "09:40",
    health: bool = False,
    social_care: bool = False,
) -> Steps:
    """The first call, and the case opened from it the same morning."""
    yield s.at(day, clock)
    s.first_call()
    s.open_case(route, health=health, social_care=social_care)
    s.call_logged(FIRST_CALL)


def la_officer(s: DemoCase, name: str) -> Party:
    return s.add_person("la", PartyRole.LA_REPRESENTATIVE, name)


def meeting_booked(
    s: DemoCase, *, offered: int, booked: int, meeting: int, mode: str = "online"
) -> Steps:
    """Dates offered (the meeting day and the day after), everyone's answers taken by phone
    and email, and the first date booked."""
    yield s.at(offered, "11:30")
    s.offer_dates([meeting, meeting + 1], mode=mode)
    yield s.at(booked, "15:10")
    s.everyone_can_come(0)
    s.book(0)


def held_and_agreed(
    s: DemoCase,
    *,
    meeting: int,
    outcome: str,
    key_points: str,
    actions: Callable[[DemoCase], None] | None = None,
    agreeing: tuple[str, ...] = ("family", "la"),
    final: bool = True,
) -> Steps:
    """The meeting held, its statement written during it and agreed by everyone there."""
    yield s.at(meeting, "13:20")
    s.step(Step.RECORD_MEETING_HELD)
    s.statement_written(outcome, key_points)
    if actions is not None:
        actions(s)
    s.statement_agreed_by(*agreeing)
    if final:
        s.statement_final()


# ---------------------------------------------------------------------------------------------
# Mediation
# ---------------------------------------------------------------------------------------------


@story(
    "mediation-requested",
    MEDIATION,
    "Mediation requested: the first call today",
    "Amelia Whitfield",
)
def mediation_requested(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Amelia",
            "Whitfield",
            6,
            "Hollybank Primary School",
            "Sarah Whitfield",
            decision="refuse_assessment",
            notice_days_before_call=9,
            history="The LA refused to assess despite reports from the school and the speech "
            "and language therapist.",
        ),
        owner="casey.officer",
        authority="NFD",
    )
    yield from opened(s, 0, Route.MEDIATION, clock="09:15")
    s.note("Mum will email the LA's letter and the therapist's report.")


@story(
    "dates-offered",
    MEDIATION,
    "LA told, health body told; dates offered, answers coming in",
    "Noah Adebayo",
)
def dates_offered(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Noah",
            "Adebayo",
            10,
            "St Aidan's CE Primary",
            "Bukola Adebayo",
            decision="plan_contents",
            notice_days_before_call=12,
            history="The plan does not include the occupational therapy the health report "
            "recommends, and names too few hours of support.",
        ),
        owner="priya.officer",
        authority="EMC",
    )
    yield from opened(s, -9, Route.MEDIATION, health=True)
    yield s.at(-8, "10:30")
    s.assign_mediator("maya.mediator")
    la_officer(s, "Kemi Adeyemi")
    s.add_person("health", PartyRole.HEALTH_REPRESENTATIVE, "Sam Patel")
    s.step(Step.INFORM_LA)
    yield s.at(-5, "11:00")
    s.authority_confirmed("la", [EDUCATION])
    s.authority_confirmed("health", [HEALTH])
    yield s.at(-4, "09:50")
    s.invite("family")
    s.file_sent("Speech and language therapy report.pdf", Purpose.PARTY_FILE, by="family")
    s.add_person(
        "supporter",
        PartyRole.SUPPORTER,
        "Grace Mensah",
        supporter_kind=Party.SupporterKind.IASS_WORKER,
        supports=s.people["family"],
    )
    yield s.at(-3, "10:20")
    s.offer_dates([6, 8, 11])
    yield s.at(-2, "09:30")
    s.email_logged(
        "Asked the LA whether it has told the ICB yet: it had 3 working days.",
        who="la",
        incoming=False,
    )
    yield s.at(-2, "16:05")
    s.answers_recorded(0, {"mediator": True, "la": True, "health": True, "supporter": True})
    s.answers_recorded(1, {"mediator": True, "la": False, "health": True})
    s.answers_recorded(2, {"mediator": True, "la": True, "health": False})


@story(
    "meeting-booked",
    MEDIATION,
    "Meeting booked: letters sent, the mediator's calls due",
    "Isla Kowalski",
)
def meeting_booked_soon(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Isla",
            "Kowalski",
            12,
            "Marshgate Academy",
            "Anna Kowalski",
            decision="refuse_amendment",
            notice_days_before_call=20,
            history="At the annual review the school asked for more hours of support; the LA "
            "refused to amend the plan.",
        ),
        owner="casey.officer",
        authority="RCC",
    )
    yield from opened(s, -16, Route.MEDIATION, clock="10:05")
    yield s.at(-15, "09:30")
    s.assign_mediator("tom.mediator")
    la_officer(s, "Omar Hassan")
    s.step(Step.INFORM_LA)
    yield s.at(-14, "14:40")
    s.add_person(
        "parent2",
        PartyRole.PARENT_CARER,
        "Piotr Kowalski",
        relationship="Father",
        email="",
        preferred_contact=ContactPreference.LETTER,
        address="14 Mill Lane\nRiverside\nRV2 4QT",
    )
    s.add_person("child", PartyRole.CHILD, "Isla Kowalski", email="", preferred_contact="phone")
    s.add_person(
        "school",
        PartyRole.INFORMATION_PROVIDER,
        "Ruth Carter",
        organisation="Marshgate Academy",
        provider_kind=Party.ProviderKind.SCHOOL,
    )
    yield s.at(-13, "11:15")
    s.file_sent("Educational psychologist report.pdf", Purpose.STAFF_FILE)
    s.mediator_note("Mum finds meetings with the LA hard: start with what is going well.")
    yield from meeting_booked(s, offered=-6, booked=-3, meeting=6, mode="venue")
    yield s.at(-2, "10:45")
    s.child_attends(
        "child",
        ChildScope.PART,
        "The first half hour, to say what she thinks",
        reason="Isla wants to speak for herself; the first half hour suits her.",
    )
    s.invite("child", send_to="family")
    s.invite("la")
    s.invite("school")
    yield s.at(-1, "15:30")
    s.calls_made("family")
    s.file_sent("LA response to the annual review.pdf", Purpose.LA_FILE, by="la")


@story(
    "statement-draft",
    MEDIATION,
    "Meeting held yesterday: draft outcome statement to agree",
    "Zara Haddad",
)
def statement_draft(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Zara",
            "Haddad",
            17,
            "Riverside College",
            "Zara Haddad",
            caller_type=CallerType.YOUNG_PERSON,
            decision="cease_plan",
            notice_days_before_call=14,
            history="The LA wrote to say it will stop maintaining the plan when Zara starts "
            "college. Zara disagrees.",
        ),
        owner="priya.officer",
        authority="WDC",
    )
    yield from opened(s, -22, Route.MEDIATION, social_care=True)
    yield s.at(-20, "10:10")
    s.assign_mediator("maya.mediator")
    la_officer(s, "Julia Brandt")
    s.step(Step.INFORM_LA)
    s.add_person(
        "advocate",
        PartyRole.SUPPORTER,
        "Dan Whitely",
        supporter_kind=Party.SupporterKind.ADVOCATE,
        supports=s.people["family"],
    )
    yield s.at(-13, "09:20")
    s.invite("family")
    yield s.at(-12, "11:30")
    s.offer_dates([-1, 0])
    yield s.at(-12, "18:40")
    s.answers_through_portal("family", {0: True, 1: False})
    yield s.at(-11, "15:10")
    s.answers_recorded(0, {"mediator": True, "la": True, "advocate": True})
    s.book(0)
    yield s.at(-8, "10:00")
    s.authority_confirmed("la", [EDUCATION, SOCIAL_CARE])
    yield s.at(-6, "14:00")
    s.calls_made("family", "la", "advocate")

    def actions(s: DemoCase) -> None:
        s.action_agreed(
            "Keep the plan while Zara is at college, and amend Section F to name the support "
            "she needs there.",
            who=WHO.LA,
            kind=ActionKind.CONTINUE_AND_AMEND,
            section=SECTION.F,
        )
        s.action_agreed(
            "Assess Zara's need for short breaks and tell her the result.",
            who=WHO.LA,
            kind=ActionKind.NOT_APPEALABLE,
            section=SECTION.SOCIAL_CARE,
        )

    yield from held_and_agreed(
        s,
        meeting=-1,
        outcome=Outcome.AGREED_ALL,
        key_points="Everyone agreed Zara still needs an EHC plan at college. The LA will keep "
        "the plan and amend it; social care will assess her need for short breaks.",
        actions=actions,
        agreeing=(),
        final=False,
    )
    yield s.at(-1, "16:30")
    s.invite("la")
    s.statement_sent_to_agree()


@story(
    "statement-agreed",
    MEDIATION,
    "Outcome recorded; statement agreed by everyone, to make final; certificate due",
    "Ava Chaudhry",
)
def statement_agreed(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Ava",
            "Chaudhry",
            9,
            "Brookfield Special School",
            "Aisha Chaudhry",
            decision="refuse_assessment",
            notice_days_before_call=15,
            history="The LA refused to carry out an EHC needs assessment.",
        ),
        owner="casey.officer",
        authority="NFD",
    )
    yield from opened(s, -21, Route.MEDIATION)
    yield s.at(-20, "11:00")
    s.assign_mediator("maya.mediator")
    la_officer(s, "Robert Lyle")
    s.step(Step.INFORM_LA)
    yield s.at(-17, "16:00")
    s.child_views()
    yield from meeting_booked(s, offered=-14, booked=-12, meeting=-2, mode="venue")
    yield s.at(-7, "10:00")
    s.calls_made("family", "la")

    def actions(s: DemoCase) -> None:
        s.action_agreed(
            "Carry out an EHC needs assessment.",
            who=WHO.LA,
            kind=ActionKind.ASSESSMENT,
            section=SECTION.B,
        )
        s.action_agreed(
            "Start a daily reading intervention and share a progress note each half term.",
            who=WHO.SCHOOL,
            kind=ActionKind.NOT_APPEALABLE,
            section=SECTION.F,
            due_in_weeks=4,
        )

    yield from held_and_agreed(
        s,
        meeting=-2,
        outcome=Outcome.AGREED_ALL,
        key_points="The LA agreed to assess Ava's needs. The school will start a reading "
        "intervention now.",
        actions=actions,
        final=False,
    )
    s.step(Step.RECORD_OUTCOME, outcome=Outcome.AGREED_ALL)
    yield s.at(-1, "09:45")
    s.note("Maya will check the wording of action 2 with the school, then make it final.")
    s.expenses_claimed()


@story(
    "certificate-after-mediation",
    MEDIATION,
    "No agreement: certificate issued after mediation",
    "Leo Fairbairn",
)
def certificate_after_mediation(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Leo",
            "Fairbairn",
            14,
            "Oakwood School",
            "Helen Fairbairn",
            decision="plan_contents",
            notice_days_before_call=12,
            history="The family want a specialist school named in Section I and more support "
            "in Section F.",
        ),
        owner="priya.officer",
        authority="EMC",
    )
    yield from opened(s, -26, Route.MEDIATION)
    yield s.at(-25, "10:00")
    s.assign_mediator("maya.mediator")
    la_officer(s, "Kemi Adeyemi")
    s.step(Step.INFORM_LA)
    yield from meeting_booked(s, offered=-20, booked=-18, meeting=-11)
    yield s.at(-16, "13:00")
    s.calls_made("family", "la")
    yield from held_and_agreed(
        s,
        meeting=-11,
        outcome=Outcome.NOT_AGREED,
        key_points="The family and the LA could not agree on the school. Both said what would "
        "help next time.",
    )
    yield s.at(-10, "10:30")
    s.statement_sent()
    yield s.at(-9, "11:00")
    s.step(Step.ISSUE_CERTIFICATE)
    yield s.at(-3, "16:00")
    s.call_logged("Mum is deciding whether to appeal; she knows the deadline.")


@story(
    "follow-up", MEDIATION, "Following up agreed actions: due, overdue and done", "Freya Pemberton"
)
def follow_up(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Freya",
            "Pemberton",
            11,
            "Hollybank Primary School",
            "Claire Pemberton",
            decision="plan_contents",
            notice_days_before_call=10,
            history="Section F gives no speech and language therapy; health reports say she "
            "needs it.",
        ),
        owner="casey.officer",
        authority="RCC",
    )
    yield from opened(s, -46, Route.MEDIATION, health=True)
    yield s.at(-45, "10:00")
    s.assign_mediator("tom.mediator")
    la_officer(s, "Priti Shah")
    s.add_person("health", PartyRole.HEALTH_REPRESENTATIVE, "Sam Patel")
    s.step(Step.INFORM_LA)
    yield s.at(-43, "15:00")
    s.step(Step.RECORD_HEALTH_NOTIFIED)
    yield s.at(-42, "10:00")
    s.authority_confirmed("la", [EDUCATION])
    s.authority_confirmed("health", [HEALTH])
    yield from meeting_booked(s, offered=-39, booked=-37, meeting=-28)
    yield s.at(-33, "12:00")
    s.calls_made("family", "la", "health")
    s.child_views(share_with=ShareWith.MEDIATOR_ONLY)

    def actions(s: DemoCase) -> None:
        s.action_agreed(
            "Amend Section F to give 10 hours of speech and language therapy a term.",
            who=WHO.LA,
            kind=ActionKind.AMEND_PROVISION,
            section=SECTION.F,
        )
        s.action_agreed(
            "Fund an occupational therapy assessment and share the report with everyone.",
            who=WHO.HEALTH,
            kind=ActionKind.NOT_APPEALABLE,
            section=SECTION.HEALTH,
            due_in_weeks=8,
        )
        s.action_agreed(
            "Set up a daily check-in with a key adult at the start of the school day.",
            who=WHO.SCHOOL,
            kind=ActionKind.NOT_APPEALABLE,
            section=SECTION.F,
            due_in_weeks=2,
        )

    yield from held_and_agreed(
        s,
        meeting=-28,
        outcome=Outcome.AGREED_PART,
        key_points="The LA will add speech and language therapy to Section F. Health will "
        "fund an OT assessment. The school will start daily check-ins. No agreement on "
        "transport.",
        actions=actions,
        agreeing=("family", "la", "health"),
    )
    yield s.at(-27, "09:30")
    s.statement_sent()
    yield s.at(-26, "11:00")
    s.step(Step.ISSUE_CERTIFICATE)
    s.step(Step.START_FOLLOW_UP)
    s.invite("la")
    s.expenses_claimed()
    yield s.at(-20, "14:20")
    s.action_done(2, "The SENCo emailed: check-ins started on Monday.")
    yield s.at(-5, "11:10")
    s.call_logged("Mum will not appeal: the agreement gives Freya the therapy she needs.")
    appeal_record(case=s.case, appeal_lodged=AppealLodged.NO, by=s.owner)
    yield s.at(-1, "09:40")
    s.action_chased(0)
    s.asks_through_portal(
        "la",
        PortalRequest.Kind.ACTION_NEW_DATE,
        "The amended plan goes to panel next week; we can send it the week after.",
        action=0,
    )


@story(
    "la-moved-meeting-twice",
    MEDIATION,
    "Meeting booked; the LA has moved it twice: the 30-day limit and a deemed certificate",
    "Reuben Okafor",
)
def la_moved_meeting_twice(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Reuben",
            "Okafor",
            13,
            "Northfield High School",
            "Chioma Okafor",
            decision="refuse_amendment",
            notice_days_before_call=11,
            history="The LA refused to name a specialist unit in Section I after the annual "
            "review.",
        ),
        owner="priya.officer",
        authority="RCC",
    )
    yield from opened(s, -14, Route.MEDIATION, clock="10:20")
    yield s.at(-13, "09:50")
    s.assign_mediator("tom.mediator")
    la_officer(s, "Omar Hassan")
    s.step(Step.INFORM_LA)
    yield from meeting_booked(s, offered=-12, booked=-10, meeting=-3)
    yield s.at(-7, "14:15")
    s.meeting_moved(
        1,
        requested_by=Side.LA,
        reason_kind=ChangeReason.NO_DECISION_MAKER,
        reason="The LA's SEN manager, who can agree a change to Section I, is on leave that day.",
    )
    yield s.at(-2, "11:40")
    s.meeting_moved(
        6,
        requested_by=Side.LA,
        reason_kind=ChangeReason.INFORMATION,
        reason="The LA is waiting for the specialist unit to say whether it has a place.",
    )
    s.call_logged("Told Mum the LA has moved the meeting again; she is upset and asked why.")


@story(
    "decision-put-off",
    MEDIATION,
    "Statement final: the LA's attendee could not decide on therapy; its panel will",
    "Maisie Thornton",
)
def decision_put_off(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Maisie",
            "Thornton",
            8,
            "Greenway Primary School",
            "Laura Thornton",
            decision="plan_contents",
            notice_days_before_call=9,
            history="Section F gives too few hours of support and no speech and language therapy.",
        ),
        owner="casey.officer",
        authority="WDC",
    )
    yield from opened(s, -24, Route.MEDIATION)
    s.issues("EHC plan section F: provision", "Therapies")
    yield s.at(-23, "10:40")
    s.assign_mediator("maya.mediator")
    la_officer(s, "Julia Brandt")
    s.step(Step.INFORM_LA)
    yield from meeting_booked(s, offered=-20, booked=-18, meeting=-8)
    yield s.at(-12, "11:00")
    s.calls_made("family", "la")

    def actions(s: DemoCase) -> None:
        s.action_agreed(
            "Amend Section F to give Maisie 15 hours a week of teaching assistant support.",
            who=WHO.LA,
            kind=ActionKind.AMEND_PROVISION,
            section=SECTION.F,
        )
        s.issue_result("EHC plan section F: provision", IssueResult.AGREED)
        s.decision_put_off(
            decided_by=DeferredDecision.DecidedBy.PANEL,
            decision_maker="The LA's SEN panel",
            about="Therapies",
            weeks=3,
            section=SECTION.F,
        )

    yield from held_and_agreed(
        s,
        meeting=-8,
        outcome=Outcome.AGREED_PART,
        key_points="The LA will add teaching assistant hours to Section F. Its officer could "
        "not agree speech and language therapy at the meeting: the SEN panel will decide.",
        actions=actions,
        agreeing=(),
        final=False,
    )
    yield s.at(-8, "16:40")
    s.invite("family")
    s.invite("la")
    s.statement_sent_to_agree()
    yield s.at(-7, "19:15")
    s.agrees_through_portal("family")
    yield s.at(-6, "10:05")
    s.agrees_through_portal("la")
    yield s.at(-6, "11:30")
    s.statement_final()
    yield s.at(-5, "09:30")
    s.statement_sent()
    yield s.at(-4, "11:00")
    s.step(Step.ISSUE_CERTIFICATE)
    s.step(Step.START_FOLLOW_UP)


@story("closed-after-follow-up", MEDIATION, "Closed: every agreed action done", "Arlo Osei")
def closed_after_follow_up(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Arlo",
            "Osei",
            15,
            "Marshgate Academy",
            "Kwame Osei",
            relationship="Father",
            decision="refuse_reassessment",
            notice_days_before_call=8,
            history="The LA refused a re-assessment after Arlo's needs changed.",
        ),
        owner="priya.officer",
        authority="NFD",
    )
    yield from opened(s, -62, Route.MEDIATION)
    yield s.at(-61, "10:00")
    s.assign_mediator("maya.mediator")
    la_officer(s, "Robert Lyle")
    s.add_person("child", PartyRole.CHILD, "Arlo Osei")
    s.step(Step.INFORM_LA)
    yield from meeting_booked(s, offered=-56, booked=-54, meeting=-45)
    yield s.at(-50, "11:00")
    s.calls_made("family", "la")
    s.child_views()

    def actions(s: DemoCase) -> None:
        s.action_agreed(
            "Carry out a re-assessment.",
            who=WHO.LA,
            kind=ActionKind.REASSESSMENT,
            section=SECTION.B,
        )

    yield from held_and_agreed(
        s,
        meeting=-45,
        outcome=Outcome.AGREED_ALL,
        key_points="The LA agreed to re-assess Arlo.",
        actions=actions,
    )
    yield s.at(-44, "10:00")
    s.statement_sent()
    s.step(Step.ISSUE_CERTIFICATE)
    s.step(Step.START_FOLLOW_UP)
    yield s.at(-37, "15:00")
    s.action_done(0, "The LA's letter of 3 pages confirms the re-assessment has started.")
    yield s.at(-30, "10:00")
    s.step(
        Step.CLOSE,
        closure_outcome=ClosureOutcome.COMPLETED,
        appeal_lodged=AppealLodged.NO,
        reason="Every agreed action is done.",
    )
    # The end-of-case survey: Dad and Arlo answer through their links; the LA's officer by
    # phone, recorded by the case officer (see the case's Feedback page).
    yield s.at(-30, "10:05")
    s.survey_sent()
    yield s.at(-29, "19:40")
    s.survey_answered(
        "family",
        {
            "satisfaction": "very_satisfied",
            "felt_heard": "yes",
            "information_clear": "yes",
            "would_recommend": "yes",
        },
        "The mediator made sure the LA heard what Arlo needs. The outcome letter was clear.",
    )
    yield s.at(-28, "16:15")
    s.survey_answered(
        "child",
        {
            "satisfaction": "satisfied",
            "felt_heard": "yes",
            "information_clear": "partly",
            "would_recommend": "yes",
        },
        "I did not know what a re-assessment was at first.",
    )
    yield s.at(-26, "11:30")
    s.call_logged("Called the LA's officer: he gave his survey answers.", who="la", incoming=False)
    s.survey_recorded(
        "la",
        {
            "satisfaction": "satisfied",
            "felt_heard": "yes",
            "information_clear": "yes",
            "would_recommend": "not_sure",
        },
        "Well run. The papers came late the day before the meeting.",
    )


@story(
    "family-declines",
    MEDIATION,
    "The family no longer wants mediation: certificate due",
    "Rohan Rahman",
)
def family_declines(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Rohan",
            "Rahman",
            8,
            "Oakwood Nursery",
            "Fatima Rahman",
            decision="refuse_plan",
            notice_days_before_call=18,
            history="After the assessment the LA decided not to issue a plan.",
        ),
        owner="casey.officer",
        authority="WDC",
    )
    yield from opened(s, -7, Route.MEDIATION)
    yield s.at(-6, "10:00")
    s.step(Step.INFORM_LA)
    yield s.at(-1, "14:30")
    s.call_logged("Mum has decided to appeal straight away and no longer wants mediation.")
    s.step(Step.FAMILY_WITHDRAWS)


@story(
    "declined-certificate", MEDIATION, "Family withdrew: certificate issued, closed", "Ezra Mbeki"
)
def declined_certificate(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Ezra",
            "Mbeki",
            13,
            "Home educated",
            "Joy Mbeki",
            decision="refuse_amendment",
            notice_days_before_call=11,
            history="The LA refused to amend the plan to add tuition at home.",
        ),
        owner="priya.officer",
        authority="EMC",
    )
    yield from opened(s, -19, Route.MEDIATION)
    yield s.at(-18, "10:00")
    s.step(Step.INFORM_LA)
    yield s.at(-14, "15:00")
    s.call_logged("Mum no longer wants mediation: she wants to appeal.")
    s.step(Step.FAMILY_WITHDRAWS)
    yield s.at(-13, "10:00")
    s.step(Step.ISSUE_CERTIFICATE)
    yield s.at(-10, "10:00")
    s.step(
        Step.CLOSE,
        closure_outcome=ClosureOutcome.WITHDRAWN,
        appeal_lodged=AppealLodged.UNKNOWN,
        reason="Certificate sent; the family will appeal.",
    )
    yield s.at(-10, "10:05")
    s.survey_sent()
    yield s.at(-8, "20:10")
    s.survey_answered(
        "family",
        {
            "satisfaction": "neither",
            "felt_heard": "partly",
            "information_clear": "yes",
            "would_recommend": "not_sure",
        },
        "Quick to send the certificate, but I would have liked a call back sooner.",
    )


@story(
    "deemed-certificate",
    MEDIATION,
    "LA could not arrange it in 30 days: deemed certificate, meeting still booked",
    "Hana Larsen",
)
def deemed_certificate(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Hana",
            "Larsen",
            16,
            "Riverside College",
            "Rebecca Larsen",
            decision="plan_contents",
            notice_days_before_call=9,
            history="The plan names a mainstream college; Hana needs a smaller setting.",
        ),
        owner="casey.officer",
        authority="RCC",
    )
    yield from opened(s, -15, Route.MEDIATION)
    yield s.at(-14, "10:00")
    s.assign_mediator("tom.mediator")
    la_officer(s, "Omar Hassan")
    s.step(Step.INFORM_LA)
    yield s.at(-12, "12:00")
    s.email_logged("The LA says it cannot arrange mediation within 30 days.", who="la")
    s.step(Step.RECORD_LA_UNABLE)
    yield s.at(-11, "10:30")
    s.step(Step.ISSUE_CERTIFICATE)
    s.note("The family still want the meeting: it goes ahead after the deemed certificate.")
    yield from meeting_booked(s, offered=-5, booked=-4, meeting=9)


@story(
    "la-changed-decision",
    MEDIATION,
    "The LA changed its decision: closed without a meeting",
    "Kofi Quigley",
)
def la_changed_decision(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Kofi",
            "Quigley",
            5,
            "Oakwood Nursery",
            "Daniel Quigley",
            relationship="Father",
            decision="refuse_assessment",
            notice_days_before_call=10,
            history="The LA refused to assess before Kofi starts school.",
        ),
        owner="priya.officer",
        authority="WDC",
    )
    yield from opened(s, -15, Route.MEDIATION)
    yield s.at(-14, "10:00")
    s.step(Step.INFORM_LA)
    yield s.at(-8, "11:30")
    s.call_logged("Dad says the LA has now agreed to assess.")
    s.step(Step.LA_CHANGED_DECISION, reason="The LA agreed to carry out the assessment.")


@story("reopened", MEDIATION, "Closed, then reopened when the family called back", "Maisie Brennan")
def reopened(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Maisie",
            "Brennan",
            10,
            "St Aidan's CE Primary",
            "James Brennan",
            relationship="Father",
            decision="refuse_amendment",
            notice_days_before_call=7,
            history="The LA refused to add a teaching assistant to the plan.",
        ),
        owner="casey.officer",
        authority="EMC",
    )
    yield from opened(s, -24, Route.MEDIATION)
    yield s.at(-21, "10:00")
    s.call_logged("No answer; left a message.", incoming=False)
    yield s.at(-18, "10:00")
    s.call_logged("No answer; letter sent.", incoming=False)
    yield s.at(-13, "10:00")
    s.step(
        Step.CLOSE,
        closure_outcome=ClosureOutcome.OTHER,
        appeal_lodged=AppealLodged.UNKNOWN,
        reason="No reply to three calls and a letter.",
    )
    yield s.at(-3, "11:40")
    s.call_logged("Dad called back: he was in hospital and still wants mediation.")
    s.step(Step.REOPEN, reason="Dad called back: he still wants mediation.")
    yield s.at(-2, "10:00")
    s.step(Step.INFORM_LA)


@story("section-i-only", MEDIATION, "About Section I only: no certificate needed", "Elsie Sotiriou")
def section_i_only(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Elsie",
            "Sotiriou",
            11,
            "Brookfield Special School",
            "Grace Sotiriou",
            decision="plan_contents",
            section_i_only=True,
            notice_days_before_call=13,
            history="The family agree with the plan but want a different school named.",
        ),
        owner="priya.officer",
        authority="NFD",
    )
    yield from opened(s, -5, Route.MEDIATION)
    yield s.at(-4, "10:00")
    s.assign_mediator("tom.mediator")
    la_officer(s, "Robert Lyle")
    s.step(Step.INFORM_LA)


def arranging(
    first: str, last: str, parent: str, *, owner: str, authority: str, told: int
) -> Callable[[World], Steps]:
    """A case whose LA was told lately: the meeting is being arranged, its deadline ahead."""

    def play(w: World) -> Steps:
        s = DemoCase(
            w,
            Family(
                first,
                last,
                9,
                "Oakwood School",
                parent,
                decision="refuse_amendment",
                notice_days_before_call=11,
                history="The LA refused to amend the plan after the annual review.",
            ),
            owner=owner,
            authority=authority,
        )
        yield from opened(s, told - 1, Route.MEDIATION)
        yield s.at(told, "11:00")
        s.assign_mediator("maya.mediator")
        la_officer(s, "Julia Brandt")
        s.step(Step.INFORM_LA)

    return play


STORIES.extend(
    Story(
        f"arranging-{first.lower()}",
        MEDIATION,
        "LA told: arranging the meeting",
        f"{first} {last}",
        play,
    )
    for first, last, play in (
        (
            "Theo",
            "Rahman",
            arranging(
                "Theo", "Rahman", "Yasmin Rahman", owner="casey.officer", authority="WDC", told=-3
            ),
        ),
        (
            "Isaac",
            "Quigley",
            arranging(
                "Isaac", "Quigley", "Beth Quigley", owner="priya.officer", authority="EMC", told=-6
            ),
        ),
    )
)


# ---------------------------------------------------------------------------------------------
# Certificate without mediation
# ---------------------------------------------------------------------------------------------


@story("certificate-due", CERTIFICATE, "Certificate due this week", "Idris Dunmore")
def certificate_due(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Idris",
            "Dunmore",
            16,
            "Riverside College",
            "Idris Dunmore",
            caller_type=CallerType.YOUNG_PERSON,
            decision="cease_plan",
            notice_days_before_call=20,
            history="Idris wants to appeal the decision to stop his plan and does not want "
            "mediation.",
        ),
        owner="priya.officer",
        authority="NFD",
    )
    yield from opened(s, -1, Route.CERTIFICATE_ONLY, clock="15:20")


@story(
    "certificate-issued", CERTIFICATE, "Certificate issued; the family is deciding", "Nia Whitfield"
)
def certificate_issued(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Nia",
            "Whitfield",
            7,
            "Hollybank Primary School",
            "Tariq Whitfield",
            relationship="Father",
            decision="refuse_plan",
            notice_days_before_call=16,
            history="The family want to appeal without mediation.",
        ),
        owner="casey.officer",
        authority="RCC",
    )
    yield from opened(s, -6, Route.CERTIFICATE_ONLY)
    yield s.at(-4, "10:15")
    s.step(Step.ISSUE_CERTIFICATE)


@story("certificate-closed", CERTIFICATE, "Closed: the family appealed", "Theo Adebayo")
def certificate_closed(w: World) -> Steps:
    s = DemoCase(
        w,
        Family(
            "Theo",
            "Adebayo",
            12,
            "Marshgate Academy",
            "Samuel Adebayo",
            relationship="Father",
            decision="refuse_amendment",
            notice_days_before_call=27,
            history="The family have a solicitor and want to appeal.",
        ),
        owner="priya.officer",
        authority="EMC",
    )
    yield from opened(s, -34, Route.CERTIFICATE_ONLY)
    yield s.at(-33, "10:00")
    s.step(Step.ISSUE_CERTIFICATE)
    yield s.at(-20, "10:00")
    s.call_logged("Dad says they lodged the appeal last week.")
    s.step(
        Step.CLOSE,
        closure_outcome=ClosureOutcome.COMPLETED,
        appeal_lodged=AppealLodged.YES,
        reason="Certificate issued; the family appealed.",
    )


# ---------------------------------------------------------------------------------------------
# Disagreement resolution
# ---------------------------------------------------------------------------------------------


def resolution_family(first: str, last: str, caller: str, history: str, age: int = 8) -> Family:
    return Family(
        first,
        last,
        age,
        "Hollybank Primary School",
        caller,
        decision="other_disagreement",
        history=history,
    )


@story("consent-sought", RESOLUTION, "Seeking everyone's agreement to take part", "Layla Kowalski")
def consent_sought(w: World) -> Steps:
    s = DemoCase(
        w,
        resolution_family(
            "Layla",
            "Kowalski",
            "Anna Kowalski",
            "The school is not giving the support in the plan; the family want to talk it "
            "through with the school and the LA.",
        ),
        owner="casey.officer",
        authority="RCC",
    )
    yield from opened(s, -3, Route.DISAGREEMENT_RESOLUTION)
    yield s.at(-2, "11:00")
    s.assign_mediator("tom.mediator")
    la_officer(s, "Omar Hassan")
    s.add_person(
        "school",
        PartyRole.INFORMATION_PROVIDER,
        "Ruth Carter",
        organisation="Marshgate Academy",
        provider_kind=Party.ProviderKind.SCHOOL,
    )
    s.call_logged("Asked the LA whether it will take part.", who="la", incoming=False)
    s.link_to("Isla Kowalski")


@story("resolution-booked", RESOLUTION, "Everyone agreed; meeting booked", "Yusuf Brennan")
def resolution_booked(w: World) -> Steps:
    s = DemoCase(
        w,
        resolution_family(
            "Yusuf",
            "Brennan",
            "Layla Brennan",
            "Disagreement with the school about how the support in the plan is delivered.",
            age=9,
        ),
        owner="priya.officer",
        authority="RCC",
    )
    yield from opened(s, -12, Route.DISAGREEMENT_RESOLUTION)
    yield s.at(-11, "10:30")
    s.assign_mediator("tom.mediator")
    la_officer(s, "Kemi Adeyemi")
    yield s.at(-9, "14:00")
    s.step(Step.RECORD_CONSENT, reason="The family and the LA agreed by phone.")
    yield from meeting_booked(s, offered=-5, booked=-3, meeting=8)


@story("resolution-held", RESOLUTION, "Meeting held: draft outcome statement", "Rohan Chaudhry")
def resolution_held(w: World) -> Steps:
    s = DemoCase(
        w,
        resolution_family(
            "Rohan",
            "Chaudhry",
            "Nadia Chaudhry",
            "The family and the school disagree about Rohan's transition to secondary school.",
            age=10,
        ),
        owner="casey.officer",
        authority="WDC",
    )
    yield from opened(s, -15, Route.DISAGREEMENT_RESOLUTION)
    yield s.at(-14, "10:00")
    s.assign_mediator("maya.mediator")
    la_officer(s, "Julia Brandt")
    s.step(Step.RECORD_CONSENT, reason="Everyone agreed by email.")
    yield from meeting_booked(s, offered=-12, booked=-10, meeting=-1)

    def actions(s: DemoCase) -> None:
        s.action_agreed(
            "Arrange three extra transition visits to the new school.",
            who=WHO.SCHOOL,
            kind=ActionKind.NOT_APPEALABLE,
            section=SECTION.F,
            due_in_weeks=6,
        )

    yield from held_and_agreed(
        s,
        meeting=-1,
        outcome=Outcome.AGREED_ALL,
        key_points="Everyone agreed a plan for Rohan's move to secondary school.",
        actions=actions,
        agreeing=("family",),
        final=False,
    )
    yield s.at(-1, "16:30")
    s.statement_sent_to_agree()  # to the LA, who did not agree it at the meeting


@story(
    "resolution-concluded",
    RESOLUTION,
    "Outcome recorded, statement sent: ready to close",
    "Elsie Fairbairn",
)
def resolution_concluded(w: World) -> Steps:
    s = DemoCase(
        w,
        resolution_family(
            "Elsie",
            "Fairbairn",
            "Owen Fairbairn",
            "Disagreement with the LA about school transport.",
            age=12,
        ),
        owner="priya.officer",
        authority="EMC",
    )
    yield from opened(s, -25, Route.DISAGREEMENT_RESOLUTION)
    yield s.at(-24, "10:00")
    s.assign_mediator("maya.mediator")
    la_officer(s, "Kemi Adeyemi")
    yield s.at(-22, "10:00")
    s.step(Step.RECORD_CONSENT, reason="Everyone agreed by phone.")
    yield from meeting_booked(s, offered=-20, booked=-18, meeting=-10, mode="phone")
    yield from held_and_agreed(
        s,
        meeting=-10,
        outcome=Outcome.AGREED_ALL,
        key_points="The LA will review the transport decision with the family's evidence.",
    )
    yield s.at(-9, "10:00")
    s.statement_sent()


@story("resolution-closed", RESOLUTION, "Closed: not everyone agreed to take part", "Yusuf Larsen")
def resolution_closed(w: World) -> Steps:
    s = DemoCase(
        w,
        resolution_family(
            "Yusuf",
            "Larsen",
            "Maria Larsen",
            "The family want to talk to the school about exclusions.",
            age=13,
        ),
        owner="casey.officer",
        authority="NFD",
    )
    yield from opened(s, -20, Route.DISAGREEMENT_RESOLUTION)
    yield s.at(-12, "10:00")
    s.call_logged("The school does not want to take part.", incoming=False)
    # Disagreement resolution is voluntary: who declined, and why, is a commissioners' figure.
    s.declined(Side.SCHOOL, DeclineReason.NOT_WILLING, "The school does not want to take part.")
    s.step(
        Step.CLOSE,
        closure_outcome=ClosureOutcome.NO_CONSENT,
        appeal_lodged="",
        reason="The school declined to take part.",
    )


# ---------------------------------------------------------------------------------------------
# The office: calls that needed information only, cases from earlier months (the figures of the
# quarterly report and of last month's invoice), the invoice, its credit note and the report.
# ---------------------------------------------------------------------------------------------


def enquiry_story(
    first: str, last: str, caller: str, when: Callable[[World], date], still_open: bool
) -> Callable[[World], Steps]:
    def play(w: World) -> Steps:
        day = when(w)
        s = DemoCase(
            w,
            Family(first, last, 9, "Hollybank Primary School", caller, notice_days_before_call=6),
            owner="casey.officer" if day.day % 2 else "priya.officer",
            authority="NFD",
        )
        yield w.moment(day, "12:10")
        s.first_call()
        if not still_open:
            yield w.moment(day, "12:40")
            s.close_enquiry("Caller wanted to understand the options first.")

    return play


ENQUIRIES: tuple[tuple[str, str, str, Callable[[World], date], bool], ...] = (
    # child's first and last name, caller, the day they called, still open
    ("Oliver", "Sotiriou", "Claire Sotiriou", lambda w: w.day(0), True),
    ("Freddie", "Haddad", "Layla Haddad", lambda w: w.day(-1), True),
    ("Evie", "Larsen", "Marek Larsen", lambda w: w.day(-2), True),
    ("Poppy", "Quigley", "Joy Quigley", lambda w: w.day(-9), False),
    ("Archie", "Mbeki", "Grace Mbeki", lambda w: w.working_day(w.month_start(1), 6), False),
    ("Florence", "Osei", "Efua Osei", lambda w: w.working_day(w.month_start(1), 12), False),
    ("Reuben", "Kowalski", "Marta Kowalski", lambda w: w.working_day(w.month_start(3), 8), False),
)

for _first, _last, _caller, _when, _open in ENQUIRIES:
    STORIES.append(
        Story(
            f"enquiry-{_first.lower()}",
            OFFICE,
            "Enquiry still open" if _open else "Enquiry closed: information given",
            "",
            enquiry_story(_first, _last, _caller, _when, _open),
        )
    )


def earlier_case(
    first: str, last: str, caller: str, *, months_back: int, route: Route, agreement: bool = False
) -> Callable[[World], Steps]:
    """A case from an earlier month, opened and closed: the figures behind the reports and
    last month's invoice (Northfield's)."""

    def play(w: World) -> Steps:
        s = DemoCase(
            w,
            Family(first, last, 10, "Oakwood School", caller, notice_days_before_call=9),
            owner="priya.officer" if months_back % 2 else "casey.officer",
            authority="NFD",
        )
        start = w.working_day(w.month_start(months_back), 2)
        held = w.working_day(w.month_start(months_back - 1), 4)
        if route == Route.CERTIFICATE_ONLY:
            start = w.working_day(w.month_start(months_back - 1), 2)

        def on(day: date, clock: str = "10:00") -> datetime:
            return w.moment(day, clock)

        def later(day: date, days: int) -> date:
            return w.calendar.add_working_days(day, days)

        yield on(start, "09:30")
        s.first_call()
        s.open_case(route)
        s.call_logged(FIRST_CALL)
        if route == Route.CERTIFICATE_ONLY:
            yield on(later(start, 1))
            s.step(Step.ISSUE_CERTIFICATE)
            yield on(later(start, 6))
            s.step(Step.CLOSE, closure_outcome=ClosureOutcome.COMPLETED, appeal_lodged="unknown")
            return
        yield on(later(start, 1))
        s.assign_mediator("maya.mediator")
        la_officer(s, "Robert Lyle")
        # The issues in dispute, so the reports' themes table has figures.
        if route == Route.MEDIATION:
            s.issues("EHC plan section F: provision", "Therapies")
        else:
            s.issues("Transport")
        if route == Route.MEDIATION:
            s.step(Step.INFORM_LA)
        else:
            s.step(Step.RECORD_CONSENT, reason="Everyone agreed by phone.")
        yield on(later(start, 3), "11:30")
        s.offer_dates([held])
        yield on(later(start, 4), "15:00")
        s.everyone_can_come(0)
        s.book(0)
        yield on(held, "13:20")
        s.step(Step.RECORD_MEETING_HELD)
        s.statement_written(
            Outcome.AGREED_ALL if agreement else Outcome.NOT_AGREED,
            "What everyone said, and what happens next.",
        )
        s.issue_results(IssueResult.AGREED if agreement else IssueResult.NOT_AGREED)
        if agreement:
            s.action_agreed(
                "Reconsider the decision with the new evidence.",
                who=WHO.LA,
                kind=ActionKind.RECONSIDER
                if route == Route.MEDIATION
                else ActionKind.NOT_APPEALABLE,
                section=SECTION.F,
                due_in_weeks=None if route == Route.MEDIATION else 2,
            )
        s.statement_agreed_by("family", "la")
        s.statement_final()
        yield on(later(held, 1))
        s.statement_sent()
        if route == Route.MEDIATION:
            s.step(Step.ISSUE_CERTIFICATE)
        if agreement:
            yield on(later(held, 8), "14:00")
            s.action_done(0, "The LA's letter confirms it.")
        yield on(later(held, 10))
        s.step(
            Step.CLOSE,
            closure_outcome=ClosureOutcome.COMPLETED,
            appeal_lodged=AppealLodged.NO if agreement else AppealLodged.UNKNOWN,
        )

    return play


EARLIER: tuple[tuple[str, str, str, int, Route, bool], ...] = (
    ("Lily", "Pemberton", "Sophie Pemberton", 5, Route.MEDIATION, True),
    ("Jack", "Rahman", "Imran Rahman", 4, Route.MEDIATION, False),
    ("Mia", "Dunmore", "Kate Dunmore", 4, Route.CERTIFICATE_ONLY, False),
    ("Harry", "Osei", "Ama Osei", 3, Route.MEDIATION, True),
    ("Ruby", "Mbeki", "Thandi Mbeki", 3, Route.DISAGREEMENT_RESOLUTION, True),
    ("George", "Chaudhry", "Sana Chaudhry", 2, Route.MEDIATION, False),
    ("Ivy", "Whitfield", "Paul Whitfield", 2, Route.CERTIFICATE_ONLY, False),
    ("Alfie", "Brennan", "Niamh Brennan", 2, Route.MEDIATION, True),
    ("Sofia", "Larsen", "Erik Larsen", 2, Route.DISAGREEMENT_RESOLUTION, False),
)

for _first, _last, _caller, _months, _route, _agreement in EARLIER:
    STORIES.append(
        Story(
            f"earlier-{_first.lower()}",
            OFFICE,
            "An earlier case, closed (for the reports and the invoice)",
            f"{_first} {_last}",
            earlier_case(
                _first, _last, _caller, months_back=_months, route=_route, agreement=_agreement
            ),
        )
    )


def _quarter_before(day: date) -> tuple[int, int]:
    quarter = (day.month - 1) // 3 + 1
    return (day.year, quarter - 1) if quarter > 1 else (day.year - 1, 4)


@story("invoice", OFFICE, "Last month's invoice to Northfield, with a credit note")
def invoice_and_credit_note(w: World) -> Steps:
    manager = w.staff["morgan.manager"]
    authority = w.authorities["NFD"]
    start = w.month_start(1)
    end = w.month_start(0) - timedelta(days=1)
    yield w.moment(w.working_day(w.month_start(0), 1), "10:00")
    draft = invoicing_selectors.invoice_draft(authority=authority, start=start, end=end)
    invoice = invoice_issue(
        authority=authority, start=start, end=end, fingerprint=draft.fingerprint, by=manager
    )
    yield w.moment(w.working_day(w.month_start(0), 3), "11:00")
    line = invoice.lines.order_by("position").first()
    assert line is not None
    credit_note_issue(
        invoice=invoice,
        quantities={line.pk: 1},
        reason="Agreed with Northfield: the first line of each month is covered by the set-up fee.",
        release=False,
        by=manager,
    )


@story("calendar-feed", OFFICE, "Maya's meetings in her own calendar: her subscription is on")
def calendar_feed(w: World) -> Steps:
    # The address is shown once, on the page that turns it on; Maya can give it a new one there.
    yield w.at(-5, "08:45")
    feed_new_address(user=w.staff["maya.mediator"])


@story("caseload-import", OFFICE, "Two cases imported from the previous provider's spreadsheet")
def caseload_import(w: World) -> Steps:
    """The manager uploads a caseload export, keeps the columns as matched, and imports it once
    the dry run found both rows ready (Manage → Import a caseload from a spreadsheet). The check
    and the import are the task worker's; they run here as it would, a minute after each step.
    The cases are left with the manager to hand on (so no case officer's week changes)."""
    manager = w.staff["morgan.manager"]

    def on(offset: int) -> str:
        return f"{w.day(offset):%d/%m/%Y}"

    rows = [
        "Reference,Local authority,Route,Decision disputed,Child's first name,Child's last name,"
        "Child's date of birth,Main contact's name,Relationship to the child,Email,Issues,"
        "Decision notice sent,First contact,LA told,Certificate issued",
        f"PREV-0141,Northfield,Mediation,Refusal to assess,Esme,Okonjo,14/02/2016,Grace Okonjo,"
        f"Mother,grace.okonjo@example.com,Education,{on(-16)},{on(-12)},{on(-11)},",
        f"PREV-0144,Eastmoor,Certificate only,Refusal to amend,Finn,Darby,03/09/2012,Liam Darby,"
        f"Father,liam.darby@example.com,Education,{on(-14)},{on(-10)},,{on(-9)}",
    ]
    yield w.at(-4, "14:00")
    job = caseload_import_upload(
        by=manager,
        file_name="previous-provider-open-cases.csv",
        data=("\r\n".join(rows) + "\r\n").encode(),
        default_owner=manager,
    )
    job = caseload_import_map(job=job, mapping=dict(job.mapping), by=manager)
    yield w.at(-4, "14:01")
    caseload_import_check(job_id=job.pk)
    yield w.at(-4, "14:10")
    caseload_import_start(job=job, by=manager)
    yield w.at(-4, "14:11")
    caseload_import_run(job_id=job.pk)


@story("quarterly-report", OFFICE, "Northfield's report for the last quarter")
def quarterly_report(w: World) -> Steps:
    year, quarter = _quarter_before(w.today)
    first_month_of_this_quarter = date(w.today.year, 3 * ((w.today.month - 1) // 3) + 1, 1)
    yield w.moment(w.working_day(first_month_of_this_quarter, 4), "09:00")
    quarterly_report_request(
        authority=w.authorities["NFD"], year=year, quarter=quarter, by=w.staff["morgan.manager"]
    )

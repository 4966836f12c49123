"""The demo holds the whole product, and only what is true.

One load of the demo (about 20 seconds) is checked by many named checks; each returns what is
missing or wrong, so one failure does not hide the others. The load commits, as `make run`'s
does, so what the services do after each step's transaction (an email sent, the portal told
that dates were offered, the quarterly report made) happens as it does for real: hence a
transactional test, run once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login
from mediation.accounts.models import Role, User
from mediation.audit.models import AuditEvent
from mediation.audit.verification import audit_verify
from mediation.calendar_feeds.models import CalendarFeed
from mediation.cases.models import Case, CaseNote, CaseStatusChange, Contact, Enquiry, Side
from mediation.deadlines.clocks import compute_for_case, service_calendar, stored_values
from mediation.deadlines.models import Deadline
from mediation.demo.links import demo_links
from mediation.demo.stories import JOURNEYS, OFFICE, STORIES
from mediation.documents.models import Certificate
from mediation.domain.case_states import CaseState, Route
from mediation.domain.deadlines import DeadlineCode
from mediation.domain.facts import ActionDates, Fact, fact_violations
from mediation.exchange.models import CaseloadImport, ImportedCase, ImportRow
from mediation.feedback.models import GivenVia, Participant, SurveyResponse
from mediation.invoicing.models import CreditNote, Invoice
from mediation.meetings.models import (
    MediatorCall,
    Meeting,
    MeetingChange,
    MeetingLetter,
    SlotAnswer,
    SlotOffer,
)
from mediation.notifications.models import Message
from mediation.outcomes.models import (
    AgreedAction,
    AgreementRequest,
    DeferredDecision,
    OutcomeStatement,
    PartyAgreement,
)
from mediation.outcomes.selectors import action_views, agreeing_parties
from mediation.parties.models import ExpenseClaim
from mediation.portal.models import AccessKind, PortalAccess
from mediation.portal.services import access_new_link
from mediation.reports.models import QuarterlyReport
from mediation.reports.periods import custom_period
from mediation.reports.selectors import ReportFilters, compute
from mediation.timeline.models import TimelineEntry
from mediation.uploads.models import ChildViews, Upload

ROOT = Path(__file__).resolve().parents[3]
M, C, D = Route.MEDIATION, Route.CERTIFICATE_ONLY, Route.DISAGREEMENT_RESOLUTION
S = CaseState

# Every stage of every route (the states of mediation.domain.case_states).
EVERY_STAGE = {
    M: {
        S.MEDIATION_REQUESTED,
        S.ARRANGING,
        S.MEETING_BOOKED,
        S.MEETING_HELD,
        S.CONCLUDED,
        S.CERTIFICATE_DUE,
        S.CERTIFICATE_ISSUED,
        S.FOLLOW_UP,
        S.CLOSED,
    },
    C: {S.CERTIFICATE_DUE, S.CERTIFICATE_ISSUED, S.CLOSED},
    D: {S.CONSENT_SOUGHT, S.MEETING_BOOKED, S.MEETING_HELD, S.CONCLUDED, S.CLOSED},
}

# The case's recorded dates, as the fact rules name them (mediation.domain.facts).
FACT_FIELDS = {
    Fact.NOTICE_SENT: "notice_sent_on",
    Fact.ADVISER_CONTACTED: "adviser_contacted_on",
    Fact.MEDIATION_DECLINED: "mediation_declined_on",
    Fact.LA_INFORMED: "la_informed_on",
    Fact.HEALTH_BODY_NOTIFIED: "health_body_notified_on",
    Fact.LA_UNABLE_TO_ARRANGE_NOTIFIED: "la_unable_to_arrange_notified_on",
    Fact.EVERYONE_AGREED: "everyone_agreed_on",
    Fact.LA_DECISION_CHANGED: "la_decision_changed_on",
    Fact.MEETING_DATE: "meeting_planned_on",
    Fact.MEETING_CONFIRMATION_SENT: "meeting_confirmation_sent_on",
    Fact.MEDIATION_HELD: "mediation_held_on",
    Fact.MEDIATION_CONCLUDED: "mediation_concluded_on",
    Fact.OUTCOME_CIRCULATED: "outcome_circulated_on",
    Fact.CERTIFICATE_ISSUED: "certificate_issued_on",
    Fact.AGREEMENT_MADE: "agreement_made_on",
}


def _every_case() -> list[Case]:
    return list(Case.objects.select_related("enquiry", "local_authority").order_by("reference"))


def _imported_case_ids() -> set[int]:
    """Cases the demo's caseload import brought in from the previous provider."""
    return set(ImportedCase.objects.values_list("case_id", flat=True))


# ---------------------------------------------------------------------------------------------
# What the demo shows
# ---------------------------------------------------------------------------------------------


def check_every_stage_of_every_route() -> list[str]:
    held = {(Route(c.route), CaseState(c.status)) for c in _every_case()}
    return [
        f"no {route.value} case at {state.value}"
        for route, states in EVERY_STAGE.items()
        for state in sorted(states)
        if (route, state) not in held
    ]


def check_side_roads() -> list[str]:
    cases = _every_case()
    reopened = set(
        CaseStatusChange.objects.filter(from_state=S.CLOSED).values_list("case_id", flat=True)
    )
    wanted = {
        "the family declines mediation": any(
            c.route == M and c.mediation_declined_on for c in cases
        ),
        "the LA cannot arrange it in 30 days": any(
            c.la_unable_to_arrange_notified_on for c in cases
        ),
        "a meeting after a deemed certificate": any(
            c.certificate_kind == "deemed" and c.status == S.MEETING_BOOKED for c in cases
        ),
        "the LA changes its decision": any(
            c.closure_outcome == "la_changed_decision" and c.la_decision_changed_on for c in cases
        ),
        "closed and reopened": any(c.pk in reopened and c.status != S.CLOSED for c in cases),
        "Section I only (no certificate)": any(c.section_i_only for c in cases),
        "not everyone agreed to disagreement resolution": any(
            c.closure_outcome == "no_consent" for c in cases
        ),
    }
    return [f"no case where {what}" for what, found in wanted.items() if not found]


def _statement_kind(statement: OutcomeStatement) -> str:
    if statement.is_final:
        return "final"
    agreed = set(
        PartyAgreement.objects.filter(
            statement=statement, content_hash=statement.content_hash, voided_at=None
        ).values_list("party_id", flat=True)
    )
    needed = {p.pk for p in agreeing_parties(statement.case)}
    return "agreed" if needed and needed <= agreed else "draft"


def check_outcome_statements_and_actions() -> list[str]:
    today = timezone.localdate()
    problems = []
    statements = list(OutcomeStatement.objects.select_related("case"))
    kinds = {_statement_kind(s) for s in statements}
    problems += [f"no {kind} outcome statement" for kind in {"draft", "agreed", "final"} - kinds]
    statuses: set[str] = set()
    owners: set[str] = set()
    for statement in statements:
        if not statement.is_final:
            # A party sees a draft, and may agree it, only once it was sent to them to agree.
            current = {"statement": statement, "content_hash": statement.content_hash}
            agreed = set(
                PartyAgreement.objects.filter(**current, voided_at=None).values_list(
                    "party_id", flat=True
                )
            )
            sent = set(
                AgreementRequest.objects.filter(**current).values_list("party_id", flat=True)
            )
            problems += [
                f"{statement.case.reference}: the draft was not sent to {party.name} to agree"
                for party in agreeing_parties(statement.case)
                if party.pk not in agreed | sent
            ]
            continue
        actions = list(AgreedAction.objects.filter(statement=statement))
        for view in action_views(statement, actions, today=today):
            owners.add(view.action.who)
            if view.action.done_on:
                statuses.add("done")
            elif view.overdue:
                statuses.add("overdue")
            elif view.due and view.due >= today:
                statuses.add("due")
    problems += [f"no agreed action {s}" for s in {"due", "overdue", "done"} - statuses]
    problems += [
        f"no agreed action owned by {who}"
        for who in {AgreedAction.Who.LA, AgreedAction.Who.HEALTH, AgreedAction.Who.SCHOOL} - owners
    ]
    return problems


def check_documents_and_files() -> list[str]:
    today = timezone.localdate()
    kinds = set(Certificate.objects.values_list("kind", flat=True))
    purposes = set(Upload.objects.values_list("purpose", flat=True))
    offered_only = SlotOffer.objects.exclude(case__meetings__isnull=False)
    wanted = {
        "a certificate for a family who does not want mediation": "declined" in kinds,
        "a certificate after mediation": "after_mediation" in kinds,
        "a deemed certificate": "deemed" in kinds,
        "a meeting letter to post": MeetingLetter.objects.exists(),
        "meeting confirmations in the outbox": Message.objects.filter(
            attachments__filename="meeting.ics"
        ).exists(),
        "an overdue-action letter to the LA": Message.objects.filter(
            idempotency_key__startswith="action-letter:"
        ).exists(),
        "a parent's file": "party_file" in purposes,
        "the LA's file": "la_file" in purposes,
        "a file added by staff": "staff_file" in purposes,
        "a child's views": ChildViews.objects.filter(share_with="everyone").exists(),
        "a child's views for the mediator only": ChildViews.objects.filter(
            share_with="mediator_only"
        ).exists(),
        "an invoice": Invoice.objects.exists(),
        "a credit note": CreditNote.objects.exists(),
        "a quarterly report, made": QuarterlyReport.objects.filter(status="ready").exists(),
        "a caseload import, done": CaseloadImport.objects.filter(
            status=CaseloadImport.Status.DONE, rows__result=ImportRow.Result.CREATED
        ).exists(),
        "an open enquiry": Enquiry.objects.filter(status=Enquiry.Status.OPEN).exists(),
        "an enquiry closed with information": Enquiry.objects.filter(
            status=Enquiry.Status.CLOSED
        ).exists(),
        "contacts": Contact.objects.exists(),
        "notes": CaseNote.objects.exists(),
        "an expenses claim with items": ExpenseClaim.objects.filter(lines__isnull=False).exists(),
        "dates offered with answers, nothing booked yet": SlotAnswer.objects.filter(
            slot__in=offered_only
        ).exists(),
        "calls due for the mediator": MediatorCall.objects.filter(
            called_on__isnull=True, due_on__gte=today
        ).exists(),
        "calls the mediator made": MediatorCall.objects.filter(called_on__isnull=False).exists(),
    }
    return [f"no {what}" for what, found in wanted.items() if not found]


def check_survey_answers_and_calendar_feed() -> list[str]:
    """Answers to the end-of-case survey on closed cases (a parent's and a child's through their
    links, one set a case officer recorded from a phone call), shown on the case's Feedback page
    and as satisfaction on the reports dashboard; and Maya's calendar subscription turned on."""
    responses = list(SurveyResponse.objects.select_related("case", "party", "recorded_by"))
    wanted = {
        "a parent's survey answers through their link": any(
            r.participant == Participant.PARENT and r.given_via == GivenVia.LINK for r in responses
        ),
        "a child's survey answers": any(r.participant == Participant.CHILD for r in responses),
        "survey answers a case officer recorded from a phone call": any(
            r.given_via == GivenVia.PHONE
            and r.recorded_by is not None
            and r.recorded_by.role == Role.CASE_OFFICER
            for r in responses
        ),
        "calendar subscription for Maya": CalendarFeed.objects.filter(
            user__username="maya.mediator"
        ).exists(),
    }
    problems = [f"no {what}" for what, found in wanted.items() if not found]
    problems += [
        f"{r.case.reference}: survey answers on a case that is not closed"
        for r in responses
        if r.case.status != S.CLOSED
    ]
    arlo = next((r.case for r in responses if r.participant == Participant.CHILD), None)
    if arlo is None:
        return problems
    client = login(Client(), User.objects.get(username="priya.officer"))
    page = client.get(reverse("feedback:case", kwargs={"reference": arlo.reference}))
    names = {r.party.name for r in responses if r.case_id == arlo.pk and r.party is not None}
    if page.status_code != 200 or not all(name.encode() in page.content for name in names):
        problems.append(f"{arlo.reference}: the Feedback page does not show everyone's answers")
    answered = sorted(timezone.localdate(r.answered_at) for r in responses)
    period = {"period": "custom"}
    for name, day in (("start", answered[0]), ("end", answered[-1])):
        period |= {f"{name}_{part}": str(getattr(day, part)) for part in ("day", "month", "year")}
    dashboard = login(Client(), User.objects.get(username="morgan.manager")).get(
        reverse("reports:dashboard"), period
    )
    figures = (
        {
            figure.metric.key: figure.result.total
            for section in dashboard.context["sections"]
            for figure in section["figures"]
        }
        if dashboard.status_code == 200
        else {}
    )
    for kind in (Participant.PARENT, Participant.CHILD, Participant.LA_OFFICER):
        if not figures.get(f"feedback_satisfied_{kind.value}"):
            problems.append(f"the reports dashboard shows no satisfaction of {kind.label.lower()}")
    return problems


# ---------------------------------------------------------------------------------------------
# Only what is true
# ---------------------------------------------------------------------------------------------


def check_fact_rules() -> list[str]:
    """Every case passes the fact rules a real case must (mediation.domain.facts), given all its
    facts at once."""
    today = timezone.localdate()
    problems = []
    for case in _every_case():
        dates = {fact: getattr(case, name) for fact, name in FACT_FIELDS.items()}
        actions = [
            ActionDates(
                id=str(a.pk), due=a.effective_agreed_due, done_on=a.done_on, name=f"action {a.pk}"
            )
            for a in AgreedAction.objects.filter(case=case, statement__status="final")
        ]
        violations = fact_violations(
            dates,
            today=today,
            route=case.route,
            certificate_kind=case.certificate_kind or None,
            health_only=case.issue_health and not (case.issue_education or case.issue_social_care),
            actions=actions,
            complete=True,
        )
        problems += [f"{case.reference}: {v.message}" for v in violations]
    return problems


def check_recorded_in_time() -> list[str]:
    """Opened before anything it records happened, after its enquiry; nothing recorded after
    now; the status history in order."""
    now = timezone.now()
    problems = []
    imported = _imported_case_ids()
    for case in _every_case():
        opened = timezone.localdate(case.opened_at)
        if case.pk in imported and case.enquiry is not None:
            # Opened here when imported: its earlier steps happened at the previous provider,
            # after the family first contacted it (the enquiry's date).
            opened = timezone.localdate(case.enquiry.received_at)
        after_opening = [
            getattr(case, name)
            for fact, name in FACT_FIELDS.items()
            if fact not in {Fact.NOTICE_SENT, Fact.ADVISER_CONTACTED, Fact.MEETING_DATE}
        ]
        first = min((d for d in after_opening if d is not None), default=None)
        if first is not None and first < opened:
            problems.append(f"{case.reference} was opened on {opened}, after an event on {first}")
        if case.enquiry is None or case.enquiry.received_at > case.opened_at:
            problems.append(f"{case.reference} was opened before its enquiry")
        changes = list(case.status_changes.order_by("id").values_list("at", flat=True))
        if changes != sorted(changes):
            problems.append(f"{case.reference}: its status history is out of order")
    for model, field in (
        (TimelineEntry, "at"),
        (CaseStatusChange, "at"),
        (AuditEvent, "at"),
        (Case, "opened_at"),
    ):
        if model.objects.filter(**{f"{field}__gt": now}).exists():
            problems.append(f"a {model.__name__} is recorded in the future")
    return problems


def check_what_the_panels_say() -> list[str]:
    """A meeting recorded on the case is a meeting in its meeting panel; a certificate after
    mediation has its meeting and statement."""
    problems = []
    imported = _imported_case_ids()
    for case in _every_case():
        meetings = {
            timezone.localtime(m.starts_at).date(): m.status
            for m in Meeting.objects.filter(case=case)
        }
        for name in ("meeting_planned_on", "mediation_held_on"):
            day = getattr(case, name)
            if day is not None and meetings.get(day) != Meeting.Status.BOOKED:
                problems.append(f"{case.reference}: {name} {day} but no meeting booked that day")
        if case.mediation_held_on and not OutcomeStatement.objects.filter(case=case).exists():
            problems.append(f"{case.reference}: a meeting held with no outcome statement")
        if case.certificate_kind == "after_mediation" and not (
            case.mediation_held_on
            and OutcomeStatement.objects.filter(case=case, status="final").exists()
        ):
            problems.append(f"{case.reference}: a certificate after mediation without its meeting")
        if (
            case.certificate_issued_on
            and case.pk not in imported  # issued by the previous provider, before the import
            and not Certificate.objects.filter(case=case).exists()
        ):
            problems.append(f"{case.reference}: a certificate date but no certificate")
    return problems


def check_stored_deadlines_are_the_engines() -> list[str]:
    calendar = service_calendar()
    problems = []
    for case in _every_case():
        computed, _warnings = compute_for_case(case, calendar)
        expected = {
            item.code: (values["due"], values["met_on"])
            for item, values in stored_values(case, computed)
        }
        stored = {d.code: (d.due, d.met_on) for d in Deadline.objects.filter(case=case)}
        if stored != expected:
            problems.append(f"{case.reference}: stored {stored}, the engine says {expected}")
    return problems


def check_my_work_looks_like_an_ordinary_day() -> list[str]:
    """Each case officer: one or two overdue, a few due within the week, and more ahead."""
    today = timezone.localdate()
    week = service_calendar().add_working_days(today, 5)
    problems = []
    for username in ("casey.officer", "priya.officer"):
        due = [
            day
            for day in Case.objects.filter(owner__username=username)
            .exclude(status=S.CLOSED)
            .values_list("next_deadline_due", flat=True)
            if day is not None
        ]
        spread = Counter(
            "overdue" if d < today else "this week" if d <= week else "later" for d in due
        )
        if not 1 <= spread["overdue"] <= 2:
            problems.append(f"{username} has {spread['overdue']} overdue")
        if not 1 <= spread["this week"] <= 3:
            problems.append(f"{username} has {spread['this week']} due this week")
        if spread["later"] < 2:
            problems.append(f"{username} has only {spread['later']} due later")
        if any((today - d).days > 21 for d in due):
            problems.append(f"{username} has a case more than 3 weeks overdue")
    return problems


def check_no_appeal_deadline_passed_unnoticed() -> list[str]:
    """An open case whose family's appeal deadline has passed says what the family decided."""
    today = timezone.localdate()
    return [
        f"{d.case.reference}: the appeal deadline passed on {d.due} and the case does not say "
        "whether the family appealed"
        for d in Deadline.objects.filter(code=DeadlineCode.APPEAL_DEADLINE, due__lt=today)
        .exclude(case__status=S.CLOSED)
        .select_related("case")
        if d.case.appeal_lodged not in {"yes", "no"}
    ]


def check_the_audit_log_verifies() -> list[str]:
    result = audit_verify(checkpoints=[])
    return [str(problem) for problem in result.problems]


def _demo_case(child: str) -> Case:
    first, last = child.split()
    return Case.objects.get(child_first_name=first, child_last_name=last)


def _staff_page(case: Case) -> str:
    client = login(Client(), case.owner)
    shown = client.get(reverse("cases:detail", kwargs={"reference": case.reference}))
    return shown.content.decode() if shown.status_code == 200 else ""


def _family_portal_page(case: Case) -> str:
    """The family's portal page, signed in through a new link as the family would be."""
    access = PortalAccess.objects.get(
        case=case, party__is_main_contact=True, kind=AccessKind.PARENT, revoked_at=None
    )
    # Read in the transaction that makes it: once it commits, the email is sent and the link
    # erased from it (as in mediation.demo.links).
    with transaction.atomic():
        link = access_new_link(access=access, by=case.owner)
        assert link.message_id is not None
        url = Message.objects.get(pk=link.message_id).secret
    url = url.removeprefix("http://127.0.0.1:8000")
    client = Client()
    client.get(url)
    signed_in = client.post(url)
    expected = reverse("portal:case", kwargs={"reference": case.reference})
    if signed_in.status_code != 302 or signed_in["Location"] != expected:
        return f"signing in went to {signed_in.get('Location')}"
    shown = client.get(expected)
    return shown.content.decode() if shown.status_code == 200 else f"{expected} not shown"


def check_la_moved_the_meeting_twice() -> list[str]:
    """Reuben Okafor: the LA asked twice to move the meeting, with a reason from the list, and
    the case page says what its second change means (the 30 days, a deemed certificate)."""
    case = _demo_case("Reuben Okafor")
    moves = MeetingChange.objects.filter(
        meeting__case=case, requested_by=Side.LA, kind=MeetingChange.Kind.RESCHEDULED
    ).exclude(reason_kind="")
    problems = [] if moves.count() == 2 else [f"the LA moved the meeting {moves.count()} times"]
    if case.mediation_held_on is not None or case.status != S.MEETING_BOOKED:
        problems.append(f"the meeting is not still booked ({case.status})")
    page = _staff_page(case)
    for words in (
        "The LA has cancelled or moved the meeting 2 times",
        "within 30 days",
        "deemed certificate",
    ):
        if words not in page:
            problems.append(f"the case page does not say “{words}”")
    return problems


def check_decision_put_off_to_a_panel() -> list[str]:
    """Maisie Thornton: the final statement, agreed by every party in the version sent to them,
    puts a decision off to the LA's panel; the staff and portal pages say what that does to the
    appeal deadline, and the reports count it."""
    case = _demo_case("Maisie Thornton")
    statement = OutcomeStatement.objects.get(case=case)
    problems = []
    if statement.status != "final":
        problems.append("the statement is not final")
    if not DeferredDecision.objects.filter(statement=statement).exists():
        problems.append("no decision put off in the statement")
    agreed = set(
        PartyAgreement.objects.filter(
            statement=statement, content_hash=statement.content_hash, voided_at=None
        ).values_list("party_id", flat=True)
    )
    if not agreeing_parties(case) or {p.pk for p in agreeing_parties(case)} - agreed:
        problems.append("not every party agreed the final version")
    staff = _staff_page(case)
    for words in ("Decision put off: The LA&#x27;s SEN panel", "appeal deadline does not move"):
        if words not in staff:
            problems.append(f"the case page does not say “{words}”")
    family = _family_portal_page(case)
    for words in ("will decide by", "This does not change your deadline to appeal"):
        if words not in family:
            problems.append(f"the family's portal page does not say “{words}” ({family[:80]})")
    held = case.mediation_held_on
    assert held is not None
    figures = compute(ReportFilters(period=custom_period(held, timezone.localdate())))
    if not figures["la_could_not_decide"].value:
        problems.append("the reports count no meeting where the LA could not decide")
    return problems


CHECKS: list[Callable[[], list[str]]] = [
    check_every_stage_of_every_route,
    check_side_roads,
    check_outcome_statements_and_actions,
    check_documents_and_files,
    check_survey_answers_and_calendar_feed,
    check_fact_rules,
    check_recorded_in_time,
    check_what_the_panels_say,
    check_stored_deadlines_are_the_engines,
    check_my_work_looks_like_an_ordinary_day,
    check_no_appeal_deadline_passed_unnoticed,
    check_the_audit_log_verifies,
    check_la_moved_the_meeting_twice,
    check_decision_put_off_to_a_panel,
]


def _portal_links_open_the_right_page() -> list[str]:
    problems = []
    links = demo_links()
    if {link.journey.label for link in links} != {
        "Parent",
        "Young person",
        "LA officer",
        "Information provider",
        "Child's views",
    }:
        problems.append("a kind of party has no link")
    for link in links:
        path = link.url.removeprefix("http://127.0.0.1:8000")
        client = Client()
        shown = client.get(path)
        # The child's link has its own page, in a child's words: Start rather than Continue.
        button = "Start" if link.journey.kind == AccessKind.CHILD_VIEWS else "Continue"
        if shown.status_code != 200 or button.encode() not in shown.content:
            problems.append(f"{link.journey.label}: the link does not show {button}")
            continue
        signed_in = client.post(path)
        expected = (
            reverse("portal:views")
            if link.journey.kind == AccessKind.CHILD_VIEWS
            else reverse("portal:case", kwargs={"reference": link.case_reference})
        )
        if signed_in.status_code != 302 or signed_in["Location"] != expected:
            problems.append(
                f"{link.journey.label}: went to {signed_in.get('Location')}, not {expected}"
            )
            continue
        if client.get(expected).status_code != 200:
            problems.append(f"{link.journey.label}: {expected} does not open")
    again = demo_links()
    if any(a.url == b.url for a, b in zip(links, again, strict=True)):
        problems.append("a used link was printed again")
    return problems


def _row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Case, Enquiry, AuditEvent, TimelineEntry, Message, Upload, Invoice)
    }


# The demo's dates follow the day it is loaded; the test loads it on an ordinary day, so that
# what it checks of the calendar (a case officer's week) does not depend on when it runs.
AN_ORDINARY_DAY = datetime(2027, 3, 10, 14, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.django_db(transaction=True)
def test_the_demo_shows_the_whole_product_and_only_what_is_true():
    with time_machine.travel(AN_ORDINARY_DAY, tick=True):
        out = StringIO()
        call_command("load_demo_data", stdout=out)
        assert "Loaded the demo" in out.getvalue()
        problems = {check.__name__: check() for check in CHECKS}
        counts = _row_counts()

        again = StringIO()
        call_command("load_demo_data", stdout=again)
        assert "already loaded" in again.getvalue()
        problems["check_loading_twice_does_nothing"] = (
            [] if _row_counts() == counts else [f"{counts} became {_row_counts()}"]
        )
        problems["check_portal_links"] = _portal_links_open_the_right_page()

    assert {name: found for name, found in problems.items() if found} == {}


# ---------------------------------------------------------------------------------------------
# The guide names the demo cases as they are
# ---------------------------------------------------------------------------------------------


def test_the_guide_names_every_journey_and_only_demo_cases():
    guide = (ROOT / "docs" / "guide" / "try-the-demo.md").read_text()
    children = {story.child for story in STORIES if story.child and story.journey != OFFICE}
    named = {" ".join(n.split()) for n in re.findall(r"\*\*([A-Z][a-z]+\s+[A-Z][a-z]+)\*\*", guide)}
    assert named - {s.child for s in STORIES} == set(), "the guide names a case the demo lacks"
    assert children - named == set(), "a demo case is missing from the guide"
    assert {journey.child for journey in JOURNEYS} <= named


def test_stories_have_unique_children_and_keys():
    keys = [story.key for story in STORIES]
    assert len(keys) == len(set(keys))
    children = [story.child for story in STORIES if story.child]
    assert len(children) == len(set(children))

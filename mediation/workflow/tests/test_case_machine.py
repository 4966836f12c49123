"""Stateful property tests (issue 18 item 8). The first goes through the services: hypothesis takes
a case of a random route along random sequences of the steps it offers, with random dates and
outcomes, closing and reopening it, and edits its key dates as the key dates page does. After
every step or edit, taken or refused:

- the case's stage fits its recorded facts (the fact rules refuse nothing about the case as saved);
- the stored deadlines are the engine's answer for those facts;
- a step or edit that changed something wrote exactly one history line of its own (deadline
  lines apart) and one audit event; one refused changed nothing and wrote nothing.

It also offers meeting dates, books them, moves and cancels the meeting through the meetings
services, on random days from the past to a month ahead (weekends, the Christmas bank holidays and
a service closure day among them), with and without the reason a day that is not a working day
needs: the same checks after each, a refused one changes no slot, meeting, call or message, and a
meeting shows as booked only while the case has not recorded it as held.

The second posts random answers to the step pages, the key dates page and the meeting pages
(offer, book, move, cancel) with the test client and fails on any server error.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from itertools import count

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from conftest import _make_user, login
from mediation.accounts.models import User
from mediation.audit.models import AuditEvent
from mediation.cases import services as case_services
from mediation.cases.models import Case, ChangeReason, ClosureOutcome, Outcome, Side
from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
from mediation.common.errors import ServiceError
from mediation.deadlines.clocks import compute_for_case, service_calendar, stored_values
from mediation.deadlines.models import ClosureDay, Deadline
from mediation.domain.case_states import CaseState, Route, Step
from mediation.meetings import services as meeting_services
from mediation.meetings.models import (
    MediatorCall,
    Meeting,
    MeetingChange,
    MeetingMode,
    SlotOffer,
)
from mediation.meetings.selectors import meeting_status_label
from mediation.meetings.services import non_working_day_refusal
from mediation.notifications.models import Message
from mediation.timeline.models import TimelineEntry, TimelineKind
from mediation.workflow import services as workflow_services
from mediation.workflow.facts import KEY_DATE_LABELS, case_change_refusals
from mediation.workflow.forms import KeyDatesForm
from mediation.workflow.selectors import case_steps

pytestmark = pytest.mark.django_db

_people = count()
SEEN: Counter[str] = Counter()  # what the runs did, to show they went along the routes
DAYS_TO_TODAY = 40
NOTICE = timezone.localdate() - timedelta(
    days=DAYS_TO_TODAY
)  # later steps' dates may fall in the future
CASE_FIELDS = [field.attname for field in Case._meta.concrete_fields]


TODAY = timezone.localdate()
# Meeting days, from today: the past, weekends, 25 and 28 December (bank holidays) when the
# test runs in December, and the closure day each machine adds (a working day two weeks ahead).
MEETING_DAYS = st.integers(-4, 30)
NON_WORKING_REASON = "The family asked for it"


def _closure_day(by: User) -> date:
    """A service closure day on a weekday two weeks ahead: made once, kept for the run."""
    day = TODAY + timedelta(days=14)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    ClosureDay.objects.get_or_create(
        day=day, defaults={"name": "Staff training day", "kind": "closure", "created_by": by}
    )
    return day


def _starts(days: int, hour: int = 10) -> datetime:
    return datetime.combine(
        TODAY + timedelta(days=days), time(hour), timezone.get_current_timezone()
    )


def _meeting_things(case: Case) -> tuple[object, ...]:
    """Everything the meetings services write for a case, to show a refusal wrote none of it."""
    return (
        list(
            SlotOffer.objects.filter(case=case).values_list(
                "pk", "starts_at", "non_working_day_reason"
            )
        ),
        list(
            Meeting.objects.filter(case=case).values_list(
                "pk", "status", "sequence", "starts_at", "slot_id"
            )
        ),
        MeetingChange.objects.filter(meeting__case=case).count(),
        list(MediatorCall.objects.filter(meeting__case=case).values_list("pk", "due_on")),
        Message.objects.filter(case_id=case.pk).count(),
    )


def _trail(case: Case) -> tuple[int, int]:
    lines = TimelineEntry.objects.filter(case=case).exclude(kind=TimelineKind.DEADLINE).count()
    return lines, AuditEvent.objects.filter(case_id=case.pk).count()


def _saved(case: Case) -> dict[str, object]:
    fresh = Case.objects.get(pk=case.pk)
    return {name: getattr(fresh, name) for name in CASE_FIELDS}


def _get_ready_to_book(case: Case, officer: User, *, book: bool) -> None:
    """Most cases start where a meeting can be booked (the LA told, everyone agreed, today)
    or with one booked a fortnight ahead, so that the meeting rules have meetings to book,
    move and cancel."""
    for _ in range(3):
        case.refresh_from_db()
        offered = {offer.step for offer in case_steps(case) if not offer.blocked_because}
        if Step.BOOK_MEETING in offered:
            break
        step = next((s for s in (Step.INFORM_LA, Step.RECORD_CONSENT) if s in offered), None)
        if step is None:
            return
        workflow_services.case_take_step(
            case=case,
            step=step,
            by=officer,
            data={"on": TODAY},
            expected_state=CaseState(case.status),
        )
    if book and Step.BOOK_MEETING in {o.step for o in case_steps(case)}:
        slot = meeting_services.slot_offer_add(
            case=case,
            by=officer,
            starts_at=_starts(15),
            duration_minutes=120,
            mode=MeetingMode.ONLINE,
            non_working_day_reason=NON_WORKING_REASON,
        )
        meeting_services.meeting_book(
            case=case,
            slot=slot,
            by=officer,
            details={"online_link": "https://meet.example.com/abc"},
            short_notice_consent=False,
            expected_state=CaseState(case.status),
        )


class CaseAlongItsRoute(RuleBasedStateMachine):
    case: Case

    @initialize(
        route=st.sampled_from(list(Route)),
        health=st.booleans(),
        # The simplest first: the runs start there most often.
        start=st.sampled_from(["meeting booked", "ready to book", "opened"]),
    )
    def open_a_case(self, route: Route, health: bool, start: str) -> None:
        n = next(_people)
        self.officer = _make_user(f"officer{n}", "Cal", "Officer", "case_officer")
        self.manager = _make_user(f"manager{n}", "Sue", "Manager", "manager")
        _closure_day(self.manager)  # before the case, so its deadlines count it from the start
        authority = LocalAuthorityFactory.create(name=f"Northfield {n} Council", code=f"N{n}")
        enquiry = case_services.enquiry_record(
            by=self.officer, data=enquiry_data(authority, notice_sent_on=NOTICE)
        )
        self.case = workflow_services.case_open_from_enquiry(
            enquiry=enquiry, route=route, owner=self.officer, by=self.officer, issue_health=health
        )
        if start != "opened":
            _get_ready_to_book(self.case, self.officer, book=start == "meeting booked")

    @rule(data=st.data())
    def take_an_offered_step(self, data: st.DataObject) -> None:
        self.case.refresh_from_db()
        offers = [offer for offer in case_steps(self.case) if not offer.blocked_because]
        if not offers:
            return
        offer = data.draw(st.sampled_from(offers), label="step")
        # Today often: the case was opened (the adviser contacted) today, so the certificate
        # and the steps after it can only be dated today.
        days = data.draw(st.one_of(st.just(DAYS_TO_TODAY), st.integers(0, 90)), label="days")
        on = NOTICE + timedelta(days=days)
        step_data = {
            "on": on,
            "outcome": data.draw(st.sampled_from(Outcome.values), label="outcome"),
            "closure_outcome": data.draw(st.sampled_from(ClosureOutcome.values), label="closed"),
            "reason": "Checked with the family",
        }
        by = data.draw(st.sampled_from([self.officer, self.manager]), label="by")
        before, trail = _saved(self.case), _trail(self.case)
        try:
            workflow_services.case_take_step(
                case=self.case,
                step=offer.step,
                by=by,
                data=step_data,
                expected_state=CaseState(self.case.status),
            )
        except ServiceError:
            SEEN[f"refused: {offer.step.value}"] += 1
            assert _saved(self.case) == before, "a refused step changed the case"
            assert _trail(self.case) == trail, "a refused step wrote history or audit"
            return
        SEEN[f"taken: {offer.step.value}"] += 1
        lines, events = _trail(self.case)
        assert (lines - trail[0], events - trail[1]) == (1, 1), offer.step

    @rule(
        field=st.sampled_from(sorted(KEY_DATE_LABELS)),
        days=st.one_of(st.none(), st.integers(-30, 90)),
    )
    def edit_a_key_date(self, field: str, days: int | None) -> None:
        value = None if days is None else NOTICE + timedelta(days=days)
        if field == "notice_sent_on" and value is None:
            return  # the form requires it
        before, trail = _saved(self.case), _trail(self.case)
        try:
            workflow_services.case_key_dates_update(
                case=self.case, by=self.officer, changes={field: value}
            )
        except ServiceError:
            SEEN[f"refused: {field}"] += 1
            assert _saved(self.case) == before, "a refused date changed the case"
            assert _trail(self.case) == trail, "a refused date wrote history or audit"
            return
        if before[field] == value:
            assert _trail(self.case) == trail, "an unchanged date wrote history"
            return
        SEEN[f"changed: {field}"] += 1
        lines, events = _trail(self.case)
        assert (lines - trail[0], events - trail[1]) == (1, 1), field

    def _refused(self, what: str, before: dict, trail: tuple, things: tuple) -> None:
        SEEN[f"refused: {what}"] += 1
        assert _saved(self.case) == before, f"a refused {what} changed the case"
        assert _trail(self.case) == trail, f"a refused {what} wrote history or audit"
        assert _meeting_things(self.case) == things, f"a refused {what} wrote meeting records"

    @rule(days=MEETING_DAYS, with_reason=st.booleans(), hour=st.sampled_from([9, 14]))
    def offer_a_date(self, days: int, with_reason: bool, hour: int) -> None:
        self.case.refresh_from_db()
        starts_at = _starts(days, hour)
        needs_reason = non_working_day_refusal(starts_at.date(), service_calendar()) is not None
        before, trail, things = _saved(self.case), _trail(self.case), _meeting_things(self.case)
        try:
            slot = meeting_services.slot_offer_add(
                case=self.case,
                by=self.officer,
                starts_at=starts_at,
                duration_minutes=120,
                mode=MeetingMode.ONLINE,
                non_working_day_reason=NON_WORKING_REASON if with_reason else "",
            )
        except ServiceError:
            assert (needs_reason and not with_reason) or not self.case.is_open
            self._refused("offer", before, trail, things)
            return
        assert not needs_reason or with_reason, "a day that is not a working day, no reason"
        assert slot.non_working_day_reason == (NON_WORKING_REASON if needs_reason else "")
        SEEN["offered on a day off" if needs_reason else "offered"] += 1
        assert _saved(self.case) == before
        lines, events = _trail(self.case)
        assert (lines - trail[0], events - trail[1]) == (0, 1), "an offer: one audit event"

    @rule(data=st.data())
    def book_an_offered_date(self, data: st.DataObject) -> None:
        self.case.refresh_from_db()
        slots = list(SlotOffer.objects.filter(case=self.case).order_by("pk"))
        if not slots:
            return
        slot = data.draw(st.sampled_from(slots), label="slot")
        consent = data.draw(st.booleans(), label="short notice agreed")
        before, trail, things = _saved(self.case), _trail(self.case), _meeting_things(self.case)
        try:
            meeting = meeting_services.meeting_book(
                case=self.case,
                slot=slot,
                by=data.draw(st.sampled_from([self.officer, self.manager]), label="by"),
                details={"online_link": "https://meet.example.com/abc"},
                short_notice_consent=consent,
                expected_state=CaseState(self.case.status),
            )
        except ServiceError:
            self._refused("booking", before, trail, things)
            return
        day = meeting.local_start.date()
        assert day >= TODAY, "a meeting booked in the past"
        if non_working_day_refusal(day, service_calendar()):
            assert meeting.non_working_day_reason == NON_WORKING_REASON
            SEEN["booked on a day off"] += 1
        SEEN["booked"] += 1
        self.case.refresh_from_db()
        assert self.case.status == CaseState.MEETING_BOOKED
        assert self.case.meeting_planned_on == day
        lines, events = _trail(self.case)
        assert (lines - trail[0], events - trail[1]) == (1, 1), "a booking"

    @rule(
        days=MEETING_DAYS,
        with_reason=st.booleans(),
        consent=st.booleans(),
        reason=st.sampled_from(["The mediator is ill", ""]),
    )
    def move_the_meeting(self, days: int, with_reason: bool, consent: bool, reason: str) -> None:
        self.case.refresh_from_db()
        meeting = Meeting.objects.filter(case=self.case, status=Meeting.Status.BOOKED).first()
        if meeting is None:
            return
        starts_at = _starts(days, 13)
        needs_reason = non_working_day_refusal(starts_at.date(), service_calendar()) is not None
        before, trail, things = _saved(self.case), _trail(self.case), _meeting_things(self.case)
        try:
            meeting_services.meeting_reschedule(
                meeting=meeting,
                by=self.officer,
                starts_at=starts_at,
                duration_minutes=90,
                mode=MeetingMode.ONLINE,
                details={"online_link": "https://meet.example.com/new"},
                reason=reason,
                short_notice_consent=consent,
                non_working_day_reason=NON_WORKING_REASON if with_reason else "",
                requested_by=Side.LA,
                reason_kind=ChangeReason.ILLNESS,
            )
        except ServiceError:
            self._refused("move", before, trail, things)
            return
        assert reason and starts_at.date() >= TODAY
        assert not needs_reason or with_reason, "moved to a day off without a reason"
        SEEN["moved to a day off" if needs_reason else "moved"] += 1
        moved = Meeting.objects.get(pk=meeting.pk)
        self.case.refresh_from_db()
        assert (moved.sequence, moved.starts_at) == (meeting.sequence + 1, starts_at)
        assert self.case.meeting_planned_on == starts_at.date()
        lines, events = _trail(self.case)
        assert (lines - trail[0], events - trail[1]) == (1, 1), "a move"

    @rule(reason=st.sampled_from(["The family withdrew", ""]), stale=st.booleans())
    def cancel_the_meeting(self, reason: str, stale: bool) -> None:
        self.case.refresh_from_db()
        meeting = Meeting.objects.filter(case=self.case).order_by("status", "-pk").first()
        if meeting is None:
            return
        before, trail, things = _saved(self.case), _trail(self.case), _meeting_things(self.case)
        try:
            meeting_services.meeting_cancel(
                meeting=meeting,
                by=self.officer,
                reason=reason,
                expected_state=CaseState.CLOSED if stale else CaseState(self.case.status),
                requested_by=Side.FAMILY,
                reason_kind=ChangeReason.NOT_AVAILABLE,
            )
        except ServiceError:
            self._refused("cancel", before, trail, things)
            return
        assert reason and meeting.is_booked
        SEEN["cancelled"] += 1
        assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED
        lines, events = _trail(self.case)
        assert (lines - trail[0], events - trail[1]) == (1, 1), "a cancellation"

    @invariant()
    def a_meeting_shows_as_booked_only_while_not_held(self) -> None:
        case = Case.objects.get(pk=self.case.pk)
        meetings = list(Meeting.objects.filter(case=case))
        assert sum(meeting.is_booked for meeting in meetings) <= 1, "two meetings booked"
        for meeting in meetings:
            if meeting_status_label(meeting, case) == "Booked":
                assert case.mediation_held_on is None
                assert meeting.is_booked and case.meeting_planned_on is not None

    @invariant()
    def the_case_holds_only_what_is_true(self) -> None:
        case = Case.objects.get(pk=self.case.pk)
        assert case_change_refusals(case, {}) == []

    @invariant()
    def stored_deadlines_are_the_engines(self) -> None:
        case = Case.objects.get(pk=self.case.pk)
        computed, _warnings = compute_for_case(case, service_calendar())
        expected = {item.code: values for item, values in stored_values(case, computed)}
        stored = {
            row.code: {name: getattr(row, name) for name in expected.get(row.code, {})}
            for row in Deadline.objects.filter(case=case)
        }
        assert stored == expected


def test_random_steps_closes_and_reopens_keep_the_case_true():
    run_state_machine_as_test(
        CaseAlongItsRoute,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,  # the same runs each time: the checks on SEEN below never flake
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    # The runs went along the routes: cases were closed and reopened, and steps refused.
    assert (
        SEEN["taken: close"]
        and SEEN["taken: reopen"]
        and (SEEN["taken: book-meeting"] + SEEN["booked"])
    )
    assert SEEN["taken: issue-certificate"]
    assert any(name.startswith("refused: ") for name in SEEN)
    assert any(name.startswith("changed: ") for name in SEEN)
    # The meeting rules ran: dates offered (some on days off), booked, moved, cancelled, refused.
    assert SEEN["offered"] and SEEN["offered on a day off"] and SEEN["refused: offer"]
    assert SEEN["booked"] and SEEN["moved"] and SEEN["cancelled"]
    assert SEEN["refused: booking"] and SEEN["refused: move"] and SEEN["refused: cancel"]


WRONG_MEETING_ANSWERS: dict[str, list[object]] = {
    "on_day": ["", "31", "x"],
    "start_time": ["25:61", "", "noon"],
    "duration_minutes": ["5", "x", ""],
    "mode": ["nonsense", MeetingMode.VENUE, MeetingMode.PHONE],  # venue and phone, no details
    "online_link": ["not a link", ""],
    "reason": ["", "x" * 5000],
    "requested_by": ["nobody"],
    "reason_kind": ["whim"],
    "confirmed_by_phone": [["party:999999"], ["x"]],
    "expected_state": ["closed", ""],
}


class CaseThroughThePages(RuleBasedStateMachine):
    """The same through the step pages with the test client, with answers that are sometimes
    wrong (a garbled date, a stale page, an unknown choice, a step not offered): never a server
    error, and the case stays true."""

    case: Case

    @initialize(
        route=st.sampled_from(list(Route)),
        start=st.sampled_from(["ready to book", "meeting booked", "opened"]),
    )
    def open_a_case(self, route: Route, start: str) -> None:
        n = next(_people)
        self.officer = _make_user(f"pageofficer{n}", "Cal", "Officer", "case_officer")
        self.manager = _make_user(f"pagemanager{n}", "Sue", "Manager", "manager")
        authority = LocalAuthorityFactory.create(name=f"Southfield {n} Council", code=f"S{n}")
        enquiry = case_services.enquiry_record(
            by=self.officer, data=enquiry_data(authority, notice_sent_on=NOTICE)
        )
        self.case = workflow_services.case_open_from_enquiry(
            enquiry=enquiry, route=route, owner=self.officer, by=self.officer
        )
        if start != "opened":
            _get_ready_to_book(self.case, self.officer, book=start == "meeting booked")
        self.client = Client()

    @rule(data=st.data())
    def post_a_step(self, data: st.DataObject) -> None:
        self.case.refresh_from_db()
        offered = [offer.step for offer in case_steps(self.case) if not offer.blocked_because]
        step = data.draw(st.sampled_from(offered or list(Step)) | st.sampled_from(list(Step)))
        by = data.draw(st.sampled_from([self.officer, self.manager]), label="by")
        login(self.client, by)
        day = NOTICE + timedelta(
            days=data.draw(st.one_of(st.just(DAYS_TO_TODAY), st.integers(0, 90)), label="days")
        )
        garbled = data.draw(st.sampled_from(["", "31", "x", "0"]) | st.none(), label="garbled")
        post = {
            "on_day": garbled if garbled is not None else str(day.day),
            "on_month": str(day.month),
            "on_year": str(day.year),
            "outcome": data.draw(st.sampled_from([*Outcome.values, "nonsense"]), label="outcome"),
            "closure_outcome": data.draw(st.sampled_from(ClosureOutcome.values), label="why"),
            "appeal_lodged": data.draw(st.sampled_from(["yes", "no", "not_known", ""])),
            "reason": "Checked with the family",
            "adviser": str(self.officer.pk),
            "to_state": data.draw(st.sampled_from(["", *(state.value for state in CaseState)])),
            "expected_state": data.draw(st.sampled_from([self.case.status, "closed"])),
        }
        url = reverse("cases:step", args=[self.case.reference, step.value])
        response = self.client.post(url, post)
        assert response.status_code < 500, (step, post)
        if response.status_code == 302 and response["Location"].endswith("?check"):
            check = self.client.get(response["Location"])
            assert check.status_code == 200, step
            response = self.client.post(
                url, {"confirmed": "yes", "expected_state": post["expected_state"]}
            )
            assert response.status_code < 500, (step, post)
        SEEN[f"page {response.status_code}: {step.value}"] += 1

    @rule(data=st.data())
    def post_the_key_dates(self, data: st.DataObject) -> None:
        """The key dates page as it stands, with one date changed, removed or garbled."""
        self.case.refresh_from_db()
        login(self.client, data.draw(st.sampled_from([self.officer, self.manager]), label="by"))
        post: dict[str, object] = {}
        for name, value in KeyDatesForm(case=self.case).initial.items():
            if isinstance(value, date):
                post |= {f"{name}_day": value.day, f"{name}_month": value.month}
                post[f"{name}_year"] = value.year
            elif value is True:
                post[name] = "on"
            elif value not in (None, False):
                post[name] = value
        dates = [n for n in KeyDatesForm(case=self.case).fields if n.endswith("_on")]
        name = data.draw(st.sampled_from(dates), label="field")
        day = TODAY + timedelta(days=data.draw(st.integers(-60, 20), label="days"))
        typed = data.draw(
            st.sampled_from(["", "31", "x"]).map(lambda v: (v, "2", str(day.year)))
            | st.just((str(day.day), str(day.month), str(day.year))),
            label="typed",
        )
        post |= dict(zip((f"{name}_day", f"{name}_month", f"{name}_year"), typed, strict=True))
        response = self.client.post(reverse("cases:key-dates", args=[self.case.reference]), post)
        assert response.status_code < 500, post
        SEEN[f"page {response.status_code}: key dates"] += 1

    @rule(data=st.data())
    def post_the_offer_page(self, data: st.DataObject) -> None:
        self._post_a_meeting_page("slots", data)

    @rule(data=st.data())
    def post_the_book_page(self, data: st.DataObject) -> None:
        self._post_a_meeting_page("book", data)

    @rule(data=st.data())
    def post_the_move_page(self, data: st.DataObject) -> None:
        self._post_a_meeting_page("reschedule", data)

    @rule(data=st.data())
    def post_the_cancel_page(self, data: st.DataObject) -> None:
        self._post_a_meeting_page("cancel", data)

    def _post_a_meeting_page(self, page: str, data: st.DataObject) -> None:
        """Offer a date, book one, move or cancel the meeting, with one answer sometimes wrong."""
        self.case.refresh_from_db()
        login(self.client, data.draw(st.sampled_from([self.officer, self.manager]), label="by"))
        # Newest first: hypothesis draws the first most often. 999999 is no one's.
        slots = list(
            SlotOffer.objects.filter(case=self.case).order_by("-pk").values_list("pk", flat=True)
        )
        meetings = list(
            Meeting.objects.filter(case=self.case).order_by("-pk").values_list("pk", flat=True)
        )
        reference = self.case.reference
        if page == "slots":
            url = reverse("meetings:slots", args=[reference])
        elif page == "book":
            slot = data.draw(st.sampled_from([*slots, 999999]), label="slot")
            url = reverse("meetings:book", args=[reference, slot])
        else:
            meeting = data.draw(st.sampled_from([*meetings, 999999]), label="meeting")
            url = reverse(f"meetings:{page}", args=[reference, meeting])
        day = TODAY + timedelta(days=data.draw(MEETING_DAYS, label="days"))
        post: dict[str, object] = {
            "on_day": str(day.day),
            "on_month": str(day.month),
            "on_year": str(day.year),
            "start_time": "10:00",
            "duration_minutes": "120",
            "mode": MeetingMode.ONLINE,
            "online_link": "https://meet.example.com/a",
            "reason": "The mediator is ill",
            "requested_by": data.draw(st.sampled_from(Side.values), label="asked by"),
            "reason_kind": data.draw(st.sampled_from(ChangeReason.values), label="why"),
            "expected_state": self.case.status,
        }
        # At most one answer wrong, so that the pages save as well as refuse.
        wrong = data.draw(st.sampled_from([None, *WRONG_MEETING_ANSWERS]), label="wrong")
        if wrong is not None:
            post[wrong] = data.draw(st.sampled_from(WRONG_MEETING_ANSWERS[wrong]), label=wrong)
        if data.draw(st.booleans(), label="day off confirmed"):
            post |= {"non_working_day_confirmed": "on", "non_working_day_reason": "The family"}
        if data.draw(st.booleans(), label="short notice agreed"):
            post["short_notice_consent"] = "on"
        response = self.client.post(url, post)
        assert response.status_code < 500, (page, post)
        SEEN[f"page {response.status_code}: {page}"] += 1

    @invariant()
    def the_case_holds_only_what_is_true(self) -> None:
        case = Case.objects.get(pk=self.case.pk)
        assert case_change_refusals(case, {}) == []
        assert self.client.get(reverse("cases:detail", args=[case.reference])).status_code in {
            200,
            302,  # signed out before the first step
        }


def test_random_posts_to_the_step_pages_never_fail_and_keep_the_case_true():
    run_state_machine_as_test(
        CaseThroughThePages,
        settings=settings(
            max_examples=40,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    assert SEEN["page 302: close"] and any(k.startswith("page 400") for k in SEEN)
    # The meeting pages and the key dates page were posted (never a server error). Not asserted:
    # that each also saved something; whether these runs reach a booking, move or cancel the
    # pages accept varies from run to run (to fix: make the page runs repeatable).
    for page in ("slots", "book", "reschedule", "cancel", "key dates"):
        assert sum(SEEN[f"page {code}: {page}"] for code in (302, 400, 404, 409)), page

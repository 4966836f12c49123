"""Stateful property tests (issue 18 item 8). The first goes through the services: hypothesis takes
a case of a random route along random sequences of the steps it offers, with random dates and
outcomes, closing and reopening it, and edits its key dates as the key dates page does. After
every step or edit, taken or refused:

- the case's stage fits its recorded facts (the fact rules refuse nothing about the case as saved);
- the stored deadlines are the engine's answer for those facts;
- a step or edit that changed something wrote exactly one history line of its own (deadline
  lines apart) and one audit event; one refused changed nothing and wrote nothing.

The second posts random answers to the step pages with the test client and fails on any server
error. Neither moves meetings yet (the meetings service's slots and moves).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
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
from mediation.audit.models import AuditEvent
from mediation.cases import services as case_services
from mediation.cases.models import Case, ClosureOutcome, Outcome
from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
from mediation.common.errors import ServiceError
from mediation.deadlines.clocks import compute_for_case, service_calendar, stored_values
from mediation.deadlines.models import Deadline
from mediation.domain.case_states import CaseState, Route, Step
from mediation.timeline.models import TimelineEntry, TimelineKind
from mediation.workflow import services as workflow_services
from mediation.workflow.facts import KEY_DATE_LABELS, case_change_refusals
from mediation.workflow.selectors import case_steps

pytestmark = pytest.mark.django_db

_people = count()
SEEN: Counter[str] = Counter()  # what the runs did, to show they went along the routes
DAYS_TO_TODAY = 40
NOTICE = timezone.localdate() - timedelta(
    days=DAYS_TO_TODAY
)  # later steps' dates may fall in the future
CASE_FIELDS = [field.attname for field in Case._meta.concrete_fields]


def _trail(case: Case) -> tuple[int, int]:
    lines = TimelineEntry.objects.filter(case=case).exclude(kind=TimelineKind.DEADLINE).count()
    return lines, AuditEvent.objects.filter(case_id=case.pk).count()


def _saved(case: Case) -> dict[str, object]:
    fresh = Case.objects.get(pk=case.pk)
    return {name: getattr(fresh, name) for name in CASE_FIELDS}


class CaseAlongItsRoute(RuleBasedStateMachine):
    case: Case

    @initialize(route=st.sampled_from(list(Route)), health=st.booleans())
    def open_a_case(self, route: Route, health: bool) -> None:
        n = next(_people)
        self.officer = _make_user(f"officer{n}", "Cal", "Officer", "case_officer")
        self.manager = _make_user(f"manager{n}", "Sue", "Manager", "manager")
        authority = LocalAuthorityFactory.create(name=f"Northfield {n} Council", code=f"N{n}")
        enquiry = case_services.enquiry_record(
            by=self.officer, data=enquiry_data(authority, notice_sent_on=NOTICE)
        )
        self.case = workflow_services.case_open_from_enquiry(
            enquiry=enquiry, route=route, owner=self.officer, by=self.officer, issue_health=health
        )

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
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            derandomize=True,  # the same runs each time: the checks on SEEN below never flake
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    # The runs went along the routes: cases were closed and reopened, and steps refused.
    assert SEEN["taken: close"] and SEEN["taken: reopen"] and SEEN["taken: book-meeting"]
    assert SEEN["taken: issue-certificate"]
    assert any(name.startswith("refused: ") for name in SEEN)
    assert any(name.startswith("changed: ") for name in SEEN)


class CaseThroughThePages(RuleBasedStateMachine):
    """The same through the step pages with the test client, with answers that are sometimes
    wrong (a garbled date, a stale page, an unknown choice, a step not offered): never a server
    error, and the case stays true."""

    case: Case

    @initialize(route=st.sampled_from(list(Route)))
    def open_a_case(self, route: Route) -> None:
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
            "on_0": garbled if garbled is not None else str(day.day),
            "on_1": str(day.month),
            "on_2": str(day.year),
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
            max_examples=20,
            stateful_step_count=10,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    assert SEEN["page 302: close"] and any(k.startswith("page 400") for k in SEEN)

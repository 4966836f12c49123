"""Every route end to end through the workflow service, the side roads, refusals, stale pages,
and the history and audit rows each step writes."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mediation.audit.models import AuditEvent
from mediation.cases import services
from mediation.cases.models import Case, CaseStatusChange
from mediation.cases.tests.factories import enquiry_data
from mediation.common import errors
from mediation.domain.case_states import (
    NO_CERTIFICATE_OUT_OF_TIME,
    NO_CERTIFICATE_SECTION_I,
    CaseState,
    Route,
    Step,
)
from mediation.timeline.models import TimelineEntry
from mediation.workflow import services as workflow_services
from mediation.workflow.selectors import case_steps
from mediation.workflow.services import case_take_step

pytestmark = pytest.mark.django_db


# The family's first call, the day after the decision notice (so before every event below).
RECEIVED = datetime(2026, 11, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def new_case(officer, authority, route, **enquiry_overrides):
    enquiry_overrides.setdefault("received_at", RECEIVED)
    enquiry = services.enquiry_record(by=officer, data=enquiry_data(authority, **enquiry_overrides))
    return workflow_services.case_open_from_enquiry(
        enquiry=enquiry,
        route=route,
        owner=officer,
        by=officer,
        issue_health=enquiry_overrides.pop("health", False),
    )


def take(case, step, by, **data):
    return case_take_step(case=case, step=step, by=by, data=data, expected_state=case.status)


def offered(case):
    return {o.step: o.blocked_because for o in case_steps(case)}


def test_mediation_route_end_to_end(case_officer_cal, local_authority):
    case = new_case(case_officer_cal, local_authority, Route.MEDIATION)
    case = take(case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 4))
    assert case.status == CaseState.ARRANGING and case.la_informed_on == date(2026, 11, 4)
    case = take(case, Step.BOOK_MEETING, case_officer_cal, on=date(2026, 11, 20))
    assert case.deadlines.get(code="meeting_notice_by").due == date(2026, 11, 13)
    case = take(case, Step.RECORD_MEETING_HELD, case_officer_cal, on=date(2026, 11, 20))
    case = take(
        case, Step.RECORD_OUTCOME, case_officer_cal, on=date(2026, 11, 20), outcome="agreed_part"
    )
    assert case.status == CaseState.CONCLUDED and case.agreement_made_on == date(2026, 11, 20)
    assert "certificate" in offered(case)[Step.START_FOLLOW_UP]
    case = take(case, Step.ISSUE_CERTIFICATE, case_officer_cal, on=date(2026, 11, 24))
    assert case.certificate_kind == "after_mediation"
    assert case.deadlines.get(code="certificate_due_after_mediation").met_on == date(2026, 11, 24)
    case = take(case, Step.START_FOLLOW_UP, case_officer_cal)
    case = take(
        case,
        Step.CLOSE,
        case_officer_cal,
        closure_outcome="completed",
        appeal_lodged="no",
        reason="Actions done",
    )
    assert case.status == CaseState.CLOSED and case.closed_at is not None
    states = list(
        CaseStatusChange.objects.filter(case=case)
        .order_by("at", "id")
        .values_list("to_state", flat=True)
    )
    assert states == [
        "mediation_requested",
        "arranging",
        "meeting_booked",
        "meeting_held",
        "concluded",
        "certificate_issued",
        "follow_up",
        "closed",
    ]
    verbs = set(AuditEvent.objects.filter(case_id=case.pk).values_list("verb", flat=True))
    assert {"case.step.inform-la", "certificate.issue", "case.step.close"} <= verbs
    # A step and the move it makes are one change: one audit event, not a second for the move.
    assert "case.transition" not in verbs


def test_certificate_route_end_to_end(case_officer_cal, local_authority):
    case = new_case(case_officer_cal, local_authority, Route.CERTIFICATE_ONLY)
    assert case.mediation_declined_on is not None  # choosing this route starts the reg 34(1) clock
    assert case.deadlines.filter(code="certificate_due_after_decline").exists()
    case = take(case, Step.ISSUE_CERTIFICATE, case_officer_cal, on=case.mediation_declined_on)
    assert case.certificate_kind == "declined" and case.status == CaseState.CERTIFICATE_ISSUED
    case = take(
        case,
        Step.CLOSE,
        case_officer_cal,
        closure_outcome="completed",
        appeal_lodged="yes",
        reason="x",
    )
    assert case.appeal_lodged == "yes"


def test_disagreement_resolution_needs_consent_and_gives_no_certificate(
    case_officer_cal, local_authority
):
    case = new_case(
        case_officer_cal,
        local_authority,
        Route.DISAGREEMENT_RESOLUTION,
        decision_type="other_disagreement",
        notice_sent_on=None,
    )
    assert "everyone agrees" in offered(case)[Step.BOOK_MEETING]
    with pytest.raises(errors.ServiceError, match="everyone agrees"):
        take(case, Step.BOOK_MEETING, case_officer_cal, on=date(2026, 12, 10))
    case = take(
        case,
        Step.RECORD_CONSENT,
        case_officer_cal,
        on=date(2026, 11, 20),
        reason="All agreed by phone",
    )
    case = take(case, Step.BOOK_MEETING, case_officer_cal, on=date(2026, 11, 25))
    case = take(case, Step.RECORD_MEETING_HELD, case_officer_cal, on=date(2026, 11, 25))
    case = take(
        case, Step.RECORD_OUTCOME, case_officer_cal, on=date(2026, 11, 25), outcome="agreed_all"
    )
    assert Step.ISSUE_CERTIFICATE not in offered(case)
    case = take(case, Step.CLOSE, case_officer_cal, closure_outcome="completed", reason="Resolved")
    assert case.status == CaseState.CLOSED and case.certificate_issued_on is None


def test_deemed_certificate_and_mediation_still_going_ahead(case_officer_cal, local_authority):
    case = new_case(case_officer_cal, local_authority, Route.MEDIATION)
    case = take(case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 4))
    assert Step.ISSUE_CERTIFICATE not in offered(case)
    case = take(case, Step.RECORD_LA_UNABLE, case_officer_cal, on=date(2026, 11, 23))
    assert case.status == CaseState.ARRANGING  # an event, not a move
    assert case.deadlines.get(code="certificate_due_deemed").due == date(2026, 11, 26)
    case = take(case, Step.ISSUE_CERTIFICATE, case_officer_cal, on=date(2026, 11, 25))
    assert case.certificate_kind == "deemed"
    case = take(case, Step.BOOK_MEETING, case_officer_cal, on=date(2026, 12, 2))
    case = take(case, Step.RECORD_MEETING_HELD, case_officer_cal, on=date(2026, 11, 27))
    case = take(
        case, Step.RECORD_OUTCOME, case_officer_cal, on=date(2026, 11, 27), outcome="agreed_all"
    )
    assert Step.ISSUE_CERTIFICATE not in offered(case)  # already issued
    assert offered(case)[Step.START_FOLLOW_UP] is None


def test_out_of_time_contact_means_no_certificate_and_says_why(case_officer_cal, local_authority):
    case = new_case(
        case_officer_cal, local_authority, Route.CERTIFICATE_ONLY, notice_sent_on=date(2026, 8, 3)
    )
    # The enquiry (today, 28 Nov 2026 in these tests' clock) is after 3 Oct: reg 34(2) bars a certificate.
    case = workflow_services.case_key_dates_update(
        case=case, by=case_officer_cal, changes={"adviser_contacted_on": date(2026, 10, 20)}
    )
    assert offered(case)[Step.ISSUE_CERTIFICATE] == NO_CERTIFICATE_OUT_OF_TIME
    with pytest.raises(errors.ServiceError, match="reg 34"):
        take(case, Step.ISSUE_CERTIFICATE, case_officer_cal, on=date(2026, 10, 22))
    assert case.certificate_issued_on is None


def test_section_i_only_gets_no_certificate(case_officer_cal, local_authority):
    case = new_case(
        case_officer_cal,
        local_authority,
        Route.MEDIATION,
        decision_type="plan_contents",
        section_i_only=True,
    )
    assert Step.FAMILY_WITHDRAWS not in offered(case)
    case = take(case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 4))
    case = take(case, Step.BOOK_MEETING, case_officer_cal, on=date(2026, 11, 20))
    case = take(case, Step.RECORD_MEETING_HELD, case_officer_cal, on=date(2026, 11, 20))
    case = take(
        case, Step.RECORD_OUTCOME, case_officer_cal, on=date(2026, 11, 20), outcome="agreed_all"
    )
    assert offered(case)[Step.ISSUE_CERTIFICATE] == NO_CERTIFICATE_SECTION_I
    assert offered(case)[Step.START_FOLLOW_UP] is None


def test_family_withdraws_then_certificate_is_due(case_officer_cal, local_authority):
    case = new_case(case_officer_cal, local_authority, Route.MEDIATION)
    case = take(case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 4))
    case = take(case, Step.FAMILY_WITHDRAWS, case_officer_cal, on=date(2026, 11, 10))
    assert case.status == CaseState.CERTIFICATE_DUE
    assert case.deadlines.get(code="certificate_due_after_decline").due == date(2026, 11, 13)
    case = take(case, Step.ISSUE_CERTIFICATE, case_officer_cal, on=date(2026, 11, 12))
    assert case.certificate_kind == "declined"


def test_la_changes_its_decision_closes_without_a_meeting(case_officer_cal, local_authority):
    case = new_case(case_officer_cal, local_authority, Route.MEDIATION)
    case = take(
        case,
        Step.LA_CHANGED_DECISION,
        case_officer_cal,
        on=date(2026, 11, 10),
        reason="Agreed to assess",
    )
    assert case.status == CaseState.CLOSED and case.closure_outcome == "la_changed_decision"


def test_reopening_needs_a_reason_and_returns_to_the_start(case_officer_cal, local_authority):
    case = new_case(case_officer_cal, local_authority, Route.MEDIATION)
    case = take(
        case, Step.CLOSE, case_officer_cal, closure_outcome="withdrawn", reason="Family withdrew"
    )
    assert set(offered(case)) == {Step.REOPEN}
    with pytest.raises(errors.ServiceError, match="reason"):
        take(case, Step.REOPEN, case_officer_cal, reason="")
    case = take(case, Step.REOPEN, case_officer_cal, reason="Family called back")
    assert case.status == CaseState.MEDIATION_REQUESTED and case.closed_at is None
    line = TimelineEntry.objects.filter(case=case).order_by("-at", "-id").first()
    assert line is not None and line.note is not None
    assert line.summary == "Reopened at “Mediation requested”"
    assert line.note.text == "Family called back"
    event = AuditEvent.objects.filter(case_id=case.pk, verb="case.step.reopen").get()
    assert event.detail["from"] == "closed" and event.detail["to"] == "mediation_requested"
    assert event.detail["reason_note"] == line.note.pk


def test_reopening_returns_to_the_stage_the_facts_imply(
    case_officer_cal, manager_sue, local_authority
):
    case = new_case(case_officer_cal, local_authority, Route.MEDIATION)
    case = take(case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 4))
    case = take(case, Step.BOOK_MEETING, case_officer_cal, on=date(2026, 11, 20))
    case = take(case, Step.RECORD_MEETING_HELD, case_officer_cal, on=date(2026, 11, 20))
    case = take(
        case, Step.RECORD_OUTCOME, case_officer_cal, on=date(2026, 11, 20), outcome="agreed_all"
    )
    case = take(case, Step.ISSUE_CERTIFICATE, case_officer_cal, on=date(2026, 11, 24))
    case = take(case, Step.START_FOLLOW_UP, case_officer_cal)
    case = take(case, Step.CLOSE, case_officer_cal, closure_outcome="completed", reason="Done")
    assert workflow_services.reopen_stages(case) == (
        CaseState.CERTIFICATE_ISSUED,
        [CaseState.CERTIFICATE_ISSUED, CaseState.FOLLOW_UP],
    )
    case = take(case, Step.REOPEN, case_officer_cal, reason="The LA has not assessed")
    assert case.status == CaseState.CERTIFICATE_ISSUED
    # Only what fits a case with a certificate and an agreement: never "tell the LA".
    assert set(offered(case)) == {Step.START_FOLLOW_UP, Step.CLOSE}
    case = take(case, Step.CLOSE, case_officer_cal, closure_outcome="completed", reason="Done")
    # A case officer reopens where the facts put it; a manager may pick another stage that fits.
    with pytest.raises(errors.ServiceError, match="Only a manager"):
        take(case, Step.REOPEN, case_officer_cal, reason="x", to_state="follow_up")
    with pytest.raises(errors.ServiceError, match="Choose a stage that fits"):
        take(case, Step.REOPEN, manager_sue, reason="x", to_state="arranging")
    case = take(case, Step.REOPEN, manager_sue, reason="Still chasing", to_state="follow_up")
    assert case.status == CaseState.FOLLOW_UP
    assert case.deadlines.filter(code="appeal_deadline").exists()


NOT_YET_15_DEC = (
    "Not yet: the meeting is booked for Tuesday 15 December 2026. "
    "If it took place on another day, move the meeting first."
)


def test_a_meeting_is_not_recorded_as_held_before_the_day_it_is_booked_for(
    case_officer_cal, local_authority
):
    with time_machine.travel("2026-12-07 10:00 +0000", tick=False) as clock:  # a Monday
        case = new_case(case_officer_cal, local_authority, Route.MEDIATION)
        case = take(case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 4))
        case = take(case, Step.BOOK_MEETING, case_officer_cal, on=date(2026, 12, 15))
        assert offered(case)[Step.RECORD_MEETING_HELD] == NOT_YET_15_DEC
        with pytest.raises(errors.ServiceError, match="Not yet: the meeting is booked for"):
            take(case, Step.RECORD_MEETING_HELD, case_officer_cal, on=date(2026, 12, 7))
        case.refresh_from_db()
        assert case.status == CaseState.MEETING_BOOKED and case.mediation_held_on is None
        assert not AuditEvent.objects.filter(verb="case.step.meeting-held").exists()

        clock.move_to("2026-12-15 15:00 +0000")  # the meeting's day
        assert offered(case)[Step.RECORD_MEETING_HELD] is None
        case = take(case, Step.RECORD_MEETING_HELD, case_officer_cal, on=date(2026, 12, 15))
        assert case.status == CaseState.MEETING_HELD
        assert case.mediation_held_on == date(2026, 12, 15)


@pytest.mark.parametrize(
    "step", [Step.RECORD_MEETING_HELD, Step.RECORD_OUTCOME, Step.START_FOLLOW_UP, Step.REOPEN]
)
def test_steps_not_offered_now_are_refused_and_change_nothing(
    case_officer_cal, local_authority, step
):
    case = new_case(case_officer_cal, local_authority, Route.MEDIATION)
    with pytest.raises(errors.ServiceError, match="not possible"):
        take(case, step, case_officer_cal, on=date(2026, 11, 20), outcome="agreed_all", reason="x")
    case.refresh_from_db()
    assert case.status == CaseState.MEDIATION_REQUESTED


def test_two_people_at_once_one_wins_and_the_other_is_told(
    case_officer_cal, case_officer_cleo, local_authority
):
    case = new_case(case_officer_cal, local_authority, Route.MEDIATION)
    seen_by_both = case.status
    case_take_step(
        case=case,
        step=Step.INFORM_LA,
        by=case_officer_cal,
        data={"on": date(2026, 11, 4)},
        expected_state=seen_by_both,
    )
    with pytest.raises(errors.StaleCase, match="Someone else changed this case"):
        case_take_step(
            case=case,
            step=Step.LA_CHANGED_DECISION,
            by=case_officer_cleo,
            data={"on": date(2026, 11, 5), "reason": "x"},
            expected_state=seen_by_both,
        )
    case.refresh_from_db()
    assert case.status == CaseState.ARRANGING
    assert Case.objects.get(pk=case.pk).la_decision_changed_on is None


def test_each_step_writes_history_and_one_audit_event(case_officer_cal, local_authority):
    case = new_case(case_officer_cal, local_authority, Route.MEDIATION)
    before = AuditEvent.objects.filter(case_id=case.pk, verb__startswith="case.step").count()
    take(case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 4))
    assert (
        AuditEvent.objects.filter(case_id=case.pk, verb__startswith="case.step").count()
        == before + 1
    )
    assert TimelineEntry.objects.filter(
        case=case,
        summary="LA told the family wants mediation: Wed 4 Nov 2026 (now “LA told: arranging "
        "mediation”)",
    ).exists()

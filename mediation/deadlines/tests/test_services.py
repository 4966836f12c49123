"""The web app's deadlines are the engine's deadlines: same dates and explanations as the
`mediation-deadlines` command, recomputed when events or closure days change."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core import mail

from mediation.cases import services as case_services
from mediation.deadlines import services
from mediation.deadlines.models import CalendarChange, ClosureDay, Deadline
from mediation.deadlines.reminders import deadline_reminders_send
from mediation.domain.case_states import CaseState, Step
from mediation.notifications.models import Message
from mediation.timeline.models import TimelineEntry
from mediation.workflow import services as workflow_services
from mediation.workflow.tests.steps import take, to_concluded

pytestmark = pytest.mark.django_db
COMMAND = Path(sys.executable).parent / "mediation-deadlines"


def _set(case, by, **dates):
    return workflow_services.case_key_dates_update(case=case, by=by, changes=dates)


def _stored(case):
    return {d.code: d for d in Deadline.objects.filter(case=case)}


def _informed(case, by, on=date(2026, 11, 5)):
    return take(case, Step.INFORM_LA, by, on=on)


def test_web_app_dates_match_the_command_line(open_case, case_officer_cal):
    case = to_concluded(open_case, case_officer_cal, outcome="not_agreed")
    assert case.notice_sent_on is not None
    payload = {
        "decision": {
            "type": case.decision_type,
            "section_i_only": case.section_i_only,
            "notice_sent": case.notice_sent_on.isoformat(),
        },
        "issues": ["education", "health"],
        "events": {
            "adviser_contacted": "2026-11-03",
            "la_informed": "2026-11-05",
            "meeting_date": "2026-11-20",
            "mediation_held": "2026-11-20",
            "mediation_concluded": "2026-11-20",
        },
    }
    result = subprocess.run(
        [str(COMMAND)], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    expected = {d["code"]: d for d in json.loads(result.stdout)["deadlines"]}
    stored = _stored(case)
    assert set(stored) == set(expected)
    for code, item in expected.items():
        assert stored[code].due.isoformat() == item["due"]
        assert stored[code].explanation == item["explanation"]
        assert stored[code].rule == item["rule"]


def test_opening_a_case_computes_its_deadlines(open_case):
    stored = _stored(open_case)
    # Notice sent Mon 2 Nov 2026: 2 months is Sat 2 Jan 2027, rolled to Mon 4 Jan 2027.
    assert stored["appeal_deadline"].due == date(2027, 1, 4)
    assert "adviser_contact_window_ends" in stored
    assert stored["adviser_contact_window_ends"].met_on is not None  # the first call


def test_changing_an_event_moves_deadlines_and_records_history(open_case, case_officer_cal):
    case = _informed(open_case, case_officer_cal)
    assert _stored(case)["health_bodies_notified_by"].due == date(2026, 11, 10)
    assert case.next_deadline_code == "health_bodies_notified_by"
    case = _set(case, case_officer_cal, la_informed_on=date(2026, 11, 6))
    assert _stored(case)["health_bodies_notified_by"].due == date(2026, 11, 11)
    moved = TimelineEntry.objects.filter(
        case=case, kind="deadline", summary__startswith="Deadline moved"
    )
    assert moved.filter(summary__contains="from Tue 10 Nov 2026 to Wed 11 Nov 2026").count() == 1


def test_recalculating_twice_changes_nothing(open_case, case_officer_cal):
    case = _informed(open_case, case_officer_cal)
    before = TimelineEntry.objects.filter(case=case).count()
    assert services.deadline_recalculate(case=case) == []
    assert TimelineEntry.objects.filter(case=case).count() == before


def test_removing_health_issues_removes_the_health_deadline(open_case, case_officer_cal):
    case = _informed(open_case, case_officer_cal)
    case = _set(case, case_officer_cal, issue_health=False)
    assert "health_bodies_notified_by" not in _stored(case)
    assert TimelineEntry.objects.filter(case=case, summary__startswith="Deadline removed").exists()


def test_met_deadlines_leave_the_queue(open_case, case_officer_cal):
    case = _informed(open_case, case_officer_cal)
    case = take(case, Step.RECORD_HEALTH_NOTIFIED, case_officer_cal, on=date(2026, 11, 9))
    assert _stored(case)["health_bodies_notified_by"].met_on == date(2026, 11, 9)
    assert case.next_deadline_code == "mediation_by"
    assert case.next_deadline_due == date(2026, 12, 5)


def test_meeting_notice_is_five_working_days_before_the_meeting(open_case, case_officer_cal):
    # Meeting on Fri 18 Dec 2026, the meeting day not counted: 17, 16, 15, 14, 11 Dec, so
    # everyone must be told by Fri 11 Dec (reg 37(2), the engine's meeting_notice_by).
    case = _informed(open_case, case_officer_cal)
    case = take(case, Step.BOOK_MEETING, case_officer_cal, on=date(2026, 12, 18))
    notice = _stored(case)["meeting_notice_by"]
    assert notice.due == date(2026, 12, 11)
    assert notice.rule == "SEND Regulations 2014 reg 37(2)"
    _set(case, case_officer_cal, meeting_confirmation_sent_on=date(2026, 12, 7))
    assert _stored(case)["meeting_notice_by"].met_on == date(2026, 12, 7)


def test_short_notice_agreed_means_no_notice_deadline(open_case, case_officer_cal):
    case = _informed(open_case, case_officer_cal)
    case = take(case, Step.BOOK_MEETING, case_officer_cal, on=date(2026, 12, 9))
    assert "meeting_notice_by" in _stored(case)
    case = _set(case, case_officer_cal, short_notice_agreed=True)
    assert "meeting_notice_by" not in _stored(case)
    assert TimelineEntry.objects.filter(
        case=case, summary__contains="agreed to less than 5 working days' notice"
    ).exists()


def test_a_closure_day_never_moves_the_appeal_deadline(open_case, manager_sue):
    # Notice sent Mon 2 Nov 2026: 2 months is Sat 2 Jan 2027, so Mon 4 Jan 2027. A service
    # closure day on 4 Jan moves the service's deadlines, never the Tribunal's.
    assert _stored(open_case)["appeal_deadline"].due == date(2027, 1, 4)
    change = services.closure_day_add(
        day=date(2027, 1, 4), name="Service closed", kind="closure", by=manager_sue
    )
    services.open_cases_recalculate_for_change(change_id=change.pk)
    appeal = _stored(open_case)["appeal_deadline"]
    assert appeal.due == date(2027, 1, 4)
    assert "closure days do not move the Tribunal's deadline" in appeal.explanation
    # A proclaimed bank holiday does move it.
    ClosureDay.objects.all().delete()
    services.closure_day_add(
        day=date(2027, 1, 4), name="Proclaimed holiday", kind="proclaimed", by=manager_sue
    )
    services.deadline_recalculate(case=open_case)
    assert _stored(open_case)["appeal_deadline"].due == date(2027, 1, 5)


def test_no_clocks_without_a_right_of_appeal(case_officer_cal, local_authority):
    from mediation.cases.tests.factories import enquiry_data
    from mediation.domain.case_states import Route

    enquiry = case_services.enquiry_record(
        by=case_officer_cal,
        data=enquiry_data(local_authority, decision_type="other_disagreement", notice_sent_on=None),
    )
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry,
        route=Route.DISAGREEMENT_RESOLUTION,
        owner=case_officer_cal,
        by=case_officer_cal,
    )
    assert _stored(case) == {}
    assert case.next_deadline_due is None


def test_adding_a_closure_day_moves_open_deadlines(open_case, case_officer_cal, manager_sue):
    case = _informed(open_case, case_officer_cal)
    assert _stored(case)["health_bodies_notified_by"].due == date(2026, 11, 10)
    change = services.closure_day_add(
        day=date(2026, 11, 9), name="Service training day", kind="closure", by=manager_sue
    )
    services.open_cases_recalculate_for_change(change_id=change.pk)
    change.refresh_from_db()
    assert change.status == CalendarChange.Status.DONE
    assert _stored(case)["health_bodies_notified_by"].due == date(2026, 11, 11)
    assert {
        "case": case.reference,
        "code": "health_bodies_notified_by",
        "old": "2026-11-10",
        "new": "2026-11-11",
    }.items() <= change.moved[0].items()
    assert "Service training day" in _stored(case)["health_bodies_notified_by"].explanation
    removal = services.closure_day_remove(closure=ClosureDay.objects.get(), by=manager_sue)
    services.open_cases_recalculate_for_change(change_id=removal.pk)
    assert _stored(case)["health_bodies_notified_by"].due == date(2026, 11, 10)


def test_closing_a_case_excludes_it_from_recalculation(open_case, case_officer_cal, manager_sue):
    case = _informed(open_case, case_officer_cal)
    workflow_services.case_transition(case=case, to_state=CaseState.CLOSED, by=case_officer_cal)
    change = services.closure_day_add(
        day=date(2026, 11, 9), name="Closed", kind="closure", by=manager_sue
    )
    assert services.open_cases_recalculate_for_change(change_id=change.pk) == 0


# Reminders --------------------------------------------------------------------------------


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the daily scan and the sends it queues after commit, as the worker would."""

    def run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return deadline_reminders_send(today=today)

    return run


@pytest.fixture
def due_case(open_case, case_officer_cal):
    # Health bodies must be told by Tue 10 Nov 2026.
    return _informed(open_case, case_officer_cal)


def test_reminder_before_the_deadline_goes_to_the_owner_once(due_case, manager_sue, remind):
    run = remind(date(2026, 11, 6))  # Fri; due Tue = 2 working days
    assert run.due_soon == 1 and run.overdue == 0
    assert [m.to for m in mail.outbox] == [[due_case.owner.email]]
    assert remind(date(2026, 11, 6)).messages_created == 0
    assert remind(date(2026, 11, 9)).messages_created == 0
    assert len(mail.outbox) == 1


def test_overdue_reminder_goes_to_owner_and_managers(due_case, manager_sue, remind):
    remind(date(2026, 11, 11))
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([due_case.owner.email, manager_sue.email])
    body = mail.outbox[0].body
    assert due_case.reference in body and "Isla" not in body and "Whitfield" not in body


def test_no_reminder_for_met_or_far_off_deadlines(due_case, case_officer_cal, remind):
    assert remind(date(2026, 11, 2)).messages_created == 0
    take(due_case, Step.RECORD_HEALTH_NOTIFIED, case_officer_cal, on=date(2026, 11, 6))
    assert remind(date(2026, 11, 11)).messages_created == 0


def test_a_moved_deadline_gets_a_fresh_reminder(due_case, case_officer_cal, remind):
    remind(date(2026, 11, 6))
    _set(due_case, case_officer_cal, la_informed_on=date(2026, 11, 6))  # now due Wed 11 Nov
    assert remind(date(2026, 11, 9)).messages_created == 1


def test_messages_are_logged_per_recipient(due_case, manager_sue, remind):
    remind(date(2026, 11, 11))
    assert Message.objects.filter(status=Message.Status.SENT).count() == 2
    assert set(Message.objects.values_list("case_id", flat=True)) == {due_case.pk}


def test_reminders_fall_on_working_days(due_case, manager_sue, remind):
    # Due Tue 10 Nov 2026: nothing on Sat 7 or Sun 8 Nov, the overdue reminder on Wed 11 Nov.
    assert remind(date(2026, 11, 7)).messages_created == 0
    assert remind(date(2026, 11, 8)).messages_created == 0
    assert not mail.outbox
    assert remind(date(2026, 11, 9)).messages_created == 1

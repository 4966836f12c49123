"""Meetings cancelled or moved, and disagreement resolution declined, counted by why (the short
lists) as well as by who asked (issue 23, item 3): the cases are made, and their meetings booked,
moved and cancelled, through the staff services; each figure is checked against what was done,
per LA, per contract and in all, and found on the dashboard, in the quarterly report and in the
counts CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from mediation.authorities.models import Contract
from mediation.cases import services as case_services
from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
from mediation.domain.case_states import CaseState, Route, Step
from mediation.meetings import services as meetings
from mediation.meetings.models import MeetingChange
from mediation.meetings.tests.conftest import (  # noqa: F401 (fixtures)
    ONLINE,
    arranging_case,
    at,
    working_days_from_today,
)
from mediation.reports import services
from mediation.reports.metrics import BY_KEY, CHANGE_REASON_ROWS, DECLINE_REASON_ROWS
from mediation.reports.models import QuarterlyReport
from mediation.reports.periods import period_from_token, quarter_of
from mediation.reports.selectors import (
    ReportFilters,
    compute,
    compute_by_authority,
    metric_rows,
    report_filters,
)
from mediation.workflow.services import case_open_from_enquiry, case_take_step

pytestmark = pytest.mark.django_db


def _quarter_of(day):
    period = period_from_token(quarter_of(day))
    assert period is not None
    return period


def _this_quarter():
    return _quarter_of(timezone.localdate())


def _book(case, by, days):
    slot = meetings.slot_offer_add(
        case=case,
        by=by,
        starts_at=at(working_days_from_today(days)),
        duration_minutes=120,
        mode="online",
    )
    return meetings.meeting_book(
        case=case,
        slot=slot,
        by=by,
        details=ONLINE,
        short_notice_consent=False,
        expected_state=CaseState(case.status),
    )


def _cancel(meeting, by, who, why):
    return meetings.meeting_cancel(
        meeting=meeting,
        by=by,
        reason="As they told us on the phone",
        requested_by=who,
        reason_kind=why,
        expected_state=CaseState.MEETING_BOOKED,
    )


def _opened(authority, by, route, caller):
    today = timezone.localdate()
    enquiry = case_services.enquiry_record(
        by=by,
        data=enquiry_data(
            authority,
            caller_name=caller,
            notice_sent_on=today - timedelta(days=20),
            letter_dated_on=today - timedelta(days=22),
        ),
    )
    return case_open_from_enquiry(enquiry=enquiry, route=route, owner=by, by=by)


@pytest.fixture
def world(arranging_case, case_officer_cal, local_authority):  # noqa: F811
    by = case_officer_cal
    other = LocalAuthorityFactory(name="Southmoor County Council", code="SMC")
    # Our LA: moved at the school's request (someone cannot come), then cancelled by the
    # family (illness); booked again and cancelled by the LA (someone cannot come).
    meeting = _book(arranging_case, by, 10)
    meetings.meeting_reschedule(
        meeting=meeting,
        by=by,
        starts_at=at(working_days_from_today(12)),
        duration_minutes=120,
        mode="online",
        details=ONLINE,
        reason="School trip that day",
        short_notice_consent=False,
        requested_by="school",
        reason_kind="not_available",
    )
    _cancel(meeting, by, "family", "illness")
    arranging_case.refresh_from_db()
    _cancel(_book(arranging_case, by, 11), by, "la", "not_available")
    # The other LA: a mediation cancelled by the LA while it waits for reports.
    theirs = _opened(other, by, Route.MEDIATION, "Raj Kaur")
    theirs = case_take_step(
        case=theirs,
        step=Step.INFORM_LA,
        by=by,
        data={"on": timezone.localdate()},
        expected_state=CaseState(theirs.status),
    )
    _cancel(_book(theirs, by, 10), by, "la", "information")
    # Disagreement resolution declined: in our LA by the LA (prefers an appeal), in the other
    # by the family (does not want to take part).
    for authority, side, why, caller in (
        (local_authority, "la", "appeal", "Ann Jones"),
        (other, "family", "not_willing", "Kim Lee"),
    ):
        case = _opened(authority, by, Route.DISAGREEMENT_RESOLUTION, caller)
        case_services.participation_declined_record(
            case=case,
            by=by,
            data={"side": side, "reason_kind": why, "declined_on": timezone.localdate()},
        )
    return {"ours": arranging_case, "theirs": theirs, "other": other}


def test_cancellations_moves_and_declines_are_counted_by_why_per_la_and_in_all(
    world, local_authority
):
    period = _this_quarter()
    every = compute(ReportFilters(period=period))
    # What was done above, whoever asked.
    assert every["cancelled_for_illness"].value == 1
    assert every["cancelled_for_not_available"].value == 1
    assert every["cancelled_for_information"].value == 1
    assert every["moved_for_not_available"].value == 1
    assert every["cancelled_for_unrecorded"].value == 0
    assert every["declined_for_appeal"].value == 1
    assert every["declined_for_not_willing"].value == 1
    # Each cancellation or move has one reason: the reasons add up to the changes.
    for verb in ("cancelled", "moved"):
        by_why = sum(every[f"{verb}_for_{r or 'unrecorded'}"].value for r, *_ in CHANGE_REASON_ROWS)
        assert (
            by_why
            == MeetingChange.objects.filter(
                kind="cancelled" if verb == "cancelled" else "rescheduled"
            ).count()
        )
    assert sum(every[key].value for _, key in DECLINE_REASON_ROWS) == 2
    # By who asked, as before: the LA cancelled two (ours and theirs).
    assert every["cancelled_by_la"].value == 2
    # Per LA.
    keys = [BY_KEY[k] for k in ("cancelled_for_information", "cancelled_for_not_available",
                                "declined_for_appeal", "declined_for_not_willing")]  # fmt: skip
    per_la = compute_by_authority(ReportFilters(period=period), metrics=keys)
    ours, theirs = per_la[local_authority.pk], per_la[world["other"].pk]
    assert [ours[m.key].value for m in keys] == [0, 1, 1, 0]
    assert [theirs[m.key].value for m in keys] == [1, 0, 0, 1]
    # A contract of the other LA only counts its figures.
    contract = Contract.objects.create(
        name="South group", lead=world["other"], starts_on=period.start
    )
    contract.members.set([world["other"]])
    together = compute(report_filters(period, contract=contract), metrics=keys)
    assert [together[m.key].value for m in keys] == [1, 0, 0, 1]
    # A period before these changes counts none of them.
    before = compute(
        ReportFilters(period=_quarter_of(period.start - timedelta(days=1))),
        metrics=keys,
    )
    assert [before[m.key].value for m in keys] == [0, 0, 0, 0]
    # The drill-down lists exactly the cases behind a number.
    rows = metric_rows(BY_KEY["cancelled_for_information"], ReportFilters(period=period))
    assert [row.meeting.case.reference for row in rows] == [world["theirs"].reference]


def test_the_reasons_appear_on_the_dashboard_in_the_quarterly_report_and_the_csv(
    client, world, manager_sue, local_authority
):
    period = _this_quarter()
    token = quarter_of(timezone.localdate())
    login(client, manager_sue)
    html = client.get(reverse("reports:dashboard"), {"period": token}).content.decode()
    assert "Cancellations, moves and declines, by why" in html
    assert "metric=cancelled_for_illness" in html and "metric=declined_for_appeal" in html
    drill = client.get(
        reverse("reports:cases"), {"period": token, "metric": "cancelled_for_information"}
    )
    assert drill.status_code == 200 and world["theirs"].reference in drill.content.decode()

    report = QuarterlyReport.objects.create(
        local_authority=local_authority,
        year=period.start.year,
        quarter=(period.start.month - 1) // 3 + 1,
        requested_by=manager_sue,
    )
    text, pdf = services.quarterly_report_content(report)
    assert pdf.startswith(b"%PDF")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
    # Our LA: moved once and cancelled once because someone could not come; cancelled once
    # for illness; the LA declined once preferring an appeal. Not the other LA's figures.
    assert "by why" in text
    assert "Someone who must attend cannot come 1 1" in text
    assert "Illness or an emergency 1 0" in text
    assert "Waiting for reports or information 0 0" in text
    assert "Prefers to appeal to the Tribunal, or has appealed 1" in text
    assert "Does not want to take part 0" in text

    response = client.get(reverse("reports:export-counts"), {"period": token})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by = {(row["la_code"], row["measure"]): row["value"] for row in rows}
    assert by[("NFD", "cancelled_for_illness")] == "1"
    assert by[("SMC", "cancelled_for_information")] == "1"
    assert by[("NFD", "cancelled_for_information")] == "0"
    assert by[("SMC", "declined_for_not_willing")] == "1"
    assert by[("ALL", "moved_for_not_available")] == "1"
    assert by[("ALL", "declined_for_appeal")] == "1"
    named = {row["measure"]: row["measure_name"] for row in rows}
    assert named["cancelled_for_illness"] == "Meetings cancelled: illness or an emergency"

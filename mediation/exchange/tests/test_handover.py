"""Handing over an LA's open cases: the archive (documented CSV and JSON, every file hashed in the
manifest), read back into an empty service through the caseload import with nothing lost, the
hand-over audited and the cases closed as handed over."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from mediation.audit.models import AuditEvent
from mediation.calendar_feeds.selectors import feed_ics
from mediation.cases.models import Case, ClosureOutcome, Enquiry, Party
from mediation.common.errors import ServiceError
from mediation.deadlines.clocks import service_calendar
from mediation.deadlines.models import Deadline
from mediation.documents.models import GeneratedDocument
from mediation.domain.case_states import CaseState, Route, Step
from mediation.exchange import handover as handover_services
from mediation.exchange import services
from mediation.exchange.models import CaseloadImport, Handover, ImportedCase, ImportRow
from mediation.exchange.tests.conftest import run_on_commit
from mediation.feedback.models import SurveyInvitation
from mediation.meetings.models import MediatorCall, Meeting, MeetingChange
from mediation.meetings.selectors import calls_for_mediator, meetings_between
from mediation.meetings.services import meeting_book, slot_offer_add
from mediation.notifications.models import Message
from mediation.outcomes import services as outcomes
from mediation.outcomes.models import AgreedAction, OutcomeStatement
from mediation.outcomes.tests.conftest import TODAY, agree_all, make_held_case, write_statement
from mediation.timeline.models import TimelineEntry
from mediation.uploads.models import Purpose, Upload
from mediation.workflow.services import case_key_dates_update, case_take_step

pytestmark = pytest.mark.django_db


def _step(case, step, by, **data):
    return case_take_step(
        case=case, step=step, by=by, data=data, expected_state=CaseState(case.status)
    )


@pytest.fixture
def caseload(
    open_case, case_officer_cal, mediator_mia, local_authority, django_capture_on_commit_callbacks
):
    """Four open cases of one LA at different stages, made through the staff services, and a
    closed one that is not handed over."""
    by = case_officer_cal
    # 1. A mediation whose meeting is booked (letters sent, the mediator's calls to make).
    booked = _step(open_case, Step.INFORM_LA, by, on=TODAY - timedelta(days=3))
    # A working day about three weeks away (a bank holiday needs its own confirmation).
    calendar = service_calendar()
    day = calendar.add_working_days(
        calendar.subtract_working_days(TODAY + timedelta(days=21), 1), 1
    )
    slot = slot_offer_add(
        case=booked,
        by=by,
        starts_at=timezone.make_aware(datetime.combine(day, time(10, 0))),
        duration_minutes=120,
        mode="venue",
    )
    meeting_book(
        case=booked,
        slot=slot,
        by=by,
        details={"venue_name": "Northfield Library", "venue_address": "1 High Street"},
        short_notice_consent=False,
        expected_state=CaseState.ARRANGING,
    )
    # 2. A mediation held, its statement agreed and final, the certificate issued (a real PDF),
    # the statement sent, one action done and one given a new date, now followed up.
    held = make_held_case(by, mediator_mia, local_authority)
    # The family first called just after the decision (the fixture's enquiry is today's).
    held = case_key_dates_update(
        case=held, by=by, changes={"adviser_contacted_on": TODAY - timedelta(days=44)}
    )
    write_statement(
        held,
        mediator_mia,
        actions=[
            ("Agree to carry out an EHC needs assessment", "assessment", None),
            ("Issue a draft EHC plan", "make_plan", TODAY + timedelta(days=20)),
        ],
    )
    agree_all(held, mediator_mia)
    outcomes.statement_finalise(case=held, by=mediator_mia)
    held.refresh_from_db()
    assert held.mediation_held_on is not None  # the fixture's meeting was held
    held = _step(held, Step.ISSUE_CERTIFICATE, by, on=held.mediation_held_on + timedelta(days=2))
    outcomes.statement_circulate(case=held, by=by)
    held = _step(held, Step.START_FOLLOW_UP, by)
    first, second = AgreedAction.objects.filter(case=held).order_by("position")
    outcomes.action_mark_done(
        action=first, by=by, done_on=TODAY - timedelta(days=5), evidence="LA letter of 2 Dec"
    )
    outcomes.action_vary(
        action=second,
        by=by,
        new_due=TODAY + timedelta(days=40),
        agreed_in_writing_on=TODAY - timedelta(days=1),
        reason="The school asked for more time",
    )
    # 3. A certificate without mediation, due; 4. disagreement resolution, everyone agreed.
    from mediation.cases import services as case_services
    from mediation.cases.tests.factories import enquiry_data
    from mediation.workflow.services import case_open_from_enquiry

    def opened(route, **extra):
        enquiry = case_services.enquiry_record(
            by=by,
            data=enquiry_data(
                local_authority,
                caller_name=extra.pop("caller", "Ann Jones"),
                child_first_name="Tom",
                notice_sent_on=TODAY - timedelta(days=20),
                **extra,
            ),
        )
        return case_open_from_enquiry(enquiry=enquiry, route=route, owner=by, by=by)

    certificate = opened(Route.CERTIFICATE_ONLY)
    resolution = opened(
        Route.DISAGREEMENT_RESOLUTION, caller="Raj Kaur", decision_type="other_disagreement"
    )
    resolution = _step(resolution, Step.RECORD_CONSENT, by, on=TODAY - timedelta(days=2))
    closed = opened(Route.MEDIATION, caller="Kim Lee")
    with django_capture_on_commit_callbacks(execute=True):
        _step(closed, Step.CLOSE, by, closure_outcome=ClosureOutcome.WITHDRAWN, reason="x")
    return {"booked": booked, "held": held, "certificate": certificate, "resolution": resolution}


FACTS = handover_services._FACT_FIELDS


def snapshot(case: Case) -> dict:
    """What must come back: the facts, the people, the deadlines (an agreed action's by its
    position), the meeting, the statement and actions, the history and the documents' hashes."""
    case.refresh_from_db()
    actions = {a.pk: a.position for a in AgreedAction.objects.filter(case=case)}

    def code(value: str) -> str:
        prefix, _, number = value.partition(":")
        return f"{prefix}:#{actions[int(number)]}" if number.isdigit() else value

    statement = OutcomeStatement.objects.filter(case=case).first()
    return {
        "facts": {name: getattr(case, name) for name in FACTS},
        "child": (case.child_first_name, case.child_last_name, case.child_date_of_birth),
        "la": case.local_authority.code,
        "parties": sorted(
            (
                p.role,
                p.name,
                p.relationship,
                p.organisation,
                p.phone,
                p.email,
                p.address,
                p.preferred_contact,
                p.is_main_contact,
                p.language,
                p.interpreter_needed,
                p.reasonable_adjustments,
                p.supporter_kind,
                p.supports.name if p.supports else "",
                p.additional_officer,
            )
            for p in Party.objects.filter(case=case)
        ),  # fmt: skip
        "deadlines": sorted(
            (code(d.code), d.due, d.met_on) for d in Deadline.objects.filter(case=case)
        ),
        "meetings": [
            (m.starts_at, m.duration_minutes, m.mode, m.venue_name, m.venue_address)
            for m in Meeting.objects.filter(case=case, status="booked")
        ],
        "statement": None
        if statement is None
        else (
            statement.outcome,
            statement.status,
            statement.key_points,
            [
                (a.what, a.who, a.kind, a.section, a.agreed_due, a.varied_due, a.done_on)
                for a in statement.actions.order_by("position")
            ],
        ),
        "timeline": [
            (e.at, e.summary, e.actor.display_name if e.actor else e.actor_name)
            for e in TimelineEntry.objects.filter(case=case)
            .select_related("actor")
            .order_by("at", "id")
        ],
        "documents": sorted(
            GeneratedDocument.objects.filter(case=case).values_list("sha256", flat=True)
        ),
    }


def _make_archive(authority, manager, capture):
    with capture() as callbacks:
        handover = handover_services.handover_start(authority=authority, by=manager)
    run_on_commit(callbacks)
    handover.refresh_from_db()
    return handover


def _empty_the_service():
    """As a new installation: no cases, no enquiries (the staff and LAs are set up as they
    would be there)."""
    from mediation.meetings.models import MeetingLetter
    from mediation.outcomes.models import Delivery

    for model in (Delivery, MeetingLetter, Case, Enquiry):  # documents are kept by the first two
        model.objects.all().delete()
    assert not Deadline.objects.exists() and not TimelineEntry.objects.exists()


def test_the_archive_reads_back_into_an_empty_service_with_nothing_lost(
    caseload, local_authority, manager_sue, django_capture_on_commit_callbacks
):
    before = {case.reference: snapshot(case) for case in caseload.values()}
    # The comparison has something to compare: each kind of record is there to lose.
    held_before, booked_before = (
        before[caseload["held"].reference],
        before[caseload["booked"].reference],
    )
    assert held_before["statement"] and len(held_before["statement"][3]) == 2
    assert len(held_before["documents"]) >= 2 and held_before["deadlines"]  # certificate, statement
    assert any(code.startswith("agreed_action") for code, _, _ in held_before["deadlines"])
    assert booked_before["meetings"] and len(booked_before["parties"]) >= 1
    assert all(len(snap["timeline"]) >= 2 for snap in before.values())
    handover = _make_archive(local_authority, manager_sue, django_capture_on_commit_callbacks)
    assert handover.status == Handover.Status.READY
    assert sorted(handover.case_ids) == sorted(
        c.pk for c in caseload.values()
    )  # not the closed one
    data = bytes(handover.archive)
    assert hashlib.sha256(data).hexdigest() == handover.sha256
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        for entry in manifest["files"]:
            assert hashlib.sha256(bundle.read(entry["path"])).hexdigest() == entry["sha256"]
        names = set(bundle.namelist())
    assert {"cases.csv", "parties.csv", "deadlines.csv", "meetings.csv", "outcome_statements.csv",
            "agreed_actions.csv", "timeline.csv", "documents.csv"} <= names  # fmt: skip
    held = caseload["held"].reference
    assert f"cases/{held}/case.json" in names
    assert any(
        name.startswith(f"cases/{held}/documents/") and name.endswith(".pdf") for name in names
    )
    assert manifest["case_count"] == 4 and manifest["local_authority"]["code"] == "NFD"
    # Each case's history says it went into the archive; the making is audited.
    assert (
        TimelineEntry.objects.filter(summary__startswith="Put in the hand-over archive").count()
        == 4
    )
    assert AuditEvent.objects.filter(verb="handover.made").exists()

    _empty_the_service()
    job = services.caseload_import_upload(
        by=manager_sue, file_name=handover.filename, data=data, default_owner=manager_sue
    )
    assert job.kind == "archive" and job.status == CaseloadImport.Status.CHECKING
    services.caseload_import_check(job_id=job.pk)
    job.refresh_from_db()
    problems = {r.source_reference: r.problem_list for r in job.rows.all() if r.problem_list}
    assert problems == {}
    assert Case.objects.count() == 0  # the dry run made nothing
    assert not Upload.objects.exists()  # nor stored a file
    with django_capture_on_commit_callbacks() as callbacks:
        services.caseload_import_start(job=job, by=manager_sue)
    run_on_commit(callbacks)
    job.refresh_from_db()
    assert job.status == CaseloadImport.Status.DONE
    assert set(job.rows.values_list("result", flat=True)) == {ImportRow.Result.CREATED}

    for reference, expected in before.items():
        case = ImportedCase.objects.get(source_reference=reference).case
        after = snapshot(case)
        assert after["facts"] == expected["facts"], reference
        assert after["child"] == expected["child"] and after["la"] == expected["la"]
        assert after["parties"] == expected["parties"], reference
        assert after["deadlines"] == expected["deadlines"], reference
        assert after["meetings"] == expected["meetings"], reference
        assert after["statement"] == expected["statement"], reference
        # Every line of the history came across with its time and who did it there; the
        # import's own lines follow it.
        assert set(expected["timeline"]) <= set(after["timeline"]), reference
        # The documents, byte for byte: kept as files of the case.
        kept = sorted(
            Upload.objects.filter(case=case, purpose=Purpose.HANDED_OVER).values_list(
                "sha256", flat=True
            )
        )
        assert kept == expected["documents"], reference
    # Importing the archive again changes nothing.
    again = services.caseload_import_upload(
        by=manager_sue, file_name=handover.filename, data=data, default_owner=manager_sue
    )
    services.caseload_import_check(job_id=again.pk)
    assert set(again.rows.values_list("result", flat=True)) == {ImportRow.Result.ALREADY_HERE}


def test_a_changed_archive_is_refused(
    caseload, local_authority, manager_sue, django_capture_on_commit_callbacks
):
    handover = _make_archive(local_authority, manager_sue, django_capture_on_commit_callbacks)
    source = zipfile.ZipFile(io.BytesIO(bytes(handover.archive)))
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as bundle:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "cases.csv":
                content = content.replace(b"Whitfield", b"Whitfeld")
            bundle.writestr(info.filename, content)
    with pytest.raises(ServiceError, match="cases.csv in the archive does not match its SHA-256"):
        services.caseload_import_upload(
            by=manager_sue, file_name="x.zip", data=changed.getvalue(), default_owner=manager_sue
        )


def test_closing_the_cases_after_the_download(
    caseload, local_authority, manager_sue, django_capture_on_commit_callbacks
):
    handover = _make_archive(local_authority, manager_sue, django_capture_on_commit_callbacks)
    with pytest.raises(ServiceError, match="Download the archive first"):
        handover_services.handover_close_start(handover=handover, by=manager_sue)
    handover_services.handover_record_download(handover=handover, by=manager_sue)
    with django_capture_on_commit_callbacks() as callbacks:
        handover_services.handover_close_start(handover=handover, by=manager_sue)
    run_on_commit(callbacks)
    handover.refresh_from_db()
    assert handover.status == Handover.Status.CLOSED
    # Every case closes, the one with a meeting booked too: its meeting went with it.
    assert (handover.closed_count, handover.not_closed) == (4, "")
    for case in caseload.values():
        case.refresh_from_db()
        assert (case.status, case.closure_outcome) == (CaseState.CLOSED, ClosureOutcome.HANDED_OVER)
    # Nobody on a handed-over case is sent the end-of-case survey (only the case closed before).
    assert not SurveyInvitation.objects.filter(case__in=list(caseload.values())).exists()
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"handover.start", "handover.made", "handover.download", "handover.close_start",
            "handover.closed", "handover.include", "case.step.close",
            "meeting.hand_over"} <= verbs  # fmt: skip


def test_a_booked_meeting_is_handed_over_with_its_case(
    caseload, local_authority, manager_sue, mediator_mia, django_capture_on_commit_callbacks
):
    booked = caseload["booked"]
    meeting = Meeting.objects.get(case=booked, status="booked")
    when = meeting.starts_at
    assert MediatorCall.objects.filter(meeting=meeting, called_on__isnull=True).exists()
    handover = _make_archive(local_authority, manager_sue, django_capture_on_commit_callbacks)
    # The archive keeps the meeting as booked, so the next provider can hold it.
    with zipfile.ZipFile(io.BytesIO(bytes(handover.archive))) as bundle:
        rows = list(csv.DictReader(io.StringIO(bundle.read("meetings.csv").decode("utf-8-sig"))))
    ours = [row for row in rows if row["case_reference"] == booked.reference]
    assert len(ours) == 1 and ours[0]["status"] == "booked"
    assert ours[0]["starts_at"] == handover_services._iso(when)
    handover_services.handover_record_download(handover=handover, by=manager_sue)
    with django_capture_on_commit_callbacks() as callbacks:
        handover_services.handover_close_start(handover=handover, by=manager_sue)
    run_on_commit(callbacks)
    meeting.refresh_from_db()
    booked.refresh_from_db()
    # No longer booked here: not on the calendar, the calendar feed (cancelled there), nor the
    # mediator's calls; the case closed as handed over.
    assert meeting.status == "cancelled" and meeting.sequence == 1
    assert booked.status == CaseState.CLOSED and booked.meeting_planned_on is None
    day = timezone.localtime(when).date()
    assert meetings_between(user=manager_sue, start=day, end=day) == []
    assert not MediatorCall.objects.filter(meeting=meeting, called_on__isnull=True).exists()
    assert calls_for_mediator(user=mediator_mia) == []
    assert b"STATUS:CANCELLED" in feed_ics(mediator_mia, [meeting])
    # Recorded as asked by the service because the case was handed over: the reports count it.
    change = MeetingChange.objects.get(meeting=meeting, kind="cancelled")
    assert (change.requested_by, change.reason_kind) == ("service", "handed_over")
    assert change.reason.startswith("Handed over to another provider (archive ")
    history = list(TimelineEntry.objects.filter(case=booked).values_list("summary", flat=True))
    assert any(
        line.startswith("Meeting cancelled")
        and "Asked by the service (us): the case was handed over to another provider" in line
        and "Told that the meeting went with the case to the next provider: 2 emails" in line
        for line in history
    )
    # The family is told the meeting is not cancelled and the new provider will contact them,
    # with no calendar change; the mediator's invitation is withdrawn.
    messages = {
        m.recipient_email: m
        for m in Message.objects.filter(case_id=booked.pk, subject__contains="provider")
    }
    family = messages[booked.parties.get(role="parent_carer").email]
    assert family.subject == (
        f"Your mediation meeting: now arranged by a new provider ({booked.reference})"
    )
    weekday = f"{timezone.localtime(when):%A} {timezone.localtime(when).day}"
    assert f"Your mediation meeting on {weekday}" in family.body
    assert "is still planned" in family.body and "will contact you" in family.body
    assert "Northfield Borough Council" in family.body and "handed_over" not in family.body
    assert not family.attachments.exists()
    mediator = messages[mediator_mia.email]
    assert b"METHOD:CANCEL" in bytes(mediator.attachments.get().content)
    assert "no longer ours to hold" in mediator.body


def test_an_la_with_no_open_cases_has_nothing_to_hand_over(
    local_authority, manager_sue, case_officer_cal
):
    with pytest.raises(ServiceError, match="has no open cases"):
        handover_services.handover_start(authority=local_authority, by=manager_sue)
    with pytest.raises(ServiceError, match="Only managers"):
        handover_services.handover_start(authority=local_authority, by=case_officer_cal)


def test_a_booked_meeting_whose_day_passed_is_left_for_staff_to_record(
    caseload, local_authority, manager_sue, django_capture_on_commit_callbacks
):
    booked = caseload["booked"]
    handover = _make_archive(local_authority, manager_sue, django_capture_on_commit_callbacks)
    # Time passed: the meeting's day is behind us, and nobody recorded whether it was held.
    yesterday = timezone.now() - timedelta(days=1)
    Meeting.objects.filter(case=booked, status="booked").update(starts_at=yesterday)
    handover_services.handover_record_download(handover=handover, by=manager_sue)
    with django_capture_on_commit_callbacks() as callbacks:
        handover_services.handover_close_start(handover=handover, by=manager_sue)
    run_on_commit(callbacks)
    handover.refresh_from_db()
    booked.refresh_from_db()
    assert handover.closed_count == 3 and booked.status == CaseState.MEETING_BOOKED
    assert handover.not_closed.startswith(f"{booked.reference}: The meeting on ")
    assert handover.not_closed.endswith(
        "has passed: record whether it was held, then close the case."
    )
    assert Meeting.objects.get(case=booked).status == "booked"

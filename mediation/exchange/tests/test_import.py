"""Importing a messy caseload through the services: the dry run, the import, its idempotence,
the deadlines, the history and the audit log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from mediation.audit.models import AuditEvent
from mediation.cases.models import Case, Party
from mediation.common.errors import ServiceError
from mediation.deadlines.models import Deadline
from mediation.domain.case_states import CaseState
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.exchange import services
from mediation.exchange.models import CaseloadImport, ColumnMapping, ImportedCase, ImportRow
from mediation.exchange.tests.conftest import messy_csv, messy_xlsx, run_on_commit
from mediation.notifications.models import Message
from mediation.timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db


def _upload(manager, owner, data, name):
    return services.caseload_import_upload(
        by=manager, file_name=name, data=data, default_owner=owner
    )


def _check(job, manager, mapping, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.caseload_import_map(job=job, mapping=mapping, by=manager)
    run_on_commit(callbacks)  # the dry run, as the worker runs it
    job.refresh_from_db()
    return job


def _import(job, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.caseload_import_start(job=job, by=manager)
    run_on_commit(callbacks)
    job.refresh_from_db()
    return job


def _rows(job):
    return {row.source_reference: row for row in job.rows.all()}


def test_a_messy_csv_is_checked_row_by_row_then_imported_once(
    authorities, manager_sue, case_officer_cal, django_capture_on_commit_callbacks
):
    job = _upload(manager_sue, case_officer_cal, messy_csv(), "old-system.csv")
    # Their headings were recognised (a title line and a blank line before them).
    assert sorted(job.mapping.values()) == sorted(
        [
            "reference", "local_authority", "route", "decision", "child_first_name",
            "child_last_name", "child_date_of_birth", "contact_name", "contact_relationship",
            "contact_phone", "contact_email", "notice_sent_on", "first_contact_on",
            "la_informed_on", "meeting_on", "meeting_held_on", "outcome",
            "certificate_issued_on", "issues", "everyone_agreed_on",
        ]
    )  # fmt: skip
    assert job.rows_total == 6  # the blank lines are not rows
    job = _check(job, manager_sue, job.mapping, django_capture_on_commit_callbacks)
    assert job.status == CaseloadImport.Status.CHECKED
    assert Case.objects.count() == 0  # the dry run made nothing
    assert Message.objects.count() == 0
    rows = _rows(job)
    assert {ref: row.result for ref, row in rows.items()} == {
        "ABC-001": ImportRow.Result.WOULD_CREATE,
        "ABC-002": ImportRow.Result.WOULD_CREATE,
        "ABC-003": ImportRow.Result.WOULD_CREATE,
        "ABC-004": ImportRow.Result.WOULD_CREATE,
        "ABC-005": ImportRow.Result.PROBLEM,
        "ABC-006": ImportRow.Result.PROBLEM,
    }
    # Row numbers are the spreadsheet's own: a title, a blank line and the headings come first.
    assert rows["ABC-005"].problem_list == ["Row 9: the decision date 31/02/2026 is not a date"]
    assert rows["ABC-006"].problem_list == [
        "Row 10: the LA Atlantis is not a local authority here (add it in Manage first)"
    ]
    assert "at “LA told: arranging mediation”" in rows["ABC-001"].summary
    assert "Northfield Borough Council" in rows["ABC-001"].summary
    assert "Isla" not in rows["ABC-001"].summary  # no names in what the page lists

    job = _import(job, manager_sue, django_capture_on_commit_callbacks)
    assert job.status == CaseloadImport.Status.DONE
    assert bytes(job.content) == b""  # the file is not kept once its cases are made
    assert Case.objects.count() == 4
    made = {imported.source_reference: imported.case for imported in ImportedCase.objects.all()}
    first = made["ABC-001"]
    assert (first.status, first.local_authority.code, first.route) == (
        CaseState.ARRANGING,
        "NFD",
        "mediation",
    )
    assert (first.child_first_name, first.child_last_name) == ("Isla", "Whitfield")
    assert first.child_date_of_birth == date(2016, 4, 12)
    assert first.notice_sent_on == date(2026, 9, 2)
    assert first.adviser_contacted_on == date(2026, 9, 10)
    assert first.la_informed_on == date(2026, 9, 14)
    contact = Party.objects.get(case=first, is_main_contact=True)
    assert (contact.name, contact.relationship, contact.phone, contact.email) == (
        "Sarah Whitfield",
        "Mum",
        "07700 900123",
        "sarah@example.com",
    )
    assert contact.preferred_contact == "email"
    second = made["ABC-002"]
    assert second.status == CaseState.CERTIFICATE_ISSUED
    assert (second.mediation_held_on, second.outcome, second.certificate_issued_on) == (
        date(2026, 10, 12),
        "agreed_all",
        date(2026, 10, 14),
    )
    assert second.issue_health and second.issue_education
    assert second.adviser_contacted_on == date(2026, 9, 10)  # the Excel serial number
    assert not second.certificates.exists()  # issued before: none made or sent here
    assert made["ABC-003"].status == CaseState.CERTIFICATE_DUE
    assert made["ABC-003"].local_authority.code == "WDL"  # by its full name
    assert made["ABC-004"].status == CaseState.MEETING_BOOKED
    assert made["ABC-004"].issue_social_care and not made["ABC-004"].issue_education
    # Deadlines worked out for every case, as the steps were taken.
    for case in made.values():
        clocked = case.decision_type in APPEALABLE_DECISIONS and case.notice_sent_on is not None
        assert Deadline.objects.filter(case=case).exists() == clocked, (
            case.reference,
            case.decision_type,
            case.notice_sent_on,
        )
    assert made["ABC-001"].next_deadline_code == "mediation_by"
    # Each step is in the case's history, and the import too; nothing was sent to anyone.
    lines = list(TimelineEntry.objects.filter(case=first).values_list("summary", flat=True))
    assert any(line.startswith("LA told the family wants mediation") for line in lines)
    assert any("Imported from the file old-system.csv, row 4" in line for line in lines)
    assert Message.objects.count() == 0
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "caseload_import.upload",
        "caseload_import.map",
        "caseload_import.start",
        "caseload_import.finish",
        "caseload.import_row",
        "case.create",
        "case.step.inform-la",
    } <= verbs
    assert _rows(job)["ABC-001"].result == ImportRow.Result.CREATED

    # The same file again: every row is found, nothing changes.
    again = _upload(manager_sue, case_officer_cal, messy_csv(), "old-system.csv")
    again = _check(again, manager_sue, again.mapping, django_capture_on_commit_callbacks)
    results = {ref: row.result for ref, row in _rows(again).items()}
    assert results["ABC-001"] == ImportRow.Result.ALREADY_HERE
    assert [r for r in results.values() if r == ImportRow.Result.WOULD_CREATE] == []
    with pytest.raises(ServiceError, match="No row is ready to import"):
        services.caseload_import_start(job=again, by=manager_sue)
    assert Case.objects.count() == 4


def test_a_workbook_with_merged_headings_and_excel_dates(
    authorities, manager_sue, case_officer_cal, django_capture_on_commit_callbacks
):
    job = _upload(manager_sue, case_officer_cal, messy_xlsx(), "caseload.xlsx")
    assert job.kind == "xlsx"
    assert job.rows_total == 3
    job = _check(job, manager_sue, job.mapping, django_capture_on_commit_callbacks)
    rows = _rows(job)
    assert rows["X-1"].result == ImportRow.Result.WOULD_CREATE, rows["X-1"].problem_list
    assert rows["X-2"].result == ImportRow.Result.WOULD_CREATE, rows["X-2"].problem_list
    # The problem names the column as the sheet does, without its group heading.
    assert rows["X-3"].problem_list == ["Row 7: the decision notice sent 31/02/2026 is not a date"]
    job = _import(job, manager_sue, django_capture_on_commit_callbacks)
    made = {i.source_reference: i.case for i in ImportedCase.objects.select_related("case")}
    assert made["X-1"].la_informed_on == date(2026, 9, 14)
    assert made["X-1"].adviser_contacted_on == date(2026, 9, 10)  # a serial number
    assert made["X-2"].child_date_of_birth == date(2012, 1, 5)  # a serial number
    contact = Party.objects.get(case=made["X-1"], is_main_contact=True)
    assert (contact.phone, contact.email) == (
        "07700 900123",
        "sarah@example.com",
    )  # as UK numbers are written


def test_the_mapping_is_remembered_for_the_next_file(
    authorities, manager_sue, case_officer_cal, django_capture_on_commit_callbacks
):
    job = _upload(manager_sue, case_officer_cal, messy_csv(), "first.csv")
    mapping = dict(job.mapping)
    # The manager chooses not to import the "Issues" column this time.
    issues_index = next(i for i, key in mapping.items() if key == "issues")
    mapping.pop(issues_index)
    _check(job, manager_sue, mapping, django_capture_on_commit_callbacks)
    assert ColumnMapping.objects.get(heading="issues").column == ""
    assert ColumnMapping.objects.get(heading="case ref").column == "reference"
    second = _upload(manager_sue, case_officer_cal, messy_csv(), "second.csv")
    assert "issues" not in second.mapping.values()  # the choice made last time
    assert second.mapping[next(iter(k for k, v in mapping.items() if v == "reference"))] == (
        "reference"
    )


def test_rows_refused_by_the_services_say_why_in_plain_words(
    authorities, manager_sue, case_officer_cal, django_capture_on_commit_callbacks
):
    header = (
        "Reference,Local authority,Route,Decision disputed,Child's first name,Child's last name,"
        "Child's date of birth,Main contact's name,Phone,First contact,Decision notice sent,"
        "LA told,Meeting held,Outcome,Stage,Issues,Health body told\n"
    )
    rows = [
        # The LA told before the decision was sent: the fact rules refuse it.
        "R1,NFD,Mediation,Refusal to assess,A,B,1/1/2015,C D,07700 900111,10/9/2026,2/9/2026,"
        "1/9/2026,,,,,",
        # A stage that the dates do not give.
        "R2,NFD,Mediation,Refusal to assess,A,B,1/1/2015,C D,07700 900111,10/9/2026,2/9/2026,"
        "14/9/2026,,,Meeting booked,,",
        # Closed cases are not imported; a DR case for an appealable decision is fine.
        "R3,NFD,Mediation,Refusal to assess,A,B,1/1/2015,C D,07700 900111,10/9/2026,2/9/2026,,,,"
        "Closed,,",
        # No way to reach the family; an outcome without a meeting; health body told with no
        # health issue; mediation for a decision that cannot be appealed.
        "R4,NFD,Mediation,Other,A,B,1/1/2015,C D,,10/9/2026,,,,Agreed in full,,Education,20/9/2026",
        # A date in the future for something done.
        "R5,NFD,Mediation,Refusal to assess,A,B,1/1/2015,C D,07700 900111,10/9/2026,2/9/2026,"
        "1/1/2099,,,,,",
        # The mediation held with no LA told: the step is not possible from the first stage.
        "R6,NFD,Mediation,Refusal to assess,A,B,1/1/2015,C D,07700 900111,10/9/2026,2/9/2026,,"
        "20/10/2026,Agreed in part,,,",
    ]
    data = (header + "\n".join(rows) + "\n").encode()
    job = _upload(manager_sue, case_officer_cal, data, "wrong.csv")
    job = _check(job, manager_sue, job.mapping, django_capture_on_commit_callbacks)
    found = {ref: row.problem_list for ref, row in _rows(job).items()}
    assert found["R1"] == [
        "Row 2: the date the LA was told the family wants mediation must be on or after the "
        "day the decision letter was sent, Wednesday 2 September 2026."
    ]
    assert found["R2"] == [
        "Row 3: the stage given is “Meeting booked”, but the dates on the row put the case at "
        "“LA told: arranging mediation”. Check the dates or the stage."
    ]
    assert found["R3"] == ["Row 4: the case is closed: only open cases are imported"]
    assert (
        "Row 5: give the main contact's phone number, email address or postal address: there is no way to reach them"
        in found["R4"]
    )
    assert (
        "Row 5: mediation and certificates are only for decisions that can be appealed: give the route as disagreement resolution"
        in found["R4"]
    )
    assert "Row 5: an outcome needs the meeting held date" in found["R4"]
    assert "Row 5: the health body told date needs health among the issues" in found["R4"]
    assert found["R5"] == [
        "Row 6: the date the LA was told the family wants mediation must be today or earlier "
        f"(today is {_today_words()})."
    ]
    assert found["R6"] and found["R6"][0].startswith(
        "Row 7: the meeting (Tuesday 20 October 2026) could not be recorded: That step is not "
        "possible for this case now."
    )
    assert Case.objects.count() == 0


def test_a_meeting_booked_ahead_is_not_imported_as_held_and_a_past_one_is(
    authorities, manager_sue, case_officer_cal, django_capture_on_commit_callbacks
):
    from mediation.exchange.tests.conftest import future

    header = (
        "Reference,Local authority,Route,Decision disputed,Child's first name,Child's last name,"
        "Child's date of birth,Main contact's name,Phone,First contact,Decision notice sent,"
        "LA told,Meeting,Meeting held,Outcome\n"
    )
    ahead = future(30)
    rows = [
        # Booked for a day still to come, yet recorded as held: the case would say what the
        # meeting and everyone's invitation do not.
        "F1,NFD,Mediation,Refusal to assess,A,B,1/1/2015,C D,07700 900111,10/9/2026,2/9/2026,"
        f"14/9/2026,{ahead:%d/%m/%Y},20/10/2026,Agreed in part",
        # Booked for a day that has passed and held on it: imported as before.
        "P1,NFD,Mediation,Refusal to assess,A,B,1/1/2015,C D,07700 900111,10/9/2026,2/9/2026,"
        "14/9/2026,20/10/2026,20/10/2026,Agreed in part",
    ]
    data = (header + "\n".join(rows) + "\n").encode()
    job = _upload(manager_sue, case_officer_cal, data, "held.csv")
    job = _check(job, manager_sue, job.mapping, django_capture_on_commit_callbacks)
    found = {ref: row for ref, row in _rows(job).items()}
    # The import replays each event on its date's order: the held date comes before the day
    # booked, so the meeting is not yet booked when it is recorded as held, and it is refused.
    (problem,) = found["F1"].problem_list
    assert problem.startswith(
        "Row 2: that the meeting was held (Tuesday 20 October 2026) could not be recorded:"
    )
    assert found["P1"].result == ImportRow.Result.WOULD_CREATE


def _today_words():
    from django.utils import timezone

    from mediation.domain.dates import format_day_long

    return format_day_long(timezone.localdate())


def test_a_file_that_is_not_a_caseload_is_refused(authorities, manager_sue, case_officer_cal):
    with pytest.raises(ServiceError, match="The file is empty"):
        _upload(manager_sue, case_officer_cal, b"", "empty.csv")
    with pytest.raises(ServiceError, match="no rows of cases"):
        _upload(manager_sue, case_officer_cal, b"Reference,Route\n", "headings.csv")
    with pytest.raises(ServiceError, match="damaged"):
        _upload(manager_sue, case_officer_cal, b"PK\x03\x04 not a zip", "broken.xlsx")
    with pytest.raises(ServiceError, match="not text"):
        _upload(manager_sue, case_officer_cal, b"\x00\x01\x02binary", "photo.csv")
    with pytest.raises(ServiceError, match="Only managers"):
        _upload(case_officer_cal, case_officer_cal, messy_csv(), "x.csv")


def test_the_mapping_must_name_each_needed_column_once(authorities, manager_sue, case_officer_cal):
    job = _upload(manager_sue, case_officer_cal, messy_csv(), "x.csv")
    mapping = dict(job.mapping)
    with pytest.raises(ServiceError, match="Choose the column that holds “Reference”"):
        services.caseload_import_map(
            job=job, mapping={k: v for k, v in mapping.items() if v != "reference"}, by=manager_sue
        )
    twice = {**mapping, "0": "route"}
    with pytest.raises(ServiceError, match="“Route” is chosen for more than one column"):
        services.caseload_import_map(job=job, mapping=twice, by=manager_sue)


def test_the_sample_file_in_the_docs_imports_cleanly(
    authorities, manager_sue, case_officer_cal, django_capture_on_commit_callbacks
):
    """docs/caseload-sample.csv, which the manager's guide points to, is read without a question:
    its headings are ours, and every row would be made."""
    sample = Path(settings.BASE_DIR, "docs", "caseload-sample.csv").read_bytes()
    job = _upload(manager_sue, case_officer_cal, sample, "caseload-sample.csv")
    job = _check(job, manager_sue, job.mapping, django_capture_on_commit_callbacks)
    rows = _rows(job)
    assert {ref: row.result for ref, row in rows.items()} == {
        "OLD-0101": ImportRow.Result.WOULD_CREATE,
        "OLD-0102": ImportRow.Result.WOULD_CREATE,
        "OLD-0103": ImportRow.Result.WOULD_CREATE,
    }, {ref: row.problem_list for ref, row in rows.items()}

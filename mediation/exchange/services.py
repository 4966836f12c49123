"""Importing a caseload: a file uploaded, its columns matched, a dry run, then the import, both
in the background; and the export that gives the same columns back.

Every case is made the way a case officer makes one (ADR 0055): the family's first contact is
recorded as an enquiry (`cases.services.enquiry_record`), the case is opened from it
(`workflow.services.case_open_from_enquiry`), and each dated event on the row is recorded by its
workflow step with its own date (`case_take_step`: "LA told" on 3 March, "meeting held" on
20 March...), so the case moves through its stages under the same checks, the fact rules run,
the history and audit log say what happened, and the deadlines are worked out at every step.
Nothing is written around the services.

The dry run does exactly that for each row and then undoes it (a transaction rolled back), so
what it reports is what the import will do. The import runs each row in a transaction of its
own: a row the services refuse is reported and the others are made. Each case made keeps the
row's reference (`ImportedCase`, unique in the service), so importing the same file again
finds each row already here and changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import Role, User
from mediation.audit.services import audit_record
from mediation.cases.models import Case
from mediation.cases.services import case_assign_mediator, enquiry_record
from mediation.common.dispatch import enqueue_on_commit
from mediation.common.errors import ServiceError
from mediation.deadlines.labels import deadline_label
from mediation.domain.case_states import STATE_LABELS, STEPS, CaseState, Route, Step
from mediation.domain.dates import format_day_long
from mediation.exchange import reading
from mediation.exchange.columns import BY_KEY, REQUIRED
from mediation.exchange.handover import archive_read, case_take_over_extras
from mediation.exchange.models import (
    CaseloadImport,
    ColumnMapping,
    FileKind,
    ImportedCase,
    ImportRow,
)
from mediation.exchange.parsing import as_text, lower_first
from mediation.exchange.rows import CaseRow, Lookups, parse_cells, read_row, route_words
from mediation.timeline.services import timeline_record
from mediation.workflow.services import (
    case_key_dates_update,
    case_open_from_enquiry,
    case_take_step,
)

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ARCHIVE_UPLOAD_BYTES = 200 * 1024 * 1024  # a hand-over archive holds every PDF of an LA
PROGRESS_EVERY = 5  # rows between two progress updates


def may_import(user: User) -> bool:
    return user.is_authenticated and user.can_manage_service


# Uploading and matching the columns ----------------------------------------------------------


def saved_mapping() -> dict[str, str]:
    """Every heading matched before and the column it meant (normalised heading -> key)."""
    return dict(ColumnMapping.objects.values_list("heading", "column"))


def table_of(job: CaseloadImport) -> reading.Table:
    if job.kind == FileKind.ARCHIVE:
        cases = archive_read(bytes(job.content)).files.get("cases.csv", b"")
        return reading.read_table(cases, kind=FileKind.CSV)
    return reading.read_table(bytes(job.content), kind=job.kind, saved=saved_mapping())


@transaction.atomic
def caseload_import_upload(
    *,
    by: User,
    file_name: str,
    data: bytes,
    default_owner: User,
    request: HttpRequest | None = None,
) -> CaseloadImport:
    """Keep an uploaded file for importing; refused (ServiceError) if it cannot be read."""
    if not may_import(by):
        raise ServiceError("Only managers can import a caseload.")
    is_archive = data[:4] == b"PK\x03\x04" and file_name.lower().endswith(".zip")
    if is_archive and len(data) > MAX_ARCHIVE_UPLOAD_BYTES:
        raise ServiceError("A hand-over archive must be 200 MB or smaller.")
    if not is_archive and len(data) > MAX_UPLOAD_BYTES:
        raise ServiceError("The file is larger than 10 MB: split it into parts.")
    if default_owner.role == Role.MEDIATOR or not default_owner.is_active:
        raise ServiceError("Choose an active case officer or manager.")
    try:
        kind = reading.kind_of(data)
        if kind == FileKind.ARCHIVE:
            # Every file checked against the manifest before anything else is read.
            archived = archive_read(data).files.get("cases.csv", b"")
            table = reading.read_table(archived, kind=FileKind.CSV)
        else:
            table = reading.read_table(data, kind=kind, saved=saved_mapping())
    except reading.FileUnreadable as unreadable:
        raise ServiceError(str(unreadable)) from None
    if not table.rows:
        raise ServiceError("The file has headings but no rows of cases.")
    job = CaseloadImport.objects.create(
        file_name=file_name[:200],
        kind=kind,
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        default_owner=default_owner,
        uploaded_by=by,
        rows_total=len(table.rows),
        mapping={str(h.index): h.guess for h in table.headings if h.guess},
    )
    audit_record(
        actor=by,
        verb="caseload_import.upload",
        target=job,
        request=request,
        detail={"kind": kind, "size": len(data), "sha256": job.sha256, "rows": len(table.rows)},
    )
    if kind == FileKind.ARCHIVE:
        # An archive's columns are ours: nothing to match; the dry run starts at once.
        job = caseload_import_map(job=job, mapping=dict(job.mapping), by=by, request=request)
    return job


def mapping_refusals(mapping: dict[str, str]) -> list[str]:
    """What is wrong with a mapping (position -> our key): a column of ours chosen twice, or a
    column every row needs not chosen."""
    chosen = [key for key in mapping.values() if key]
    problems = [
        f"“{BY_KEY[key].heading}” is chosen for more than one column: choose it once"
        for key in sorted(set(chosen), key=chosen.index)
        if chosen.count(key) > 1
    ]
    problems += [
        f"Choose the column that holds “{BY_KEY[key].heading}”"
        for key in REQUIRED
        if key not in chosen
    ]
    return problems


@transaction.atomic
def caseload_import_map(
    *,
    job: CaseloadImport,
    mapping: dict[str, str],
    by: User,
    request: HttpRequest | None = None,
) -> CaseloadImport:
    """Keep the manager's matching of the file's columns (and remember it for the next file),
    then start the dry run."""
    job = CaseloadImport.objects.select_for_update().get(pk=job.pk)
    if job.status not in {CaseloadImport.Status.MAPPING, CaseloadImport.Status.CHECKED}:
        raise ServiceError("This file is being checked or imported: its columns cannot change now.")
    refusals = mapping_refusals(mapping)
    if refusals:
        raise ServiceError(refusals[0])
    table = table_of(job)
    now = timezone.now()
    for heading in table.headings:
        ColumnMapping.objects.update_or_create(
            heading=heading.key,
            defaults={
                "column": mapping.get(str(heading.index), ""),
                "updated_by": by,
                "updated_at": now,
            },
        )
    job.mapping = {index: key for index, key in mapping.items() if key}
    job.status = CaseloadImport.Status.CHECKING
    job.rows_done = 0
    job.rows_total = len(table.rows)
    job.save(update_fields=["mapping", "status", "rows_done", "rows_total"])
    audit_record(
        actor=by,
        verb="caseload_import.map",
        target=job,
        request=request,
        detail={"columns": sorted(job.mapping.values())},
    )
    enqueue_on_commit("mediation.exchange.tasks.caseload_check_task", job_id=job.pk)
    return job


# One row ----------------------------------------------------------------------------------


class RowRefused(ServiceError):
    """A service refused a step of the row; the message names the step and its date."""


_STEP_WORDS: dict[Step, str] = {
    Step.INFORM_LA: "that the LA was told",
    Step.RECORD_HEALTH_NOTIFIED: "that the health body was told",
    Step.RECORD_LA_UNABLE: "that the LA cannot arrange mediation",
    Step.RECORD_CONSENT: "that everyone agreed to take part",
    Step.FAMILY_WITHDRAWS: "that the family declined mediation",
    Step.BOOK_MEETING: "the meeting",
    Step.RECORD_MEETING_HELD: "that the meeting was held",
    Step.RECORD_OUTCOME: "the outcome",
    Step.ISSUE_CERTIFICATE: "the certificate",
}


def case_from_row(
    row: CaseRow,
    *,
    by: User,
    source: str,
    then: Callable[[Case], None] | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Make one case from a checked row through the staff services (call inside a transaction).
    `source` names where the row came from, for the case's history; `then(case)` adds what the
    row cannot hold (a hand-over archive's people, meeting, statement, history, documents)."""
    received = timezone.make_aware(
        datetime.combine(row.first_contact_on or timezone.localdate(), time(12, 0))
    )
    enquiry = enquiry_record(by=by, data={**row.enquiry, "received_at": received}, request=request)
    owner = row.owner
    if owner is None:
        raise RowRefused("Choose a case officer for the import, or give one on the row.")
    case = case_open_from_enquiry(
        enquiry=enquiry,
        route=row.route,
        owner=owner,
        by=by,
        issue_education="education" in row.issues,
        issue_health="health" in row.issues,
        issue_social_care="social_care" in row.issues,
        request=request,
    )
    declined = row.dates.get("mediation_declined_on")
    if declined and row.route == "certificate_only" and declined != case.mediation_declined_on:
        case = case_key_dates_update(
            case=case, by=by, changes={"mediation_declined_on": declined}, request=request
        )
    if row.mediator is not None:
        case = case_assign_mediator(case=case, mediator=row.mediator, by=by, request=request)
    for step, data in row.steps():
        try:
            case = case_take_step(
                case=case,
                step=step,
                by=by,
                data=data,
                expected_state=CaseState(case.status),
                request=request,
            )
        except ServiceError as refusal:
            raise RowRefused(
                f"{_STEP_WORDS.get(step, STEPS[step].label.lower())} "
                f"({format_day_long(data['on'])}) could not be recorded: {refusal}"
            ) from None
    if row.key_dates:
        case = case_key_dates_update(case=case, by=by, changes=row.key_dates, request=request)
    if then is not None:
        then(case)
        case.refresh_from_db()
    if row.stage is not None and case.status != row.stage:
        raise RowRefused(
            f"the stage given is “{STATE_LABELS[row.stage]}”, but the dates on the row put the "
            f"case at “{STATE_LABELS[CaseState(case.status)]}”. Check the dates or the stage."
        )
    imported = ImportedCase.objects.create(source_reference=row.reference, case=case)
    timeline_record(
        case=case,
        by=by,
        summary=f"Imported from {source}, row {row.number} (reference there: {row.reference})",
        verb="caseload.import_row",
        target=imported,
        request=request,
        detail={"row": row.number},
    )
    return case


def describe(case: Case) -> str:
    """What a row makes, in words, without names: the route and LA, the stage, what was
    recorded and the next deadline."""
    case.refresh_from_db()
    parts = [
        f"A {route_words(Route(case.route))} case for {case.local_authority.name}, at "
        f"“{STATE_LABELS[CaseState(case.status)]}”."
    ]
    if case.next_deadline_due and case.next_deadline_code:
        parts.append(
            f"Next deadline: {deadline_label(case.next_deadline_code)}, "
            f"{format_day_long(case.next_deadline_due)}."
        )
    return " ".join(parts)


class _Undo(Exception):
    def __init__(self, summary: str) -> None:
        super().__init__(summary)
        self.summary = summary


def row_try(
    row: CaseRow, *, by: User, source: str, then: Callable[[Case], None] | None = None
) -> tuple[str, list[str]]:
    """The dry run of one row: make it, describe it, undo it. (summary, problems)."""
    try:
        with transaction.atomic():
            case = case_from_row(row, by=by, source=source, then=then)
            raise _Undo(describe(case))
    except _Undo as undone:
        return undone.summary, []
    except ServiceError as refusal:
        return "", [f"Row {row.number}: {_sentence(str(refusal))}"]


def _sentence(text: str) -> str:
    return lower_first(text.strip())


# The dry run and the import, in the background ---------------------------------------------


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]


def _rows(job: CaseloadImport, table: reading.Table) -> Iterator[_Row]:
    for number, cells in table.rows:
        yield _Row(number, parse_cells(job.mapping, cells))


def _headings(job: CaseloadImport, table: reading.Table) -> dict[str, str]:
    """Our column key -> the file's heading, so problems name the column as the file does."""
    by_index = {str(h.index): h.short or h.text for h in table.headings}
    return {key: by_index[index] for index, key in job.mapping.items() if index in by_index}


def already_here(reference: str) -> Case | None:
    """The case a reference was imported as, or a case of ours with that reference."""
    imported = ImportedCase.objects.select_related("case").filter(source_reference=reference)
    found = imported.first()
    if found is not None:
        return found.case
    return Case.objects.filter(reference=reference).first()


def _progress(job_id: int, done: int) -> None:
    CaseloadImport.objects.filter(pk=job_id).update(rows_done=done)


def _run_rows(
    job: CaseloadImport,
    each: Callable[[_Row, CaseRow], tuple[str, str, list[str], Case | None]],
) -> None:
    """Read every row, and for each one that can be made call `each`, which says what became of
    it: (result, summary, problems, case). Rows are written as they go, with the progress."""
    table = table_of(job)
    headings = _headings(job, table)
    lookups = Lookups(today=timezone.localdate())
    counts: dict[str, int] = {}
    for number, row in enumerate(_rows(job, table), start=1):
        result: str
        reference = as_text(row.cells.get("reference"))
        counts[reference] = counts.get(reference, 0) + 1
        existing = already_here(reference) if reference else None
        if job.rows.filter(row_number=row.number, result=ImportRow.Result.CREATED).exists():
            continue  # made by an earlier run of this import (its worker stopped part way)
        if reference and counts[reference] > 1:
            result = ImportRow.Result.PROBLEM
            summary, problems, case = (
                "",
                [f"Row {row.number}: the reference {reference} is on an earlier row too"],
                None,
            )
        elif existing is not None:
            result, summary, problems, case = (
                ImportRow.Result.ALREADY_HERE,
                f"Already here as {existing.reference}: nothing changed.",
                [],
                existing,
            )
        else:
            parsed, problems = read_row(
                row.number,
                row.cells,
                lookups,
                headings=headings,
                default_owner=job.default_owner,
            )
            if parsed is None:
                result, summary, case = ImportRow.Result.PROBLEM, "", None
            else:
                result, summary, problems, case = each(row, parsed)
        ImportRow.objects.update_or_create(
            job=job,
            row_number=row.number,
            defaults={
                "source_reference": reference[:40],
                "result": result,
                "summary": summary,
                "problems": "\n".join(problems),
                "case": case,
            },
        )
        if number % PROGRESS_EVERY == 0:
            _progress(job.pk, number)
    _progress(job.pk, len(table.rows))


def _source_and_extras(
    job: CaseloadImport, *, by: User, dry_run: bool
) -> tuple[str, Callable[[CaseRow], Callable[[Case], None] | None]]:
    """Where the rows come from (for each case's history) and, for a hand-over archive, what
    adds each case's people, meeting, statement, history and documents after its row."""
    if job.kind != FileKind.ARCHIVE:
        return f"the file {job.file_name}", lambda row: None
    archive = archive_read(bytes(job.content))

    def extras(row: CaseRow) -> Callable[[Case], None] | None:
        record = archive.record(row.reference)
        if record is None:
            return None

        def then(case: Case) -> None:
            case_take_over_extras(case, record, by=by, archive=archive, dry_run=dry_run)

        return then

    return archive.source, extras


def caseload_import_check(*, job_id: int) -> bool:
    """The dry run (the task's body): every row made and undone, what it would make and every
    problem kept row by row. Returns False if the job was not waiting for it."""
    job = CaseloadImport.objects.select_related("uploaded_by", "default_owner").get(pk=job_id)
    if job.status != CaseloadImport.Status.CHECKING:
        return False
    source, extras = _source_and_extras(job, by=job.uploaded_by, dry_run=True)

    def dry_run(row: _Row, parsed: CaseRow) -> tuple[str, str, list[str], Case | None]:
        summary, problems = row_try(parsed, by=job.uploaded_by, source=source, then=extras(parsed))
        result = ImportRow.Result.PROBLEM if problems else ImportRow.Result.WOULD_CREATE
        return result, summary, problems, None

    try:
        _run_rows(job, dry_run)
    except Exception as error:
        logger.exception("caseload import %s: the dry run failed", job_id)
        _fail(job_id, error)
        raise
    CaseloadImport.objects.filter(pk=job_id).update(
        status=CaseloadImport.Status.CHECKED, checked_at=timezone.now()
    )
    return True


def _fail(job_id: int, error: Exception) -> None:
    CaseloadImport.objects.filter(pk=job_id).update(
        status=CaseloadImport.Status.FAILED, error=type(error).__name__[:300]
    )


@transaction.atomic
def caseload_import_start(
    *, job: CaseloadImport, by: User, request: HttpRequest | None = None
) -> CaseloadImport:
    """Import the rows the dry run found ready, in the background."""
    if not may_import(by):
        raise ServiceError("Only managers can import a caseload.")
    job = CaseloadImport.objects.select_for_update().get(pk=job.pk)
    if job.status != CaseloadImport.Status.CHECKED:
        raise ServiceError("Check the file first: the import starts after the dry run.")
    ready = job.rows.filter(result=ImportRow.Result.WOULD_CREATE).count()
    if not ready:
        raise ServiceError("No row is ready to import. Fix the problems and upload the file again.")
    job.status = CaseloadImport.Status.IMPORTING
    job.started_by = by
    job.started_at = timezone.now()
    job.rows_done = 0
    job.save(update_fields=["status", "started_by", "started_at", "rows_done"])
    audit_record(
        actor=by, verb="caseload_import.start", target=job, request=request, detail={"rows": ready}
    )
    enqueue_on_commit("mediation.exchange.tasks.caseload_import_task", job_id=job.pk)
    return job


def caseload_import_run(*, job_id: int) -> bool:
    """The import (the task's body): each row the dry run found ready made in a transaction of
    its own. Safe to run again after a worker died: rows made already are found and skipped."""
    job = CaseloadImport.objects.select_related("started_by", "default_owner").get(pk=job_id)
    if job.status != CaseloadImport.Status.IMPORTING or job.started_by is None:
        return False
    by = job.started_by
    source, extras = _source_and_extras(job, by=by, dry_run=False)
    ready = set(
        job.rows.filter(result=ImportRow.Result.WOULD_CREATE).values_list("row_number", flat=True)
    )

    def make(row: _Row, parsed: CaseRow) -> tuple[str, str, list[str], Case | None]:
        if row.number not in ready:
            previous = job.rows.filter(row_number=row.number).first()
            if previous is not None and previous.result != ImportRow.Result.WOULD_CREATE:
                return previous.result, previous.summary, previous.problem_list, previous.case
            return ImportRow.Result.PROBLEM, "", [f"Row {row.number}: not checked"], None
        try:
            with transaction.atomic():
                case = case_from_row(parsed, by=by, source=source, then=extras(parsed))
        except ServiceError as refusal:
            return (
                ImportRow.Result.PROBLEM,
                "",
                [f"Row {row.number}: {_sentence(str(refusal))}"],
                None,
            )
        except IntegrityError:  # another run made it meanwhile
            existing = already_here(parsed.reference)
            return ImportRow.Result.ALREADY_HERE, "Already here: nothing changed.", [], existing
        return ImportRow.Result.CREATED, f"Imported as {case.reference}. {describe(case)}", [], case

    try:
        _run_rows(job, make)
    except Exception as error:
        logger.exception("caseload import %s: the import failed", job_id)
        _fail(job_id, error)
        raise
    counts = {result: job.rows.filter(result=result).count() for result in ImportRow.Result.values}
    CaseloadImport.objects.filter(pk=job_id).update(
        status=CaseloadImport.Status.DONE,
        finished_at=timezone.now(),
        content=b"",  # the file's personal details are now in the cases: not kept twice
    )
    audit_record(
        actor=by,
        verb="caseload_import.finish",
        target=job,
        detail={"created": counts["created"], "problems": counts["problem"]},
    )
    return True

"""Handing an LA's open cases to the next provider, and taking such cases over.

The archive (docs/handover-format.md) is one zip per LA: `cases.csv` in the caseload's own
columns (so the caseload import reads it as it reads any spreadsheet), one CSV per kind of record
(parties, deadlines, meetings, outcome statements, agreed actions and their new dates, the
history, the documents), the same for each case as one JSON document, every document as its
PDF, and `manifest.json` with the SHA-256 of every other file. Reading an archive checks every
hash first: a file changed or missing refuses the whole archive.

Taking a case over makes it exactly as a spreadsheet row is made (mediation.exchange.services:
enquiry, open, each dated step with its date), then adds what a row cannot hold through the
services of each app: the other people (parties.party_add, party_update), the booked meeting
(meetings.meeting_take_over), the outcome statement and its actions (outcomes.statement_take_over,
then action_vary and action_mark_done), the history (timeline.timeline_take_over, each line with
its own time and who did it there) and the documents, kept byte for byte as files of the case
(uploads.upload_store). The deadlines are worked out here from the facts, not copied: the archive's
deadlines are there to compare.

Making the archive and closing the cases after it are background tasks with their progress
shown; each is audited, and each case's history says it went into the archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.authorities.models import LocalAuthority
from mediation.cases.models import OPEN_CASE, Case, ClosureOutcome, Party
from mediation.common.dispatch import enqueue_on_commit
from mediation.common.errors import ServiceError
from mediation.common.kept_documents import keep
from mediation.deadlines.labels import deadline_label
from mediation.deadlines.models import Deadline
from mediation.documents.models import Certificate, GeneratedDocument
from mediation.domain.case_states import CaseState, Step
from mediation.domain.dates import format_day
from mediation.exchange.export import case_values, caseload_cases, caseload_rows, csv_lines
from mediation.exchange.models import Handover
from mediation.meetings.models import Meeting
from mediation.meetings.services import meeting_hand_over, meeting_take_over
from mediation.outcomes.models import ActionVariation, AgreedAction, OutcomeStatement
from mediation.outcomes.services import action_mark_done, action_vary, statement_take_over
from mediation.parties.services import PARTY_FIELDS, party_add, party_update
from mediation.timeline.selectors import case_history_in_full
from mediation.timeline.services import timeline_record, timeline_take_over
from mediation.uploads.models import Purpose
from mediation.uploads.services import UploadRejected, upload_store
from mediation.workflow.services import case_take_step

logger = logging.getLogger(__name__)

FORMAT: Final = "send-mediation-handover"
VERSION: Final = 1
MANIFEST: Final = "manifest.json"


def may_hand_over(user: User) -> bool:
    return user.is_authenticated and user.can_manage_service


# Writing ----------------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


_FACT_FIELDS: Final = (
    "route", "status", "decision_type", "section_i_only", "issue_education", "issue_health",
    "issue_social_care", "notice_sent_on", "letter_dated_on", "adviser_contacted_on",
    "mediation_declined_on", "la_informed_on", "health_body_notified_on",
    "la_unable_to_arrange_notified_on", "everyone_agreed_on", "meeting_planned_on",
    "meeting_confirmation_sent_on", "mediation_held_on", "mediation_concluded_on",
    "outcome_circulated_on", "certificate_issued_on", "agreement_made_on", "outcome",
    "certificate_kind", "la_decision_changed_on",
)  # fmt: skip
_PARTY_FIELDS_OUT: Final = tuple(name for name in PARTY_FIELDS if name != "supports")


def _plain(value: Any) -> Any:
    return _iso(value) if isinstance(value, date | datetime) else value


def case_record(case: Case) -> dict[str, Any]:
    """Everything the archive holds about one case (case.json), in plain JSON values."""
    parties = list(Party.objects.filter(case=case).order_by("-is_main_contact", "id"))
    keys = {party.pk: f"P{number}" for number, party in enumerate(parties, start=1)}
    statement = OutcomeStatement.objects.filter(case=case).first()
    actions = (
        list(AgreedAction.objects.filter(statement=statement).order_by("position", "id"))
        if statement
        else []
    )
    variations = {
        action_id: [
            v for v in ActionVariation.objects.filter(action_id=action_id).order_by("at", "id")
        ]
        for action_id in (a.pk for a in actions)
    }
    documents = list(GeneratedDocument.objects.filter(case=case).order_by("generated_at", "id"))
    return {
        "reference": case.reference,
        "local_authority": {"code": case.local_authority.code, "name": case.local_authority.name},
        "caseload": {key: _plain(value) for key, value in case_values(case).items()},
        "child": {
            "first_name": case.child_first_name,
            "last_name": case.child_last_name,
            "date_of_birth": _iso(case.child_date_of_birth),
            "setting": case.child_setting,
        },
        "facts": {name: _plain(getattr(case, name)) for name in _FACT_FIELDS},
        "opened_at": _iso(case.opened_at),
        "parties": [
            {
                "key": keys[party.pk],
                "main_contact": party.is_main_contact,
                **{name: getattr(party, name) for name in _PARTY_FIELDS_OUT},
                "supports": keys.get(party.supports_id or 0),
            }
            for party in parties
        ],
        "deadlines": [
            {
                "code": d.code,
                "label": deadline_label(d.code),
                "due": _iso(d.due),
                "met_on": _iso(d.met_on),
                "rule": d.rule,
                "runs_from": d.runs_from,
                "explanation": d.explanation,
            }
            for d in Deadline.objects.filter(case=case).order_by("position", "id")
        ],
        "meetings": [
            {
                "starts_at": _iso(m.starts_at),
                "duration_minutes": m.duration_minutes,
                "mode": m.mode,
                "status": m.status,
                "venue_name": m.venue_name,
                "venue_address": m.venue_address,
                "online_link": m.online_link,
                "phone_details": m.phone_details,
                "access_details": m.access_details,
                "short_notice_consent": m.short_notice_consent,
            }
            for m in Meeting.objects.filter(case=case).order_by("starts_at", "id")
        ],
        "outcome_statement": None
        if statement is None
        else {
            "outcome": statement.outcome,
            "status": statement.status,
            "version": statement.version,
            "content_hash": statement.content_hash,
            "key_points": statement.key_points,
            "finalised_at": _iso(statement.finalised_at),
            "actions": [
                {
                    "position": a.position,
                    "what": a.what,
                    "who": a.who,
                    "kind": a.kind,
                    "section": a.section,
                    "agreed_due": _iso(a.agreed_due),
                    "varied_due": _iso(a.varied_due),
                    "done_on": _iso(a.done_on),
                    "done_evidence": a.done_evidence,
                    "new_dates": [
                        {
                            "new_due": _iso(v.new_due),
                            "agreed_in_writing_on": _iso(v.agreed_in_writing_on),
                            "reason": v.reason,
                        }
                        for v in variations[a.pk]
                    ],
                }
                for a in actions
            ],
        },
        "certificates": [
            {
                "reference": c.reference,
                "kind": c.kind,
                "issued_on": _iso(c.issued_on),
                "appeal_deadline": _iso(c.appeal_deadline),
                "revoked": c.revoked_at is not None,
            }
            for c in Certificate.objects.filter(case=case).order_by("created_at", "id")
        ],
        "timeline": case_history_in_full(case=case),
        "documents": [
            {
                "kind": d.kind,
                "title": d.title,
                "version": d.version,
                "generated_at": _iso(d.generated_at),
                "sha256": d.sha256,
                "file": f"cases/{case.reference}/documents/{d.filename}",
            }
            for d in documents
        ],
    }


def _table(rows: Iterable[list[Any]]) -> bytes:
    return "".join(csv_lines(rows)).encode("utf-8")


# The CSV tables: (file, columns, rows of a case record).
def _tables(records: list[dict[str, Any]]) -> dict[str, bytes]:
    def rows(heading: list[str], each: Any) -> bytes:
        return _table([heading, *(line for record in records for line in each(record))])

    party_columns = ["case_reference", "key", "main_contact", *_PARTY_FIELDS_OUT, "supports"]
    return {
        "parties.csv": rows(
            party_columns,
            lambda r: [
                [r["reference"], *(p[name] for name in party_columns[1:])] for p in r["parties"]
            ],
        ),
        "deadlines.csv": rows(
            [
                "case_reference",
                "code",
                "label",
                "due",
                "met_on",
                "rule",
                "runs_from",
                "explanation",
            ],
            lambda r: [
                [
                    r["reference"],
                    d["code"],
                    d["label"],
                    d["due"],
                    d["met_on"],
                    d["rule"],
                    d["runs_from"],
                    d["explanation"],
                ]
                for d in r["deadlines"]
            ],  # fmt: skip
        ),
        "meetings.csv": rows(
            [
                "case_reference",
                "starts_at",
                "duration_minutes",
                "mode",
                "status",
                "venue_name",
                "venue_address",
                "online_link",
                "phone_details",
                "access_details",
                "short_notice_consent",
            ],
            lambda r: [[r["reference"], *m.values()] for m in r["meetings"]],
        ),  # fmt: skip
        "outcome_statements.csv": rows(
            [
                "case_reference",
                "outcome",
                "status",
                "version",
                "content_hash",
                "finalised_at",
                "key_points",
            ],
            lambda r: [
                [
                    r["reference"],
                    s["outcome"],
                    s["status"],
                    s["version"],
                    s["content_hash"],
                    s["finalised_at"],
                    s["key_points"],
                ]
                for s in ([r["outcome_statement"]] if r["outcome_statement"] else [])
            ],
        ),  # fmt: skip
        "agreed_actions.csv": rows(
            [
                "case_reference",
                "position",
                "what",
                "who",
                "kind",
                "section",
                "agreed_due",
                "varied_due",
                "done_on",
                "done_evidence",
            ],
            lambda r: [
                [
                    r["reference"],
                    a["position"],
                    a["what"],
                    a["who"],
                    a["kind"],
                    a["section"],
                    a["agreed_due"],
                    a["varied_due"],
                    a["done_on"],
                    a["done_evidence"],
                ]
                for a in (r["outcome_statement"] or {}).get("actions", [])
            ],
        ),  # fmt: skip
        "timeline.csv": rows(
            ["case_reference", "at", "kind", "who", "summary"],
            lambda r: [
                [r["reference"], t["at"], t["kind"], t["who"], t["summary"]] for t in r["timeline"]
            ],
        ),
        "documents.csv": rows(
            ["case_reference", "kind", "title", "version", "generated_at", "sha256", "file"],
            lambda r: [[r["reference"], *d.values()] for d in r["documents"]],
        ),
    }


def archive_bytes(
    authority: LocalAuthority,
    cases: list[Case],
    *,
    made_at: datetime,
    progress: Any = None,
) -> bytes:
    """The archive of these cases (docs/handover-format.md). `progress(done)` is called as each
    case is written."""
    files: dict[str, bytes] = {}
    records = []
    for done, case in enumerate(cases, start=1):
        record = case_record(case)
        records.append(record)
        files[f"cases/{case.reference}/case.json"] = json.dumps(
            record, ensure_ascii=False, indent=2, sort_keys=True
        ).encode("utf-8")
        for document in GeneratedDocument.objects.filter(case=case).order_by("id"):
            files[f"cases/{case.reference}/documents/{document.filename}"] = document.pdf_bytes()
        if progress is not None:
            progress(done)
    files["cases.csv"] = _table(caseload_rows(cases))
    files.update(_tables(records))
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "provider": settings.PROVIDER_NAME,
        "local_authority": {"code": authority.code, "name": authority.name},
        "made_at": _iso(made_at),
        "case_count": len(cases),
        "cases": [case.reference for case in cases],
        "files": [
            {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for path, data in sorted(files.items())
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(
            MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
        )
        for path, data in sorted(files.items()):
            bundle.writestr(path, data)
    return buffer.getvalue()


# Reading ----------------------------------------------------------------------------------


@dataclass
class Archive:
    manifest: dict[str, Any]
    files: dict[str, bytes]

    @property
    def source(self) -> str:
        made = parse_datetime(self.manifest.get("made_at") or "")
        when = f", made {timezone.localtime(made):%d/%m/%Y}" if made else ""
        return (
            f"the hand-over archive of {self.manifest.get('provider') or 'another provider'}{when}"
        )

    def record(self, reference: str) -> dict[str, Any] | None:
        data = self.files.get(f"cases/{reference}/case.json")
        return json.loads(data) if data else None


class ArchiveRefused(ServiceError):
    pass


MAX_ARCHIVE_FILES: Final = 20000
MAX_ARCHIVE_BYTES: Final = 500 * 1024 * 1024  # unpacked


def archive_read(data: bytes) -> Archive:
    """The archive's files, each checked against the manifest's SHA-256; refused (with what is
    wrong) if any file is missing, changed or not in the manifest, or the format is unknown."""
    try:
        bundle = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ArchiveRefused("The archive is damaged: it could not be opened.") from None
    with bundle:
        infos = bundle.infolist()
        if len(infos) > MAX_ARCHIVE_FILES or sum(i.file_size for i in infos) > MAX_ARCHIVE_BYTES:
            raise ArchiveRefused("The archive is too large: ask for one archive per LA.")
        names = {info.filename for info in infos if not info.is_dir()}
        if MANIFEST not in names:
            raise ArchiveRefused("The archive has no manifest.json: it is not a hand-over archive.")
        try:
            manifest = json.loads(bundle.read(MANIFEST))
        except ValueError:
            raise ArchiveRefused("The archive's manifest.json is not valid JSON.") from None
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise ArchiveRefused(
                f"The archive is not in a format this service reads ({FORMAT}, version {VERSION})."
            )
        listed = {entry["path"]: entry for entry in manifest.get("files", [])}
        extra = sorted(names - set(listed) - {MANIFEST})
        missing = sorted(set(listed) - names)
        if missing:
            raise ArchiveRefused(f"The archive is missing {missing[0]}, named in its manifest.")
        if extra:
            raise ArchiveRefused(f"The archive holds {extra[0]}, which its manifest does not list.")
        files = {}
        for path, entry in listed.items():
            content = bundle.read(path)
            if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
                raise ArchiveRefused(
                    f"{path} in the archive does not match its SHA-256 in the manifest: it was "
                    "changed or damaged."
                )
            files[path] = content
    return Archive(manifest=manifest, files=files)


def _date(value: Any) -> date | None:
    return parse_date(value) if value else None


def _day(data: dict[str, Any], name: str) -> date:
    day = _date(data.get(name))
    if day is None:
        raise ServiceError(
            f"An agreed action in the archive has no valid {name.replace('_', ' ')}."
        )
    return day


def case_take_over_extras(
    case: Case,
    record: dict[str, Any],
    *,
    by: User,
    archive: Archive,
    dry_run: bool,
    request: HttpRequest | None = None,
) -> None:
    """What a caseload row cannot hold, added through each app's services (call inside the
    case's transaction). In a dry run the documents are checked but not stored (storing a file
    is not undone by a rollback)."""
    source = archive.source
    main = case.parties.get(is_main_contact=True)
    keys: dict[str, Party] = {}
    for data in record.get("parties", []):
        values = {name: data.get(name) for name in _PARTY_FIELDS_OUT if name in data}
        values["reasonable_adjustments"] = values.get("reasonable_adjustments") or ""
        if data.get("supports"):
            values["supports"] = keys.get(data["supports"])
        if data.get("main_contact"):
            differs = {k: v for k, v in values.items() if getattr(main, k) != v}
            if differs:
                main = party_update(party=main, by=by, data={**values}, request=request)
            keys[data["key"]] = main
        else:
            keys[data["key"]] = party_add(case=case, by=by, data=values, request=request)
    booked = [m for m in record.get("meetings", []) if m.get("status") == Meeting.Status.BOOKED]
    for meeting in booked[-1:]:  # one booked meeting a case: the latest
        starts = parse_datetime(meeting["starts_at"])
        if starts is None:
            raise ServiceError("A meeting in the archive has no start time.")
        case.refresh_from_db()
        meeting_take_over(
            case=case,
            by=by,
            starts_at=starts,
            duration_minutes=int(meeting["duration_minutes"]),
            mode=meeting["mode"],
            details=meeting,
            short_notice_consent=bool(meeting.get("short_notice_consent")),
            source=source,
            request=request,
        )
    statement = record.get("outcome_statement")
    if statement:
        case.refresh_from_db()
        taken = statement_take_over(
            case=case,
            by=by,
            key_points=statement.get("key_points") or "",
            outcome=statement["outcome"],
            final=statement.get("status") == OutcomeStatement.Status.FINAL,
            version=int(statement.get("version") or 1),
            actions=[
                {
                    "what": a["what"],
                    "who": a["who"],
                    "kind": a["kind"],
                    "section": a["section"],
                    "agreed_due": _date(a.get("agreed_due")),
                }
                for a in statement.get("actions", [])
            ],
            source=source,
            earlier_hash=statement.get("content_hash") or "",
            request=request,
        )
        if taken.is_final:
            made = list(AgreedAction.objects.filter(statement=taken).order_by("position", "id"))
            for action, data in zip(made, statement.get("actions", []), strict=True):
                for change in data.get("new_dates", []):
                    action_vary(
                        action=action,
                        by=by,
                        new_due=_day(change, "new_due"),
                        agreed_in_writing_on=_day(change, "agreed_in_writing_on"),
                        reason=change.get("reason") or "Agreed in writing (handed over)",
                        request=request,
                    )
                if data.get("done_on"):
                    action_mark_done(
                        action=action,
                        by=by,
                        done_on=_day(data, "done_on"),
                        evidence=data.get("done_evidence")
                        or "Recorded as done before the hand-over",
                        request=request,
                    )
    lines = [
        (parse_datetime(t["at"]) or timezone.now(), t.get("kind") or "", t.get("summary") or "",
         t.get("who") or "")
        for t in record.get("timeline", [])
    ]  # fmt: skip
    if lines:
        timeline_take_over(case=case, by=by, lines=lines, source=source, request=request)
    for document in record.get("documents", []):
        content = archive.files.get(document["file"])
        if content is None or hashlib.sha256(content).hexdigest() != document["sha256"]:
            raise ServiceError(f"The document {document['file']} is not in the archive as listed.")
        if dry_run:
            continue
        name = document["file"].rsplit("/", 1)[-1]
        try:
            upload_store(
                case,
                SimpleUploadedFile(name, content, content_type="application/pdf"),
                purpose=Purpose.HANDED_OVER,
                by_user=by,
                request=request,
            )
        except UploadRejected as rejected:
            raise ServiceError(f"The document {name} was refused: {rejected.message}") from None


# The hand-over: making the archive, then closing the cases -------------------------------------


def open_cases_of(authority: LocalAuthority) -> list[Case]:
    return list(caseload_cases(authority=authority, open_only=True))


@transaction.atomic
def handover_start(
    *, authority: LocalAuthority, by: User, request: HttpRequest | None = None
) -> Handover:
    """Start making the archive of the LA's open cases, in the background."""
    if not may_hand_over(by):
        raise ServiceError("Only managers can hand over cases.")
    if Handover.objects.filter(
        local_authority=authority, status__in=[Handover.Status.MAKING, Handover.Status.CLOSING]
    ).exists():
        raise ServiceError(f"A hand-over of {authority.name}'s cases is already under way.")
    case_ids = list(
        Case.objects.filter(OPEN_CASE, local_authority=authority)
        .order_by("reference")
        .values_list("pk", flat=True)
    )
    if not case_ids:
        raise ServiceError(f"{authority.name} has no open cases to hand over.")
    handover = Handover.objects.create(local_authority=authority, case_ids=case_ids, made_by=by)
    audit_record(
        actor=by,
        verb="handover.start",
        target=handover,
        request=request,
        detail={"la": authority.code, "cases": len(case_ids)},
    )
    enqueue_on_commit("mediation.exchange.tasks.handover_make_task", handover_id=handover.pk)
    return handover


def handover_make(*, handover_id: int) -> bool:
    """Make the archive (the task's body) and note on each case that it is in it."""
    handover = Handover.objects.select_related("local_authority", "made_by").get(pk=handover_id)
    if handover.status != Handover.Status.MAKING:
        return False
    try:
        cases = list(
            caseload_cases(authority=handover.local_authority, open_only=False).filter(
                pk__in=handover.case_ids
            )
        )
        data = archive_bytes(
            handover.local_authority,
            cases,
            made_at=handover.made_at,
            progress=lambda done: Handover.objects.filter(pk=handover_id).update(cases_done=done),
        )
        digest = hashlib.sha256(data).hexdigest()
        inline, stored_name = keep(data, folder="handovers", extension="zip")
        with transaction.atomic():
            for case in cases:
                timeline_record(
                    case=case,
                    by=handover.made_by,
                    summary=f"Put in the hand-over archive of {handover.local_authority.name}'s "
                    f"open cases for the next provider (archive {digest[:12]})",
                    verb="handover.include",
                    target=handover,
                )
            Handover.objects.filter(pk=handover_id).update(
                status=Handover.Status.READY,
                archive=inline,
                stored_name=stored_name,
                sha256=digest,
                ready_at=timezone.now(),
                cases_done=len(cases),
            )
            audit_record(
                actor=handover.made_by,
                verb="handover.made",
                target=handover,
                detail={"cases": len(cases), "sha256": digest, "bytes": len(data)},
            )
    except Exception as error:
        logger.exception("hand-over %s: the archive could not be made", handover_id)
        Handover.objects.filter(pk=handover_id).update(
            status=Handover.Status.FAILED, error=type(error).__name__[:300]
        )
        raise
    return True


def handover_record_download(
    *, handover: Handover, by: User, request: HttpRequest | None = None
) -> None:
    Handover.objects.filter(pk=handover.pk, downloaded_at__isnull=True).update(
        downloaded_at=timezone.now()
    )
    audit_record(
        actor=by,
        verb="handover.download",
        target=handover,
        request=request,
        detail={"sha256": handover.sha256, "cases": len(handover.case_ids)},
    )


@transaction.atomic
def handover_close_start(
    *, handover: Handover, by: User, request: HttpRequest | None = None
) -> Handover:
    """Close the archive's cases as handed over, in the background, once it was downloaded."""
    if not may_hand_over(by):
        raise ServiceError("Only managers can hand over cases.")
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.status != Handover.Status.READY:
        raise ServiceError("The archive is not ready, or its cases are already closed.")
    if handover.downloaded_at is None:
        raise ServiceError("Download the archive first: the cases close once it is safe.")
    handover.status = Handover.Status.CLOSING
    handover.cases_done = 0
    handover.save(update_fields=["status", "cases_done"])
    audit_record(
        actor=by,
        verb="handover.close_start",
        target=handover,
        request=request,
        detail={"cases": len(handover.case_ids)},
    )
    enqueue_on_commit(
        "mediation.exchange.tasks.handover_close_task", handover_id=handover.pk, by_id=by.pk
    )
    return handover


def _hand_over_meeting(case: Case, *, by: User, note: str, today: date) -> Case:
    """Hand the case's booked meeting over with it, if it is still ahead; the case as it is
    after. A meeting whose day has passed may have been held: that is for staff to record."""
    meeting = Meeting.objects.filter(case=case, status=Meeting.Status.BOOKED).first()
    if meeting is None:
        return case
    if meeting.local_start.date() < today:
        raise ServiceError(
            f"The meeting on {format_day(meeting.local_start.date())} has passed: record "
            "whether it was held, then close the case."
        )
    meeting_hand_over(meeting=meeting, by=by, note=note, today=today)
    return Case.objects.get(pk=case.pk)


def handover_close_run(*, handover_id: int, by_id: int) -> bool:
    """Close each case of the archive through the workflow's close step with the reason
    "handed over to another provider" (the task's body). A meeting booked and still ahead is
    handed over first (meetings.meeting_hand_over: no longer booked here, everyone told it went
    with the case; the archive keeps it as booked). A case that cannot close now (a meeting held
    with its outcome still to record, or one whose day passed with nobody recording whether it
    was held) is listed with why, and left open."""
    handover = Handover.objects.select_related("local_authority").get(pk=handover_id)
    if handover.status != Handover.Status.CLOSING:
        return False
    by = User.objects.get(pk=by_id)
    today = timezone.localdate()
    note = f"Handed over to another provider (archive {handover.sha256[:12]})"
    not_closed: list[str] = []
    closed = 0
    for done, case in enumerate(
        Case.objects.filter(pk__in=handover.case_ids).order_by("reference"), start=1
    ):
        if case.status == CaseState.CLOSED:
            closed += 1
        else:
            try:
                with transaction.atomic():
                    if case.status == CaseState.MEETING_BOOKED:
                        case = _hand_over_meeting(case, by=by, note=note, today=today)
                    case_take_step(
                        case=case,
                        step=Step.CLOSE,
                        by=by,
                        data={
                            "closure_outcome": ClosureOutcome.HANDED_OVER,
                            "reason": note,
                        },
                        expected_state=CaseState(case.status),
                    )
                closed += 1
            except ServiceError as refusal:
                not_closed.append(f"{case.reference}: {refusal}")
        Handover.objects.filter(pk=handover_id).update(cases_done=done)
    Handover.objects.filter(pk=handover_id).update(
        status=Handover.Status.CLOSED,
        closed_at=timezone.now(),
        closed_count=closed,
        not_closed="\n".join(not_closed),
    )
    audit_record(
        actor=by,
        verb="handover.closed",
        target=handover,
        detail={"closed": closed, "not_closed": len(not_closed)},
    )
    return True

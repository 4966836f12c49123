"""Everything that writes tariffs, invoices and credit notes.

Issuing (an invoice or a credit note) happens in one transaction: the LA row (or the invoice
row) is locked so two managers cannot bill the same activities at once, the number comes from a
locked ReferenceCounter row (so numbers are gapless: a failed issue rolls its number back), the
lines, the activities behind them and the PDF are written once, and an audit event is recorded.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.authorities.models import Contract, LocalAuthority
from mediation.cases.models import ReferenceCounter
from mediation.common.errors import DraftChanged, ServiceError
from mediation.common.kept_documents import keep
from mediation.common.pdf import html_to_pdf, sha256_hex
from mediation.domain.billing import format_pence, line_amounts
from mediation.domain.dates import format_day
from mediation.invoicing import selectors
from mediation.invoicing.models import (
    Activity,
    BilledActivity,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceDispatch,
    InvoiceLine,
    Tariff,
)
from mediation.notifications.services import message_queue

INVOICE_PREFIX = "INV"
CREDIT_NOTE_PREFIX = "CN"

PDF_CSS = """
.amount { text-align: right; white-space: nowrap; }
.totals td { border-bottom: none; }
.refs { font-size: 9pt; color: #505a5f; }
.lines { font-size: 10pt; } .lines th:first-child, .lines td:first-child { width: 34%; }
"""


def number_next(*, prefix: str, year: int) -> str:
    """The next number such as INV-2026-00001, from a counter row locked until commit: numbers
    have no gaps, because an issue that fails rolls back its number with everything else."""
    ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:05d}"


# ---------------------------------------------------------------------------------------------
# Tariffs
# ---------------------------------------------------------------------------------------------


def tariff_overlap(tariff: Tariff) -> Tariff | None:
    """Another tariff of the same LA (or contract) and activity whose dates overlap this one's."""
    owner = (
        {"local_authority_id": tariff.local_authority_id}
        if tariff.local_authority_id
        else {"contract_id": tariff.contract_id}
    )
    others = Tariff.objects.filter(activity=tariff.activity, **owner).exclude(pk=tariff.pk)
    if tariff.effective_to is not None:
        others = others.filter(effective_from__lte=tariff.effective_to)
    others = others.exclude(effective_to__lt=tariff.effective_from)
    return others.order_by("effective_from").first()


def describe_tariff(tariff: Tariff) -> str:
    until = f"to {format_day(tariff.effective_to)}" if tariff.effective_to else "with no end date"
    return (
        f"{Activity(tariff.activity).label} at {format_pence(tariff.unit_price_pence)} "
        f"from {format_day(tariff.effective_from)} {until}"
    )


def _check_used_tariff_change(tariff: Tariff) -> None:
    """A tariff already on an issued invoice keeps its price, VAT, notice and start: only its
    end date may change, and not to before an activity it priced. A new price is a new tariff."""
    stored = Tariff.objects.get(pk=tariff.pk)
    last_used = (
        BilledActivity.objects.filter(line__tariff=stored)
        .order_by("-happened_on")
        .values_list("happened_on", flat=True)
        .first()
    )
    if last_used is None:
        return
    fixed = ("activity", "unit_price_pence", "vat_rate_bp", "notice_working_days", "effective_from")
    if any(getattr(stored, name) != getattr(tariff, name) for name in fixed):
        raise ServiceError(
            "This tariff is on an issued invoice, so only its end date can change. To change "
            "the price from a date, give this tariff an end date and add a new tariff."
        )
    if tariff.effective_to is not None and tariff.effective_to < last_used:
        raise ServiceError(
            f"This tariff priced an activity on {format_day(last_used)} on an issued invoice, "
            "so it cannot end before that day."
        )


@transaction.atomic
def tariff_save(*, tariff: Tariff, by: User, request: HttpRequest | None = None) -> Tariff:
    """Add or change a tariff. Refused if it overlaps another of the LA for the activity."""
    if not by.can_manage_service:
        raise ServiceError("Only managers can set tariffs.")
    if (tariff.local_authority_id is None) == (tariff.contract_id is None):
        raise ServiceError("A tariff is for one local authority or one contract.")
    # Lock the LA (or contract) so two managers cannot add overlapping tariffs at once.
    if tariff.local_authority_id is not None:
        LocalAuthority.objects.select_for_update().get(pk=tariff.local_authority_id)
    elif tariff.contract_id is not None:
        Contract.objects.select_for_update().get(pk=tariff.contract_id)
    if tariff.activity != Activity.CANCELLED_MEETING:
        tariff.notice_working_days = None
    if tariff.pk is not None:
        _check_used_tariff_change(tariff)
    clash = tariff_overlap(tariff)
    if clash is not None:
        raise ServiceError(
            f"These dates overlap the tariff for {describe_tariff(clash)}. "
            "Give that tariff an end date first, or choose dates that do not overlap."
        )
    creating = tariff.pk is None
    if creating:
        tariff.created_by = by
    tariff.save()
    audit_record(
        actor=by,
        verb="tariff.create" if creating else "tariff.update",
        target=tariff,
        request=request,
        detail={
            "local_authority": tariff.local_authority_id,
            "contract": tariff.contract_id,
            "activity": tariff.activity,
            "unit_price_pence": tariff.unit_price_pence,
            "vat_rate_bp": tariff.vat_rate_bp,
            "effective_from": tariff.effective_from.isoformat(),
            "effective_to": tariff.effective_to.isoformat() if tariff.effective_to else None,
        },
    )
    return tariff


# ---------------------------------------------------------------------------------------------
# Invoices
# ---------------------------------------------------------------------------------------------


def _document_context(**context: object) -> dict:
    return {"provider": settings.PROVIDER_NAME, **context}


def _kept_pdf(pdf: bytes, *, folder: str) -> dict[str, Any]:
    """The PDF's fields of a new invoice or credit note (in the row or in object storage)."""
    inline, stored_name = keep(pdf, folder=folder)
    return {"pdf": inline, "stored_name": stored_name, "sha256": sha256_hex(pdf)}


def _render(template: str, context: dict) -> tuple[str, bytes]:
    """The document's HTML and its PDF: A4, tagged PDF/UA-1 (tables and headings readable by
    screen readers), as the documents app makes certificates."""
    html = render_to_string(template, context)
    return html, html_to_pdf(html, extra_css=PDF_CSS)


def invoice_issue(
    *,
    authority: LocalAuthority,
    start: date,
    end: date,
    fingerprint: str,
    by: User,
    contract: Contract | None = None,
    request: HttpRequest | None = None,
) -> Invoice:
    """Issue the invoice previewed for this LA and period, or with `contract` the one for the
    whole group to its lead council (`authority` is then the lead). Refused if what would be
    billed has changed since the preview (`fingerprint`), or if there is nothing to bill."""
    try:
        return _invoice_issue(
            authority=authority,
            start=start,
            end=end,
            fingerprint=fingerprint,
            by=by,
            contract=contract,
            request=request,
        )
    except IntegrityError:
        # The unique constraint on billed activities: someone billed one of them just now.
        raise DraftChanged(
            "Some of these activities were invoiced by someone else just now. "
            "Check the new preview before issuing."
        ) from None


@transaction.atomic
def _invoice_issue(
    *,
    authority: LocalAuthority,
    start: date,
    end: date,
    fingerprint: str,
    by: User,
    contract: Contract | None,
    request: HttpRequest | None,
) -> Invoice:
    if not by.can_manage_service:
        raise ServiceError("Only managers can issue invoices.")
    if end < start:
        raise ServiceError("The end of the period must be on or after its start.")
    if contract is not None:
        contract = Contract.objects.select_related("lead").get(pk=contract.pk)
        if contract.lead_id != authority.pk:
            raise ServiceError("A contract's invoice goes to its lead council.")
        # Lock every member LA: their activities are billed here, and LA invoices lock them too.
        members = list(
            LocalAuthority.objects.select_for_update()
            .filter(pk__in=contract.members.values("pk"))
            .order_by("pk")
        )
        authority = next(m for m in members if m.pk == contract.lead_id)
        draft = selectors.invoice_draft_for_contract(contract=contract, start=start, end=end)
    else:
        authority = LocalAuthority.objects.select_for_update().get(pk=authority.pk)
        draft = selectors.invoice_draft(authority=authority, start=start, end=end)
    if draft.fingerprint != fingerprint:
        raise DraftChanged(
            "What would be invoiced has changed since you looked at the preview. "
            "Check the new preview before issuing."
        )
    if not draft.lines:
        raise ServiceError("There is nothing to invoice for this local authority and period.")
    now = timezone.now()
    issued_on = timezone.localdate(now)
    number = number_next(prefix=INVOICE_PREFIX, year=issued_on.year)
    html, pdf = _render(
        "invoicing/document.html",
        _document_context(
            kind="invoice",
            number=number,
            authority_name=authority.name,
            authority_code=authority.code,
            contract=contract,
            issued_on=issued_on,
            start=start,
            end=end,
            lines=draft.lines,
            net=draft.net_pence,
            vat=draft.vat_pence,
            total=draft.total_pence,
        ),
    )
    invoice = Invoice.objects.create(
        number=number,
        local_authority=authority,
        contract=contract,
        billed_to_name=authority.name,
        billed_to_code=authority.code,
        period_start=start,
        period_end=end,
        issued_on=issued_on,
        issued_at=now,
        issued_by=by,
        net_pence=draft.net_pence,
        vat_pence=draft.vat_pence,
        total_pence=draft.total_pence,
        html=html,
        **_kept_pdf(pdf, folder="invoices"),
    )
    items: list[BilledActivity] = []
    for position, line in enumerate(draft.lines, start=1):
        row = InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            activity=line.activity,
            description=line.description,
            quantity=line.quantity,
            unit_price_pence=line.unit_price_pence,
            vat_rate_bp=line.vat_rate_bp,
            net_pence=line.net_pence,
            vat_pence=line.vat_pence,
            tariff=line.tariff,
            for_authority=line.authority,
        )
        items.extend(
            BilledActivity(
                invoice=invoice,
                line=row,
                # The LA whose activity it is (a contract's member), so that it is billed once
                # whether on its own invoice or on the contract's.
                local_authority=line.authority or authority,
                activity=item.activity,
                source_id=item.source_id,
                reference=item.reference,
                happened_on=item.happened_on,
            )
            for item in line.items
        )
    BilledActivity.objects.bulk_create(items)
    audit_record(
        actor=by,
        verb="invoice.issue",
        target=invoice,
        request=request,
        detail={
            "number": number,
            "local_authority": authority.pk,
            "contract": contract.pk if contract else None,
            "period": [start.isoformat(), end.isoformat()],
            "total_pence": invoice.total_pence,
            "activities": len(items),
            "sha256": invoice.sha256,
        },
    )
    return invoice


# ---------------------------------------------------------------------------------------------
# Credit notes
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def credit_note_issue(
    *,
    invoice: Invoice,
    quantities: dict[int, int],
    reason: str,
    release: bool,
    by: User,
    request: HttpRequest | None = None,
) -> CreditNote:
    """Credit some or all of an invoice's lines (`quantities`: line id -> how many to credit).

    With `release`, the credited activities may go on a later invoice; only whole lines (all
    that is left of them) can be released, so it is never ambiguous which activities were.
    """
    if not by.can_manage_service:
        raise ServiceError("Only managers can raise credit notes.")
    reason = reason.strip()
    if not reason:
        raise ServiceError("Give the reason for the credit note.")
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    lines = {line.pk: line for line in selectors.invoice_lines(invoice)}
    already = selectors.line_credited_quantities(invoice)
    wanted = {pk: qty for pk, qty in quantities.items() if qty}
    if not wanted:
        raise ServiceError("Enter how many of at least one line to credit.")
    for pk, qty in wanted.items():
        line = lines.get(pk)
        if line is None:
            raise ServiceError("That line is not on this invoice.")
        left = line.quantity - already.get(pk, 0)
        if qty < 0 or qty > left:
            raise ServiceError(f"You can credit at most {left} of “{line.description}”.")
        if release and qty != left:
            raise ServiceError(
                "Only whole lines can be invoiced again. Credit all that is left of each line, "
                "or choose not to invoice the activities again."
            )
    now = timezone.now()
    issued_on = timezone.localdate(now)
    credit_lines = []
    for pk in sorted(wanted, key=lambda pk: lines[pk].position):
        line = lines[pk]
        amounts = line_amounts(
            quantity=wanted[pk],
            unit_price_pence=line.unit_price_pence,
            vat_rate_bp=line.vat_rate_bp,
        )
        credit_lines.append((line, wanted[pk], amounts))
    net = sum(a.net for _line, _qty, a in credit_lines)
    vat = sum(a.vat for _line, _qty, a in credit_lines)
    number = number_next(prefix=CREDIT_NOTE_PREFIX, year=issued_on.year)
    html, pdf = _render(
        "invoicing/document.html",
        _document_context(
            kind="credit_note",
            number=number,
            invoice=invoice,
            authority_name=invoice.billed_to_name,
            authority_code=invoice.billed_to_code,
            issued_on=issued_on,
            start=invoice.period_start,
            end=invoice.period_end,
            lines=[
                {
                    "description": line.description,
                    "quantity": qty,
                    "unit_price_pence": line.unit_price_pence,
                    "vat_rate_bp": line.vat_rate_bp,
                    "net_pence": a.net,
                    "vat_pence": a.vat,
                    "total_pence": a.total,
                }
                for line, qty, a in credit_lines
            ],
            net=net,
            vat=vat,
            total=net + vat,
            reason=reason,
            release=release,
        ),
    )
    note = CreditNote.objects.create(
        number=number,
        invoice=invoice,
        reason=reason,
        releases_activities=release,
        issued_on=issued_on,
        issued_at=now,
        issued_by=by,
        net_pence=net,
        vat_pence=vat,
        total_pence=net + vat,
        html=html,
        **_kept_pdf(pdf, folder="credit-notes"),
    )
    CreditNoteLine.objects.bulk_create(
        CreditNoteLine(
            credit_note=note,
            invoice_line=line,
            quantity=qty,
            unit_price_pence=line.unit_price_pence,
            vat_rate_bp=line.vat_rate_bp,
            net_pence=a.net,
            vat_pence=a.vat,
        )
        for line, qty, a in credit_lines
    )
    released = 0
    if release:
        released = BilledActivity.objects.filter(
            line_id__in=list(wanted), released_by__isnull=True
        ).update(released_by=note)
    audit_record(
        actor=by,
        verb="credit_note.issue",
        target=note,
        request=request,
        detail={
            "number": number,
            "invoice": invoice.number,
            "total_pence": note.total_pence,
            "released_activities": released,
            "sha256": note.sha256,
        },
    )
    return note


# ---------------------------------------------------------------------------------------------
# CSV, downloads and sending
# ---------------------------------------------------------------------------------------------

CSV_HEADER = [
    "Document",
    "Number",
    "Local authority",
    "Period start",
    "Period end",
    "Issued on",
    "Line",
    "Activity",
    "Quantity",
    "Unit price (£)",
    "Net (£)",
    "VAT rate (%)",
    "VAT (£)",
    "Total (£)",
    "References",
]


def _pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def _rate(bp: int) -> str:
    return f"{bp // 100}.{bp % 100:02d}"


def _safe(value: str) -> str:
    # Spreadsheets run cells starting with these as formulas (CSV injection).
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def invoice_csv(invoice: Invoice) -> str:
    """The invoice's lines, as issued, one row a line, with the references behind each."""
    activities = selectors.invoice_activities(invoice)
    rows = []
    for line in selectors.invoice_lines(invoice):
        refs = " ".join(a.reference for a in activities.get(line.pk, []))
        rows.append(
            (line.position, line.description, line.quantity, line.unit_price_pence,
             line.net_pence, line.vat_rate_bp, line.vat_pence, refs)
        )  # fmt: skip
    return _csv("Invoice", invoice.number, invoice, invoice.issued_on, rows)


def credit_note_csv(note: CreditNote) -> str:
    invoice = note.invoice
    rows = [
        (cl.invoice_line.position, cl.invoice_line.description, cl.quantity,
         cl.unit_price_pence, cl.net_pence, cl.vat_rate_bp, cl.vat_pence,
         f"Credits invoice {invoice.number}")
        for cl in note.lines.select_related("invoice_line").order_by("invoice_line__position")
    ]  # fmt: skip
    return _csv("Credit note", note.number, invoice, note.issued_on, rows)


def _csv(kind: str, number: str, invoice: Invoice, issued_on: date, rows: list) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for position, description, qty, unit, net, rate, vat, refs in rows:
        writer.writerow(
            [
                kind,
                number,
                _safe(invoice.billed_to_name),
                invoice.period_start.isoformat(),
                invoice.period_end.isoformat(),
                issued_on.isoformat(),
                position,
                _safe(description),
                qty,
                _pounds(unit),
                _pounds(net),
                _rate(rate),
                _pounds(vat),
                _pounds(net + vat),
                _safe(refs),
            ]
        )
    return out.getvalue()


def record_download(
    *, document: Invoice | CreditNote, file_format: str, by: User, request: HttpRequest | None
) -> None:
    verb = "invoice.download" if isinstance(document, Invoice) else "credit_note.download"
    audit_record(
        actor=by,
        verb=verb,
        target=document,
        request=request,
        detail={"number": document.number, "format": file_format},
    )


@transaction.atomic
def invoice_send(
    *,
    invoice: Invoice,
    by: User,
    credit_note: CreditNote | None = None,
    request: HttpRequest | None = None,
) -> InvoiceDispatch:
    """Email the invoice (or one of its credit notes) as a PDF to the LA's contact. Sending
    again (a resend) queues a new message with the same PDF."""
    if not by.can_manage_service:
        raise ServiceError("Only managers can send invoices.")
    authority = LocalAuthority.objects.select_for_update().get(pk=invoice.local_authority_id)
    if not authority.contact_email:
        raise ServiceError(
            f"{authority.name} has no contact email. Add one to the local authority first."
        )
    document: Invoice | CreditNote = credit_note or invoice
    count = InvoiceDispatch.objects.filter(invoice=invoice, credit_note=credit_note).count()
    what = "Credit note" if credit_note else "Invoice"
    body = (
        f"Dear {authority.name},\n\n"
        f"Please find attached {what.lower()} {document.number}"
        + (f" against invoice {invoice.number}" if credit_note else "")
        + f" for the period {format_day(invoice.period_start)} to "
        f"{format_day(invoice.period_end)}: {format_pence(document.total_pence)} "
        f"including VAT.\n\n{settings.PROVIDER_NAME}"
    )
    message, _created = message_queue(
        key=f"invoice:{document.number}:la:{authority.pk}:{count + 1}",
        to_email=authority.contact_email,
        to_name=authority.name,
        subject=f"{what} {document.number} from {settings.PROVIDER_NAME}",
        body=body,
        attachments=[(document.filename, "application/pdf", document.pdf_bytes())],
    )
    dispatch = InvoiceDispatch.objects.create(
        invoice=invoice,
        credit_note=credit_note,
        message_id=message.pk,
        to_email=authority.contact_email,
        sent_by=by,
    )
    audit_record(
        actor=by,
        verb="credit_note.send" if credit_note else "invoice.send",
        target=document,
        request=request,
        detail={"number": document.number, "message": message.pk, "sending": count + 1},
    )
    return dispatch

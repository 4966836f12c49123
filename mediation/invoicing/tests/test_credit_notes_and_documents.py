"""Issued invoices never change; credit notes correct them; the PDF and CSV say what was issued;
sending to the LA goes through the notifications outbox."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date

import pytest

from mediation.audit.models import AuditEvent
from mediation.common import errors
from mediation.common.tests.pdf_ua import assert_pdf_ua
from mediation.documents.tests.support import pdf_info
from mediation.invoicing import selectors, services
from mediation.invoicing.models import (
    Activity,
    BilledActivity,
    CreditNote,
    CreditNoteLine,
    ImmutableRecord,
    Invoice,
    InvoiceLine,
)
from mediation.invoicing.tests import support
from mediation.notifications.models import Message

pytestmark = pytest.mark.django_db

NOV_1, NOV_30 = date(2026, 11, 1), date(2026, 11, 30)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text laid out as on the page (table rows stay on one line), one space apart."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return "\n".join(" ".join(line.split()) for line in out.splitlines())


def issue(authority, user, start=NOV_1, end=NOV_30):
    draft = selectors.invoice_draft(authority=authority, start=start, end=end)
    return services.invoice_issue(
        authority=authority, start=start, end=end, fingerprint=draft.fingerprint, by=user
    )


@pytest.fixture
def invoice(local_authority, manager_sue, case_officer_cal):
    """INV-2026-00001: 3 mediations at £650 + 20% VAT, 2 calls at £45.50 with no VAT."""
    support.tariff(local_authority, manager_sue, Activity.MEDIATION, 65000, vat_bp=2000)
    support.tariff(local_authority, manager_sue, Activity.INFORMATION_CALL, 4550)
    for day in (3, 10, 17):
        support.mediation(
            local_authority,
            case_officer_cal,
            date(2026, 11, day),
            reference=f"MED-2026-{100 + day:05d}",
        )
    for day in (4, 5):
        support.information_call(local_authority, case_officer_cal, date(2026, 11, day))
    return issue(local_authority, manager_sue)


def line(invoice, activity):
    return InvoiceLine.objects.get(invoice=invoice, activity=activity)


# ---------------------------------------------------------------------------------------------
# Immutability
# ---------------------------------------------------------------------------------------------


def test_an_issued_invoice_cannot_be_saved_or_deleted(invoice):
    invoice.total_pence = 1
    with pytest.raises(ImmutableRecord):
        invoice.save()
    with pytest.raises(ImmutableRecord):
        invoice.delete()
    with pytest.raises(ImmutableRecord):
        Invoice.objects.filter(pk=invoice.pk).update(total_pence=1)
    with pytest.raises(ImmutableRecord):
        Invoice.objects.filter(pk=invoice.pk).delete()
    first = invoice.lines.first()
    first.quantity = 99
    with pytest.raises(ImmutableRecord):
        first.save()
    with pytest.raises(ImmutableRecord):
        first.delete()
    with pytest.raises(ImmutableRecord):
        InvoiceLine.objects.filter(invoice=invoice).update(quantity=99)
    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.total_pence == 3 * 78000 + 2 * 4550
    assert list(stored.lines.values_list("quantity", flat=True)) == [2, 3] or list(
        stored.lines.order_by("position").values_list("quantity", flat=True)
    ) == [2, 3]


def test_a_credit_note_cannot_be_saved_or_deleted(invoice, manager_sue):
    note = services.credit_note_issue(
        invoice=invoice,
        quantities={line(invoice, Activity.MEDIATION).pk: 1},
        reason="Charged twice",
        release=False,
        by=manager_sue,
    )
    with pytest.raises(ImmutableRecord):
        note.save()
    with pytest.raises(ImmutableRecord):
        note.delete()
    with pytest.raises(ImmutableRecord):
        CreditNote.objects.all().update(reason="x")
    with pytest.raises(ImmutableRecord):
        CreditNoteLine.objects.all().delete()


# ---------------------------------------------------------------------------------------------
# Credit notes
# ---------------------------------------------------------------------------------------------


def test_part_credit_without_release(invoice, manager_sue, local_authority):
    mediations = line(invoice, Activity.MEDIATION)
    note = services.credit_note_issue(
        invoice=invoice,
        quantities={mediations.pk: 1},
        reason="One mediation was for another LA",
        release=False,
        by=manager_sue,
    )
    assert note.number == "CN-2026-00001"
    assert (note.net_pence, note.vat_pence, note.total_pence) == (65000, 13000, 78000)
    invoice = selectors.get_invoice(invoice.number)
    assert invoice.credited == 78000
    assert selectors.invoice_status(invoice, invoice.credited) == selectors.Status.PART_CREDITED
    # Nothing released: the same period has nothing new to invoice.
    assert selectors.invoice_draft(authority=local_authority, start=NOV_1, end=NOV_30).lines == []
    assert AuditEvent.objects.filter(verb="credit_note.issue").count() == 1


def test_whole_line_credit_with_release_makes_the_activities_billable_again(
    invoice, manager_sue, local_authority
):
    from mediation.invoicing.models import Tariff

    mediations = line(invoice, Activity.MEDIATION)
    note = services.credit_note_issue(
        invoice=invoice,
        quantities={mediations.pk: 3},
        reason="Charged at the old price",
        release=True,
        by=manager_sue,
    )
    assert note.total_pence == 3 * 78000
    assert BilledActivity.objects.filter(released_by=note).count() == 3
    # The right price is set, and the mediations go on a new invoice at it.
    Tariff.objects.filter(activity=Activity.MEDIATION).update(unit_price_pence=70000)
    again = issue(local_authority, manager_sue)
    assert again.number == "INV-2026-00002"
    assert [(ln.activity, ln.quantity, ln.unit_price_pence) for ln in again.lines.all()] == [
        (Activity.MEDIATION, 3, 70000)
    ]
    # The first invoice still lists them, marked as released.
    assert BilledActivity.objects.filter(invoice=invoice, released_by=note).count() == 3


def test_credit_in_full_and_then_nothing_is_left(invoice, manager_sue):
    quantities = {ln.pk: ln.quantity for ln in invoice.lines.all()}
    services.credit_note_issue(
        invoice=invoice, quantities=quantities, reason="Wrong LA", release=False, by=manager_sue
    )
    invoice = selectors.get_invoice(invoice.number)
    assert invoice.credited == invoice.total_pence
    assert selectors.invoice_status(invoice, invoice.credited) == selectors.Status.CREDITED
    with pytest.raises(errors.ServiceError, match="at most 0"):
        services.credit_note_issue(
            invoice=invoice,
            quantities={line(invoice, Activity.MEDIATION).pk: 1},
            reason="Again",
            release=False,
            by=manager_sue,
        )


@pytest.mark.parametrize(
    ("quantity", "release", "reason", "message"),
    [
        (4, False, "Too many", "at most 3"),
        (2, True, "Part release", "Only whole lines"),
        (0, False, "Nothing", "at least one line"),
        (1, False, "   ", "reason"),
    ],
)
def test_credit_notes_refused(invoice, manager_sue, quantity, release, reason, message):
    with pytest.raises(errors.ServiceError, match=message):
        services.credit_note_issue(
            invoice=invoice,
            quantities={line(invoice, Activity.MEDIATION).pk: quantity},
            reason=reason,
            release=release,
            by=manager_sue,
        )
    assert not CreditNote.objects.exists()


def test_a_line_of_another_invoice_cannot_be_credited(invoice, manager_sue, other_authority,
                                                       case_officer_cal):  # fmt: skip
    support.tariff(other_authority, manager_sue, Activity.MEDIATION, 50000)
    support.mediation(other_authority, case_officer_cal, date(2026, 11, 3))
    theirs = issue(other_authority, manager_sue)
    with pytest.raises(errors.ServiceError, match="not on this invoice"):
        services.credit_note_issue(
            invoice=invoice,
            quantities={theirs.lines.get().pk: 1},
            reason="Mixed up",
            release=False,
            by=manager_sue,
        )


# ---------------------------------------------------------------------------------------------
# PDF, CSV, sending
# ---------------------------------------------------------------------------------------------


def test_invoice_pdf_text(invoice):
    text = pdf_text(bytes(invoice.pdf))
    assert "Invoice INV-2026-00001" in text
    assert "Northfield Borough Council (NFD)" in text
    assert "1 November 2026 to 30 November 2026" in text
    assert "Mediation 3 £650.00 £1,950.00 20% £390.00 £2,340.00" in text
    assert "Information-only call 2 £45.50 £91.00 0% £0.00 £91.00" in text
    assert "Total due £2,431.00" in text
    assert "MED-2026-00103 (3 Nov 2026)" in text
    assert "Whitfield" not in text  # references only, never names
    info = pdf_info(bytes(invoice.pdf))
    assert info["Title"] == "Invoice INV-2026-00001" and info["Tagged"] == "yes"
    assert_pdf_ua(bytes(invoice.pdf), title_contains="Invoice INV-2026-00001")


def test_invoice_csv(invoice):
    rows = list(csv.reader(io.StringIO(services.invoice_csv(invoice))))
    assert rows[0][:3] == ["Document", "Number", "Local authority"]
    assert rows[1] == [
        "Invoice", "INV-2026-00001", "Northfield Borough Council", "2026-11-01", "2026-11-30",
        "2026-12-02", "1", "Information-only call", "2", "45.50", "91.00", "0.00", "0.00",
        "91.00", rows[1][14],
    ]  # fmt: skip
    assert rows[1][14].count("ENQ-2026-") == 2
    assert rows[2][7:14] == ["Mediation", "3", "650.00", "1950.00", "20.00", "390.00", "2340.00"]
    assert rows[2][14] == "MED-2026-00103 MED-2026-00110 MED-2026-00117"
    assert len(rows) == 3


def test_credit_note_pdf_and_csv(invoice, manager_sue):
    note = services.credit_note_issue(
        invoice=invoice,
        quantities={line(invoice, Activity.MEDIATION).pk: 1},
        reason="Charged twice for one meeting",
        release=False,
        by=manager_sue,
    )
    text = pdf_text(bytes(note.pdf))
    assert "Credit note CN-2026-00001" in text
    assert_pdf_ua(bytes(note.pdf), title_contains="Credit note CN-2026-00001")
    assert "INV-2026-00001 issued 2 December 2026" in text
    assert "Charged twice for one meeting" in text
    assert "Total credited £780.00" in text
    assert "Will not be invoiced again" in text
    rows = list(csv.reader(io.StringIO(services.credit_note_csv(note))))
    assert rows[1][:2] == ["Credit note", "CN-2026-00001"]
    assert rows[1][7:] == [
        "Mediation", "1", "650.00", "650.00", "20.00", "130.00", "780.00",
        "Credits invoice INV-2026-00001",
    ]  # fmt: skip


def test_csv_cells_cannot_run_as_formulas(local_authority, manager_sue, case_officer_cal):
    local_authority.name = "=HYPERLINK(1)"
    local_authority.save()
    support.tariff(local_authority, manager_sue, Activity.MEDIATION, 100)
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 3))
    invoice = issue(local_authority, manager_sue)
    rows = list(csv.reader(io.StringIO(services.invoice_csv(invoice))))
    assert rows[1][2] == "'=HYPERLINK(1)"


def test_send_and_resend_to_the_la(invoice, manager_sue, mailoutbox):
    first = services.invoice_send(invoice=invoice, by=manager_sue)
    second = services.invoice_send(invoice=invoice, by=manager_sue)
    messages = Message.objects.filter(pk__in=[first.message_id, second.message_id])
    assert messages.count() == 2
    for message in messages:
        assert message.recipient_email == "send@testshire.example.gov.uk"
        assert message.subject.startswith("Invoice INV-2026-00001")
        attachment = message.attachments.get()
        assert attachment.filename == "INV-2026-00001.pdf"
        assert bytes(attachment.content) == bytes(invoice.pdf)
    assert AuditEvent.objects.filter(verb="invoice.send").count() == 2


def test_send_refused_without_a_contact_email(invoice, manager_sue, local_authority):
    local_authority.contact_email = ""
    local_authority.save()
    with pytest.raises(errors.ServiceError, match="no contact email"):
        services.invoice_send(invoice=invoice, by=manager_sue)
    assert not Message.objects.exists()

"""Reads for invoicing: the billable activities of an LA in a period, the draft invoice built
from them, and the lists of invoices.

What counts as each activity, and on which day (docs/adr/0012-invoicing-billing-rules.md):

- information-only call: an enquiry closed as "information given" (no case opened), on the day
  the call was received;
- certificate without mediation: a certificate, not revoked, of kind "declined" (s55(4)) or
  "deemed" (reg 39(3)), on its date of issue;
- mediation: a mediation-route case with a meeting held, on the day it was held;
- disagreement resolution: a disagreement-resolution case with a meeting held, on that day;
- meeting cancelled at short notice: a meeting cancelled when it was on or before the Nth working
  day after the day of cancellation (N from the LA's tariff), on the day it was cancelled.

Each is read with one query per kind over the LA's rows in the period (never per case), and
those already on an invoice of the LA (and not released by a credit note) are set aside.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.db.models import F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from mediation.authorities.models import Contract, LocalAuthority
from mediation.cases.models import Case, CertificateKind, Enquiry
from mediation.common.days import day_bounds
from mediation.deadlines.clocks import service_calendar
from mediation.documents.models import Certificate
from mediation.domain.billing import LineAmounts, is_late_cancellation, line_amounts
from mediation.domain.case_states import Route
from mediation.domain.dates import format_day
from mediation.invoicing.models import (
    Activity,
    BilledActivity,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Tariff,
)
from mediation.meetings.models import MeetingChange

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

ACTIVITY_ORDER = list(Activity.values)


@dataclass(frozen=True)
class ActivityRow:
    activity: str
    source_id: int
    reference: str
    happened_on: date


@dataclass
class DraftLine:
    activity: str
    description: str
    tariff: Tariff
    items: list[ActivityRow] = field(default_factory=list)
    # On a contract's invoice: the LA whose activities the line bills.
    authority: LocalAuthority | None = None

    @property
    def quantity(self) -> int:
        return len(self.items)

    @property
    def unit_price_pence(self) -> int:
        return self.tariff.unit_price_pence

    @property
    def vat_rate_bp(self) -> int:
        return self.tariff.vat_rate_bp

    @property
    def net_pence(self) -> int:
        return self.amounts().net

    @property
    def vat_pence(self) -> int:
        return self.amounts().vat

    @property
    def total_pence(self) -> int:
        return self.amounts().total

    def amounts(self) -> LineAmounts:
        return line_amounts(
            quantity=self.quantity,
            unit_price_pence=self.unit_price_pence,
            vat_rate_bp=self.vat_rate_bp,
        )


@dataclass
class Draft:
    local_authority: LocalAuthority  # the council billed (a contract's lead council)
    start: date
    end: date
    lines: list[DraftLine]
    unpriced: list[ActivityRow]
    already_billed: list[tuple[ActivityRow, str]]
    # Billed to the lead council of a contract with prices for them: (activity, contract name).
    under_contract: list[tuple[ActivityRow, str]] = field(default_factory=list)
    contract: Contract | None = None

    @property
    def net_pence(self) -> int:
        return sum(line.net_pence for line in self.lines)

    @property
    def vat_pence(self) -> int:
        return sum(line.vat_pence for line in self.lines)

    @property
    def total_pence(self) -> int:
        return self.net_pence + self.vat_pence

    @property
    def fingerprint(self) -> str:
        """What would be billed, as a hash: issuing refuses a draft that changed since preview."""
        parts = sorted(
            f"{line.activity}:{line.tariff.pk}:{line.unit_price_pence}:{line.vat_rate_bp}:"
            f"{line.authority.pk if line.authority else ''}:{item.source_id}"
            for line in self.lines
            for item in line.items
        )
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _billed_number(authority: LocalAuthority, activity: str) -> Subquery:
    return Subquery(
        BilledActivity.objects.filter(
            local_authority=authority,
            activity=activity,
            source_id=OuterRef("pk"),
            released_by__isnull=True,
        ).values("invoice__number")[:1]
    )


def _billed_number_of(authority: LocalAuthority, activity: str, ref: str) -> Subquery:
    return Subquery(
        BilledActivity.objects.filter(
            local_authority=authority,
            activity=activity,
            source_id=OuterRef(ref),
            released_by__isnull=True,
        ).values("invoice__number")[:1]
    )


def activities_in_period(
    authority: LocalAuthority, start: date, end: date, tariffs: list[Tariff]
) -> list[tuple[ActivityRow, str | None]]:
    """Every activity of the LA that happened from `start` to `end` inclusive, with the number of
    the invoice it is already on (or None). Five queries, whatever the number of cases."""
    since, until = day_bounds(start, end)
    rows: list[tuple[ActivityRow, str | None]] = []

    enquiries = Enquiry.objects.filter(
        local_authority=authority,
        status=Enquiry.Status.CLOSED,
        received_at__gte=since,
        received_at__lt=until,
    ).annotate(billed=_billed_number(authority, Activity.INFORMATION_CALL))
    enquiry_rows = enquiries.values_list("pk", "reference", "received_at", "billed")
    for pk, reference, received_at, billed in enquiry_rows:
        rows.append(
            (
                ActivityRow(
                    Activity.INFORMATION_CALL, pk, reference, timezone.localdate(received_at)
                ),
                billed,
            )
        )

    certificates = (
        Certificate.objects.filter(
            case__local_authority=authority,
            kind__in=[CertificateKind.DECLINED, CertificateKind.DEEMED],
            revoked_at__isnull=True,
            issued_on__gte=start,
            issued_on__lte=end,
        )
        .annotate(billed=_billed_number(authority, Activity.CERTIFICATE_ONLY))
        .values_list("pk", "case__reference", "issued_on", "billed")
    )
    for pk, reference, issued_on, billed in certificates:
        rows.append((ActivityRow(Activity.CERTIFICATE_ONLY, pk, reference, issued_on), billed))

    for route, activity in (
        (Route.MEDIATION, Activity.MEDIATION),
        (Route.DISAGREEMENT_RESOLUTION, Activity.DISAGREEMENT_RESOLUTION),
    ):
        held = (
            Case.objects.filter(
                local_authority=authority,
                route=route.value,
                mediation_held_on__gte=start,
                mediation_held_on__lte=end,
            )
            .annotate(billed=_billed_number(authority, activity))
            .values_list("pk", "reference", "mediation_held_on", "billed")
        )
        for pk, reference, held_on, billed in held:
            assert held_on is not None  # the filter above
            rows.append((ActivityRow(activity, pk, reference, held_on), billed))

    notice = {
        t.pk: t.notice_working_days
        for t in tariffs
        if t.activity == Activity.CANCELLED_MEETING and t.notice_working_days is not None
    }
    if notice:
        calendar = service_calendar()
        cancellations = (
            MeetingChange.objects.filter(
                kind=MeetingChange.Kind.CANCELLED,
                meeting__case__local_authority=authority,
                at__gte=since,
                at__lt=until,
            )
            .annotate(billed=_billed_number_of(authority, Activity.CANCELLED_MEETING, "meeting_id"))
            .values_list("meeting_id", "meeting__case__reference", "at", "old_starts_at", "billed")
        )
        for meeting_id, reference, at, starts_at, billed in cancellations:
            cancelled_on = timezone.localdate(at)
            tariff = _tariff_on(tariffs, Activity.CANCELLED_MEETING, cancelled_on)
            if tariff is None or tariff.notice_working_days is None or starts_at is None:
                continue
            if is_late_cancellation(
                cancelled_on=cancelled_on,
                meeting_on=timezone.localdate(starts_at),
                notice_working_days=tariff.notice_working_days,
                calendar=calendar,
            ):
                rows.append(
                    (
                        ActivityRow(
                            Activity.CANCELLED_MEETING, meeting_id, reference, cancelled_on
                        ),
                        billed,
                    )
                )
    return rows


def _tariff_on(tariffs: list[Tariff], activity: str, day: date) -> Tariff | None:
    return next((t for t in tariffs if t.activity == activity and t.applies_on(day)), None)


def tariffs_for(authority: LocalAuthority) -> list[Tariff]:
    return list(
        Tariff.objects.filter(local_authority=authority).order_by("activity", "effective_from")
    )


def contract_tariffs(contract: Contract) -> list[Tariff]:
    return list(Tariff.objects.filter(contract=contract).order_by("activity", "effective_from"))


def _contracts_of(authority: LocalAuthority) -> list[tuple[Contract, list[Tariff]]]:
    """The contracts the LA is in, each with its prices (two queries)."""
    contracts = list(Contract.objects.filter(members=authority).prefetch_related("tariffs"))
    return [(contract, list(contract.tariffs.all())) for contract in contracts]


def contract_pricing(
    contracts: list[tuple[Contract, list[Tariff]]], row: ActivityRow
) -> Contract | None:
    """The contract that prices this activity: one the LA is in on the activity's day, with a
    price for it that day (its lead council is invoiced for it, not the LA)."""
    for contract, tariffs in contracts:
        if contract.covers(row.happened_on) and _tariff_on(tariffs, row.activity, row.happened_on):
            return contract
    return None


def invoice_draft(*, authority: LocalAuthority, start: date, end: date) -> Draft:
    """The invoice that issuing now would make: a line per activity and price, with the
    activities behind it; activities without a tariff on their day; those already invoiced;
    those priced by a contract the LA is in (invoiced to its lead council instead)."""
    tariffs = tariffs_for(authority)
    contracts = _contracts_of(authority)
    unpriced: list[ActivityRow] = []
    already: list[tuple[ActivityRow, str]] = []
    under_contract: list[tuple[ActivityRow, str]] = []
    by_tariff: dict[int, DraftLine] = {}
    for row, billed in activities_in_period(authority, start, end, tariffs):
        if billed:
            already.append((row, billed))
            continue
        contract = contract_pricing(contracts, row)
        if contract is not None:
            under_contract.append((row, contract.name))
            continue
        tariff = _tariff_on(tariffs, row.activity, row.happened_on)
        if tariff is None:
            unpriced.append(row)
            continue
        line = by_tariff.get(tariff.pk)
        if line is None:
            line = by_tariff[tariff.pk] = DraftLine(
                activity=row.activity, description=Activity(row.activity).label, tariff=tariff
            )
        line.items.append(row)
    lines = sorted(
        by_tariff.values(),
        key=lambda ln: (ACTIVITY_ORDER.index(ln.activity), ln.tariff.effective_from),
    )
    per_activity: dict[str, int] = {}
    for line in lines:
        per_activity[line.activity] = per_activity.get(line.activity, 0) + 1
        line.items.sort(key=lambda item: (item.happened_on, item.reference))
    for line in lines:
        if per_activity[line.activity] > 1:
            line.description = (
                f"{Activity(line.activity).label} (price from "
                f"{format_day(line.tariff.effective_from)})"
            )
    return Draft(
        local_authority=authority,
        start=start,
        end=end,
        lines=lines,
        unpriced=sorted(unpriced, key=_sort_key),
        already_billed=sorted(already, key=lambda pair: _sort_key(pair[0])),
        under_contract=sorted(under_contract, key=lambda pair: _sort_key(pair[0])),
    )


def _sort_key(row: ActivityRow) -> tuple[int, date, str]:
    return (ACTIVITY_ORDER.index(row.activity), row.happened_on, row.reference)


def invoice_draft_for_contract(*, contract: Contract, start: date, end: date) -> Draft:
    """The invoice to the contract's lead council for the whole group: a line per LA, activity
    and price, priced by the contract's tariffs. Only activities on the contract's days count
    (those outside are the LA's own, invoiced to it); each LA's already invoiced ones are set
    aside, so an activity is never on an LA's invoice and the contract's both."""
    tariffs = contract_tariffs(contract)
    members = sorted(contract.members.all(), key=lambda member: member.name)
    first = max(start, contract.starts_on)
    last = min(end, contract.ends_on) if contract.ends_on else end
    unpriced: list[ActivityRow] = []
    already: list[tuple[ActivityRow, str]] = []
    by_key: dict[tuple[int, int], DraftLine] = {}
    for member in members:
        if last < first:
            break
        for row, billed in activities_in_period(member, first, last, tariffs):
            if billed:
                already.append((row, billed))
                continue
            tariff = _tariff_on(tariffs, row.activity, row.happened_on)
            if tariff is None:
                unpriced.append(row)
                continue
            line = by_key.get((member.pk, tariff.pk))
            if line is None:
                line = by_key[(member.pk, tariff.pk)] = DraftLine(
                    activity=row.activity,
                    description=f"{Activity(row.activity).label}: {member.name}",
                    tariff=tariff,
                    authority=member,
                )
            line.items.append(row)
    order = {member.pk: position for position, member in enumerate(members)}
    lines = sorted(
        by_key.values(),
        key=lambda ln: (
            order[ln.authority.pk if ln.authority else 0],
            ACTIVITY_ORDER.index(ln.activity),
            ln.tariff.effective_from,
        ),
    )
    per_activity: dict[tuple[int, str], int] = {}
    for line in lines:
        key = (line.authority.pk if line.authority else 0, line.activity)
        per_activity[key] = per_activity.get(key, 0) + 1
        line.items.sort(key=lambda item: (item.happened_on, item.reference))
    for line in lines:
        if per_activity[(line.authority.pk if line.authority else 0, line.activity)] > 1:
            line.description += f" (price from {format_day(line.tariff.effective_from)})"
    return Draft(
        local_authority=contract.lead,
        start=start,
        end=end,
        lines=lines,
        unpriced=sorted(unpriced, key=_sort_key),
        already_billed=sorted(already, key=lambda pair: _sort_key(pair[0])),
        contract=contract,
    )


# ---------------------------------------------------------------------------------------------
# Issued invoices
# ---------------------------------------------------------------------------------------------


class Status:
    ISSUED = "issued"
    PART_CREDITED = "part_credited"
    CREDITED = "credited"

    LABELS = {ISSUED: "Issued", PART_CREDITED: "Part credited", CREDITED: "Credited"}


def credited_pence() -> Coalesce:
    return Coalesce(
        Subquery(
            CreditNote.objects.filter(invoice=OuterRef("pk"))
            .order_by()
            .values("invoice")
            .annotate(total=Sum("total_pence"))
            .values("total")[:1]
        ),
        Value(0),
    )


def invoice_list(
    *, authority_id: int | None = None, status: str = "", year: int | None = None
) -> QuerySet[Invoice]:
    """Issued invoices, newest first, with what was credited; without their PDFs."""
    invoices = (
        Invoice.objects.defer("html", "pdf")
        .select_related("local_authority")
        .annotate(credited=credited_pence())
        .order_by("-issued_at", "-id")
    )
    if authority_id:
        invoices = invoices.filter(local_authority_id=authority_id)
    if year:
        invoices = invoices.filter(issued_on__year=year)
    if status == Status.ISSUED:
        invoices = invoices.filter(credited=0)
    elif status == Status.PART_CREDITED:
        invoices = invoices.filter(credited__gt=0, credited__lt=F("total_pence"))
    elif status == Status.CREDITED:
        invoices = invoices.filter(credited__gte=F("total_pence"), total_pence__gt=0)
    return invoices


def invoice_status(invoice: Invoice, credited: int) -> str:
    if credited <= 0:
        return Status.ISSUED
    if credited >= invoice.total_pence:
        return Status.CREDITED
    return Status.PART_CREDITED


class Credited(TypedDict):
    credited: int  # pence credited by the invoice's credit notes (credited_pence)


def get_invoice(number: str) -> WithAnnotations[Invoice, Credited]:
    return get_object_or_404(
        Invoice.objects.select_related("local_authority", "issued_by", "contract").annotate(
            credited=credited_pence()
        ),
        number=number,
    )


def line_credited_quantities(invoice: Invoice) -> dict[int, int]:
    """How much of each line earlier credit notes credited."""
    rows = (
        CreditNoteLine.objects.filter(invoice_line__invoice=invoice)
        .values("invoice_line")
        .annotate(quantity=Sum("quantity"))
        .values_list("invoice_line", "quantity")
    )
    return dict(rows)


def invoice_lines(invoice: Invoice) -> list[InvoiceLine]:
    return list(InvoiceLine.objects.filter(invoice=invoice).order_by("position"))


def invoice_activities(invoice: Invoice) -> dict[int, list[BilledActivity]]:
    grouped: dict[int, list[BilledActivity]] = {}
    for item in BilledActivity.objects.filter(invoice=invoice).select_related("released_by"):
        grouped.setdefault(item.line_id, []).append(item)
    return grouped

"""Manager pages for tariffs, invoices and credit notes (Manage → Invoices). Everyone else
gets 403, as on the other Manage pages. Issued invoices and credit notes have no edit or
delete page: corrections are credit notes."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.step_up import step_up_required
from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.authorities.models import Contract, LocalAuthority
from mediation.common.pagination import page_number_from, paginate
from mediation.common.views import (
    manager_view,
    refusal_shown_as_message,
    refusal_shown_on,
    render_form_page,
)
from mediation.documents.views import pdf_response
from mediation.invoicing import selectors, services
from mediation.invoicing.forms import CreditNoteForm, InvoicePeriodForm, TariffForm
from mediation.invoicing.models import Activity, CreditNote, InvoiceDispatch, Tariff
from mediation.notifications.models import Message

# ---------------------------------------------------------------------------------------------
# Tariffs
# ---------------------------------------------------------------------------------------------


@manager_view
def tariff_authorities(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "invoicing/tariff_authorities.html",
        {
            "authorities": LocalAuthority.objects.order_by("name"),
            "contracts": Contract.objects.select_related("lead").order_by("name"),
        },
    )


def _tariff_list(
    request: AuthenticatedHttpRequest, owner: LocalAuthority | Contract
) -> HttpResponse:
    is_contract = isinstance(owner, Contract)
    tariffs = Tariff.objects.filter(
        **({"contract": owner} if is_contract else {"local_authority": owner})
    ).order_by("activity", "-effective_from")
    grouped = [
        (label, [t for t in tariffs if t.activity == value]) for value, label in Activity.choices
    ]
    return render(
        request,
        "invoicing/tariff_list.html",
        {"authority": owner, "grouped": grouped, "is_contract": is_contract},
    )


@manager_view
def tariff_list(request: AuthenticatedHttpRequest, authority_id: int) -> HttpResponse:
    return _tariff_list(request, get_object_or_404(LocalAuthority, pk=authority_id))


@manager_view
def contract_tariff_list(request: AuthenticatedHttpRequest, contract_id: int) -> HttpResponse:
    return _tariff_list(
        request, get_object_or_404(Contract.objects.select_related("lead"), pk=contract_id)
    )


def _tariff_initial(tariff: Tariff) -> dict:
    return {
        "activity": tariff.activity,
        "unit_price": f"{tariff.unit_price_pence // 100}.{tariff.unit_price_pence % 100:02d}",
        "vat_rate": f"{tariff.vat_rate_bp / 100:g}"
        if tariff.vat_rate_bp % 100
        else str(tariff.vat_rate_bp // 100),
        "notice_working_days": tariff.notice_working_days,
        "effective_from": tariff.effective_from,
        "effective_to": tariff.effective_to,
    }


@manager_view
@require_http_methods(["GET", "POST"])
def tariff_edit(
    request: AuthenticatedHttpRequest, authority_id: int, tariff_id: int | None = None
) -> HttpResponse:
    authority = get_object_or_404(LocalAuthority, pk=authority_id)
    tariff = (
        get_object_or_404(Tariff, pk=tariff_id, local_authority=authority)
        if tariff_id
        else Tariff(local_authority=authority)
    )
    return _tariff_edit(request, authority, tariff)


@manager_view
@require_http_methods(["GET", "POST"])
def contract_tariff_edit(
    request: AuthenticatedHttpRequest, contract_id: int, tariff_id: int | None = None
) -> HttpResponse:
    contract = get_object_or_404(Contract, pk=contract_id)
    tariff = (
        get_object_or_404(Tariff, pk=tariff_id, contract=contract)
        if tariff_id
        else Tariff(contract=contract)
    )
    return _tariff_edit(request, contract, tariff)


def _tariff_edit(
    request: AuthenticatedHttpRequest, owner: LocalAuthority | Contract, tariff: Tariff
) -> HttpResponse:
    is_contract = isinstance(owner, Contract)
    initial = _tariff_initial(tariff) if tariff.pk else {"vat_rate": "0"}
    form = TariffForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {"authority": owner, "tariff": tariff, "form": form, "is_contract": is_contract}
    if request.method == "GET":
        return render(request, "invoicing/tariff_form.html", context)
    if not form.is_valid():
        return render_form_page(request, "invoicing/tariff_form.html", context, invalid=True)
    data = form.cleaned_data
    tariff.activity = data["activity"]
    tariff.unit_price_pence = data["unit_price"]
    tariff.vat_rate_bp = data["vat_rate"]
    tariff.notice_working_days = data.get("notice_working_days")
    tariff.effective_from = data["effective_from"]
    tariff.effective_to = data.get("effective_to")
    with refusal_shown_on(form, "effective_from"):
        services.tariff_save(tariff=tariff, by=request.user, request=request)
        messages.success(request, f"Saved the tariff: {services.describe_tariff(tariff)}")
        if is_contract:
            return redirect("invoicing:contract-tariffs", contract_id=owner.pk)
        return redirect("invoicing:tariffs", authority_id=owner.pk)
    return render_form_page(request, "invoicing/tariff_form.html", context, invalid=True)


# ---------------------------------------------------------------------------------------------
# Invoices
# ---------------------------------------------------------------------------------------------

STATUS_CHOICES = [("", "Any status")] + list(selectors.Status.LABELS.items())


@manager_view
def invoice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authority_raw = request.GET.get("authority", "")
    authority_id = int(authority_raw) if authority_raw.isdigit() else None
    status = request.GET.get("status", "")
    if status not in selectors.Status.LABELS:
        status = ""
    page = paginate(
        selectors.invoice_list(authority_id=authority_id, status=status),
        number=page_number_from(request.GET.get("page")),
    )
    rows = [
        (invoice, selectors.Status.LABELS[selectors.invoice_status(invoice, invoice.credited)])
        for invoice in page.items
    ]
    query = urlencode({k: v for k, v in (("authority", authority_raw), ("status", status)) if v})
    return render(
        request,
        "invoicing/invoice_list.html",
        {
            "rows": rows,
            "page": page,
            "query_string": query,
            "authorities": LocalAuthority.objects.order_by("name").only("pk", "name"),
            "authority_id": authority_id,
            "status": status,
            "status_choices": STATUS_CHOICES,
        },
    )


@manager_view
@require_http_methods(["GET"])
def invoice_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose an LA and a period; once chosen, the preview with the "Issue invoice" button."""
    form = InvoicePeriodForm(request.GET or None)
    context: dict = {"form": form, "draft": None}
    if not request.GET:
        return render(request, "invoicing/invoice_new.html", context)
    if not form.is_valid():
        return render_form_page(request, "invoicing/invoice_new.html", context, invalid=True)
    data = form.cleaned_data
    if data.get("contract"):
        context["draft"] = selectors.invoice_draft_for_contract(
            contract=data["contract"], start=data["start"], end=data["end"]
        )
    else:
        context["draft"] = selectors.invoice_draft(
            authority=data["local_authority"], start=data["start"], end=data["end"]
        )
    return render(request, "invoicing/invoice_new.html", context)


def _draft_query(authority_id: int, start: date, end: date, contract_id: int | None = None) -> str:
    who = {"contract": contract_id} if contract_id else {"local_authority": authority_id}
    return urlencode(
        {
            **who,
            "period": "custom",
            "start_day": start.day,
            "start_month": start.month,
            "start_year": start.year,
            "end_day": end.day,
            "end_month": end.month,
            "end_year": end.year,
        }
    )


@manager_view
@require_POST
def invoice_issue(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        authority = LocalAuthority.objects.get(pk=int(request.POST.get("local_authority", "")))
        contract_raw = request.POST.get("contract", "")
        contract = Contract.objects.get(pk=int(contract_raw)) if contract_raw else None
        start = date.fromisoformat(request.POST.get("start", ""))
        end = date.fromisoformat(request.POST.get("end", ""))
    except (ValueError, OverflowError, LocalAuthority.DoesNotExist, Contract.DoesNotExist):
        messages.error(request, "Choose the local authority or contract, and the period, again.")
        return redirect("invoicing:new")
    with refusal_shown_as_message(request):
        invoice = services.invoice_issue(
            authority=authority,
            contract=contract,
            start=start,
            end=end,
            fingerprint=request.POST.get("fingerprint", ""),
            by=request.user,
            request=request,
        )
        messages.success(request, f"Invoice {invoice.number} issued")
        return redirect("invoicing:detail", number=invoice.number)
    query = _draft_query(authority.pk, start, end, contract.pk if contract else None)
    return redirect(f"{reverse('invoicing:new')}?{query}")


@manager_view
def invoice_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    invoice = selectors.get_invoice(number)
    lines = selectors.invoice_lines(invoice)
    activities = selectors.invoice_activities(invoice)
    credited = selectors.line_credited_quantities(invoice)
    notes = list(invoice.credit_notes.select_related("issued_by").defer("html", "pdf"))
    dispatches = list(InvoiceDispatch.objects.filter(invoice=invoice).select_related("sent_by"))
    statuses = dict(
        Message.objects.filter(pk__in=[d.message_id for d in dispatches]).values_list(
            "pk", "status"
        )
    )
    return render(
        request,
        "invoicing/invoice_detail.html",
        {
            "invoice": invoice,
            "status": selectors.Status.LABELS[selectors.invoice_status(invoice, invoice.credited)],
            "lines": [
                (line, activities.get(line.pk, []), credited.get(line.pk, 0)) for line in lines
            ],
            "can_credit": any(line.quantity > credited.get(line.pk, 0) for line in lines),
            "notes": notes,
            "dispatches": [
                (
                    d,
                    Message.Status(statuses[d.message_id]).label
                    if d.message_id in statuses
                    else "",
                )
                for d in dispatches
            ],
        },
    )


@manager_view
@step_up_required  # a download of billing data: a fresh code first
@require_http_methods(["GET"])
def invoice_pdf(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    invoice = selectors.get_invoice(number)
    services.record_download(document=invoice, file_format="pdf", by=request.user, request=request)
    return pdf_response(invoice.pdf_bytes(), invoice.filename)


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@manager_view
@step_up_required  # a download of billing data: a fresh code first
@require_http_methods(["GET"])
def invoice_csv(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    invoice = selectors.get_invoice(number)
    services.record_download(document=invoice, file_format="csv", by=request.user, request=request)
    return _csv_response(services.invoice_csv(invoice), f"{invoice.number}.csv")


def _credit_note(invoice_number: str, number: str) -> CreditNote:
    try:
        return CreditNote.objects.select_related("invoice").get(
            number=number, invoice__number=invoice_number
        )
    except CreditNote.DoesNotExist:
        raise Http404("No credit note found") from None


@manager_view
@step_up_required  # a download of billing data: a fresh code first
@require_http_methods(["GET"])
def credit_note_pdf(request: AuthenticatedHttpRequest, number: str, note: str) -> HttpResponse:
    credit_note = _credit_note(number, note)
    services.record_download(
        document=credit_note, file_format="pdf", by=request.user, request=request
    )
    return pdf_response(credit_note.pdf_bytes(), credit_note.filename)


@manager_view
@step_up_required  # a download of billing data: a fresh code first
@require_http_methods(["GET"])
def credit_note_csv(request: AuthenticatedHttpRequest, number: str, note: str) -> HttpResponse:
    credit_note = _credit_note(number, note)
    services.record_download(
        document=credit_note, file_format="csv", by=request.user, request=request
    )
    return _csv_response(services.credit_note_csv(credit_note), f"{credit_note.number}.csv")


@manager_view
@require_http_methods(["GET", "POST"])
def credit_note_new(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    invoice = selectors.get_invoice(number)
    lines = selectors.invoice_lines(invoice)
    credited = selectors.line_credited_quantities(invoice)
    left = {line.pk: line.quantity - credited.get(line.pk, 0) for line in lines}
    if not any(left.values()):
        messages.error(request, f"Invoice {invoice.number} has been credited in full.")
        return redirect("invoicing:detail", number=invoice.number)
    form = CreditNoteForm(
        request.POST if request.method == "POST" else None, lines=lines, left=left
    )
    context = {"invoice": invoice, "form": form, "lines": [(ln, left[ln.pk]) for ln in lines]}
    if request.method == "GET":
        return render(request, "invoicing/credit_note_form.html", context)
    if not form.is_valid():
        return render_form_page(request, "invoicing/credit_note_form.html", context, invalid=True)
    with refusal_shown_on(form):
        note = services.credit_note_issue(
            invoice=invoice,
            quantities=form.cleaned_data["quantities"],
            reason=form.cleaned_data["reason"],
            release=form.cleaned_data["release"] == "yes",
            by=request.user,
            request=request,
        )
        messages.success(request, f"Credit note {note.number} issued")
        return redirect("invoicing:detail", number=invoice.number)
    return render_form_page(request, "invoicing/credit_note_form.html", context, invalid=True)


@manager_view
@require_POST
def invoice_send(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    invoice = selectors.get_invoice(number)
    note_number = request.POST.get("credit_note", "")
    credit_note = _credit_note(number, note_number) if note_number else None
    with refusal_shown_as_message(request):
        dispatch = services.invoice_send(
            invoice=invoice, credit_note=credit_note, by=request.user, request=request
        )
        what = credit_note.number if credit_note else invoice.number
        messages.success(request, f"{what} queued to send to {dispatch.to_email}")
    return redirect("invoicing:detail", number=invoice.number)

"""Staff pages for enquiries and cases. Each view: parse → access → permission → one service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mediation.cases import selectors, services
from mediation.cases.forms import (
    CaseSearchForm,
    CloseEnquiryForm,
    ContactForm,
    EnquiryForm,
    NoteForm,
    OpenCaseForm,
)
from mediation.cases.models import Enquiry
from mediation.common.pagination import page_number_from, paginate
from mediation.common.views import render_form_page, staff_view
from mediation.domain.case_states import Route


def _can_handle_enquiries(user) -> bool:  # type: ignore[no-untyped-def]
    return user.can_handle_enquiries


@staff_view()
def my_work(request: HttpRequest) -> HttpResponse:
    page = paginate(
        selectors.my_work_for_user(user=request.user),
        number=page_number_from(request.GET.get("page")),
    )
    return render(request, "cases/my_work.html", {"page": page})


@staff_view()
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseSearchForm(request.GET or None)
    filters = selectors.CaseFilters(open_only=True)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        status = data.get("status") or ""
        filters = selectors.CaseFilters(
            query=data.get("q") or "",
            route=data.get("route") or "",
            status="" if status == "all" else status,
            open_only=status != "all",
            owner_id=int(data["owner"]) if data.get("owner") else None,
            local_authority_id=int(data["local_authority"])
            if data.get("local_authority")
            else None,
        )
    page = paginate(
        selectors.case_search(user=request.user, filters=filters),
        number=page_number_from(request.GET.get("page")),
    )
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {"search_form": form, "page": page, "query_string": query_without_page.urlencode()},
    )


@staff_view()
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(user=request.user, reference=reference, request=request)
    selectors.case_record_view(user=request.user, case=case, request=request)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "parties": list(case.parties.all()),
            "timeline": selectors.case_timeline(case=case),
            "notes": list(case.notes.select_related("author")[:20]),
        },
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(user=request.user, reference=reference, request=request)
    parties = list(case.parties.all())
    form = ContactForm(request.POST if request.method == "POST" else None, parties=parties)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            services.case_contact_add(
                case=case,
                by=request.user,
                method=data["method"],
                direction=data["direction"],
                occurred_at=data["occurred_at"],
                summary=data["summary"],
                party=form.selected_party(),
                with_name=data.get("with_name", ""),
                request=request,
            )
            messages.success(request, "Contact logged")
            return redirect("cases:detail", reference=case.reference)
        return render_form_page(
            request, "cases/contact_form.html", {"case": case, "form": form}, invalid=True
        )
    return render(request, "cases/contact_form.html", {"case": case, "form": form})


@staff_view()
@require_http_methods(["GET", "POST"])
def note_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(user=request.user, reference=reference, request=request)
    form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            services.case_note_add(
                case=case, by=request.user, text=form.cleaned_data["text"], request=request
            )
            messages.success(request, "Note added")
            return redirect("cases:detail", reference=case.reference)
        return render_form_page(
            request, "cases/note_form.html", {"case": case, "form": form}, invalid=True
        )
    return render(request, "cases/note_form.html", {"case": case, "form": form})


# Enquiries -----------------------------------------------------------------------------------


@staff_view(_can_handle_enquiries)
def enquiry_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    enquiries = selectors.enquiry_list_for_user(user=request.user)
    if show != "all":
        enquiries = enquiries.filter(status=Enquiry.Status.OPEN)
    page = paginate(
        enquiries.order_by("-received_at", "-id"), number=page_number_from(request.GET.get("page"))
    )
    return render(request, "cases/enquiry_list.html", {"page": page, "show": show})


@staff_view(_can_handle_enquiries)
@require_http_methods(["GET", "POST"])
def enquiry_new(request: HttpRequest) -> HttpResponse:
    form = EnquiryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            enquiry = services.enquiry_record(
                by=request.user, data=form.service_data(), request=request
            )
            messages.success(request, f"Enquiry {enquiry.reference} recorded")
            return redirect("enquiries:detail", reference=enquiry.reference)
        return render_form_page(request, "cases/enquiry_form.html", {"form": form}, invalid=True)
    return render(request, "cases/enquiry_form.html", {"form": form})


@staff_view(_can_handle_enquiries)
def enquiry_detail(request: HttpRequest, reference: str) -> HttpResponse:
    enquiry = selectors.access_enquiry(user=request.user, reference=reference)
    return render(request, "cases/enquiry_detail.html", {"enquiry": enquiry})


@staff_view(_can_handle_enquiries)
@require_http_methods(["GET", "POST"])
def enquiry_open_case(request: HttpRequest, reference: str) -> HttpResponse:
    enquiry = selectors.access_enquiry(user=request.user, reference=reference)
    if enquiry.status != Enquiry.Status.OPEN:
        messages.success(request, "This enquiry has already been dealt with")
        return redirect("enquiries:detail", reference=enquiry.reference)
    form_kwargs = {"decision_type": enquiry.decision_type, "section_i_only": enquiry.section_i_only}
    if request.method == "POST":
        form = OpenCaseForm(request.POST, **form_kwargs)
        if form.is_valid():
            issues = set(form.cleaned_data["issues"])
            try:
                case = services.case_open_from_enquiry(
                    enquiry=enquiry,
                    route=Route(form.cleaned_data["route"]),
                    owner=form.cleaned_data["owner"],
                    by=request.user,
                    issue_education="education" in issues,
                    issue_health="health" in issues,
                    issue_social_care="social_care" in issues,
                    request=request,
                )
            except services.ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Case {case.reference} opened")
                return redirect("cases:detail", reference=case.reference)
        return render_form_page(
            request, "cases/open_case_form.html", {"enquiry": enquiry, "form": form}, invalid=True
        )
    form = OpenCaseForm(initial={"owner": request.user.pk, "issues": ["education"]}, **form_kwargs)
    return render(request, "cases/open_case_form.html", {"enquiry": enquiry, "form": form})


@staff_view(_can_handle_enquiries)
@require_http_methods(["GET", "POST"])
def enquiry_close(request: HttpRequest, reference: str) -> HttpResponse:
    enquiry = selectors.access_enquiry(user=request.user, reference=reference)
    form = CloseEnquiryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.enquiry_close_with_information(
                    enquiry=enquiry,
                    by=request.user,
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except services.ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Enquiry {enquiry.reference} closed")
                return redirect("enquiries:detail", reference=enquiry.reference)
        return render_form_page(
            request,
            "cases/enquiry_close_form.html",
            {"enquiry": enquiry, "form": form},
            invalid=True,
        )
    return render(request, "cases/enquiry_close_form.html", {"enquiry": enquiry, "form": form})

"""The case file's staff pages: enquiries, finding a case, contacts, notes, the mediator and
their conflicts, links between cases. Each view: parse → access → permission → one service →
redirect. The pages built on the steps and clocks (the case page, My work) are
mediation.workflow.views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mediation.accounts.models import Role, User
from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.reads import read_listed, read_noted
from mediation.cases import permissions, selectors, services
from mediation.cases.forms import (
    CaseSearchForm,
    CloseEnquiryForm,
    ContactForm,
    EnquiryForm,
    LaReferenceForm,
    NoteForm,
)
from mediation.cases.models import Case, Enquiry, IssueTheme, MediatorConflict
from mediation.cases.step_forms import (
    AssignMediatorForm,
    CaseIssuesForm,
    CaseLinkForm,
    DeclinedForm,
    IssueThemeForm,
    MediatorConflictForm,
    MediatorNoteForm,
)
from mediation.cases.tables import case_rows, for_case_table
from mediation.common.pagination import page_number_from, paginate
from mediation.common.views import (
    manager_view,
    refusal_shown_on,
    render_form_page,
    staff_view,
)
from mediation.common.words import lower_first


def can_handle_enquiries(user: User) -> bool:
    return user.can_handle_enquiries


# The case list's search lives in the session, not the URL: names typed into it would
# otherwise end up in browser history, proxy and server logs (issue 20). The form posts; the
# results page reads the search from the session, and only the page number is in the URL.
SEARCH_SESSION_KEY = "case_search"
SEARCH_FIELDS = ("q", "route", "status", "owner", "local_authority")


@staff_view()
@require_http_methods(["GET", "POST"])
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            request.session.pop(SEARCH_SESSION_KEY, None)
            return redirect("cases:list")
        posted = CaseSearchForm(request.POST)
        if posted.is_valid():
            request.session[SEARCH_SESSION_KEY] = {
                name: request.POST.get(name, "") for name in SEARCH_FIELDS
            }
            return redirect("cases:list")
        return _case_list_page(request, posted)
    saved = request.session.get(SEARCH_SESSION_KEY)
    return _case_list_page(request, CaseSearchForm(saved if isinstance(saved, dict) else None))


def _case_list_page(request: AuthenticatedHttpRequest, form: CaseSearchForm) -> HttpResponse:
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
        for_case_table(selectors.case_search(user=request.user, filters=filters)),
        number=page_number_from(request.GET.get("page")),
    )
    read_listed(page.items, model=Case)  # the ids shown, never what was typed
    return render(
        request,
        "cases/case_list.html",
        {
            "search_form": form,
            "page": page,
            "rows": case_rows(page.items),
            "query_string": "",
            "searched": form.is_bound,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def contact_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
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
def note_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
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


@staff_view(can_handle_enquiries)
def enquiry_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    enquiries = selectors.enquiry_list_for_user(user=request.user)
    if show != "all":
        enquiries = enquiries.filter(status=Enquiry.Status.OPEN)
    # Only what the table shows: not the encrypted history and closing note, which would be
    # decrypted for every row (test_list_queries.py pins the count, so a lazy read would show).
    enquiries = enquiries.select_related(None).select_related("local_authority")
    enquiries = enquiries.only(
        "reference", "received_at", "caller_name", "child_first_name", "child_last_name",
        "status", "local_authority__name",
    )  # fmt: skip
    page = paginate(
        enquiries.order_by("-received_at", "-id"), number=page_number_from(request.GET.get("page"))
    )
    read_listed(page.items, model=Enquiry)
    return render(request, "cases/enquiry_list.html", {"page": page, "show": show})


@staff_view(can_handle_enquiries)
@require_http_methods(["GET", "POST"])
def enquiry_new(request: AuthenticatedHttpRequest) -> HttpResponse:
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


@staff_view(can_handle_enquiries)
def enquiry_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    enquiry = selectors.access_enquiry(user=request.user, reference=reference)
    return render(request, "cases/enquiry_detail.html", {"enquiry": enquiry})


@staff_view(can_handle_enquiries)
@require_http_methods(["GET", "POST"])
def enquiry_close(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    enquiry = selectors.access_enquiry(user=request.user, reference=reference)
    form = CloseEnquiryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown_on(form):
                services.enquiry_close_with_information(
                    enquiry=enquiry,
                    by=request.user,
                    note=form.cleaned_data["note"],
                    request=request,
                )
                messages.success(request, f"Enquiry {enquiry.reference} closed")
                return redirect("enquiries:detail", reference=enquiry.reference)
        return render_form_page(
            request,
            "cases/enquiry_close_form.html",
            {"enquiry": enquiry, "form": form},
            invalid=True,
        )
    return render(request, "cases/enquiry_close_form.html", {"enquiry": enquiry, "form": form})


@staff_view()
@require_http_methods(["GET", "POST"])
def assign_mediator(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(user=request.user, reference=reference, request=request)
    if not permissions.can_assign_mediator(request.user, case):
        raise PermissionDenied
    form = AssignMediatorForm(
        request.POST if request.method == "POST" else None, initial={"mediator": case.mediator_id}
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, "mediator"):
            services.case_assign_mediator(
                case=case, mediator=form.cleaned_data["mediator"], by=request.user, request=request
            )
            messages.success(request, f"{form.cleaned_data['mediator'].display_name} assigned")
            return redirect("cases:detail", reference=case.reference)
    context = {"case": case, "form": form, "mediators": selectors.mediator_choices_for(case=case)}
    return render_form_page(
        request, "cases/assign_mediator.html", context, invalid=request.method == "POST"
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def mediator_notes(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(user=request.user, reference=reference, request=request)
    if not permissions.can_read_mediator_notes(request.user, case):
        raise Http404("No such page")
    form = MediatorNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.mediator_note_add(
            case=case, by=request.user, text=form.cleaned_data["text"], request=request
        )
        messages.success(request, "Private note saved")
        return redirect("cases:mediator-notes", reference=case.reference)
    notes = list(case.mediator_notes.all())
    return render_form_page(
        request,
        "cases/mediator_notes.html",
        {"case": case, "form": form, "notes": notes},
        invalid=request.method == "POST",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def case_link_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(user=request.user, reference=reference, request=request)
    if not permissions.can_link_cases(request.user):
        raise PermissionDenied
    form = CaseLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        other = (
            selectors.case_list_for_user(user=request.user)
            .filter(reference__iexact=form.cleaned_data["reference"].strip())
            .first()
        )
        if other is None:
            form.add_error("reference", "No case has that reference. Check it and try again")
        else:
            with refusal_shown_on(form, "reference"):
                services.case_link_add(
                    case=case,
                    other=other,
                    kind=form.cleaned_data["kind"],
                    by=request.user,
                    request=request,
                )
                messages.success(request, f"Linked to {other.reference}")
                return redirect("cases:detail", reference=case.reference)
    return render_form_page(
        request,
        "cases/link_form.html",
        {"case": case, "form": form},
        invalid=request.method == "POST",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def mediator_conflicts(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Conflicts of interest recorded for a mediator: they are refused cases that match."""
    mediator = get_object_or_404(User, pk=user_id, role=Role.MEDIATOR)
    read_noted(mediator)  # the conflicts name families and schools
    form = MediatorConflictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.mediator_conflict_add(
            mediator=mediator, by=request.user, data=form.cleaned_data, request=request
        )
        messages.success(request, "Conflict recorded")
        return redirect("manage:mediator-conflicts", user_id=mediator.pk)
    conflicts = MediatorConflict.objects.filter(mediator=mediator).select_related("local_authority")
    return render_form_page(
        request,
        "cases/mediator_conflicts.html",
        {"mediator": mediator, "form": form, "conflicts": conflicts},
        invalid=request.method == "POST",
    )


@staff_view(can_handle_enquiries)
@require_http_methods(["GET", "POST"])
def participation_declined(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Record that someone declined to take part in disagreement resolution."""
    case = selectors.access_case(user=request.user, reference=reference, request=request)
    if case.route != "disagreement_resolution":
        raise Http404("Only disagreement resolution can be declined")
    form = DeclinedForm(
        request.POST if request.method == "POST" else None,
        opened_on=timezone.localdate(case.opened_at),
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, "declined_on"):
            declined = services.participation_declined_record(
                case=case, by=request.user, data=form.cleaned_data, request=request
            )
            messages.success(
                request,
                f"Recorded: {lower_first(declined.get_side_display())} declined to take part",
            )
            return redirect("cases:detail", reference=case.reference)
    declines = list(case.declines.select_related("recorded_by"))
    return render_form_page(
        request,
        "cases/declined_form.html",
        {"case": case, "form": form, "declines": declines},
        invalid=request.method == "POST",
    )


# Issues in dispute ----------------------------------------------------------------------------


@staff_view()
@require_http_methods(["GET", "POST"])
def case_issues(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The issues in dispute on a case, from the service's list."""
    case = selectors.access_case(user=request.user, reference=reference, request=request)
    if not permissions.can_set_issues(request.user, case):
        raise PermissionDenied
    current = list(case.disputed_issues.values_list("theme_id", flat=True))
    form = CaseIssuesForm(
        request.POST if request.method == "POST" else None,
        initial={"themes": current},
        current=current,
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, "themes"):
            issues = services.case_issues_set(
                case=case,
                themes=list(form.cleaned_data["themes"]),
                by=request.user,
                request=request,
            )
            messages.success(
                request,
                f"Issues in dispute saved: {', '.join(i.theme.name for i in issues)}"
                if issues
                else "Issues in dispute saved: none",
            )
            return redirect("cases:detail", reference=case.reference)
    return render_form_page(
        request,
        "cases/issues_form.html",
        {"case": case, "form": form},
        invalid=request.method == "POST",
    )


@manager_view
def issue_themes(request: AuthenticatedHttpRequest) -> HttpResponse:
    themes = IssueTheme.objects.order_by("-active", "position", "name")
    return render(request, "cases/issue_themes.html", {"themes": themes})


@manager_view
@require_http_methods(["GET", "POST"])
def issue_theme_edit(
    request: AuthenticatedHttpRequest, theme_id: int | None = None
) -> HttpResponse:
    theme = get_object_or_404(IssueTheme, pk=theme_id) if theme_id else IssueTheme()
    initial = None if theme.pk else {"position": _next_position()}
    form = IssueThemeForm(
        request.POST if request.method == "POST" else None, instance=theme, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, "name"):
            saved = services.issue_theme_save(
                theme=form.save(commit=False), by=request.user, request=request
            )
            messages.success(request, f"Saved the issue “{saved.name}”")
            return redirect("manage:issue-themes")
    return render_form_page(
        request,
        "cases/issue_theme_form.html",
        {"form": form, "theme": theme},
        invalid=request.method == "POST",
    )


def _next_position() -> int:
    last = IssueTheme.objects.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 10


@staff_view()
@require_http_methods(["GET", "POST"])
def la_reference_edit(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(user=request.user, reference=reference, request=request)
    if not permissions.can_change_la_reference(request.user):
        raise PermissionDenied
    form = LaReferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"la_reference": case.la_reference},
    )
    if request.method == "POST" and form.is_valid():
        services.case_la_reference_update(
            case=case,
            by=request.user,
            la_reference=form.cleaned_data["la_reference"],
            request=request,
        )
        messages.success(request, "The LA's reference saved")
        return redirect("cases:detail", reference=case.reference)
    return render_form_page(
        request,
        "cases/la_reference_form.html",
        {"case": case, "form": form},
        invalid=request.method == "POST",
    )

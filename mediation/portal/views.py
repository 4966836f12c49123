"""Portal pages for parties (no user accounts). Every page with case data goes through
`portal_view` (mediation.portal.session); the public pages (start, a link's Continue page,
asking for a new link, the child's thank-you page) show nothing about any case."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mediation.audit.reads import read_noted
from mediation.audit.services import client_ip
from mediation.cases.models import Party
from mediation.common.views import refusal_shown_on, render_form_page
from mediation.documents.models import GeneratedDocument
from mediation.documents.views import pdf_response
from mediation.meetings.documents import (
    WHAT_TO_BRING,
    Recipient,
    arranged_for,
    how_to_join,
    ics_method,
    length_words,
)
from mediation.meetings.documents import meeting_ics as build_ics
from mediation.meetings.selectors import who_will_be_there
from mediation.outcomes.models import PartyAgreement
from mediation.outcomes.selectors import (
    action_views,
    actions_of,
    agreeing_parties,
    deferred_notices,
)
from mediation.portal import selectors, services
from mediation.portal.forms import (
    ActionProgressForm,
    AgreementForm,
    AttendeeForm,
    ChildViewsForm,
    InformationForm,
    NewLinkForm,
    PortalUploadForm,
    SlotAnswersForm,
    SupporterForm,
)
from mediation.portal.models import AccessKind, LinkPurpose, PortalAccess, PortalRequest
from mediation.portal.session import (
    current_access,
    not_found,
    portal_sign_in,
    portal_sign_out,
    portal_view,
)
from mediation.portal.to_do import party_to_do
from mediation.uploads.selectors import case_uploads
from mediation.uploads.services import UploadRejected, child_views_record, upload_store
from mediation.uploads.views import upload_response
from mediation.workflow.selectors import case_progress

PARENT = AccessKind.PARENT
LA = AccessKind.LA_OFFICER
INFO = AccessKind.INFORMATION_PROVIDER
CHILD = AccessKind.CHILD_VIEWS


def _home_for(access: PortalAccess) -> HttpResponse:
    if access.kind == CHILD:
        return redirect("portal:views")
    if access.kind == AccessKind.FEEDBACK:
        return redirect("feedback:survey")
    if len(selectors.your_cases(access)) > 1:
        return redirect("portal:cases")
    return redirect("portal:case", reference=access.case.reference)


# Public pages ------------------------------------------------------------------------------


@require_http_methods(["GET"])
def start(request: HttpRequest) -> HttpResponse:
    access = current_access(request)
    if access is not None:
        return _home_for(access)
    return render(request, "portal/start.html")


@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows only a Continue button (mail scanners that open links use nothing up); the
    POST uses the link and signs in. A link that cannot be used gets one friendly page."""
    found = services.link_find(token)
    # A child's views link has its own pages, in words for a child (no "sign in").
    child = found is not None and found.purpose == LinkPurpose.CHILD_VIEWS
    unusable = "portal/child_link_unusable.html" if child else "portal/link_unusable.html"
    if request.method == "GET":
        if found is None or not found.is_usable():
            return render(request, unusable, {"child_page": child}, status=410)
        return render(
            request,
            "portal/child_link_continue.html" if child else "portal/link_continue.html",
            {"child_page": child},
        )
    access = services.link_use(token=token, request=request)
    if access is None:
        return render(request, unusable, {"child_page": child}, status=410)
    portal_sign_in(request, access)
    return _home_for(access)


@require_http_methods(["GET", "POST"])
def new_link(request: HttpRequest) -> HttpResponse:
    """The same page whatever happened: address known or not, rate limited or not."""
    form = NewLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return render(request, "portal/new_link.html", {"form": form})
    if not form.is_valid():
        return render_form_page(request, "portal/new_link.html", {"form": form}, invalid=True)
    # Nothing here looks the address up: the answer and its timing are the same for every
    # address (the lookup and the email happen in a background task).
    services.sign_in_links_ask(
        email=form.cleaned_data["email"], client=client_ip(request) or "unknown", request=request
    )
    return render(
        request,
        "portal/new_link_sent.html",
        {"minutes": settings.PORTAL_SIGN_IN_MINUTES},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    portal_sign_out(request)
    response = redirect("portal:signed-out")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@require_http_methods(["GET"])
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/signed_out.html")


@require_http_methods(["GET"])
def words(request: HttpRequest) -> HttpResponse:
    """The words we use, explained: no case data, open to anyone."""
    return render(request, "portal/words.html", {"signed_in": current_access(request)})


# Every kind except the child's link ------------------------------------------------------


@portal_view(PARENT, LA, INFO)
@require_http_methods(["GET"])
def cases(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    return render(request, "portal/cases.html", {"accesses": selectors.your_cases(access)})


@portal_view(PARENT, LA, INFO)
@require_http_methods(["GET"])
def case(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """Who the case is about, the meeting, and what this person still has to do, by when."""
    today = timezone.localdate()
    found = selectors.meeting_for(access)
    context: dict[str, Any] = {
        "access": access,
        "case": access.case,
        "several": len(selectors.your_cases(access)) > 1,
        "today": today,
        "to_do": party_to_do(access, today=today),
        "meeting": found,
        "how_to_join": how_to_join(found) if found else "",
    }
    if access.kind == PARENT:
        context["stages"] = case_progress(access.case)
        context["appeal"] = selectors.appeal_for(access, today=today)
        context["certificate"] = selectors.current_certificate(access)
        # A decision the LA could not make at the meeting, and what it does (nothing) to the
        # appeal deadline: only once the statement is final (agreed by everyone).
        context["deferred"] = deferred_notices(
            access.case,
            appeal_deadline=context["appeal"].due if context["appeal"] else None,
            final_only=True,
        )
    if access.kind in (PARENT, LA):
        context["slots_waiting"] = [
            s for s, answer in selectors.offered_slots(access) if answer is None
        ]
        context["statement"] = selectors.statement_for(access)
    if access.kind == LA:
        # (number as on the list of agreed actions, the action) for each overdue one
        context["overdue_actions"] = [
            (number, v) for number, v in enumerate(_la_actions(access), 1) if v.overdue
        ]
    return render(request, "portal/case.html", context)


@portal_view(PARENT, LA)
@require_http_methods(["GET"])
def meeting(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    found = selectors.meeting_for(access)
    context: dict[str, Any] = {
        "access": access,
        "case": access.case,
        "meeting": found,
        "how_to_join": how_to_join(found) if found else "",
    }
    if found is not None:
        context.update(arranged_for(access.party))
        context["who"] = who_will_be_there(access.case, with_names=True)
        context["length"] = length_words(found.duration_minutes)
        context["bring"] = WHAT_TO_BRING.get(found.mode, [])
    return render(request, "portal/meeting.html", context)


@portal_view(PARENT, LA)
@require_http_methods(["GET"])
def meeting_ics(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    found = selectors.meeting_for(access)
    if found is None:
        return not_found(request)
    party = access.party
    ics = build_ics(
        found,
        kind="booked",
        attendees=[Recipient(f"party:{party.pk}", party.name, access.email, True)],
    )
    # RFC 5545 3.7.2: a body with METHOD must say it in the Content-Type too.
    response = HttpResponse(
        ics, content_type=f"text/calendar; charset=utf-8; method={ics_method('booked')}"
    )
    response["Content-Disposition"] = 'attachment; filename="mediation-meeting.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@portal_view(PARENT, LA)
@require_http_methods(["GET", "POST"])
def dates(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    slots = selectors.offered_slots(access)
    form = SlotAnswersForm(request.POST if request.method == "POST" else None, slots=slots)
    context = {"access": access, "case": access.case, "form": form, "slots": slots}
    if request.method == "GET" or not slots:
        return render(request, "portal/dates.html", context)
    if not form.is_valid():
        return render_form_page(request, "portal/dates.html", context, invalid=True)
    with refusal_shown_on(form):
        services.slot_answers_save(
            access=access, answers=form.answers(), offered=form.slots, request=request
        )
        return _done(request, access, "Thank you. We have your answers about the dates.")
    return render_form_page(request, "portal/dates.html", context, invalid=True)


def _done(request: HttpRequest, access: PortalAccess, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("portal:case", reference=access.case.reference)


@portal_view(PARENT)
@require_http_methods(["GET", "POST"])
def supporter(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    form = SupporterForm(request.POST if request.method == "POST" else None)
    context = {
        "access": access,
        "case": access.case,
        "form": form,
        "asked": selectors.open_requests(access, PortalRequest.Kind.SUPPORTER),
    }
    if request.method == "GET":
        return render(request, "portal/supporter.html", context)
    if not form.is_valid():
        return render_form_page(request, "portal/supporter.html", context, invalid=True)
    data = form.cleaned_data
    kind_label = Party.SupporterKind(data["supporter_kind"]).label
    details = f"Name: {data['name']}\nWho they are: {kind_label}"
    if data["note"].strip():
        details += f"\nNote: {data['note'].strip()}"
    services.request_add(
        access=access, kind=PortalRequest.Kind.SUPPORTER, details=details, request=request
    )
    return _done(
        request,
        access,
        "Thank you. We will contact you about your supporter before the meeting.",
    )


@portal_view(PARENT, LA)
@require_http_methods(["GET", "POST"])
def outcome(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    statement = selectors.statement_for(access)
    if statement is None:
        return render(
            request,
            "portal/outcome.html",
            {"access": access, "case": access.case, "statement": None},
        )
    agreed = PartyAgreement.objects.filter(
        statement=statement,
        party=access.party,
        content_hash=statement.content_hash,
        voided_at=None,
    ).first()
    may_agree = (
        not statement.is_final
        and agreed is None
        and access.party_id in {p.pk for p in agreeing_parties(access.case)}
        and selectors.sent_to_agree(access, statement)
    )
    form = AgreementForm(
        request.POST if request.method == "POST" else None,
        initial={"content_hash": statement.content_hash},
    )
    context = {
        "access": access,
        "case": access.case,
        "statement": statement,
        "actions": actions_of(statement),
        "agreed": agreed,
        "may_agree": may_agree,
        "form": form,
    }
    if request.method == "GET":
        return render(request, "portal/outcome.html", context)
    if not may_agree:
        return redirect("portal:outcome", reference=access.case.reference)
    if not form.is_valid():
        return render_form_page(request, "portal/outcome.html", context, invalid=True)
    with refusal_shown_on(form):
        services.agreement_save(
            access=access, given_for_hash=form.cleaned_data["content_hash"], request=request
        )
        return _done(request, access, "Thank you. We have recorded that you agree the statement.")
    context["form"] = form
    return render_form_page(request, "portal/outcome.html", context, invalid=True)


@portal_view(PARENT)
@require_http_methods(["GET"])
def certificate(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    found = selectors.current_certificate(access)
    if found is None:
        return not_found(request)
    return pdf_response(found.document.pdf_bytes(), f"{found.reference}.pdf")


UPLOAD_PURPOSE: dict[str, str] = {
    PARENT: "party_file",
    LA: "la_file",
    INFO: "information",
}


@portal_view(PARENT, LA, INFO)
@require_http_methods(["GET", "POST"])
def documents_and_files(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """Documents from us (made by the service, addressed to them), the files they sent and the
    files staff shared with them; and a form to send a file."""
    form = PortalUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    context = {
        "access": access,
        "case": access.case,
        "generated": selectors.visible_documents(access),
        "uploads": list(case_uploads(access.case, for_party=access.party)),
        "form": form,
    }
    if request.method == "GET":
        return render(request, "portal/documents_and_files.html", context)
    if not form.is_valid():
        return render_form_page(request, "portal/documents_and_files.html", context, invalid=True)
    try:
        upload_store(
            access.case,
            form.cleaned_data["file"],
            purpose=UPLOAD_PURPOSE[access.kind],
            by_party=access.party,
            request=request,
        )
    except UploadRejected as rejected:
        form.add_error("file", rejected.message)
        return render_form_page(request, "portal/documents_and_files.html", context, invalid=True)

    messages.success(request, "Thank you. We have your file.")
    return redirect("portal:documents-and-files", reference=access.case.reference)


@portal_view(PARENT, LA, INFO)
@require_http_methods(["GET"])
def upload(request: HttpRequest, access: PortalAccess, upload_id: int) -> HttpResponseBase:
    found = case_uploads(access.case, for_party=access.party).filter(pk=upload_id).first()
    if found is None:
        return not_found(request)
    read_noted(found)  # a download: one "document.download" event naming the party
    return upload_response(found)


@portal_view(PARENT, LA)
@require_http_methods(["GET"])
def document_download(request: HttpRequest, access: PortalAccess, document_id: int) -> HttpResponse:
    found = next((d for d in selectors.visible_documents(access) if d.pk == document_id), None)
    if found is None:
        return not_found(request)

    document = GeneratedDocument.objects.select_related("case").get(pk=found.pk)
    read_noted(document, kind=document.kind, version=document.version, sha256=document.sha256)
    return pdf_response(document.pdf_bytes(), document.filename)


# LA officers -------------------------------------------------------------------------------


@portal_view(LA)
@require_http_methods(["GET", "POST"])
def attendee(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    form = AttendeeForm(request.POST if request.method == "POST" else None)
    context = {"access": access, "case": access.case, "form": form}
    if request.method == "GET":
        return render(request, "portal/attendee.html", context)
    if not form.is_valid():
        return render_form_page(request, "portal/attendee.html", context, invalid=True)
    data = form.cleaned_data
    with refusal_shown_on(form):
        services.authority_save(
            access=access,
            attendee_is_me=data["who"] == "me",
            name=data.get("name") or "",
            email=data.get("email") or "",
            issues=data["issues"],
            request=request,
        )
        return _done(
            request, access, "Thank you. We have recorded who will attend and their authority."
        )
    return render_form_page(request, "portal/attendee.html", context, invalid=True)


def _la_actions(access: PortalAccess) -> list:
    statement = selectors.statement_for(access)
    if statement is None or not statement.is_final:
        return []
    return action_views(statement, list(statement.actions.all()))


@portal_view(LA)
@require_http_methods(["GET"])
def actions(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    return render(
        request,
        "portal/actions.html",
        {
            "access": access,
            "case": access.case,
            "actions": _la_actions(access),
            "reported": selectors.open_requests(access, PortalRequest.Kind.ACTION_DONE)
            + selectors.open_requests(access, PortalRequest.Kind.ACTION_NEW_DATE),
        },
    )


@portal_view(LA)
@require_http_methods(["GET", "POST"])
def action_progress(request: HttpRequest, access: PortalAccess, action_id: int) -> HttpResponse:
    view = next((v for v in _la_actions(access) if v.action.pk == action_id), None)
    if view is None or view.action.done_on is not None:
        return not_found(request)
    form = ActionProgressForm(request.POST if request.method == "POST" else None)
    context = {"access": access, "case": access.case, "form": form, "view": view}
    if request.method == "GET":
        return render(request, "portal/action_progress.html", context)
    if not form.is_valid():
        return render_form_page(request, "portal/action_progress.html", context, invalid=True)
    data = form.cleaned_data
    done = data["what"] == "done"
    services.request_add(
        access=access,
        kind=PortalRequest.Kind.ACTION_DONE if done else PortalRequest.Kind.ACTION_NEW_DATE,
        details=data["details"],
        action=view.action,
        on_date=data["done_on"] if done else data["new_date"],
        request=request,
    )
    return _done(
        request, access, "Thank you. The case officer will check this and update the action."
    )


# Information providers ---------------------------------------------------------------------


@portal_view(INFO)
@require_http_methods(["GET", "POST"])
def information(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    form = InformationForm(request.POST if request.method == "POST" else None)
    context = {
        "access": access,
        "case": access.case,
        "form": form,
        "sent": selectors.open_requests(access, PortalRequest.Kind.INFORMATION),
    }
    if request.method == "GET":
        return render(request, "portal/information.html", context)
    if not form.is_valid():
        return render_form_page(request, "portal/information.html", context, invalid=True)
    services.request_add(
        access=access,
        kind=PortalRequest.Kind.INFORMATION,
        details=form.cleaned_data["information"],
        request=request,
    )
    return _done(request, access, "Thank you. We have your information.")


# The child's views link ---------------------------------------------------------------------

SHARE_CHOICES = [
    ("everyone", "Everyone at the meeting can see it"),
    ("mediator_only", "Only the mediator can see it"),
]


@portal_view(CHILD)
@require_http_methods(["GET", "POST"])
def views(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """An easy-read form that only adds views: it shows nothing of the case, and greets the
    child by first name only."""
    form = ChildViewsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        share_choices=SHARE_CHOICES,
    )
    context = {
        "form": form,
        "first_name": access.party.name.split()[0] if access.party.name else "",
        "child_page": True,
    }
    if request.method == "GET":
        return render(request, "portal/views.html", context)
    if not form.is_valid():
        return render_form_page(request, "portal/views.html", context, invalid=True)
    data = form.cleaned_data
    try:
        with refusal_shown_on(form):
            child_views_record(
                access.case,
                given_via="portal",
                going_well=data["going_well"],
                hard=data["hard"],
                would_like=data["would_like"],
                who_helps=data["who_helps"],
                helped_by=data["helped_by"],
                share_with=data["share_with"],
                by_party=access.party,
                attachments=data["attachments"],
                request=request,
            )
            services.child_link_used_up(access=access, request=request)
            portal_sign_out(request)
            return redirect("portal:views-thanks")
    except UploadRejected as rejected:
        form.add_error("attachments", rejected.message)
    return render_form_page(request, "portal/views.html", context, invalid=True)


@require_http_methods(["GET"])
def views_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/views_thanks.html", {"child_page": True})

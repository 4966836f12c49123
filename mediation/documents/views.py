"""Document downloads, revoking a certificate, letter wording (managers), and the public
certificate verification page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.reads import read_listed, read_noted
from mediation.audit.services import client_ip
from mediation.common.views import (
    manager_view,
    refusal_shown_as_message,
    refusal_shown_on,
    render_form_page,
    staff_view,
)
from mediation.documents import selectors, services
from mediation.documents.forms import LetterTemplateForm, RevokeForm, VerifyForm
from mediation.documents.models import LetterCode
from mediation.notifications.models import Message


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF as a download: never shown inline, never sniffed, and sandboxed if it is opened."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Content-Length"] = str(len(pdf))
    return response


@staff_view()
@require_http_methods(["GET"])
def download(request: AuthenticatedHttpRequest, reference: str, document_id: int) -> HttpResponse:
    document = selectors.access_document(
        user=request.user, reference=reference, document_id=document_id, request=request
    )
    # Noted as read by access_document: one "document.download" event names it (ADR 0029).
    read_noted(document, kind=document.kind, version=document.version, sha256=document.sha256)
    return pdf_response(document.pdf_bytes(), document.filename)


@manager_view
@require_http_methods(["GET", "POST"])
def certificate_revoke(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    certificate = selectors.access_current_certificate(
        user=request.user, reference=reference, request=request
    )
    case = certificate.case
    form = RevokeForm(request.POST if request.method == "POST" else None)
    context = {"case": case, "certificate": certificate, "form": form}
    if request.method == "GET":
        return render(request, "documents/revoke.html", context)
    if not form.is_valid():
        return render_form_page(request, "documents/revoke.html", context, invalid=True)
    if request.POST.get("confirmed") != "yes":
        return render(request, "documents/revoke_confirm.html", context)
    with refusal_shown_as_message(request):
        services.certificate_revoke(
            certificate=certificate,
            by=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        messages.success(request, f"Certificate {certificate.reference} revoked")
    return redirect("cases:detail", reference=case.reference)


@manager_view
def letter_templates(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "documents/letter_templates.html",
        {"letters": selectors.letter_templates_current()},
    )


@manager_view
@require_http_methods(["GET", "POST"])
def letter_template_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    if code not in LetterCode.values:
        raise Http404("No such letter")
    current = services.letter_template_current(code)
    form = LetterTemplateForm(
        request.POST if request.method == "POST" else None,
        initial={"title": current.title, "body": current.body},
        placeholders=services.letter_placeholders(code),
    )
    context = {
        "code": code,
        "label": LetterCode(code).label,
        "current": current,
        "form": form,
        "placeholders": services.letter_placeholders(code),
        "preview": None,
    }
    if request.method == "GET":
        return render(request, "documents/letter_template_edit.html", context)
    if not form.is_valid():
        return render_form_page(
            request, "documents/letter_template_edit.html", context, invalid=True
        )
    title, body = form.cleaned_data["title"], form.cleaned_data["body"]
    action = request.POST.get("action")
    if action == "preview-pdf":
        _html, pdf = services.letter_preview(code=code, title=title, body=body)
        return pdf_response(pdf, f"preview-{code.replace('_', '-')}.pdf")
    if action != "save":
        context["preview"] = services.letter_preview_context(code=code, title=title, body=body)
        return render(request, "documents/letter_template_edit.html", context)
    with refusal_shown_on(form, "body"):
        template = services.letter_template_save(
            code=code, title=title, body=body, by=request.user, request=request
        )
        messages.success(request, f"Saved: {template.title} (version {template.version})")
        return redirect("documents:letter-templates")
    return render_form_page(request, "documents/letter_template_edit.html", context, invalid=True)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public (no sign-in): does a certificate with this reference and code exist? Says only
    when it was issued and whether it was revoked; the same answer for a wrong code and an
    unknown reference."""
    form = VerifyForm(request.POST if request.method == "POST" else None)
    context: dict = {
        "form": form,
        "checked": False,
        "certificate": None,
        "limit": services.VERIFY_LIMIT,
    }
    if request.method == "GET":
        return render(request, "documents/verify.html", context)
    if not form.is_valid():
        return render_form_page(request, "documents/verify.html", context, invalid=True)
    try:
        certificate = services.certificate_verify(
            reference=form.cleaned_data["reference"],
            code=form.cleaned_data["code"],
            client=client_ip(request) or "unknown",
            request=request,
        )
    except services.RateLimited:
        response = render(request, "documents/verify_limited.html", context, status=429)
        response["Retry-After"] = str(int(services.VERIFY_WINDOW.total_seconds()))
        return response
    context.update(checked=True, certificate=certificate, form=VerifyForm())
    return render(request, "documents/verify.html", context)


# Letters to post ------------------------------------------------------------------------------


@staff_view(lambda user: user.sees_all_cases)
@require_http_methods(["GET"])
def letters_to_post(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every letter waiting to be printed and posted: print it, post it, mark it as posted."""
    letters = selectors.letters_to_post(user=request.user)
    read_listed([letter.message for letter in letters], model=Message)
    return render(request, "documents/letters_to_post.html", {"letters": letters})


@staff_view(lambda user: user.sees_all_cases)
@require_http_methods(["GET"])
def letter_pdf(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    letter = selectors.access_letter(user=request.user, message_id=message_id)
    attachment = letter.attachments.filter(content_type="application/pdf").first()
    if attachment is None:
        raise Http404("This letter has no PDF here: print it from its case.")
    # Sent as an attachment: the request's one event is a "document.download" naming it.
    read_noted(letter)
    return pdf_response(attachment.content_bytes(), attachment.filename)


@staff_view(lambda user: user.sees_all_cases)
@require_http_methods(["POST"])
def letter_posted(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    letter = selectors.access_letter(user=request.user, message_id=message_id)
    with refusal_shown_as_message(request):
        services.letter_mark_posted(letter=letter, by=request.user, request=request)
        messages.success(request, f"Letter to {letter.recipient_name} marked as posted.")
    return redirect("documents:letters-to-post")

"""The survey pages: the one behind a person's link (the portal's gate, kind "feedback" only), its
thank-you page, and the staff page of a case's feedback with the form for a phone call."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.cases.models import Party
from mediation.cases.selectors import access_case
from mediation.common.views import (
    refusal_shown_as_message,
    refusal_shown_on,
    render_form_page,
    staff_view,
)
from mediation.feedback import services
from mediation.feedback.forms import ChildSurveyForm, RecordForm, SurveyForm
from mediation.feedback.models import Participant, SurveyInvitation, SurveyResponse
from mediation.portal.models import AccessKind, PortalAccess
from mediation.portal.session import not_found, portal_sign_out, portal_view


@portal_view(AccessKind.FEEDBACK)
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    invitation = services.invitation_of(access)
    if invitation is None:
        return not_found(request)
    child = invitation.participant == Participant.CHILD
    form_class = ChildSurveyForm if child else SurveyForm
    form = form_class(request.POST if request.method == "POST" else None)
    context = {
        "form": form,
        "reference": access.case.reference,
        "answer_by": invitation.answer_by,
        "la_officer": invitation.participant == Participant.LA_OFFICER,
    }
    template = "feedback/survey_child.html" if child else "feedback/survey.html"
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.survey_answer(access=access, answers=form.cleaned_data, request=request)
            portal_sign_out(request)  # the link has done its work
            return redirect(f"{reverse('feedback:thanks')}{'?child=1' if child else ''}")
    return render_form_page(request, template, context, invalid=request.method == "POST")


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """Shows nothing about any case."""
    return render(request, "feedback/thanks.html", {"child": request.GET.get("child") == "1"})


@staff_view(services.may_handle_feedback)
@require_GET
def case_feedback(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    invitations = list(
        SurveyInvitation.objects.filter(case=case).select_related("party").order_by("id")
    )
    responses = list(
        SurveyResponse.objects.filter(case=case).select_related("party", "recorded_by")
    )
    answered = {response.party_id for response in responses}
    return render(
        request,
        "feedback/case_feedback.html",
        {
            "case": case,
            "invitations": invitations,
            "responses": responses,
            "waiting": [i for i in invitations if i.party_id not in answered],
            "not_asked": [
                invitee
                for invitee in services.survey_invitees(case)
                if invitee.party.pk not in {i.party_id for i in invitations}
            ],
        },
    )


def _answerable(case_parties: list[services.Invitee], answered: set[int]) -> list[Party]:
    return [invitee.party for invitee in case_parties if invitee.party.pk not in answered]


@staff_view(services.may_handle_feedback)
@require_http_methods(["GET", "POST"])
def record(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    answered = set(SurveyResponse.objects.filter(case=case).values_list("party_id", flat=True))
    parties = _answerable(services.survey_invitees(case), answered)
    form = RecordForm(request.POST if request.method == "POST" else None, parties=parties)
    context = {"case": case, "form": form, "parties": parties}
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.survey_record(
                case=case,
                party=form.cleaned_data["party"],
                answers=form.cleaned_data,
                given_via=form.cleaned_data["given_via"],
                by=request.user,
                request=request,
            )
            messages.success(request, f"Answers from {form.cleaned_data['party'].name} recorded")
            return redirect("feedback:case", reference=case.reference)
    return render_form_page(
        request, "feedback/record.html", context, invalid=request.method == "POST"
    )


@staff_view(services.may_handle_feedback)
@require_POST
def send(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Send the survey to those on a closed case not asked yet (someone given an email address
    since, or a case closed before the survey existed)."""
    case = access_case(user=request.user, reference=reference, request=request)
    with refusal_shown_as_message(request):
        if case.is_open:
            messages.error(request, "The survey is sent when the case closes.")
        else:
            sent = services.survey_invite_case(case_id=case.pk, by=request.user, request=request)
            if sent:
                messages.success(
                    request, f"Survey emailed to {sent} {'person' if sent == 1 else 'people'}"
                )
            else:
                messages.success(
                    request, "Nothing was sent: everyone with an email address has been asked"
                )
    return redirect("feedback:case", reference=case.reference)

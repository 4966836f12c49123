"""Staff pages for parties, attendance (reg 38), authority (reg 37(1)) and expenses (reg 41).

Each view: access the case (404 if the user may not see it) → permission (403) → form → one
service → redirect. Mediators may look at every page of their case; only the mediator's
decision page lets them change anything.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.cases.models import Case, Party, PartyRole
from mediation.cases.selectors import access_case
from mediation.common.views import refusal_shown_on, render_form_page, staff_view
from mediation.common.words import lower_first
from mediation.domain import attendance as rules
from mediation.domain.expenses import PAYER_LABELS
from mediation.parties import permissions, selectors, services
from mediation.parties.forms import (
    AuthorityForm,
    ClaimForm,
    DecisionForm,
    ExpenseLineForm,
    PartyForm,
    PlanForm,
    ResponseForm,
)
from mediation.parties.models import ChildScope


def _case(request: AuthenticatedHttpRequest, reference: str) -> Case:
    return access_case(user=request.user, reference=reference, request=request)


def _must_change(request: AuthenticatedHttpRequest, case: Case) -> None:
    if not permissions.can_change_parties(request.user, case):
        raise PermissionDenied


def _parties_url(case: Case) -> str:
    return reverse("parties:list", args=[case.reference])


def _party_url(case: Case, party: Party) -> str:
    return reverse("parties:detail", args=[case.reference, party.pk])


def _form_page(
    request: HttpRequest,
    *,
    case: Case,
    form: Any,
    heading: str,
    submit: str,
    back_url: str,
    back_label: str,
    intro: str = "",
    invalid: bool = False,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "case": case,
        "form": form,
        "heading": heading,
        "submit": submit,
        "back_url": back_url,
        "back_label": back_label,
        "intro": intro,
        **(extra or {}),
    }
    return render_form_page(request, "parties/form_page.html", context, invalid=invalid)


@staff_view()
def party_list(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    state = selectors.case_attendance(case)
    return render(
        request,
        "parties/party_list.html",
        {
            "case": case,
            "state": state,
            "can_change": permissions.can_change_parties(request.user, case),
        },
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def party_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    _must_change(request, case)
    form = PartyForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            party = services.party_add(
                case=case, by=request.user, data=form.service_data(), request=request
            )
            messages.success(request, "Person added to the case")
            return redirect(_party_url(case, party))
    return _form_page(
        request,
        case=case,
        form=form,
        heading="Add a person to the case",
        submit="Save person",
        back_url=_parties_url(case),
        back_label="Back to parties and attendance",
        invalid=request.method == "POST",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def party_edit(request: AuthenticatedHttpRequest, reference: str, party_id: int) -> HttpResponse:
    case = _case(request, reference)
    _must_change(request, case)
    party = selectors.access_party(case=case, party_id=party_id)
    form = PartyForm(
        request.POST if request.method == "POST" else None,
        case=case,
        party=party,
        initial=PartyForm.initial_for(party),
    )
    if request.method == "POST" and form.is_valid():
        before = {name: getattr(party, name) for name in services.PARTY_FIELDS}
        with refusal_shown_on(form):
            updated = services.party_update(
                party=party, by=request.user, data=form.service_data(), request=request
            )
            same = all(getattr(updated, name) == value for name, value in before.items())
            messages.success(
                request, "Nothing was changed" if same else f"Details of {updated.name} saved"
            )
            return redirect(_party_url(case, party))
    return _form_page(
        request,
        case=case,
        form=form,
        heading=f"Change the details of {party.name}",
        submit="Save changes",
        back_url=_party_url(case, party),
        back_label=f"Back to {party.name}",
        invalid=request.method == "POST",
    )


@staff_view()
def party_detail(request: AuthenticatedHttpRequest, reference: str, party_id: int) -> HttpResponse:
    case = _case(request, reference)
    state = selectors.case_attendance(case)
    row = state.row_for(party_id)
    names = {r.party.pk: r.party for r in state.rows}
    return render(
        request,
        "parties/party_detail.html",
        {
            "case": case,
            "row": row,
            "party": row.party,
            "state": state,
            "next": (next_step := rules.next_for_attendance(row.facts)),
            "waiting_for": [names[i] for i in sorted(next_step.who)],
            "can_change": permissions.can_change_parties(request.user, case),
            "can_decide": permissions.can_decide_attendance(request.user, case),
        },
    )


def _not_needed(request: HttpRequest, case: Case, party: Party, reason: str) -> HttpResponse:
    return render(
        request,
        "parties/not_needed.html",
        {"case": case, "party": party, "reason": reason},
        status=200 if request.method == "GET" else 400,
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def attendance_response(
    request: AuthenticatedHttpRequest, reference: str, party_id: int
) -> HttpResponse:
    case = _case(request, reference)
    _must_change(request, case)
    state = selectors.case_attendance(case)
    row = state.row_for(party_id)
    refusal = rules.response_refusal(row.basis)
    if refusal:
        return _not_needed(request, case, row.party, refusal)
    names = {r.party.pk: r.party for r in state.rows}
    consenters = [names[i] for i in sorted(row.facts.consenters)]
    if not consenters:
        return _not_needed(
            request,
            case,
            row.party,
            "There is no one yet whose agreement counts: add the parties to the case first.",
        )
    form = ResponseForm(request.POST if request.method == "POST" else None, consenters=consenters)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_shown_on(form):
            services.attendance_response_record(
                party=row.party,
                responder=form.by_id[data["responder"]],
                agrees=data["agrees"] == "yes",
                reason=data.get("reason", ""),
                by=request.user,
                request=request,
            )
            verb = "agrees to" if data["agrees"] == "yes" else "objects to"
            messages.success(
                request,
                f"Recorded: {form.by_id[data['responder']].name} {verb} {row.party.name} attending",
            )
            return redirect(_party_url(case, row.party))
    return _form_page(
        request,
        case=case,
        form=form,
        heading=f"Record an answer about {row.party.name} attending",
        submit="Save answer",
        back_url=_party_url(case, row.party),
        back_label=f"Back to {row.party.name}",
        intro=row.basis_label,
        invalid=request.method == "POST",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def attendance_decision(
    request: AuthenticatedHttpRequest, reference: str, party_id: int
) -> HttpResponse:
    case = _case(request, reference)
    if not permissions.can_decide_attendance(request.user, case):
        raise PermissionDenied
    row = selectors.case_attendance(case).row_for(party_id)
    refusal = rules.mediator_decision_refusal(row.facts)
    if refusal:
        return _not_needed(request, case, row.party, refusal)
    is_child = row.party.role == PartyRole.CHILD
    form = DecisionForm(request.POST if request.method == "POST" else None, is_child=is_child)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_shown_on(form):
            services.attendance_mediator_decide(
                party=row.party,
                allows=data["decision"] == "allowed",
                reason=data["reason"],
                child_scope=data.get("child_scope", ""),
                child_scope_detail=data.get("child_scope_detail", ""),
                statement_to_child=bool(data.get("statement_to_child")),
                by=request.user,
                request=request,
            )
            verdict = "may attend" if data["decision"] == "allowed" else "may not attend"
            messages.success(request, f"Decision recorded: {row.party.name} {verdict}")
            return redirect(_party_url(case, row.party))
    return _form_page(
        request,
        case=case,
        form=form,
        heading=f"Mediator's decision: may {row.party.name} attend?",
        submit="Save decision",
        back_url=_party_url(case, row.party),
        back_label=f"Back to {row.party.name}",
        intro=row.basis_label,
        invalid=request.method == "POST",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def attendance_plan(
    request: AuthenticatedHttpRequest, reference: str, party_id: int
) -> HttpResponse:
    case = _case(request, reference)
    _must_change(request, case)
    row = selectors.case_attendance(case).row_for(party_id)
    party, attendance = row.party, row.request
    initial: dict[str, Any] = {"attending": "yes", "child_scope": ChildScope.ALL}
    if attendance is not None:
        initial = {
            "attending": "information"
            if attendance.sends_information_instead
            else ("no" if attendance.not_attending else "yes"),
            "child_scope": attendance.child_scope,
            "child_scope_detail": attendance.child_scope_detail,
        }
    form = PlanForm(
        request.POST if request.method == "POST" else None, party=party, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_shown_on(form):
            services.attendance_plan_update(
                party=party,
                by=request.user,
                not_attending=data["attending"] != "yes",
                sends_information_instead=data["attending"] == "information",
                child_scope=data.get("child_scope") or ChildScope.ALL,
                child_scope_detail=data.get("child_scope_detail", ""),
                request=request,
            )
            new = selectors.case_attendance(case).row_for(party.pk)
            messages.success(
                request, f"Attendance saved: {party.name}, {lower_first(new.status_label)}"
            )
            return redirect(_party_url(case, party))
    return _form_page(
        request,
        case=case,
        form=form,
        heading=f"Will {party.name} attend?",
        submit="Save attendance",
        back_url=_party_url(case, party),
        back_label=f"Back to {party.name}",
        intro=row.basis_label,
        invalid=request.method == "POST",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def authority_confirm(
    request: AuthenticatedHttpRequest, reference: str, party_id: int
) -> HttpResponse:
    case = _case(request, reference)
    _must_change(request, case)
    row = selectors.case_attendance(case).row_for(party_id)
    party = row.party
    if party.role not in services.BODY_FOR_ROLE:
        raise Http404("Authority is confirmed for LA and health body representatives only")
    confirmed = row.authorities
    initial: dict[str, Any] = {"issues": [a.issue for a in confirmed]}
    if confirmed:
        initial["confirmed_on"] = max(a.confirmed_on for a in confirmed)
    form = AuthorityForm(
        request.POST if request.method == "POST" else None,
        party=party,
        case=case,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        before = {(a.issue, a.confirmed_on) for a in confirmed}
        with refusal_shown_on(form):
            kept = services.authority_confirm(
                party=party,
                issues=form.cleaned_data["issues"],
                confirmed_on=form.cleaned_data["confirmed_on"],
                by=request.user,
                request=request,
            )
            after = {(a.issue, a.confirmed_on) for a in kept}
            if after == before:
                messages.success(request, "Nothing was changed")
            elif kept:
                names = ", ".join(rules.ISSUE_LABELS[a.issue] for a in kept)
                messages.success(request, f"Recorded: {party.name} can decide on {names}")
            else:
                messages.success(
                    request, f"Recorded: {party.name} is not confirmed to decide on any issue"
                )
            return redirect(_party_url(case, party))
    body = "LA" if party.role == PartyRole.LA_REPRESENTATIVE else "health commissioning body"
    return _form_page(
        request,
        case=case,
        form=form,
        heading=f"Confirm what {party.name} can decide",
        submit="Save authority",
        back_url=_party_url(case, party),
        back_label=f"Back to {party.name}",
        intro=f"The {body} must send someone who has authority to resolve the mediation "
        "issues (reg 37(1)). Record the issues it has confirmed this person can decide.",
        invalid=request.method == "POST",
    )


@staff_view()
def expenses(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    payer = selectors.case_payer(case)

    return render(
        request,
        "parties/expenses.html",
        {
            "case": case,
            "claims": selectors.case_expense_claims(case),
            "payer_label": PAYER_LABELS[payer],
            "can_change": permissions.can_change_parties(request.user, case),
        },
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def claim_new(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    _must_change(request, case)
    family = selectors.family_parties(case)
    form = ClaimForm(request.POST if request.method == "POST" else None, family=family)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            claim = services.expense_claim_start(
                case=case,
                claimant=form.by_id[form.cleaned_data["claimant"]],
                received_on=form.cleaned_data["received_on"],
                by=request.user,
                request=request,
            )
            messages.success(request, "Claim started: now add what is claimed")
            return redirect("parties:claim", reference=case.reference, claim_id=claim.pk)
    return _form_page(
        request,
        case=case,
        form=form,
        heading="Record an expenses claim",
        submit="Start the claim",
        back_url=reverse("parties:expenses", args=[case.reference]),
        back_label="Back to expenses",
        intro="The parent, young person or their representative can claim their expenses of "
        "taking part (reg 41).",
        invalid=request.method == "POST",
    )


@staff_view()
def claim_detail(request: AuthenticatedHttpRequest, reference: str, claim_id: int) -> HttpResponse:
    case = _case(request, reference)
    view = selectors.access_claim(case=case, claim_id=claim_id)
    return render(
        request,
        "parties/claim_detail.html",
        {
            "case": case,
            "view": view,
            "can_change": permissions.can_change_parties(request.user, case),
        },
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def line_add(request: AuthenticatedHttpRequest, reference: str, claim_id: int) -> HttpResponse:
    case = _case(request, reference)
    _must_change(request, case)
    view = selectors.access_claim(case=case, claim_id=claim_id)
    form = ExpenseLineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.expense_line_add(
                claim=view.claim, by=request.user, data=form.service_data(), request=request
            )
            messages.success(request, "Item added")
            return redirect("parties:claim", reference=case.reference, claim_id=view.claim.pk)
    return _form_page(
        request,
        case=case,
        form=form,
        heading=f"Add an item to {view.claim.claimant.name}'s claim",
        submit="Add item",
        back_url=reverse("parties:claim", args=[case.reference, view.claim.pk]),
        back_label="Back to the claim",
        intro="Amounts over the reg 41 limits are capped when the claim is worked out.",
        invalid=request.method == "POST",
    )

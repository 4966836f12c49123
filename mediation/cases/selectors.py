"""Reads of enquiries and cases, always scoped to the user.

The rule that filters a list is the rule that protects a detail page: `access_case` looks the
case up inside `case_list_for_user`, so a case you may not see is a 404, exactly like one that
does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.cases.models import Case, Enquiry, Party, TimelineEntry
from mediation.domain.case_states import OPEN_STATES


def case_list_for_user(*, user: User) -> QuerySet[Case]:
    cases = Case.objects.select_related("local_authority", "owner", "mediator")
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.sees_all_cases:
        return cases
    if user.is_mediator:
        return cases.filter(mediator=user)
    return cases.none()


def access_case(*, user: User, reference: str, request: HttpRequest | None = None) -> Case:
    """Return the case if `user` may see it. Missing and forbidden both give 404.

    A refusal of a case that exists is audited, so repeated probing shows up in the log.
    """
    try:
        return case_list_for_user(user=user).get(reference=reference)
    except Case.DoesNotExist:
        existing_id = Case.objects.filter(reference=reference).values_list("pk", flat=True).first()
        if existing_id is not None:
            audit_record(
                actor=user,
                verb="access.denied",
                case_id=existing_id,
                request=request,
                detail={"object": "case"},
            )
        raise Http404("No case found") from None


def case_record_view(*, user: User, case: Case, request: HttpRequest | None = None) -> None:
    """Audit a read of a case page (every read of a case is recorded, without its data)."""
    audit_record(actor=user, verb="case.view", target=case, case_id=case.pk, request=request)


@dataclass(frozen=True)
class CaseFilters:
    query: str = ""
    route: str = ""
    status: str = ""
    owner_id: int | None = None
    local_authority_id: int | None = None
    open_only: bool = False


def case_search(*, user: User, filters: CaseFilters) -> QuerySet[Case]:
    """Cases the user may see, matching a reference, child's or party's name, or LA name."""
    cases = case_list_for_user(user=user)
    query = filters.query.strip()
    if query:
        terms = query.split()
        for term in terms:
            party_match = Party.objects.filter(case=OuterRef("pk"), name__icontains=term)
            cases = cases.filter(
                Q(reference__iexact=term)
                | Q(reference__icontains=term)
                | Q(child_first_name__icontains=term)
                | Q(child_last_name__icontains=term)
                | Q(local_authority__name__icontains=term)
                | Exists(party_match)
            )
    if filters.route:
        cases = cases.filter(route=filters.route)
    if filters.status:
        cases = cases.filter(status=filters.status)
    elif filters.open_only:
        cases = cases.filter(status__in=[s.value for s in OPEN_STATES])
    if filters.owner_id:
        cases = cases.filter(owner_id=filters.owner_id)
    if filters.local_authority_id:
        cases = cases.filter(local_authority_id=filters.local_authority_id)
    return cases.order_by("-last_activity_at", "-id")


def my_work_for_user(*, user: User) -> QuerySet[Case]:
    """The user's open cases, most recent activity first: owned cases, or assigned ones for mediators."""
    cases = case_list_for_user(user=user).filter(status__in=[s.value for s in OPEN_STATES])
    if user.is_mediator:
        return cases.order_by("-last_activity_at", "-id")
    return cases.filter(owner=user).order_by("-last_activity_at", "-id")


def case_timeline(*, case: Case, limit: int = 200) -> list[TimelineEntry]:
    return list(
        case.timeline.select_related(
            "actor", "contact", "contact__party", "note", "note__author"
        ).order_by("-at", "-id")[:limit]
    )


def enquiry_list_for_user(*, user: User) -> QuerySet[Enquiry]:
    if not user.is_authenticated or not user.can_handle_enquiries:
        return Enquiry.objects.none()
    return Enquiry.objects.select_related("local_authority", "created_by")


def access_enquiry(*, user: User, reference: str) -> Enquiry:
    try:
        return enquiry_list_for_user(user=user).get(reference=reference)
    except Enquiry.DoesNotExist:
        raise Http404("No enquiry found") from None

"""Reads of enquiries and cases, always scoped to the user.

The rule that filters a list is the rule that protects a detail page: `access_case` looks the
case up inside `case_list_for_user`, so a case you may not see is a 404, exactly like one that
does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from mediation.accounts.models import Role, User
from mediation.accounts.register import lapsed_refusal, registration_of
from mediation.audit.reads import read_noted, refusal_noted
from mediation.cases.models import Case, CaseLink, Enquiry, MediatorConflict
from mediation.domain.case_states import CaseState
from mediation.search.query import search_filter, search_words


def case_list_for_user(*, user: User) -> QuerySet[Case]:
    cases = Case.objects.select_related("local_authority", "owner", "mediator")
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.sees_all_cases:
        return cases
    if user.is_mediator:
        return cases.filter(mediator=user)
    return cases.none()


def open_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Every state but closed (OPEN_STATES), written as the condition of the open-case indexes
    in Case.Meta so that the database uses them."""
    return cases.exclude(status=CaseState.CLOSED)


def access_case(
    *,
    user: User,
    reference: str,
    request: HttpRequest | None = None,
    related: tuple[str, ...] = (),
) -> Case:
    """Return the case if `user` may see it. Missing and forbidden both give 404.

    The case is noted as read by the request (mediation.audit.reads: one read event per page);
    a refusal of a case that exists is audited, so repeated probing shows up in the log.
    `related`: more foreign keys to read in the same query (select_related).
    """
    try:
        cases = case_list_for_user(user=user)
        if related:
            cases = cases.select_related(*related)
        case = cases.get(reference=reference)
    except Case.DoesNotExist:
        existing_id = Case.objects.filter(reference=reference).values_list("pk", flat=True).first()
        if existing_id is not None:
            refusal_noted(Case, existing_id, case_id=existing_id, actor=user, request=request)
        raise Http404("No case found") from None
    read_noted(case)
    return case


@dataclass(frozen=True)
class CaseFilters:
    query: str = ""
    route: str = ""
    status: str = ""
    owner_id: int | None = None
    local_authority_id: int | None = None
    open_only: bool = False


def case_search(*, user: User, filters: CaseFilters) -> QuerySet[Case]:
    """Cases the user may see, matching a reference, child's or party's name, or LA name
    (each word of the query; see mediation/search)."""
    cases = case_list_for_user(user=user)
    words = search_words(filters.query)
    if words:
        cases = cases.filter(search_filter(words))
    if filters.route:
        cases = cases.filter(route=filters.route)
    if filters.status:
        cases = cases.filter(status=filters.status)
    elif filters.open_only:
        cases = open_cases(cases)
    if filters.owner_id:
        cases = cases.filter(owner_id=filters.owner_id)
    if filters.local_authority_id:
        cases = cases.filter(local_authority_id=filters.local_authority_id)
    return cases.order_by("-last_activity_at", "-id")


BY_NEAREST_DEADLINE = (F("next_deadline_due").asc(nulls_last=True), "-last_activity_at", "-id")


def my_work_for_user(*, user: User) -> QuerySet[Case]:
    """The user's open cases, nearest statutory deadline first, then most recent activity:
    owned cases, or assigned ones for mediators."""
    cases = open_cases(case_list_for_user(user=user))
    if not user.is_mediator:
        cases = cases.filter(owner=user)
    return cases.order_by(*BY_NEAREST_DEADLINE)


def team_work_queue(*, user: User, owner_id: int | None = None) -> QuerySet[Case]:
    """Every open case the user may see, nearest statutory deadline first."""
    cases = open_cases(case_list_for_user(user=user))
    if owner_id:
        cases = cases.filter(owner_id=owner_id)
    return cases.order_by(*BY_NEAREST_DEADLINE)


def case_owners() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=[Role.CASE_OFFICER, Role.MANAGER])


def enquiry_list_for_user(*, user: User) -> QuerySet[Enquiry]:
    if not user.is_authenticated or not user.can_handle_enquiries:
        return Enquiry.objects.none()
    return Enquiry.objects.select_related("local_authority", "created_by")


def access_enquiry(*, user: User, reference: str) -> Enquiry:
    """The enquiry if `user` may see it (noted as read); 404 otherwise, a refusal of one that
    exists noted for the audit log."""
    try:
        enquiry = enquiry_list_for_user(user=user).get(reference=reference)
    except Enquiry.DoesNotExist:
        existing = Enquiry.objects.filter(reference=reference).values_list("pk", flat=True).first()
        if existing is not None:
            refusal_noted(Enquiry, existing, actor=user)
        raise Http404("No enquiry found") from None
    read_noted(enquiry)
    return enquiry


def mediator_refusal(*, case: Case, mediator: User, today: date | None = None) -> str | None:
    """Why `mediator` may not take `case`, or None. Independence: CFA 2014 s53(3)(b), s54(2)(b)
    and s56 (not employed by the LA, or for health issues by an ICB or NHS England); a lapsed
    registration on the register of mediators (mediation.domain.register); and any conflict
    recorded against the family, the school or the LA."""
    if mediator.role != Role.MEDIATOR or not mediator.is_active:
        return "Choose an active mediator."
    lapsed = lapsed_refusal(mediator, today or timezone.localdate())
    if lapsed:
        return lapsed
    if mediator.employed_by_authorities.filter(pk=case.local_authority_id).exists():
        return (
            f"{mediator.display_name} is employed by {case.local_authority.name}, so is not "
            "independent of it (CFA 2014 s54 and s56)."
        )
    if case.issue_health and mediator.employed_by_health_body:
        return (
            f"{mediator.display_name} is employed by a health commissioning body, so cannot "
            "mediate health issues (CFA 2014 s53 and s56)."
        )
    names = {case.child_last_name.lower(), *(p.name.lower() for p in case.parties.all())}
    for conflict in MediatorConflict.objects.filter(mediator=mediator):
        if conflict.local_authority_id and conflict.local_authority_id == case.local_authority_id:
            return (
                f"{mediator.display_name} has a recorded conflict with {case.local_authority.name}."
            )
        setting = conflict.setting_name.strip().lower()
        if setting and setting == case.child_setting.strip().lower():
            return f"{mediator.display_name} has a recorded conflict with {case.child_setting}."
        family = conflict.family_name.strip().lower()
        if family and any(family in name for name in names):
            return f"{mediator.display_name} has a recorded conflict with this family."
    return None


@dataclass(frozen=True)
class MediatorChoice:
    mediator: User
    open_cases: int
    refusal: str | None
    # A warning that does not stop the allocation (no registration recorded).
    warning: str | None = None


def mediator_choices_for(*, case: Case) -> list[MediatorChoice]:
    """Every active mediator with their current caseload and whether they may take this case."""
    today = timezone.localdate()
    mediators = (
        User.objects.filter(role=Role.MEDIATOR, is_active=True)
        .select_related("registration")
        .annotate(
            open_cases=Count("mediated_cases", filter=~Q(mediated_cases__status=CaseState.CLOSED))
        )
    )
    return [
        MediatorChoice(
            m,
            m.open_cases,
            mediator_refusal(case=case, mediator=m, today=today),
            None
            if registration_of(m, today).renews_on
            else "No registration is recorded: check it in the mediators' register.",
        )
        for m in mediators
    ]


def case_links(*, case: Case, user: User) -> list[tuple[Case, str]]:
    """Related cases the user may see, with how they are related."""
    visible = case_list_for_user(user=user)
    links = CaseLink.objects.filter(Q(from_case=case) | Q(to_case=case)).select_related(
        "from_case", "to_case"
    )
    related = []
    for link in links:
        other = link.to_case if link.from_case_id == case.pk else link.from_case
        related.append((other, link.get_kind_display()))
    allowed = set(visible.filter(pk__in=[o.pk for o, _ in related]).values_list("pk", flat=True))
    return [(other, kind) for other, kind in related if other.pk in allowed]

"""Reads of parties, attendance, authority and expenses for a case the user can already see
(call mediation.cases.selectors.access_case first). Each function runs a fixed number of
queries, however many parties the case has.

For other apps:
- `case_attendance(case)`: every party with their reg 38 basis and attendance status, and the
  reg 37(1) authority warnings.
- `required_attendees(case)`: the parties who attend as parties (parent / young person /
  representative, the LA's named attendee, the health body's where there are health issues).
- `expected_attendees(case)`: everyone expected at the meeting (parties, supporters, and those
  agreed or allowed by the mediator), without those marked not attending.
- `authority_warnings(case)`: the reg 37(1) warnings still open, as sentences.
- `party_needs(case)`: every party with their language, interpreter and reasonable adjustments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from mediation.audit.reads import access_one, read_noted, refusal_noted
from mediation.cases.models import Case, Party, PartyRole
from mediation.domain import attendance as rules
from mediation.domain import expenses as money
from mediation.parties.models import (
    AttendanceRequest,
    AttendanceResponse,
    AuthorityConfirmation,
    ExpenseClaim,
    ExpenseLine,
)

FAMILY_ROLES = frozenset({PartyRole.PARENT_CARER, PartyRole.YOUNG_PERSON, PartyRole.REPRESENTATIVE})
BODY_ROLES = frozenset({PartyRole.LA_REPRESENTATIVE, PartyRole.HEALTH_REPRESENTATIVE})


TAG_CLASSES = {
    rules.Status.AS_PARTY: "govuk-tag--blue",
    rules.Status.BY_RIGHT: "govuk-tag--green",
    rules.Status.AGREED: "govuk-tag--green",
    rules.Status.MEDIATOR_ALLOWED: "govuk-tag--green",
    rules.Status.AWAITING_CONSENT: "govuk-tag--yellow",
    rules.Status.OBJECTED: "govuk-tag--orange",
    rules.Status.MEDIATOR_REFUSED: "govuk-tag--red",
    rules.Status.NOT_ATTENDING: "govuk-tag--grey",
}


@dataclass
class PartyAttendance:
    party: Party
    request: AttendanceRequest | None
    basis: rules.Basis
    facts: rules.AttendanceFacts
    status: rules.Status
    responses: list[AttendanceResponse] = field(default_factory=list)
    authorities: list[AuthorityConfirmation] = field(default_factory=list)

    @property
    def basis_label(self) -> str:
        return rules.BASIS_LABELS[self.basis]

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    @property
    def status_value(self) -> str:
        return self.status.value

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES[self.status]

    @property
    def attending(self) -> bool:
        return self.status in rules.ATTENDING

    @property
    def needs_agreement(self) -> bool:
        return rules.response_refusal(self.basis) is None

    @property
    def mediator_may_decide(self) -> bool:
        return rules.mediator_decision_refusal(self.facts) is None

    @property
    def is_body_representative(self) -> bool:
        return self.party.role in BODY_ROLES

    @property
    def objections(self) -> list[AttendanceResponse]:
        return [r for r in self.responses if not r.agrees]


@dataclass
class CaseAttendance:
    rows: list[PartyAttendance]
    warnings: list[str]

    def row_for(self, party_id: int) -> PartyAttendance:
        """The party's row, noted as read (a page about one person on the case)."""
        for row in self.rows:
            if row.party.pk == party_id:
                read_noted(row.party)
                return row
        if Party.objects.filter(pk=party_id).exists():
            refusal_noted(Party, party_id)
        raise Http404("No such person on this case")


def parties_with_attendance(case: Case) -> list[Party]:
    """The case's parties, main contact first, with what `case_attendance` needs (two or three
    queries). The case page loads them once and hands them to every panel."""
    return list(
        Party.objects.filter(case=case)
        .select_related("supports", "attendance", "attendance__decided_by")
        .prefetch_related(
            Prefetch(
                "attendance__responses",
                queryset=AttendanceResponse.objects.select_related("party", "recorded_by"),
            ),
            Prefetch(
                "authorities",
                queryset=AuthorityConfirmation.objects.select_related("recorded_by"),
            ),
        )
        .order_by("-is_main_contact", "id")
    )


def _request_of(party: Party) -> AttendanceRequest | None:
    try:
        return party.attendance
    except AttendanceRequest.DoesNotExist:
        return None


def party_basis(party: Party, *, case: Case, alternative_person_is_party: bool) -> rules.Basis:
    supported = party.supports
    return rules.attendance_basis(
        party.role,
        case_has_health_issues=case.issue_health,
        additional_officer=party.additional_officer,
        supports_family=supported is not None and supported.role in FAMILY_ROLES,
        alternative_person_is_party=alternative_person_is_party,
    )


def attendance_for_parties(case: Case, parties: list[Party]) -> list[PartyAttendance]:
    """Work out each party's basis and status from what is recorded (no queries of its own
    beyond what `parties` prefetched)."""
    has_representative = any(p.role == PartyRole.REPRESENTATIVE for p in parties)
    bases = {
        p.pk: party_basis(
            p,
            case=case,
            alternative_person_is_party=has_representative and p.role == PartyRole.YOUNG_PERSON,
        )
        for p in parties
    }
    # The family side whose agreement counts: for the child, the parent (or their
    # representative, reg 63); for a young person, the alternative person (reg 64).
    child_family = [
        p.pk for p in parties if p.role in {PartyRole.PARENT_CARER, PartyRole.REPRESENTATIVE}
    ]
    yp_family = [p.pk for p in parties if p.role == PartyRole.REPRESENTATIVE]
    rows = []
    for party in parties:
        request = _request_of(party)
        responses = list(request.responses.all()) if request else []
        basis = bases[party.pk]
        family = child_family if basis == rules.Basis.CHILD_AGREEMENT else yp_family
        consenters = rules.consenters_for(basis, bases, family) - {party.pk}
        decision = request.mediator_decision if request else ""
        facts = rules.AttendanceFacts(
            basis=basis,
            consenters=consenters,
            agreed=frozenset(r.party_id for r in responses if r.agrees),
            objected=frozenset(r.party_id for r in responses if not r.agrees),
            mediator_allows={"allowed": True, "refused": False}.get(decision),
            not_attending=bool(request and request.not_attending),
            child_scope=rules.ChildScope(request.child_scope if request else "all"),
        )
        rows.append(
            PartyAttendance(
                party=party,
                request=request,
                basis=basis,
                facts=facts,
                status=rules.attendance_status(facts),
                responses=responses,
                authorities=list(party.authorities.all()),
            )
        )
    return rows


def _warnings(case: Case, rows: list[PartyAttendance]) -> list[str]:
    if case.route == "certificate_only" or not case.is_open:
        return []
    needed = rules.issues_needing_authority(
        education=case.issue_education,
        social_care=case.issue_social_care,
        health=case.issue_health,
    )
    confirmed: dict[str, set[str]] = {rules.LA_BODY: set(), rules.HEALTH_BODY: set()}
    body_of_role: dict[str, str] = {
        PartyRole.LA_REPRESENTATIVE: rules.LA_BODY,
        PartyRole.HEALTH_REPRESENTATIVE: rules.HEALTH_BODY,
    }
    for row in rows:
        if row.status == rules.Status.NOT_ATTENDING:
            continue
        body = body_of_role.get(row.party.role)
        if body:
            confirmed[body].update(a.issue for a in row.authorities)
    gaps = rules.authority_gaps(needed, confirmed)
    return [rules.authority_warning(body, missing) for body, missing in gaps.items()]


def case_attendance(case: Case, parties: list[Party] | None = None) -> CaseAttendance:
    """`parties`: as loaded by `parties_with_attendance` (the case page passes its own)."""
    rows = attendance_for_parties(
        case, parties if parties is not None else parties_with_attendance(case)
    )
    return CaseAttendance(rows=rows, warnings=_warnings(case, rows))


def authority_warnings(case: Case) -> list[str]:
    return case_attendance(case).warnings


def required_attendees(case: Case) -> list[Party]:
    return [
        row.party
        for row in case_attendance(case).rows
        if row.basis == rules.Basis.PARTY and row.status != rules.Status.NOT_ATTENDING
    ]


def expected_attendees(case: Case) -> list[Party]:
    return [row.party for row in case_attendance(case).rows if row.attending]


def party_needs(case: Case) -> list[Party]:
    return list(Party.objects.filter(case=case).order_by("-is_main_contact", "id"))


def access_party(*, case: Case, party_id: int) -> Party:
    return access_one(
        Party.objects.select_related("supports").filter(case=case),
        party_id,
        not_found="No such person on this case",
    )


# Expenses


@dataclass
class ClaimView:
    claim: ExpenseClaim
    assessed: money.Claim
    rows: list[tuple[ExpenseLine, money.Assessed]]

    @property
    def payer_label(self) -> str:
        return money.PAYER_LABELS[self.assessed.payer]


def case_payer(case: Case) -> money.Payer:
    return money.paying_body(
        education=case.issue_education,
        social_care=case.issue_social_care,
        health=case.issue_health,
    )


def _claim_view(case: Case, claim: ExpenseClaim) -> ClaimView:
    lines = list(claim.lines.all())
    assessed = money.assess_claim([line.as_domain() for line in lines], payer=case_payer(case))
    return ClaimView(claim, assessed, list(zip(lines, assessed.lines, strict=True)))


def case_expense_claims(case: Case) -> list[ClaimView]:
    claims = ExpenseClaim.objects.filter(case=case).select_related("claimant", "created_by")
    return [_claim_view(case, c) for c in claims.prefetch_related("lines")]


def access_claim(*, case: Case, claim_id: int) -> ClaimView:
    claim = access_one(
        ExpenseClaim.objects.select_related("claimant", "created_by")
        .prefetch_related("lines")
        .filter(case=case),
        claim_id,
        not_found="No such claim on this case",
    )
    return _claim_view(case, claim)


def family_parties(case: Case) -> list[Party]:
    return list(Party.objects.filter(case=case, role__in=FAMILY_ROLES).order_by("id"))

"""Who may attend a mediation meeting, and on what basis (SEND Regulations 2014 reg 38(1)),
and whether the arranging body's attendees have authority over every issue (reg 37(1)).

Pure Python: the roles are plain strings matching mediation.cases.models.PartyRole.

reg 38(1): (a) the parties attend as parties (parent or young person, or the representative /
alternative person, the LA, and the health commissioning body where there are health issues);
(b) any advocate or other supporter of the parent or young person attends by right, no consent
needed; (c) the child attends with the agreement of the parent and the mediator, for none, part
or all of the meeting; (d) the young person, where the alternative person is the party, attends
with that person's and the mediator's agreement; (e) anyone else attends with the consent of all
the parties or, failing that, of the mediator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

PARENT_CARER = "parent_carer"
YOUNG_PERSON = "young_person"
REPRESENTATIVE = "representative"
CHILD = "child"
LA_REPRESENTATIVE = "la_representative"
HEALTH_REPRESENTATIVE = "health_representative"
INFORMATION_PROVIDER = "information_provider"
SUPPORTER = "supporter"
OTHER_CALLER = "other_caller"

FAMILY_ROLES = frozenset({PARENT_CARER, YOUNG_PERSON, REPRESENTATIVE})


class Basis(StrEnum):
    """Why someone may be at the meeting (reg 38(1)(a) to (e))."""

    PARTY = "party"  # (a)
    BY_RIGHT = "by_right"  # (b)
    CHILD_AGREEMENT = "child_agreement"  # (c) parent and mediator agree
    YOUNG_PERSON_AGREEMENT = "young_person_agreement"  # (d) alternative person and mediator
    CONSENT_OR_MEDIATOR = "consent_or_mediator"  # (e)


BASIS_LABELS: dict[Basis, str] = {
    Basis.PARTY: "Attends as a party (reg 38(1)(a))",
    Basis.BY_RIGHT: "Supporter of the family: attends by right (reg 38(1)(b))",
    Basis.CHILD_AGREEMENT: "Needs the agreement of the parent and the mediator (reg 38(1)(c))",
    Basis.YOUNG_PERSON_AGREEMENT: (
        "Needs the agreement of the alternative person and the mediator (reg 38(1)(d))"
    ),
    Basis.CONSENT_OR_MEDIATOR: (
        "Needs the consent of all parties or, failing that, the mediator's (reg 38(1)(e))"
    ),
}


class Status(StrEnum):
    AS_PARTY = "as_party"
    BY_RIGHT = "by_right"
    AWAITING_CONSENT = "awaiting_consent"
    AGREED = "agreed"
    OBJECTED = "objected"
    MEDIATOR_ALLOWED = "mediator_allowed"
    MEDIATOR_REFUSED = "mediator_refused"
    NOT_ATTENDING = "not_attending"


STATUS_LABELS: dict[Status, str] = {
    Status.AS_PARTY: "Attends as a party",
    Status.BY_RIGHT: "Attends by right",
    Status.AWAITING_CONSENT: "Awaiting agreement",
    Status.AGREED: "Agreed",
    Status.OBJECTED: "Objected to",
    Status.MEDIATOR_ALLOWED: "Mediator allowed",
    Status.MEDIATOR_REFUSED: "Mediator refused",
    Status.NOT_ATTENDING: "Not attending",
}

# Statuses under which the person is expected at the meeting.
ATTENDING = frozenset({Status.AS_PARTY, Status.BY_RIGHT, Status.AGREED, Status.MEDIATOR_ALLOWED})


class ChildScope(StrEnum):
    NONE = "none"
    PART = "part"
    ALL = "all"


def attendance_basis(
    role: str,
    *,
    case_has_health_issues: bool,
    additional_officer: bool = False,
    supports_family: bool = False,
    alternative_person_is_party: bool = False,
) -> Basis:
    """The reg 38(1) basis on which someone in `role` may attend.

    - An LA or health body officer who comes alongside the body's named attendee (not the
      decision maker) is "anyone else": (e).
    - The health body is a party only where the case has health issues; otherwise (e).
    - A supporter attends by right only when supporting the parent, young person or their
      representative; a supporter of anyone else (for example the LA's lawyer) is (e).
    - A young person attends as a party unless an alternative person acts for them (reg 64),
      then (d).
    - Information providers, callers on the family's behalf and anyone else: (e).
    """
    if role in {PARENT_CARER, REPRESENTATIVE}:
        return Basis.PARTY
    if role == YOUNG_PERSON:
        return Basis.YOUNG_PERSON_AGREEMENT if alternative_person_is_party else Basis.PARTY
    if role == CHILD:
        return Basis.CHILD_AGREEMENT
    if role == LA_REPRESENTATIVE:
        return Basis.CONSENT_OR_MEDIATOR if additional_officer else Basis.PARTY
    if role == HEALTH_REPRESENTATIVE:
        if case_has_health_issues and not additional_officer:
            return Basis.PARTY
        return Basis.CONSENT_OR_MEDIATOR
    if role == SUPPORTER:
        return Basis.BY_RIGHT if supports_family else Basis.CONSENT_OR_MEDIATOR
    return Basis.CONSENT_OR_MEDIATOR


@dataclass(frozen=True)
class AttendanceFacts:
    """What has been recorded about one person's attendance.

    `consenters` are the parties whose consent or agreement counts for this basis (every party
    for (e); the parent(s) or representative for (c); the alternative person for (d)).
    `agreed` and `objected` are the ids among them who said yes or no.
    `mediator_allows` is the mediator's decision: True, False or None (not decided).
    """

    basis: Basis
    consenters: frozenset[int] = frozenset()
    agreed: frozenset[int] = frozenset()
    objected: frozenset[int] = frozenset()
    mediator_allows: bool | None = None
    not_attending: bool = False
    child_scope: ChildScope = ChildScope.ALL


def attendance_status(facts: AttendanceFacts) -> Status:
    if facts.not_attending:
        return Status.NOT_ATTENDING
    if facts.basis == Basis.PARTY:
        return Status.AS_PARTY
    if facts.basis == Basis.BY_RIGHT:
        return Status.BY_RIGHT
    objected = facts.objected & facts.consenters
    all_agreed = bool(facts.consenters) and facts.consenters <= facts.agreed and not objected
    if facts.basis == Basis.CONSENT_OR_MEDIATOR:
        if all_agreed:
            return Status.AGREED
        # "or, failing that, of the mediator": the mediator's decision settles it.
        if facts.mediator_allows is True:
            return Status.MEDIATOR_ALLOWED
        if facts.mediator_allows is False:
            return Status.MEDIATOR_REFUSED
        return Status.OBJECTED if objected else Status.AWAITING_CONSENT
    # (c) and (d): BOTH the family side and the mediator must agree; either can say no.
    if facts.basis == Basis.CHILD_AGREEMENT and facts.child_scope == ChildScope.NONE:
        return Status.NOT_ATTENDING
    if objected:
        return Status.OBJECTED
    if facts.mediator_allows is False:
        return Status.MEDIATOR_REFUSED
    if all_agreed and facts.mediator_allows is True:
        return Status.AGREED
    return Status.AWAITING_CONSENT


@dataclass(frozen=True)
class NextForAttendance:
    """What is needed next before someone may attend, as the facts stand: `who` are the ids of
    the parties whose answer is awaited (the page names them); `text` says what else is needed,
    or what has been decided ("" when nothing more is needed)."""

    text: str
    who: frozenset[int] = frozenset()


MEDIATOR_MUST_DECIDE = "The mediator must decide"


def next_for_attendance(facts: AttendanceFacts) -> NextForAttendance:
    """What is needed next for this person's attendance (what a page shows as its status
    detail). An objection is never shown as "waiting for" the one who objected: for anyone
    else (reg 38(1)(e)) the mediator then decides; for a child or a young person
    ((c), (d)) the objection settles it."""
    status = attendance_status(facts)
    objected = facts.objected & facts.consenters
    unanswered = facts.consenters - facts.agreed - facts.objected
    if status in {Status.AS_PARTY, Status.BY_RIGHT, Status.NOT_ATTENDING}:
        return NextForAttendance("")
    if status in {Status.AGREED, Status.MEDIATOR_ALLOWED, Status.MEDIATOR_REFUSED}:
        return NextForAttendance("")
    if status is Status.OBJECTED:
        if facts.basis == Basis.CONSENT_OR_MEDIATOR:
            return NextForAttendance(f"{MEDIATOR_MUST_DECIDE}: a party objected")
        return NextForAttendance("They cannot attend: the family objected")
    # Awaiting: the parties yet to answer first; then, for (c) and (d), the mediator too.
    if unanswered:
        return NextForAttendance("Waiting for an answer from", unanswered)
    if facts.basis != Basis.CONSENT_OR_MEDIATOR and facts.mediator_allows is None:
        return NextForAttendance(f"{MEDIATOR_MUST_DECIDE}: the family agreed")
    if not facts.consenters:
        return NextForAttendance(f"{MEDIATOR_MUST_DECIDE}: there is no one else to agree")
    return NextForAttendance("" if not objected else MEDIATOR_MUST_DECIDE)


def response_refusal(basis: Basis) -> str | None:
    """Why no one's agreement or objection is needed for this basis, or None if it is."""
    if basis == Basis.PARTY:
        return "Parties attend as parties: no one's agreement is needed."
    if basis == Basis.BY_RIGHT:
        return "A supporter of the family attends by right: no one's agreement is needed."
    return None


def mediator_decision_refusal(facts: AttendanceFacts) -> str | None:
    """Why the mediator may not decide on this person's attendance now, or None if they may."""
    refusal = response_refusal(facts.basis)
    if refusal:
        return refusal
    if facts.basis == Basis.CONSENT_OR_MEDIATOR:
        consenters = facts.consenters
        if consenters and consenters <= facts.agreed and not (facts.objected & consenters):
            return "Every party has agreed: no decision by the mediator is needed."
    return None


def consenters_for(
    basis: Basis, parties: Mapping[int, Basis], family_ids: Iterable[int]
) -> frozenset[int]:
    """Whose agreement counts: every party for (e); the family side for (c) and (d).

    `parties` maps each person's id to their basis; `family_ids` are the parent, young person
    and representative ids (the family side of the case).
    """
    family = frozenset(family_ids)
    if basis == Basis.CONSENT_OR_MEDIATOR:
        return frozenset(pid for pid, b in parties.items() if b == Basis.PARTY)
    if basis in {Basis.CHILD_AGREEMENT, Basis.YOUNG_PERSON_AGREEMENT}:
        return frozenset(pid for pid in family if parties.get(pid) == Basis.PARTY)
    return frozenset()


# reg 37(1): the arranging body's attendees must have authority to resolve the issues.
EDUCATION = "education"
SOCIAL_CARE = "social_care"
HEALTH = "health"
ISSUE_LABELS = {EDUCATION: "education", SOCIAL_CARE: "social care", HEALTH: "health"}
LA_BODY = "la"
HEALTH_BODY = "health_body"


def issues_needing_authority(
    *, education: bool, social_care: bool, health: bool
) -> dict[str, tuple[str, ...]]:
    """For each body, the issues on which its attendee must be able to decide.

    The LA covers education and social care (CFA s54); the health commissioning body covers
    health (s53). A body with nothing to cover is left out.
    """
    needed: dict[str, tuple[str, ...]] = {}
    la = tuple(i for i, flag in ((EDUCATION, education), (SOCIAL_CARE, social_care)) if flag)
    if la:
        needed[LA_BODY] = la
    if health:
        needed[HEALTH_BODY] = (HEALTH,)
    return needed


def authority_gaps(
    needed: Mapping[str, Iterable[str]], confirmed: Mapping[str, Iterable[str]]
) -> dict[str, tuple[str, ...]]:
    """The issues, per body, that no attendee of that body is yet confirmed to decide on."""
    gaps = {}
    for body, issues in needed.items():
        have = set(confirmed.get(body, ()))
        missing = tuple(i for i in issues if i not in have)
        if missing:
            gaps[body] = missing
    return gaps


def authority_warning(body: str, missing: Iterable[str]) -> str:
    names = ", ".join(ISSUE_LABELS[i] for i in missing)
    who = "The LA" if body == LA_BODY else "The health commissioning body"
    return f"{who} has not yet confirmed that its attendee can make decisions on: {names}"

"""reg 38(1) attendance rules and reg 37(1) authority, table-driven."""

from __future__ import annotations

import pytest

from mediation.domain.attendance import (
    EDUCATION,
    HEALTH,
    HEALTH_BODY,
    LA_BODY,
    SOCIAL_CARE,
    AttendanceFacts,
    Basis,
    ChildScope,
    Status,
    attendance_basis,
    attendance_status,
    authority_gaps,
    authority_warning,
    consenters_for,
    issues_needing_authority,
    mediator_decision_refusal,
    response_refusal,
)

B = Basis


@pytest.mark.parametrize(
    ("role", "kwargs", "expected"),
    [
        ("parent_carer", {}, B.PARTY),
        ("representative", {}, B.PARTY),
        ("young_person", {}, B.PARTY),
        ("young_person", {"alternative_person_is_party": True}, B.YOUNG_PERSON_AGREEMENT),
        ("child", {}, B.CHILD_AGREEMENT),
        ("la_representative", {}, B.PARTY),
        ("la_representative", {"additional_officer": True}, B.CONSENT_OR_MEDIATOR),
        ("health_representative", {"case_has_health_issues": True}, B.PARTY),
        ("health_representative", {}, B.CONSENT_OR_MEDIATOR),
        (
            "health_representative",
            {"case_has_health_issues": True, "additional_officer": True},
            B.CONSENT_OR_MEDIATOR,
        ),
        ("supporter", {"supports_family": True}, B.BY_RIGHT),
        ("supporter", {"supports_family": False}, B.CONSENT_OR_MEDIATOR),
        ("information_provider", {}, B.CONSENT_OR_MEDIATOR),
        ("other_caller", {}, B.CONSENT_OR_MEDIATOR),
        # A parent's role does not change because an officer flag is set by mistake.
        ("parent_carer", {"additional_officer": True}, B.PARTY),
    ],
)
def test_basis_for_each_role(role, kwargs, expected):
    kwargs.setdefault("case_has_health_issues", False)
    assert attendance_basis(role, **kwargs) == expected


PARTIES = frozenset({1, 2, 3})


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (AttendanceFacts(B.PARTY), Status.AS_PARTY),
        (AttendanceFacts(B.BY_RIGHT), Status.BY_RIGHT),
        (AttendanceFacts(B.BY_RIGHT, not_attending=True), Status.NOT_ATTENDING),
        (AttendanceFacts(B.PARTY, not_attending=True), Status.NOT_ATTENDING),
        # (e) anyone else: consent of all parties or, failing that, the mediator.
        (AttendanceFacts(B.CONSENT_OR_MEDIATOR, PARTIES), Status.AWAITING_CONSENT),
        (
            AttendanceFacts(B.CONSENT_OR_MEDIATOR, PARTIES, agreed=frozenset({1, 2})),
            Status.AWAITING_CONSENT,
        ),
        (AttendanceFacts(B.CONSENT_OR_MEDIATOR, PARTIES, agreed=PARTIES), Status.AGREED),
        (
            AttendanceFacts(
                B.CONSENT_OR_MEDIATOR, PARTIES, agreed=frozenset({1, 2}), objected=frozenset({3})
            ),
            Status.OBJECTED,
        ),
        (
            AttendanceFacts(
                B.CONSENT_OR_MEDIATOR, PARTIES, objected=frozenset({3}), mediator_allows=True
            ),
            Status.MEDIATOR_ALLOWED,
        ),
        (
            AttendanceFacts(
                B.CONSENT_OR_MEDIATOR, PARTIES, objected=frozenset({3}), mediator_allows=False
            ),
            Status.MEDIATOR_REFUSED,
        ),
        # Everyone's consent stands whatever the mediator said before it.
        (
            AttendanceFacts(B.CONSENT_OR_MEDIATOR, PARTIES, agreed=PARTIES, mediator_allows=False),
            Status.AGREED,
        ),
        # An objection from someone whose consent does not count is ignored.
        (
            AttendanceFacts(
                B.CONSENT_OR_MEDIATOR, PARTIES, agreed=PARTIES, objected=frozenset({9})
            ),
            Status.AGREED,
        ),
        # No parties recorded yet: nobody has consented.
        (AttendanceFacts(B.CONSENT_OR_MEDIATOR), Status.AWAITING_CONSENT),
        (
            AttendanceFacts(
                B.CONSENT_OR_MEDIATOR, PARTIES, objected=frozenset({1}), not_attending=True
            ),
            Status.NOT_ATTENDING,
        ),
        # (c) the child: parent AND mediator.
        (AttendanceFacts(B.CHILD_AGREEMENT, frozenset({1})), Status.AWAITING_CONSENT),
        (
            AttendanceFacts(B.CHILD_AGREEMENT, frozenset({1}), agreed=frozenset({1})),
            Status.AWAITING_CONSENT,
        ),
        (
            AttendanceFacts(B.CHILD_AGREEMENT, frozenset({1}), mediator_allows=True),
            Status.AWAITING_CONSENT,
        ),
        (
            AttendanceFacts(
                B.CHILD_AGREEMENT, frozenset({1}), agreed=frozenset({1}), mediator_allows=True
            ),
            Status.AGREED,
        ),
        (
            AttendanceFacts(
                B.CHILD_AGREEMENT, frozenset({1}), objected=frozenset({1}), mediator_allows=True
            ),
            Status.OBJECTED,
        ),
        (
            AttendanceFacts(
                B.CHILD_AGREEMENT, frozenset({1}), agreed=frozenset({1}), mediator_allows=False
            ),
            Status.MEDIATOR_REFUSED,
        ),
        # Both parents must agree.
        (
            AttendanceFacts(
                B.CHILD_AGREEMENT, frozenset({1, 2}), agreed=frozenset({1}), mediator_allows=True
            ),
            Status.AWAITING_CONSENT,
        ),
        (
            AttendanceFacts(
                B.CHILD_AGREEMENT,
                frozenset({1}),
                agreed=frozenset({1}),
                mediator_allows=True,
                child_scope=ChildScope.PART,
            ),
            Status.AGREED,
        ),
        (
            AttendanceFacts(
                B.CHILD_AGREEMENT,
                frozenset({1}),
                agreed=frozenset({1}),
                mediator_allows=True,
                child_scope=ChildScope.NONE,
            ),
            Status.NOT_ATTENDING,
        ),
        # (d) a young person where the alternative person is the party.
        (
            AttendanceFacts(
                B.YOUNG_PERSON_AGREEMENT,
                frozenset({4}),
                agreed=frozenset({4}),
                mediator_allows=True,
            ),
            Status.AGREED,
        ),
        (
            AttendanceFacts(B.YOUNG_PERSON_AGREEMENT, frozenset({4}), objected=frozenset({4})),
            Status.OBJECTED,
        ),
    ],
)
def test_status(facts, expected):
    assert attendance_status(facts) == expected


@pytest.mark.parametrize(
    ("basis", "needs_answers"),
    [
        (B.PARTY, False),
        (B.BY_RIGHT, False),
        (B.CHILD_AGREEMENT, True),
        (B.YOUNG_PERSON_AGREEMENT, True),
        (B.CONSENT_OR_MEDIATOR, True),
    ],
)
def test_who_needs_anyones_agreement(basis, needs_answers):
    assert (response_refusal(basis) is None) is needs_answers
    assert (mediator_decision_refusal(AttendanceFacts(basis)) is None) is needs_answers


@pytest.mark.parametrize(
    ("facts", "may_decide"),
    [
        (AttendanceFacts(B.CONSENT_OR_MEDIATOR, PARTIES), True),
        (AttendanceFacts(B.CONSENT_OR_MEDIATOR, PARTIES, objected=frozenset({1})), True),
        (AttendanceFacts(B.CONSENT_OR_MEDIATOR, PARTIES, agreed=PARTIES), False),
        # The mediator's agreement is always needed for the child, even once the parent agreed.
        (AttendanceFacts(B.CHILD_AGREEMENT, frozenset({1}), agreed=frozenset({1})), True),
    ],
)
def test_mediator_decides_only_when_consent_fails(facts, may_decide):
    assert (mediator_decision_refusal(facts) is None) is may_decide


def test_consenters():
    bases = {1: B.PARTY, 2: B.PARTY, 3: B.BY_RIGHT, 4: B.CONSENT_OR_MEDIATOR, 5: B.CHILD_AGREEMENT}
    assert consenters_for(B.CONSENT_OR_MEDIATOR, bases, [1]) == {1, 2}
    assert consenters_for(B.CHILD_AGREEMENT, bases, [1]) == {1}
    assert consenters_for(B.CHILD_AGREEMENT, bases, [3]) == frozenset()
    assert consenters_for(B.PARTY, bases, [1]) == frozenset()


@pytest.mark.parametrize(
    ("issues", "expected"),
    [
        ({"education": True, "social_care": False, "health": False}, {LA_BODY: (EDUCATION,)}),
        (
            {"education": True, "social_care": True, "health": True},
            {LA_BODY: (EDUCATION, SOCIAL_CARE), HEALTH_BODY: (HEALTH,)},
        ),
        ({"education": False, "social_care": False, "health": True}, {HEALTH_BODY: (HEALTH,)}),
        ({"education": False, "social_care": False, "health": False}, {}),
    ],
)
def test_issues_needing_authority(issues, expected):
    assert issues_needing_authority(**issues) == expected


def test_authority_gaps_close_issue_by_issue():
    needed = {LA_BODY: (EDUCATION, SOCIAL_CARE), HEALTH_BODY: (HEALTH,)}
    assert authority_gaps(needed, {}) == needed
    assert authority_gaps(needed, {LA_BODY: [EDUCATION]}) == {
        LA_BODY: (SOCIAL_CARE,),
        HEALTH_BODY: (HEALTH,),
    }
    # Authority confirmed for the wrong body does not count.
    assert authority_gaps(needed, {LA_BODY: [EDUCATION, SOCIAL_CARE, HEALTH]}) == {
        HEALTH_BODY: (HEALTH,)
    }
    assert authority_gaps(needed, {LA_BODY: [EDUCATION, SOCIAL_CARE], HEALTH_BODY: [HEALTH]}) == {}


def test_warning_wording():
    assert authority_warning(LA_BODY, (EDUCATION, SOCIAL_CARE)) == (
        "The LA has not yet confirmed that its attendee can make decisions on: "
        "education, social care"
    )
    assert authority_warning(HEALTH_BODY, (HEALTH,)).startswith(
        "The health commissioning body has not yet confirmed"
    )


def test_what_happens_next_never_waits_for_someone_who_objected():
    from mediation.domain.attendance import next_for_attendance

    anyone = AttendanceFacts(Basis.CONSENT_OR_MEDIATOR, consenters=frozenset({1, 2}))
    assert next_for_attendance(anyone).who == {1, 2}
    one_agreed = AttendanceFacts(
        Basis.CONSENT_OR_MEDIATOR, consenters=frozenset({1, 2}), agreed=frozenset({1})
    )
    assert next_for_attendance(one_agreed).who == {2}
    objected = AttendanceFacts(
        Basis.CONSENT_OR_MEDIATOR, consenters=frozenset({1, 2}), objected=frozenset({2})
    )
    step = next_for_attendance(objected)
    assert step.text == "The mediator must decide: a party objected" and not step.who
    child = AttendanceFacts(Basis.CHILD_AGREEMENT, consenters=frozenset({1}), agreed=frozenset({1}))
    assert next_for_attendance(child).text == "The mediator must decide: the family agreed"
    refused = AttendanceFacts(
        Basis.CHILD_AGREEMENT, consenters=frozenset({1}), objected=frozenset({1})
    )
    assert next_for_attendance(refused).text == "They cannot attend: the family objected"
    decided = AttendanceFacts(
        Basis.CONSENT_OR_MEDIATOR, consenters=frozenset({1}), objected=frozenset({1}),
        mediator_allows=True,
    )  # fmt: skip
    assert next_for_attendance(decided).text == ""

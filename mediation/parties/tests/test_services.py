"""Services: every change writes the timeline and the audit log, the reg 38 workflow, the
reg 37(1) authority warning, and refusals for people who may not decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from mediation.audit.models import AuditEvent
from mediation.cases.models import Party
from mediation.common import errors
from mediation.common.errors import ServiceError
from mediation.domain.attendance import Status
from mediation.parties import selectors, services
from mediation.parties.models import AttendanceRequest, ExpenseLine
from mediation.parties.tests.helpers import parent_of, person

pytestmark = pytest.mark.django_db


def _trail(case, verb):
    return (
        case.timeline.order_by("-id").first().summary,
        AuditEvent.objects.filter(case_id=case.pk, verb=verb).count(),
    )


def status_of(party: Party) -> Status:
    return selectors.case_attendance(party.case).row_for(party.pk).status


def test_adding_a_party_writes_timeline_audit_and_encrypts_adjustments(open_case, case_officer_cal):
    party = person(
        open_case,
        case_officer_cal,
        "parent_carer",
        "Tom Whitfield",
        interpreter_needed=True,
        interpreter_language="Polish",
        reasonable_adjustments="Breaks every 30 minutes",
    )
    summary, audits = _trail(open_case, "party.create")
    assert summary == "Tom Whitfield added as parent or carer"
    assert audits == 1
    assert AttendanceRequest.objects.get(party=party).status == Status.AS_PARTY
    with connection.cursor() as cursor:
        cursor.execute("SELECT reasonable_adjustments FROM cases_party WHERE id = %s", [party.pk])
        stored = cursor.fetchone()[0]
    assert "Breaks" not in stored
    assert Party.objects.get(pk=party.pk).reasonable_adjustments == "Breaks every 30 minutes"


def test_interpreter_without_language_is_refused(open_case, case_officer_cal):
    with pytest.raises(ServiceError, match="interpreter"):
        person(open_case, case_officer_cal, "parent_carer", "Tom", interpreter_needed=True)


def test_a_phone_number_is_checked_by_the_service_too(open_case, case_officer_cal):
    with pytest.raises(ServiceError) as refused:
        person(open_case, case_officer_cal, "parent_carer", "Tom", phone="not a number")
    assert refused.value.field_messages[0][0] == "phone"
    assert not Party.objects.filter(name="Tom").exists()
    tom = person(open_case, case_officer_cal, "parent_carer", "Tom", phone="+44 7700 900 982")
    assert tom.phone == "07700 900982"


def test_update_writes_timeline_and_audit_with_field_names_only(open_case, case_officer_cal):
    party = parent_of(open_case)
    services.party_update(
        party=party,
        by=case_officer_cal,
        data={
            "role": "parent_carer",
            "name": party.name,
            "preferred_contact": "email",
            "email": "new@example.com",
            "language": "Welsh",
            "reasonable_adjustments": "Phone only",
        },
    )
    summary, audits = _trail(open_case, "party.update")
    assert summary == f"Details of {party.name} changed"
    event = AuditEvent.objects.get(case_id=open_case.pk, verb="party.update")
    assert "reasonable_adjustments" in event.detail["fields"]
    assert "Phone only" not in str(event.detail)


@pytest.mark.parametrize("who", ["mediator_mia", "mediator_max"])
def test_mediators_cannot_change_parties(open_case, cast, who):
    with pytest.raises(errors.NotAllowed):
        person(open_case, cast[who], "supporter", "Ann", supports=parent_of(open_case))


def test_supporter_of_the_family_attends_by_right(open_case, case_officer_cal):
    supporter = person(
        open_case, case_officer_cal, "supporter", "Ann IASS", supports=parent_of(open_case)
    )
    assert status_of(supporter) == Status.BY_RIGHT
    with pytest.raises(ServiceError, match="by right"):
        services.attendance_response_record(
            party=supporter,
            responder=parent_of(open_case),
            agrees=False,
            reason="No",
            by=case_officer_cal,
        )


def test_la_lawyer_is_not_there_by_right(open_case, case_officer_cal):
    la = person(open_case, case_officer_cal, "la_representative", "Lee Officer")
    lawyer = person(open_case, case_officer_cal, "supporter", "LA lawyer", supports=la)
    assert status_of(lawyer) == Status.AWAITING_CONSENT


def test_information_provider_objection_then_mediator_decision(
    open_case, case_officer_cal, mediator_mia
):
    la = person(open_case, case_officer_cal, "la_representative", "Lee Officer")
    teacher = person(open_case, case_officer_cal, "information_provider", "Ms Class Teacher")
    assert status_of(teacher) == Status.AWAITING_CONSENT
    # Consent of all parties: the parent and the LA (the health body too once it is named).
    services.attendance_response_record(
        party=teacher, responder=la, agrees=True, reason="", by=case_officer_cal
    )
    assert status_of(teacher) == Status.AWAITING_CONSENT
    services.attendance_response_record(
        party=teacher,
        responder=parent_of(open_case),
        agrees=False,
        reason="Prefers a written report",
        by=case_officer_cal,
    )
    assert status_of(teacher) == Status.OBJECTED
    summary, audits = _trail(open_case, "attendance.response")
    assert summary == "Sarah Whitfield objects to Ms Class Teacher attending: objected to"
    assert audits == 2
    services.attendance_mediator_decide(
        party=teacher, allows=True, reason="Her evidence is central", by=mediator_mia
    )
    assert status_of(teacher) == Status.MEDIATOR_ALLOWED
    summary, audits = _trail(open_case, "attendance.decision")
    assert summary == "Mediator allowed Ms Class Teacher attending: mediator allowed"
    assert audits == 1
    attendance = AttendanceRequest.objects.get(party=teacher)
    assert (attendance.decided_by, attendance.decision_reason) == (
        mediator_mia,
        "Her evidence is central",
    )
    assert attendance.status == Status.MEDIATOR_ALLOWED


@pytest.mark.parametrize("who", ["case_officer_cal", "case_officer_cleo", "mediator_max"])
def test_only_the_cases_mediator_or_a_manager_decides(open_case, cast, who):
    teacher = person(open_case, cast["case_officer_cal"], "information_provider", "Teacher")
    with pytest.raises(errors.NotAllowed):
        services.attendance_mediator_decide(
            party=teacher, allows=True, reason="Because", by=cast[who]
        )
    assert not AuditEvent.objects.filter(verb="attendance.decision").exists()


@pytest.mark.parametrize("who", ["manager_sue", "admin_ada", "mediator_mia"])
def test_mediator_or_manager_may_decide(open_case, cast, who):
    teacher = person(open_case, cast["case_officer_cal"], "information_provider", "Teacher")
    services.attendance_mediator_decide(
        party=teacher, allows=False, reason="Not needed", by=cast[who]
    )
    assert status_of(teacher) == Status.MEDIATOR_REFUSED


def test_no_mediator_decision_once_everyone_agreed(open_case, case_officer_cal, manager_sue):
    teacher = person(open_case, case_officer_cal, "information_provider", "Teacher")
    services.attendance_response_record(
        party=teacher,
        responder=parent_of(open_case),
        agrees=True,
        reason="",
        by=case_officer_cal,
    )
    assert status_of(teacher) == Status.AGREED
    with pytest.raises(ServiceError, match="Every party has agreed"):
        services.attendance_mediator_decide(party=teacher, allows=False, reason="x", by=manager_sue)


def test_new_party_reopens_consent(open_case, case_officer_cal):
    teacher = person(open_case, case_officer_cal, "information_provider", "Teacher")
    services.attendance_response_record(
        party=teacher, responder=parent_of(open_case), agrees=True, reason="", by=case_officer_cal
    )
    assert AttendanceRequest.objects.get(party=teacher).status == Status.AGREED
    person(open_case, case_officer_cal, "la_representative", "Lee Officer")
    # The LA's consent is now needed too; the stored status follows.
    assert AttendanceRequest.objects.get(party=teacher).status == Status.AWAITING_CONSENT


def test_objection_needs_a_reason_and_a_counting_responder(open_case, case_officer_cal):
    teacher = person(open_case, case_officer_cal, "information_provider", "Teacher")
    helper = person(open_case, case_officer_cal, "supporter", "Ann", supports=parent_of(open_case))
    with pytest.raises(ServiceError, match="reason"):
        services.attendance_response_record(
            party=teacher,
            responder=parent_of(open_case),
            agrees=False,
            reason=" ",
            by=case_officer_cal,
        )
    with pytest.raises(ServiceError, match="does not count|not one that counts"):
        services.attendance_response_record(
            party=teacher, responder=helper, agrees=False, reason="No", by=case_officer_cal
        )


def test_child_needs_parent_and_mediator(open_case, case_officer_cal, mediator_mia):
    child = person(open_case, case_officer_cal, "child", "Isla Whitfield")
    services.attendance_mediator_decide(
        party=child,
        allows=True,
        reason="Isla wants to say her piece",
        child_scope="part",
        child_scope_detail="First 20 minutes",
        by=mediator_mia,
    )
    assert status_of(child) == Status.AWAITING_CONSENT
    services.attendance_response_record(
        party=child, responder=parent_of(open_case), agrees=True, reason="", by=case_officer_cal
    )
    assert status_of(child) == Status.AGREED
    attendance = AttendanceRequest.objects.get(party=child)
    assert (attendance.child_scope, attendance.child_scope_detail) == ("part", "First 20 minutes")


def test_plan_information_instead_and_child_scope(open_case, case_officer_cal):
    camhs = person(
        open_case,
        case_officer_cal,
        "information_provider",
        "Dr Rao",
        provider_kind="camhs",
        organisation="CAMHS North",
    )
    services.attendance_plan_update(
        party=camhs, by=case_officer_cal, not_attending=False, sends_information_instead=True
    )
    assert status_of(camhs) == Status.NOT_ATTENDING
    summary, audits = _trail(open_case, "attendance.plan")
    assert summary == "Dr Rao will send information instead of attending"
    assert audits == 1
    with pytest.raises(ServiceError, match="Only information providers"):
        services.attendance_plan_update(
            party=parent_of(open_case),
            by=case_officer_cal,
            not_attending=False,
            sends_information_instead=True,
        )
    child = person(open_case, case_officer_cal, "child", "Isla")
    with pytest.raises(ServiceError, match="which part"):
        services.attendance_plan_update(
            party=child, by=case_officer_cal, not_attending=False, child_scope="part"
        )
    services.attendance_plan_update(
        party=child, by=case_officer_cal, not_attending=False, child_scope="none"
    )
    assert status_of(child) == Status.NOT_ATTENDING


def test_authority_warning_appears_and_disappears(open_case, case_officer_cal):
    # open_case has education and health issues.
    assert selectors.authority_warnings(open_case) == [
        "The LA has not yet confirmed that its attendee can make decisions on: education",
        "The health commissioning body has not yet confirmed that its attendee can make "
        "decisions on: health",
    ]
    la = person(open_case, case_officer_cal, "la_representative", "Lee Officer")
    services.authority_confirm(
        party=la, issues=["education"], confirmed_on=date(2026, 11, 20), by=case_officer_cal
    )
    summary, audits = _trail(open_case, "authority.confirm")
    assert summary == "Authority of Lee Officer to decide confirmed for: education"
    assert audits == 1
    assert len(selectors.authority_warnings(open_case)) == 1
    icb = person(open_case, case_officer_cal, "health_representative", "Hana ICB")
    with pytest.raises(ServiceError, match="issues this body"):
        services.authority_confirm(
            party=icb, issues=["education"], confirmed_on=date(2026, 11, 20), by=case_officer_cal
        )
    services.authority_confirm(
        party=icb, issues=["health"], confirmed_on=date(2026, 11, 20), by=case_officer_cal
    )
    assert selectors.authority_warnings(open_case) == []
    assert open_case.timeline.filter(
        summary="Every mediation issue now has an attendee who can decide on it"
    ).exists()
    # Withdrawing an issue brings the warning back.
    services.authority_confirm(
        party=la, issues=[], confirmed_on=date(2026, 11, 21), by=case_officer_cal
    )
    assert selectors.authority_warnings(open_case) == [
        "The LA has not yet confirmed that its attendee can make decisions on: education"
    ]


def test_authority_only_for_body_representatives(open_case, case_officer_cal, mediator_mia):
    with pytest.raises(ServiceError, match="representatives only"):
        services.authority_confirm(
            party=parent_of(open_case),
            issues=["education"],
            confirmed_on=date(2026, 11, 20),
            by=case_officer_cal,
        )
    la = person(open_case, case_officer_cal, "la_representative", "Lee")
    with pytest.raises(errors.NotAllowed):
        services.authority_confirm(
            party=la, issues=["education"], confirmed_on=date(2026, 11, 20), by=mediator_mia
        )


def test_la_officer_not_attending_does_not_cover_authority(open_case, case_officer_cal):
    la = person(open_case, case_officer_cal, "la_representative", "Lee")
    services.authority_confirm(
        party=la, issues=["education"], confirmed_on=date(2026, 11, 20), by=case_officer_cal
    )
    services.attendance_plan_update(party=la, by=case_officer_cal, not_attending=True)
    assert any(w.startswith("The LA") for w in selectors.authority_warnings(open_case))


def test_required_and_expected_attendees(open_case, case_officer_cal):
    la = person(open_case, case_officer_cal, "la_representative", "Lee")
    extra = person(
        open_case, case_officer_cal, "la_representative", "Second officer", additional_officer=True
    )
    helper = person(open_case, case_officer_cal, "supporter", "Ann", supports=parent_of(open_case))
    required = selectors.required_attendees(open_case)
    assert {p.pk for p in required} == {parent_of(open_case).pk, la.pk}
    expected = {p.pk for p in selectors.expected_attendees(open_case)}
    assert expected == {parent_of(open_case).pk, la.pk, helper.pk}
    assert extra.pk not in expected


def test_expenses_claim_and_lines(open_case, case_officer_cal, mediator_mia):
    parent = parent_of(open_case)
    claim = services.expense_claim_start(
        case=open_case, claimant=parent, received_on=date(2026, 11, 25), by=case_officer_cal
    )
    summary, audits = _trail(open_case, "expenses.claim.create")
    assert (summary, audits) == ("Expenses claim from Sarah Whitfield recorded", 1)
    services.expense_line_add(
        claim=claim,
        by=case_officer_cal,
        data={"kind": "loss_of_earnings", "claimed_pence": 6000},
    )
    services.expense_line_add(
        claim=claim, by=case_officer_cal, data={"kind": "mileage", "miles": Decimal("30")}
    )
    summary, audits = _trail(open_case, "expenses.line.add")
    assert (
        summary
        == "Expenses item added for Sarah Whitfield: Car or motorcycle (25p a mile), £7.50 payable"
    )
    assert audits == 2
    view = selectors.access_claim(case=open_case, claim_id=claim.pk)
    assert view.assessed.allowed_pence == 4500 + 750
    assert view.assessed.claimed_pence == 6000 + 750
    # open_case has education and health issues: the LA arranged it and pays.
    assert view.assessed.payer == "la"
    assert ExpenseLine.objects.filter(claim=claim).count() == 2
    with pytest.raises(errors.NotAllowed):
        services.expense_claim_start(
            case=open_case, claimant=parent, received_on=date(2026, 11, 25), by=mediator_mia
        )
    la = person(open_case, case_officer_cal, "la_representative", "Lee")
    with pytest.raises(ServiceError, match="parent, young person"):
        services.expense_claim_start(
            case=open_case, claimant=la, received_on=date(2026, 11, 25), by=case_officer_cal
        )


def test_health_only_case_is_paid_by_the_health_body(open_case):
    open_case.issue_education = False
    open_case.save()
    assert selectors.case_payer(open_case) == "health_body"

"""generate_cases: counts, determinism, valid states and dates, deadlines as the web app
computes them, and an audit chain that still verifies. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from mediation.audit.models import AuditEvent
from mediation.audit.services import audit_record
from mediation.audit.verification import audit_verify_chain
from mediation.cases.models import Case, CaseStatusChange, Enquiry, Party
from mediation.deadlines.models import Deadline
from mediation.deadlines.services import deadline_recalculate
from mediation.demo import synthetic
from mediation.documents.models import Certificate
from mediation.domain.case_states import INITIAL_STATE, CaseState, Route, check_transition
from mediation.meetings.models import Meeting
from mediation.timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db

AS_OF = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _generate(cases: int, seed: int = 7) -> int:
    # 300 a year: a few dozen cases reach every stage of their routes.
    return synthetic.generate(cases=cases, seed=seed, as_of=AS_OF, batch_size=25, per_year=300)


def test_counts_and_what_each_case_gets():
    assert _generate(60) == 60
    cases = Case.objects.filter(reference__startswith="S7-")
    assert cases.count() == 60
    # Every case came from an enquiry; about half as many again ended with information given.
    assert Enquiry.objects.filter(status=Enquiry.Status.CASE_OPENED).count() == 60
    assert Enquiry.objects.count() > 60
    for case in cases.prefetch_related("parties"):
        roles = {p.role for p in case.parties.all()}
        assert roles & {"parent_carer", "young_person"}
        assert "la_representative" in roles
        assert case.enquiry_id is not None
        assert TimelineEntry.objects.filter(case=case, kind="case_opened").count() == 1
    assert Deadline.objects.filter(case__in=cases).exists()
    assert Meeting.objects.filter(case__in=cases).exists()
    assert Certificate.objects.filter(case__in=cases).exists()
    assert len({c.route for c in cases}) == 3
    assert cases.filter(status=CaseState.CLOSED).exists()
    assert cases.exclude(status=CaseState.CLOSED).exists()


def test_each_case_follows_its_routes_state_machine_with_dates_in_order():
    _generate(80)
    for case in Case.objects.all():
        changes = list(CaseStatusChange.objects.filter(case=case).order_by("at", "id"))
        assert changes[0].from_state == ""
        assert changes[0].to_state == INITIAL_STATE[Route(case.route)]
        for change in changes[1:]:
            check_transition(
                Route(case.route), CaseState(change.from_state), CaseState(change.to_state)
            )
        assert changes[-1].to_state == case.status
        assert [c.at for c in changes] == sorted(c.at for c in changes)
        assert case.opened_at <= case.last_activity_at <= AS_OF
        assert (case.closed_at is not None) == (case.status == CaseState.CLOSED)
        # Event dates in the order the law has them.
        ordered = [
            case.notice_sent_on,
            case.adviser_contacted_on,
            case.la_informed_on,
            case.meeting_planned_on,
            case.outcome_circulated_on,
        ]
        known = [d for d in ordered if d is not None]
        assert known == sorted(known), case.reference
        if case.mediation_held_on:
            assert case.mediation_held_on == case.meeting_planned_on
            assert case.mediation_held_on <= AS_OF.date()
        if case.certificate_issued_on:
            assert not case.section_i_only
            assert case.adviser_contacted_on is not None
            assert case.certificate_issued_on >= case.adviser_contacted_on
        if case.route == Route.DISAGREEMENT_RESOLUTION:
            assert case.certificate_issued_on is None


def test_deadlines_are_what_the_web_app_would_store():
    _generate(40)
    for case in Case.objects.all():
        # Recomputing through the ORM path changes nothing: same deadlines, same next deadline.
        before = (case.next_deadline_due, case.next_deadline_code)
        assert deadline_recalculate(case=case) == []
        case.refresh_from_db()
        assert (case.next_deadline_due, case.next_deadline_code) == before


def test_the_audit_chain_verifies_and_ordinary_appends_carry_on(case_officer_cal):
    audit_record(actor=case_officer_cal, verb="test.before")
    _generate(30)
    assert AuditEvent.objects.filter(verb="case.create").count() == 30
    assert audit_verify_chain() is None
    # The id sequence was moved past the bulk rows: a normal append works and chains on.
    after = audit_record(actor=case_officer_cal, verb="test.after")
    assert after.pk == AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    assert audit_verify_chain() is None


def test_same_seed_same_case_whatever_the_batch():
    cast = synthetic.ensure_cast(11)
    generator = synthetic.Generator(
        seed=11, as_of=AS_OF, cast=cast, calendar=synthetic.generation_calendar(), per_year=300
    )

    def rows(number: int) -> dict:
        batch = synthetic.Batch()
        generator.case(number, synthetic.Ids(synthetic.MODELS), batch)
        return {model: list(values) for model, values in batch.rows.items()} | {
            "audit": batch.audit
        }

    assert rows(5) == rows(5)
    assert rows(5)[Case] != rows(6)[Case]
    other = synthetic.Generator(
        seed=12, as_of=AS_OF, cast=synthetic.ensure_cast(12), calendar=generator.calendar
    )
    batch = synthetic.Batch()
    other.case(5, synthetic.Ids(synthetic.MODELS), batch)
    assert batch.rows[Case] != rows(5)[Case]


def test_rerunning_carries_on_and_never_duplicates():
    assert _generate(20) == 20
    first = list(Case.objects.order_by("reference").values_list("reference", "child_last_name"))
    assert _generate(20) == 0
    assert _generate(35) == 15
    assert Case.objects.count() == 35
    kept = list(
        Case.objects.filter(reference__in=[r for r, _ in first])
        .order_by("reference")
        .values_list("reference", "child_last_name")
    )
    assert kept == first
    assert audit_verify_chain() is None


def test_the_command(capsys):
    call_command("generate_cases", "--cases", "12", "--seed", "3", "--as-of", "2026-03-02")
    assert "Added 12 synthetic cases" in capsys.readouterr().out
    assert Case.objects.filter(reference__startswith="S3-").count() == 12
    assert Party.objects.filter(case__reference__startswith="S3-").exists()


def test_the_command_refuses_a_seed_it_cannot_put_in_a_reference():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_cases", "--cases", "1", "--seed", "100000")

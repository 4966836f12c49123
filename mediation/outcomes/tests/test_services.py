"""Outcome statements: the content hash, agreements, locking, addenda, circulation; agreed
actions: engine due dates, reminders, done / new date / overdue, letters and escalation."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from mediation.cases.models import MediatorNote, Party
from mediation.common.errors import ServiceError
from mediation.common.tests.pdf_ua import assert_pdf_ua
from mediation.deadlines.models import Deadline
from mediation.deadlines.services import deadline_recalculate
from mediation.documents.models import GeneratedDocument
from mediation.documents.services import letter_template_save
from mediation.domain.deadlines import agreed_action_code
from mediation.notifications.models import Message
from mediation.outcomes import documents, selectors, services
from mediation.outcomes.models import AgreedAction, Delivery, OutcomeStatement, PartyAgreement
from mediation.outcomes.tests.conftest import HELD, TODAY, agree_all, write_statement
from mediation.timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


def _statement(case) -> OutcomeStatement:
    return OutcomeStatement.objects.get(case=case)


# Hash, agreements and lock -------------------------------------------------------------------


def test_the_hash_is_the_sha256_of_the_canonical_content(held_case, mediator_mia):
    import hashlib

    write_statement(held_case, mediator_mia, actions=[("Assess", "assessment", None)])
    statement = _statement(held_case)
    actions = list(statement.actions.all())
    expected = hashlib.sha256(
        services.canonical_text(statement, actions).encode("utf-8")
    ).hexdigest()
    assert statement.content_hash == expected
    assert statement.version == 2  # created, then an action added
    assert '"kind":"assessment"' in services.canonical_text(statement, actions)


def test_agreement_is_recorded_against_the_current_hash(held_case, mediator_mia):
    write_statement(held_case, mediator_mia)
    statement = _statement(held_case)
    parent = held_case.parties.get(role="parent_carer")
    agreement = services.agreement_record(
        case=held_case,
        party=parent,
        by=mediator_mia,
        method="in_meeting",
        given_for_hash=statement.content_hash,
    )
    assert agreement.content_hash == statement.content_hash
    assert agreement.version == statement.version
    with pytest.raises(ServiceError, match="already agreed"):
        services.agreement_record(
            case=held_case,
            party=parent,
            by=mediator_mia,
            method="phone",
            given_for_hash=statement.content_hash,
        )


def test_an_agreement_for_a_stale_page_is_refused(held_case, mediator_mia):
    write_statement(held_case, mediator_mia)
    with pytest.raises(ServiceError, match="changed after this page was opened"):
        services.agreement_record(
            case=held_case,
            party=held_case.parties.get(role="parent_carer"),
            by=mediator_mia,
            method="in_meeting",
            given_for_hash="0" * 64,
        )


def test_only_parties_attending_as_parties_agree(held_case, mediator_mia):
    write_statement(held_case, mediator_mia)
    names = {p.name for p in selectors.agreeing_parties(held_case)}
    assert names == {"Sarah Whitfield", "Omar Hassan", "Dr Priya Nair"}
    with pytest.raises(ServiceError, match="does not attend as a party"):
        services.agreement_record(
            case=held_case,
            party=held_case.parties.get(name="Grace Whitfield"),
            by=mediator_mia,
            method="in_meeting",
            given_for_hash=_statement(held_case).content_hash,
        )


def test_an_edit_voids_every_agreement_and_keeps_them_as_history(held_case, mediator_mia):
    write_statement(held_case, mediator_mia)
    agree_all(held_case, mediator_mia)
    before = _statement(held_case)
    services.statement_save(
        case=held_case,
        by=mediator_mia,
        key_points="We talked about Isla's reading and maths support.",
        outcome="agreed_all",
    )
    after = _statement(held_case)
    assert after.content_hash != before.content_hash
    assert after.version == before.version + 1
    agreements = PartyAgreement.objects.filter(statement=after)
    assert agreements.count() == 3
    assert all(a.voided_at is not None for a in agreements)
    assert all(a.content_hash == before.content_hash for a in agreements)
    page = selectors.statement_page(after)
    assert page.agreed_count == 0 and page.needed_count == 3
    assert all(row.current is None and len(row.earlier) == 1 for row in page.agreement_rows)
    refusal = services.finalise_refusal(after)
    assert refusal is not None and refusal.startswith("Not everyone has agreed this version")
    assert TimelineEntry.objects.filter(
        case=held_case, summary__contains="3 agreements given for the earlier version"
    ).exists()


def test_saving_the_same_content_keeps_the_agreements(held_case, mediator_mia):
    write_statement(held_case, mediator_mia)
    agree_all(held_case, mediator_mia)
    statement = _statement(held_case)
    services.statement_save(
        case=held_case,
        by=mediator_mia,
        key_points=statement.key_points,
        outcome=statement.outcome,
    )
    assert _statement(held_case).version == statement.version
    assert not PartyAgreement.objects.filter(voided_at__isnull=False).exists()


def test_adding_changing_or_removing_an_action_voids_the_agreements(held_case, mediator_mia):
    (action,) = write_statement(held_case, mediator_mia, actions=[("Assess", "assessment", None)])
    for change in (
        lambda: services.action_update(
            action=action,
            by=mediator_mia,
            data={
                "what": "Assess",
                "who": "la",
                "kind": "assessment",
                "section": "B",
                "agreed_due": None,
            },
        ),
        lambda: services.action_remove(action=action, by=mediator_mia),
    ):
        agree_all(held_case, mediator_mia)
        change()
        assert not PartyAgreement.objects.filter(voided_at__isnull=True).exists()


def test_final_only_when_every_attending_party_agreed_the_current_hash(held_case, mediator_mia):
    write_statement(held_case, mediator_mia)
    statement = _statement(held_case)
    for party in selectors.agreeing_parties(held_case)[:2]:
        services.agreement_record(
            case=held_case,
            party=party,
            by=mediator_mia,
            method="in_meeting",
            given_for_hash=statement.content_hash,
        )
    with pytest.raises(ServiceError, match="Not everyone has agreed this version yet: Dr Priya"):
        services.statement_finalise(case=held_case, by=mediator_mia)
    services.agreement_record(
        case=held_case,
        party=held_case.parties.get(name="Dr Priya Nair"),
        by=mediator_mia,
        method="phone",
        given_for_hash=statement.content_hash,
    )
    final = services.statement_finalise(case=held_case, by=mediator_mia)
    assert final.is_final
    held_case.refresh_from_db()
    # The workflow's outcome step was taken with the statement's outcome on the meeting date.
    assert held_case.outcome == "agreed_all"
    assert held_case.agreement_made_on == HELD
    assert held_case.status == "concluded"


def test_final_needs_the_meeting_held(open_case, mediator_mia):
    write_statement(open_case, mediator_mia)
    with pytest.raises(ServiceError, match="Record that the meeting took place first"):
        services.statement_finalise(case=open_case, by=mediator_mia)


def test_statement_outcome_must_match_the_case(held_case, final_case, mediator_mia):
    with pytest.raises(ServiceError):
        services.statement_save(
            case=final_case, by=mediator_mia, key_points="x", outcome="not_agreed"
        )


def test_a_final_statement_is_locked(final_case, mediator_mia, case_officer_cal):
    statement = _statement(final_case)
    action = statement.actions.first()
    assert action is not None
    attempts = [
        lambda: services.statement_save(
            case=final_case, by=case_officer_cal, key_points="Changed", outcome="agreed_all"
        ),
        lambda: services.action_add(
            case=final_case,
            by=mediator_mia,
            data={"what": "More", "who": "la", "kind": "assessment", "section": "F"},
        ),
        lambda: services.action_update(
            action=action,
            by=mediator_mia,
            data={"what": "Changed", "who": "la", "kind": "assessment", "section": "F"},
        ),
        lambda: services.action_remove(action=action, by=mediator_mia),
        lambda: services.agreement_record(
            case=final_case,
            party=final_case.parties.get(role="parent_carer"),
            by=mediator_mia,
            method="phone",
            given_for_hash=statement.content_hash,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ServiceError, match="final and cannot be changed"):
            attempt()
    after = _statement(final_case)
    assert (after.content_hash, after.version, after.key_points) == (
        statement.content_hash,
        statement.version,
        statement.key_points,
    )
    assert after.actions.count() == 2


def test_an_addendum_is_dated_and_shown_after_the_statement(final_case, mediator_mia, tmp_path):
    services.addendum_add(
        case=final_case, by=mediator_mia, text="The school is Hollybank Primary, not Hollybrook."
    )
    statement = _statement(final_case)
    html, pdf = documents.statement_pdf(statement)
    assert html.index("Agreed actions") < html.index("Hollybank Primary, not Hollybrook")
    text = pdf_text(pdf, tmp_path)
    assert "Hollybank Primary, not Hollybrook" in text
    assert "Mia Mediator" in text


def test_an_addendum_needs_a_final_statement(held_case, mediator_mia):
    write_statement(held_case, mediator_mia)
    with pytest.raises(ServiceError, match="still a draft"):
        services.addendum_add(case=held_case, by=mediator_mia, text="x")


def test_unassigned_mediator_cannot_write(held_case, mediator_max):
    with pytest.raises(ServiceError):
        services.statement_save(
            case=held_case, by=mediator_max, key_points="x", outcome="agreed_all"
        )


# What the statement shows --------------------------------------------------------------------


def test_private_notes_never_appear_in_the_statement(final_case, mediator_mia, tmp_path):
    from mediation.cases.services import case_note_add, mediator_note_add

    mediator_note_add(case=final_case, by=mediator_mia, text="Zanzibar-Peppermint caucus remark")
    case_note_add(case=final_case, by=final_case.owner, text="Quetzal internal case note")
    assert MediatorNote.objects.filter(case=final_case).exists()
    html, pdf = documents.statement_pdf(_statement(final_case))
    text = pdf_text(pdf, tmp_path)
    for secret in ("Zanzibar", "Peppermint", "Quetzal"):
        assert secret not in html
        assert secret not in text
    # The PDF has the statement itself: reference, roles, key points, outcome and the actions.
    for expected in (
        final_case.reference,
        "Parent or carer",
        "Local authority representative",
        "reading support",
        "Agreement on all issues",
        "Agree to carry out an EHC needs",
        "regs 42(2) and 44(2)(b)",
    ):
        assert expected in text


# Circulation --------------------------------------------------------------------------------


def test_circulate_emails_the_pdf_and_makes_letters(final_case, case_officer_cal):
    deliveries = services.statement_circulate(case=final_case, by=case_officer_cal, today=TODAY)
    by_name = {(d.recipient_name, d.channel) for d in deliveries}
    assert by_name == {
        ("Sarah Whitfield", "email"),
        ("Omar Hassan", "email"),
        ("Dr Priya Nair", "email"),
        ("Grace Whitfield", "letter"),
    }
    email = Message.objects.get(recipient_email="omar.hassan@northfield.example.gov.uk")
    (attachment,) = email.attachments.all()
    assert attachment.content_type == "application/pdf"
    assert bytes(attachment.content).startswith(b"%PDF")
    assert_pdf_ua(bytes(attachment.content), title_contains="Outcome statement")
    letter = Message.objects.get(channel="letter")
    assert letter.recipient_name == "Grace Whitfield" and letter.attachments.count() == 1
    final_case.refresh_from_db()
    assert final_case.outcome_circulated_on == TODAY
    circulated = Deadline.objects.get(case=final_case, code="outcome_statement_circulated_by")
    assert circulated.met_on == TODAY
    # Circulating again sends nothing twice.
    assert services.statement_circulate(case=final_case, by=case_officer_cal) == []
    assert Message.objects.filter(case_id=final_case.pk, subject__startswith="Outcome").count() == 4


def test_the_statement_sent_is_one_stored_document(final_case, case_officer_cal, tmp_path):
    deliveries = services.statement_circulate(case=final_case, by=case_officer_cal, today=TODAY)
    (document,) = GeneratedDocument.objects.filter(case=final_case, kind="outcome_statement")
    assert {d.document_id for d in deliveries} == {document.pk}
    assert document.version == 1 and document.generated_by == case_officer_cal
    assert document.sha256 == hashlib.sha256(bytes(document.pdf)).hexdigest()
    # every message carries exactly the stored bytes
    for delivery in deliveries:
        attachment = Message.objects.get(pk=delivery.message_id).attachments.get()
        assert bytes(attachment.content) == bytes(document.pdf)
    assert "Outcome statement of the mediation meeting" in pdf_text(bytes(document.pdf), tmp_path)
    # circulating again stores nothing new
    assert services.statement_circulate(case=final_case, by=case_officer_cal) == []
    assert GeneratedDocument.objects.filter(case=final_case).count() == 1


def test_a_draft_cannot_be_circulated(held_case, mediator_mia):
    write_statement(held_case, mediator_mia)
    with pytest.raises(ServiceError, match="Make the statement final"):
        services.statement_circulate(case=held_case, by=mediator_mia)


def test_resend_sends_that_one_message_again_with_a_new_key(final_case, case_officer_cal):
    services.statement_circulate(case=final_case, by=case_officer_cal)
    first = Delivery.objects.get(recipient_name="Omar Hassan")
    original = Message.objects.get(pk=first.message_id)
    resent = services.delivery_resend(delivery=first, by=case_officer_cal)
    again = Message.objects.get(pk=resent.message_id)
    assert again.pk != original.pk
    assert again.idempotency_key != original.idempotency_key
    assert again.idempotency_key.startswith(original.idempotency_key + ":resend:")
    assert (again.recipient_email, again.subject, again.body) == (
        original.recipient_email,
        original.subject,
        original.body,
    )
    assert bytes(again.attachments.get().content) == bytes(original.attachments.get().content)
    assert resent.resend_of == first
    assert Message.objects.filter(case_id=final_case.pk, subject__startswith="Outcome").count() == 5


# Agreed actions and the deadline engine ------------------------------------------------------


def test_due_dates_are_the_engines_2_and_5_weeks_from_the_agreement(final_case):
    statement = _statement(final_case)
    assessment, plan = statement.actions.order_by("position")
    rows = {d.code: d for d in Deadline.objects.filter(case=final_case)}
    assert rows[agreed_action_code(str(assessment.pk))].due == HELD + timedelta(weeks=2)
    assert rows[agreed_action_code(str(plan.pk))].due == HELD + timedelta(weeks=5)
    assert (
        rows[agreed_action_code(str(plan.pk))].rule
        == "SEND Regulations 2014 regs 42(2) and 44(2)(c)"
    )
    views = selectors.action_views(statement, [assessment, plan])
    assert [v.due for v in views] == [HELD + timedelta(weeks=2), HELD + timedelta(weeks=5)]


def test_a_date_agreed_in_writing_overrides_the_time_limit(held_case, mediator_mia):
    agreed = TODAY + timedelta(days=60)
    write_statement(held_case, mediator_mia, actions=[("Assess", "assessment", agreed)])
    agree_all(held_case, mediator_mia)
    services.statement_finalise(case=held_case, by=mediator_mia)
    row = Deadline.objects.get(case=held_case, code__startswith="agreed_action_due:")
    assert row.due == agreed
    assert row.rule == "SEND Regulations 2014 reg 42(5)"


def test_draft_actions_have_no_stored_deadline_but_show_a_preview(held_case, mediator_mia):
    write_statement(held_case, mediator_mia, actions=[("Assess", "assessment", None)])
    assert not Deadline.objects.filter(case=held_case, code__startswith="agreed_action_due:")
    statement = _statement(held_case)
    (view,) = selectors.action_views(statement, list(statement.actions.all()))
    assert view.preview and view.due == HELD + timedelta(weeks=2)
    assert not view.overdue and view.status == "Not yet agreed"


def test_agreed_actions_are_in_the_work_queue_and_the_reminders(final_case, manager_sue):
    from mediation.deadlines.clocks import service_calendar
    from mediation.deadlines.reminders import deadline_reminders_send
    from mediation.domain.case_states import Step
    from mediation.workflow.services import case_key_dates_update
    from mediation.workflow.tests.steps import take

    statement = _statement(final_case)
    assessment = statement.actions.order_by("position").first()
    assert assessment is not None
    # With the service's own deadlines met, the overdue assessment is the case's nearest.
    final_case = case_key_dates_update(
        case=final_case,
        by=final_case.owner,
        changes={
            "health_body_notified_on": HELD,
            "outcome_circulated_on": TODAY,
            "meeting_confirmation_sent_on": HELD,
        },
    )
    final_case = take(final_case, Step.ISSUE_CERTIFICATE, final_case.owner, on=TODAY)
    assert final_case.next_deadline_code == agreed_action_code(str(assessment.pk))
    # Reminders go out on working days.
    remind_on = service_calendar().next_working_day_on_or_after(TODAY)
    run = deadline_reminders_send(today=remind_on)
    assert run.overdue >= 1
    overdue = Message.objects.filter(subject__startswith="Overdue: Agreed action")
    assert {m.recipient_email for m in overdue} == {
        final_case.owner.email,
        manager_sue.email,
    }
    # Run it again: nothing twice.
    assert deadline_reminders_send(today=remind_on).messages_created == 0


def test_reminders_before_the_due_date_go_to_the_owner(final_case):
    from mediation.deadlines.reminders import deadline_reminders_send

    plan = _statement(final_case).actions.order_by("position").last()
    from mediation.deadlines.clocks import service_calendar

    assert plan is not None
    due = HELD + timedelta(weeks=5)
    deadline_reminders_send(today=service_calendar().subtract_working_days(due, 1))
    code = agreed_action_code(str(plan.pk))
    row = Deadline.objects.get(case=final_case, code=code)
    messages = Message.objects.filter(idempotency_key__startswith=f"deadline:{row.pk}:")
    assert [m.recipient_email for m in messages if ":due:" in m.idempotency_key] == [
        final_case.owner.email
    ]


def test_done_meets_the_deadline_and_leaves_the_work_queue(final_case, case_officer_cal):
    statement = _statement(final_case)
    assessment = statement.actions.order_by("position").first()
    assert assessment is not None
    done_on = HELD + timedelta(days=10)
    services.action_mark_done(
        action=assessment, by=case_officer_cal, done_on=done_on, evidence="LA letter of notice"
    )
    code = agreed_action_code(str(assessment.pk))
    assert Deadline.objects.get(case=final_case, code=code).met_on == done_on
    final_case.refresh_from_db()
    assert final_case.next_deadline_code != code
    (view,) = selectors.action_views(statement, [AgreedAction.objects.get(pk=assessment.pk)])
    assert not view.overdue and view.status.startswith("Done") and "late" not in view.status


def test_done_late_is_shown_as_late(final_case, case_officer_cal):
    statement = _statement(final_case)
    assessment = statement.actions.order_by("position").first()
    assert assessment is not None
    services.action_mark_done(
        action=assessment,
        by=case_officer_cal,
        done_on=HELD + timedelta(weeks=2, days=1),
        evidence="Notice received",
    )
    (view,) = selectors.action_views(statement, [AgreedAction.objects.get(pk=assessment.pk)])
    assert view.status.endswith("late")


def test_overdue_is_derived_from_the_due_date(final_case):
    statement = _statement(final_case)
    assessment, plan = selectors.action_views(statement, selectors.actions_of(statement))
    assert assessment.overdue and assessment.status == "Overdue"
    assert not plan.overdue
    later = HELD + timedelta(weeks=5, days=1)
    assert selectors.action_views(statement, [plan.action], today=later)[0].overdue


def test_a_new_date_agreed_in_writing_moves_the_deadline(final_case, case_officer_cal):
    statement = _statement(final_case)
    assessment = statement.actions.order_by("position").first()
    assert assessment is not None
    new_due = TODAY + timedelta(days=21)
    variation = services.action_vary(
        action=assessment,
        by=case_officer_cal,
        new_due=new_due,
        agreed_in_writing_on=TODAY - timedelta(days=1),
        reason="The educational psychologist is away",
    )
    assert variation.old_due == HELD + timedelta(weeks=2)
    code = agreed_action_code(str(assessment.pk))
    row = Deadline.objects.get(case=final_case, code=code)
    assert row.due == new_due and row.rule == "SEND Regulations 2014 reg 42(5)"
    (view,) = selectors.action_views(statement, [AgreedAction.objects.get(pk=assessment.pk)])
    assert not view.overdue and view.status == "New date agreed"
    # The statement itself is unchanged (still final, same hash).
    assert _statement(final_case).content_hash == statement.content_hash
    assert TimelineEntry.objects.filter(
        case=final_case, summary__startswith="Deadline moved: Agreed action"
    ).exists()


def test_follow_up_needs_a_final_statement(held_case, mediator_mia, case_officer_cal):
    (action,) = write_statement(held_case, mediator_mia, actions=[("Assess", "assessment", None)])
    with pytest.raises(ServiceError, match="still a draft"):
        services.action_mark_done(action=action, by=case_officer_cal, done_on=TODAY, evidence="x")


def test_mediators_do_not_chase_actions(final_case, mediator_mia):
    action = _statement(final_case).actions.first()
    assert action is not None
    with pytest.raises(ServiceError):
        services.action_mark_done(action=action, by=mediator_mia, done_on=TODAY, evidence="x")


def test_recalculation_keeps_action_deadlines(final_case):
    before = set(Deadline.objects.filter(case=final_case).values_list("code", "due", "met_on"))
    assert deadline_recalculate(case=final_case) == []
    after = set(Deadline.objects.filter(case=final_case).values_list("code", "due", "met_on"))
    assert before == after


# Overdue: letter to the LA and escalation ---------------------------------------------------


def test_the_overdue_letter_cites_the_regulation_the_agreement_and_the_action(
    final_case, case_officer_cal, tmp_path
):
    statement = _statement(final_case)
    assessment = statement.actions.order_by("position").first()
    assert assessment is not None
    chase = services.action_letter_send(action=assessment, by=case_officer_cal)
    message = Message.objects.get(pk=chase.message_ids[0])
    assert message.recipient_email == final_case.local_authority.contact_email
    text = pdf_text(bytes(message.attachments.get().content), tmp_path)
    assert_pdf_ua(bytes(message.attachments.get().content), title_contains=final_case.reference)
    from mediation.domain.dates import format_day_long

    text = " ".join(text.split())  # a long date may wrap onto the next line
    for expected in (
        "regulation 42(2)",
        # dates in words with the weekday, as every date a party reads
        format_day_long(HELD),
        format_day_long(HELD + timedelta(weeks=2)),
        format_day_long(timezone.localdate()),
        "Agree to carry out an EHC needs assessment",
        final_case.reference,
        "Northfield Borough Council",
    ):
        assert expected in text, expected
    assert TimelineEntry.objects.filter(
        case=final_case, summary__startswith="Letter to Northfield Borough Council"
    ).exists()
    document = chase.document
    assert document is not None
    assert document.kind == "overdue_action_letter" and document.version == 1
    assert document.generated_by == case_officer_cal
    assert bytes(document.pdf) == bytes(message.attachments.get().content)
    assert document.sha256 == hashlib.sha256(bytes(document.pdf)).hexdigest()


def test_the_overdue_letters_wording_is_editable_and_issued_letters_never_change(
    final_case, case_officer_cal, manager_sue, tmp_path
):
    assessment = _statement(final_case).actions.order_by("position").first()
    assert assessment is not None
    first = services.action_letter_send(action=assessment, by=case_officer_cal).document
    assert first is not None
    before = (bytes(first.pdf), first.sha256)
    assert "We have no record that it has been done" in pdf_text(before[0], tmp_path)
    letter_template_save(
        code="overdue_action",
        title="Overdue: please act now",
        body="To {local_authority}: the action due on {due_day} is late.\n\n{facts}\n\n"
        "New closing words from {provider}.",
        by=manager_sue,
    )
    first.refresh_from_db()
    assert (bytes(first.pdf), first.sha256) == before
    second = services.action_letter_send(action=assessment, by=case_officer_cal).document
    assert second is not None
    assert second.version == 2
    text = pdf_text(bytes(second.pdf), tmp_path)
    assert "Overdue: please act now" in text and "New closing words from" in text
    assert "To Northfield Borough Council: the action due on" in text
    assert text.index("is late.") < text.index("Agree to carry out") < text.index("New closing")
    assert "We have no record" not in text


def test_no_letter_for_an_action_not_overdue(final_case, case_officer_cal):
    plan = _statement(final_case).actions.order_by("position").last()
    assert plan is not None
    with pytest.raises(ServiceError, match="not overdue"):
        services.action_letter_send(action=plan, by=case_officer_cal)


def test_no_letter_without_the_las_email(final_case, case_officer_cal):
    authority = final_case.local_authority
    authority.contact_email = ""
    authority.save()
    assessment = _statement(final_case).actions.order_by("position").first()
    assert assessment is not None
    with pytest.raises(ServiceError, match="no contact email"):
        services.action_letter_send(action=assessment, by=case_officer_cal)


def test_escalation_is_recorded_and_emails_the_managers(
    final_case, case_officer_cal, manager_sue, admin_ada
):
    from mediation.cases.tests.factories import UserFactory

    UserFactory(username="old", role="manager", is_active=False)
    assessment = _statement(final_case).actions.order_by("position").first()
    assert assessment is not None
    chase = services.action_escalate(
        action=assessment, by=case_officer_cal, note="Third chase with no reply"
    )
    assert chase.kind == "escalation" and chase.note == "Third chase with no reply"
    messages = Message.objects.filter(pk__in=chase.message_ids)
    assert [m.recipient_email for m in messages] == [manager_sue.email]
    (message,) = messages
    assert final_case.reference in message.subject
    assert "Third chase" not in message.body  # the note stays in the case


def test_no_escalation_for_an_action_not_overdue(final_case, case_officer_cal):
    plan = _statement(final_case).actions.order_by("position").last()
    assert plan is not None
    with pytest.raises(ServiceError, match="not overdue"):
        services.action_escalate(action=plan, by=case_officer_cal, note="x")


def test_supporter_gets_the_statement_but_does_not_agree(held_case):
    recipients = {p.name for p in selectors.circulation_recipients(held_case)}
    assert "Grace Whitfield" in recipients
    assert isinstance(held_case.parties.get(name="Grace Whitfield"), Party)


def test_staff_reminders_put_statutory_deadlines_first_and_label_service_standards(final_case):
    from mediation.deadlines.reminders import deadline_reminders_send

    deadline_reminders_send(today=TODAY)
    reminders = list(Message.objects.filter(idempotency_key__startswith="deadline:").order_by("id"))
    standards = [m for m in reminders if "Outcome statement to be sent out" in m.subject]
    statutory = [m for m in reminders if m not in standards]
    assert standards and statutory
    for message in standards:
        assert "(service standard)" in message.subject
        assert message.body.startswith("This service standard (our own, not the law's)")
    for message in statutory:
        assert "(service standard)" not in message.subject
        assert message.body.startswith("This statutory deadline")
    # queued in that order: every statutory reminder before the first service standard
    assert max(m.pk for m in statutory) < min(m.pk for m in standards)


def test_the_case_panel_counts_agreements_as_the_statement_page_does(held_case, mediator_mia):
    """The case page counts, in the statement's own query, the parties who agreed this text."""
    from mediation.parties.selectors import parties_with_attendance

    write_statement(held_case, mediator_mia)
    first, second, _third = selectors.agreeing_parties(held_case)
    for party in (first, second):
        services.agreement_record(
            case=held_case,
            party=party,
            by=mediator_mia,
            method="in_meeting",
            given_for_hash=_statement(held_case).content_hash,
        )
    shared = parties_with_attendance(held_case)
    for panel in (selectors.case_panel(held_case), selectors.case_panel(held_case, parties=shared)):
        assert (panel.agreed_count, panel.needed_count) == (2, 3)
    assert selectors.statement_page(_statement(held_case)).agreed_count == 2
    services.statement_save(
        case=held_case, by=mediator_mia, key_points="A new text.", outcome="agreed_all"
    )
    panel = selectors.case_panel(held_case, parties=parties_with_attendance(held_case))
    assert (panel.agreed_count, panel.needed_count) == (0, 3)

"""Outcome statements and agreed actions hold only what can be true (issue 18): action dates on
or after the agreement and not in the future, refused beside the field; the EHC plan section is
optional; reg 44's later steps are deadlines of their own; an overdue action's letter goes to,
and speaks to, whoever agreed to do it; the statement goes to a child only if the family and
the mediator agreed; the pages say what was saved, or that nothing was."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import login
from mediation.cases.models import Party
from mediation.deadlines.models import Deadline
from mediation.domain.dates import format_day_long
from mediation.notifications.models import Message
from mediation.outcomes import selectors, services
from mediation.outcomes.models import AgreedAction
from mediation.outcomes.tests.conftest import HELD, TODAY, agree_all, write_statement
from mediation.parties import services as party_services
from mediation.workflow.facts import FactsRefused

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def _first_action(case) -> AgreedAction:
    action = AgreedAction.objects.filter(case=case).order_by("position").first()
    assert action is not None
    return action


# Dates of actions --------------------------------------------------------------------------


def test_an_action_due_before_the_meeting_is_refused_beside_the_field(
    client, held_case, mediator_mia
):
    write_statement(held_case, mediator_mia)
    login(client, mediator_mia)
    before = HELD - timedelta(days=3)
    response = client.post(
        reverse("outcomes:action-add", args=[held_case.reference]),
        {
            "what": "Assess",
            "who": "la",
            "kind": "assessment",
            "agreed_due_day": before.day,
            "agreed_due_month": before.month,
            "agreed_due_year": before.year,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    message = (
        "The due date for this action must be on or after the day it was agreed, "
        f"{format_day_long(HELD)}."
    )
    assert message in page and 'href="#id_agreed_due_0"' in page
    assert not AgreedAction.objects.exists()
    with pytest.raises(FactsRefused) as refused:
        services.action_add(
            case=held_case,
            by=mediator_mia,
            data={"what": "Assess", "who": "la", "kind": "assessment", "agreed_due": before},
        )
    assert refused.value.field_messages == (("action_due", message),)


def test_the_plan_section_is_optional(client, held_case, mediator_mia):
    write_statement(held_case, mediator_mia)
    login(client, mediator_mia)
    response = client.post(
        reverse("outcomes:action-add", args=[held_case.reference]),
        {"what": "Send the notes of the meeting", "who": "family", "kind": "not_appealable"},
    )
    assert response.status_code == 302
    assert _first_action(held_case).section == AgreedAction.Section.NOT_SURE
    page = client.get(reverse("outcomes:action-add", args=[held_case.reference])).content.decode()
    assert "None: it is not about a section of an EHC plan" in page and "Not sure" in page


def test_done_before_the_agreement_or_in_the_future_is_refused(final_case, case_officer_cal):
    action = _first_action(final_case)
    for day, words in (
        (HELD - timedelta(days=1), f"must be on or after the agreement, {format_day_long(HELD)}"),
        (TODAY + timedelta(days=1), "must be today or earlier"),
    ):
        with pytest.raises(FactsRefused, match=words):
            services.action_mark_done(
                action=action, by=case_officer_cal, done_on=day, evidence="LA letter"
            )
    action.refresh_from_db()
    assert action.done_on is None


# Reg 44's later steps ----------------------------------------------------------------------------


def test_an_actions_later_steps_are_listed_under_one_key_on_the_statement_page(
    client, final_case, case_officer_cal
):
    """A summary list's keys must differ (HTML and screen readers pair each key with its
    value), so the assessment's two later steps share one "Later steps" row."""
    login(client, case_officer_cal)
    page = client.get(reverse("outcomes:statement", args=[final_case.reference])).content.decode()
    first_card = page.split('<div class="govuk-summary-card">')[1]
    keys = re.findall(r'<dt class="govuk-summary-list__key">([^<]*)</dt>', first_card)
    assert len(keys) == len(set(keys)), keys
    assert keys.count("Later steps (reg 44)") == 1
    later_row = first_card.split("Later steps (reg 44)</dt>")[1].split("</dd>")[0]
    assert "tell the family if no EHC plan is needed" in later_row
    assert "send the final EHC plan" in later_row


def test_an_assessments_later_steps_are_deadlines_and_one_sets_the_other_aside(
    client, final_case, case_officer_cal
):
    assessment = _first_action(final_case)
    codes = {
        d.code: d
        for d in Deadline.objects.filter(case=final_case, code__contains=f":{assessment.pk}")
    }
    no_plan = codes[f"agreed_action_no_plan_notice_by:{assessment.pk}"]
    final_plan = codes[f"agreed_action_final_plan_by:{assessment.pk}"]
    assert no_plan.due == HELD + timedelta(weeks=10)
    assert final_plan.due == HELD + timedelta(weeks=14)
    login(client, case_officer_cal)
    url = reverse("outcomes:action-follow-up", args=[final_case.reference, assessment.pk])
    sent = TODAY - timedelta(days=1)
    response = client.post(
        url,
        {
            "final_plan_sent_on_day": sent.day,
            "final_plan_sent_on_month": sent.month,
            "final_plan_sent_on_year": sent.year,
        },
    )
    assert response.status_code == 302
    final_plan.refresh_from_db()
    no_plan.refresh_from_db()
    assert final_plan.met_on == sent
    assert no_plan.set_aside == "Not needed: the final EHC plan was sent"
    page = client.get(reverse("outcomes:statement", args=[final_case.reference])).content.decode()
    assert "Not needed: the final EHC plan was sent" in page
    # The same again: nothing was changed, and the page says so.
    response = client.post(
        url,
        {
            "final_plan_sent_on_day": sent.day,
            "final_plan_sent_on_month": sent.month,
            "final_plan_sent_on_year": sent.year,
        },
    )
    assert "Nothing was changed" in client.get(response.url).content.decode()
    # Before the agreement: refused beside the field.
    early = HELD - timedelta(days=2)
    response = client.post(
        url,
        {
            "no_plan_notice_on_day": early.day,
            "no_plan_notice_on_month": early.month,
            "no_plan_notice_on_year": early.year,
        },
    )
    assert response.status_code == 400
    assert 'href="#id_no_plan_notice_on_0"' in response.content.decode()


def test_a_reg_44_3_exception_sets_the_later_limits_aside(final_case, case_officer_cal):
    assessment = _first_action(final_case)
    services.action_follow_up_record(
        action=assessment,
        by=case_officer_cal,
        no_plan_notice_on=None,
        final_plan_sent_on=None,
        exception="away",
        exception_note="The family are abroad until March",
    )
    later = Deadline.objects.filter(case=final_case, code__contains=f"_by:{assessment.pk}")
    assert {d.set_aside for d in later} == {
        "Exception recorded (reg 44(3)): The child or family away from the area for 2 weeks or more"
    }
    final_case.refresh_from_db()
    assert not final_case.next_deadline_code.startswith(
        ("agreed_action_no_plan_notice_by:", "agreed_action_final_plan_by:")
    )


# Who an overdue action's letter goes to ------------------------------------------------------------


@pytest.fixture
def school(final_case):
    return Party.objects.create(
        case=final_case,
        role="information_provider",
        provider_kind="school",
        name="Ms Head Teacher",
        organisation="Hollybank Primary School",
        email="head@hollybank.example.org",
    )


def _overdue(case, who):
    action = _first_action(case)
    AgreedAction.objects.filter(pk=action.pk).update(who=who)
    action.refresh_from_db()
    return action


def test_a_schools_action_asks_the_school_and_copies_the_la(
    final_case, case_officer_cal, school, tmp_path
):
    action = _overdue(final_case, "school")
    chase = services.action_letter_send(action=action, by=case_officer_cal)
    to_school, to_la = (Message.objects.get(pk=pk) for pk in chase.message_ids)
    assert to_school.recipient_email == "head@hollybank.example.org"
    assert to_la.recipient_email == final_case.local_authority.contact_email
    assert to_la.subject.startswith("Copy: ")
    text = pdf_text(bytes(to_school.attachments.get().content), tmp_path)
    assert "Hollybank Primary School" in text
    assert "it is not a duty the law places on the school" in text
    assert "regulation 42" not in text and "must do what it agreed" not in text
    assert f"copy of this letter to {final_case.local_authority.name}" in text


def test_a_health_bodys_action_goes_to_the_health_body_citing_its_own_duty(
    final_case, case_officer_cal, tmp_path
):
    action = _overdue(final_case, "health")
    chase = services.action_letter_send(action=action, by=case_officer_cal)
    (message,) = (Message.objects.get(pk=pk) for pk in chase.message_ids)
    assert message.recipient_email == "priya.nair@icb.example.nhs.uk"
    text = pdf_text(bytes(message.attachments.get().content), tmp_path)
    assert "regulation 42(3)" in text and "health commissioning body must do what it agreed" in text


def test_the_familys_action_is_a_reminder_with_no_law(final_case, case_officer_cal, tmp_path):
    action = _overdue(final_case, "family")
    chase = services.action_letter_send(action=action, by=case_officer_cal)
    (message,) = (Message.objects.get(pk=pk) for pk in chase.message_ids)
    assert message.recipient_email == "sarah.whitfield@example.com"
    text = pdf_text(bytes(message.attachments.get().content), tmp_path)
    assert "Dear Sarah Whitfield" in text and "you agreed to do this" in text
    assert "regulation" not in text.lower()


def test_a_school_not_on_the_case_is_asked_for_first(final_case, case_officer_cal):
    action = _overdue(final_case, "school")
    with pytest.raises(Exception, match="Add the school to the people on the case"):
        services.action_letter_send(action=action, by=case_officer_cal)


def test_an_las_action_still_cites_regulation_42(final_case, case_officer_cal, tmp_path):
    chase = services.action_letter_send(action=_first_action(final_case), by=case_officer_cal)
    message = Message.objects.get(pk=chase.message_ids[0])
    text = pdf_text(bytes(message.attachments.get().content), tmp_path)
    assert "regulation 42(2)" in text and "the local authority must do what it agreed" in text


# A child and the outcome statement ---------------------------------------------------------------


def _child(case, officer, mediator, *, statement: bool):
    child = party_services.party_add(
        case=case, by=officer, data={"role": "child", "name": "Isla Whitfield"}
    )
    parent = case.parties.get(role="parent_carer")
    party_services.attendance_response_record(
        party=child, responder=parent, agrees=True, reason="", by=officer
    )
    party_services.attendance_mediator_decide(
        party=child, allows=True, reason="Wants to be heard", by=mediator, child_scope="all",
        statement_to_child=statement,
    )  # fmt: skip
    return child


def test_the_statement_goes_to_a_child_only_if_the_family_and_the_mediator_agreed(
    held_case, case_officer_cal, mediator_mia, local_authority
):
    from mediation.outcomes.tests.conftest import make_held_case

    _child(held_case, case_officer_cal, mediator_mia, statement=False)
    assert "Isla Whitfield" not in {p.name for p in selectors.circulation_recipients(held_case)}
    other = make_held_case(case_officer_cal, mediator_mia, local_authority)
    _child(other, case_officer_cal, mediator_mia, statement=True)
    assert "Isla Whitfield" in {p.name for p in selectors.circulation_recipients(other)}


def test_finalising_with_actions_records_the_outcome_in_one_change(held_case, mediator_mia):
    from mediation.audit.models import AuditEvent
    from mediation.timeline.models import TimelineEntry

    write_statement(held_case, mediator_mia, actions=[("Assess", "assessment", None)])
    agree_all(held_case, mediator_mia)
    last_event = AuditEvent.objects.latest("pk").pk
    last_line = TimelineEntry.objects.latest("pk").pk
    services.statement_finalise(case=held_case, by=mediator_mia)
    verbs = list(
        AuditEvent.objects.filter(case_id=held_case.pk, pk__gt=last_event).values_list(
            "verb", flat=True
        )
    )
    assert verbs == ["outcome.statement_finalise"]
    lines = TimelineEntry.objects.filter(case=held_case, pk__gt=last_line).exclude(kind="deadline")
    (line,) = lines
    assert line.summary.startswith("Outcome: Agreement on all issues")
    assert "Outcome statement made final (version 2)" in line.summary

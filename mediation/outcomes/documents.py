"""What the outcome statement and the chasing of agreed actions look like on paper and in email.

The statement's content is only what the statement holds (key points, outcome, actions,
addenda) and who attended: never the mediator's private notes, case notes or contacts, which
these functions do not read.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from mediation.accounts.models import User
from mediation.cases.models import Case, Outcome
from mediation.common.links import site_url
from mediation.common.pdf import html_to_pdf
from mediation.common.service_details import service_contact
from mediation.documents.models import LetterCode
from mediation.documents.services import letter_wording
from mediation.domain.dates import format_day, format_day_long
from mediation.domain.deadlines import ActionKind
from mediation.outcomes.models import AgreedAction, OutcomeStatement
from mediation.outcomes.selectors import (
    action_owner,
    action_views,
    actions_of,
    assumed_agreement_date,
    circulation_recipients,
    deferred_decisions_of,
    issue_rows,
)


def render_pdf(template: str, context: dict) -> tuple[str, bytes]:
    """The shared HTML-to-PDF pipeline, with this app's print styles (kept in a .css template,
    as the pages' CSP forbids inline styles in templates)."""
    html = render_to_string(template, context)
    return html, html_to_pdf(html, extra_css=render_to_string("outcomes/document.css"))


def statement_context(statement: OutcomeStatement) -> dict:
    case = statement.case
    return {
        "case": case,
        "statement": statement,
        "outcome_label": Outcome(statement.outcome).label,
        "actions": action_views(statement, actions_of(statement)),
        "attendees": circulation_recipients(case),
        "mediator": case.mediator,
        "addenda": list(statement.addenda.select_related("by")),
        "meeting_day": case.mediation_held_on or case.meeting_planned_on,
        "provider": settings.PROVIDER_NAME,
        "assumed_agreement": assumed_agreement_date(case),
        "issues": issue_rows(statement),
        "deferred": deferred_decisions_of(statement),
    }


def statement_pdf(statement: OutcomeStatement) -> tuple[str, bytes]:
    return render_pdf("outcomes/statement_pdf.html", statement_context(statement))


def statement_email_body(case: Case, name: str) -> str:
    return render_to_string(
        "outcomes/email_statement.txt",
        {"name": name, "reference": case.reference, "contact": service_contact()},
    )


_REGS = "the Special Educational Needs and Disability Regulations 2014"


def regulation_for(action: AgreedAction) -> str:
    """The provision that binds whoever agreed to do the action, in words; "" when none does
    (a school's action is an agreement, not a statutory duty; so is the family's)."""
    if action.who in {AgreedAction.Who.SCHOOL, AgreedAction.Who.FAMILY}:
        return ""
    if action.effective_agreed_due is not None:
        return f"regulation 42(5) of {_REGS} (a timescale the parties agreed in writing)"
    if action.who == AgreedAction.Who.HEALTH or action.kind == ActionKind.NOT_APPEALABLE:
        return (
            f"regulation 42(3) of {_REGS} (within two weeks of the date of the mediation agreement)"
        )
    return (
        f"regulation 42(2) of {_REGS} (the time limits of regulation 44, as if the mediation "
        "agreement were an order of the First-tier Tribunal)"
    )


OWNER_LETTER_CODES: dict[str, str] = {
    AgreedAction.Who.LA: LetterCode.OVERDUE_ACTION,
    AgreedAction.Who.HEALTH: LetterCode.OVERDUE_ACTION_HEALTH,
    AgreedAction.Who.SCHOOL: LetterCode.OVERDUE_ACTION_SCHOOL,
    AgreedAction.Who.FAMILY: LetterCode.OVERDUE_ACTION_FAMILY,
}


def overdue_letter_context(action: AgreedAction, *, today: date) -> dict:
    view = action_views(action.statement, [action], today=today)[0]
    case = action.case
    owner = action_owner(action)
    return {
        "case": case,
        "authority": case.local_authority,
        "owner": owner,
        "recipient_name": owner.name or "Whoever agreed to do it",
        "address_lines": owner.address.splitlines(),
        "action": action,
        "view": view,
        # A letter is read by people outside the service: dates in words, with the weekday.
        "agreement_day": format_day_long(case.agreement_made_on) if case.agreement_made_on else "",
        "due_day": format_day_long(view.due) if view.due else "",
        "today": format_day_long(today),
        "regulation": regulation_for(action),
        "provider": settings.PROVIDER_NAME,
    }


def overdue_letter_values(context: dict) -> dict[str, str]:
    """The values of the placeholders in the letter's wording (mediation.documents.wording)."""
    case = context["case"]
    return {
        "recipient_name": context["recipient_name"],
        "local_authority": context["authority"].name,
        "reference": case.reference,
        "child_name": case.child_name,
        "agreement_day": context["agreement_day"] or "the date of the meeting",
        "due_day": context["due_day"],
        "regulation": context["regulation"],
        "provider": context["provider"],
    }


def overdue_letter(action: AgreedAction, *, today: date) -> tuple[str, str, bytes]:
    """The letter about an overdue action to whoever agreed to do it: (title, html, pdf). Its
    prose is the wording in use for that owner (LetterTemplate "overdue_action...", which
    speaks to them and cites regulation 42 only where it binds them); the facts are the
    template's."""
    context = overdue_letter_context(action, today=today)
    code = OWNER_LETTER_CODES[action.who]
    context.update(letter_wording(code, overdue_letter_values(context)))
    html, pdf = render_pdf("outcomes/overdue_letter.html", context)
    return context["title"], html, pdf


def overdue_letter_pdf(action: AgreedAction, *, today: date) -> bytes:
    return overdue_letter(action, today=today)[2]


def overdue_letter_email_body(action: AgreedAction) -> str:
    reference = action.case.reference
    if action.who == AgreedAction.Who.FAMILY:
        contact = service_contact()
        or_call = f" or call us on {contact.phone_with_hours}" if contact.phone else ""
        return (
            f"Please find attached a letter about something you agreed at mediation (our "
            f"reference {reference}).\n\nYou can reply to this email{or_call}, quoting "
            f"{reference}.\n\n{contact.name}\n"
        )
    if action.who == AgreedAction.Who.SCHOOL:
        return (
            f"Please find attached a letter about an action your school agreed at mediation (our "
            f"reference {reference}).\n\nWe would be grateful if you could reply to tell us "
            f"whether it has been done, quoting {reference}.\n\n{settings.PROVIDER_NAME}\n"
        )
    return (
        f"Please find attached a letter about an action agreed at mediation (our reference "
        f"{reference}) that is past its due date.\n\n"
        f"Please reply to confirm when it will be done, quoting {reference}.\n\n"
        f"{settings.PROVIDER_NAME}\n"
    )


def overdue_copy_email_body(action: AgreedAction, owner_name: str) -> str:
    """The LA's copy of a letter to a school (the LA must secure the provision)."""
    reference = action.case.reference
    return (
        f"For your information: we have written to {owner_name} about an action it agreed at "
        f"mediation (our reference {reference}) that we have no record of being done. The letter "
        f"is attached. We are copying it to you as the body that must make sure the special "
        f"educational provision is made.\n\n{settings.PROVIDER_NAME}\n"
    )


def escalation_email_body(action: AgreedAction, *, due: date, by: User) -> str:
    link = site_url(reverse("outcomes:statement", args=[action.case.reference]))
    return (
        f"{by.display_name} has escalated agreed action {action.number} on case "
        f"{action.case.reference}: it was due on {format_day(due)} and is not recorded as "
        f"done.\n\nRead their note and decide what to do next:\n{link}\n"
    )

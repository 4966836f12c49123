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
from mediation.common.pdf import html_to_pdf
from mediation.documents.models import LetterCode
from mediation.documents.services import letter_wording
from mediation.domain.dates import format_day
from mediation.domain.deadlines import ActionKind
from mediation.outcomes.models import AgreedAction, OutcomeStatement
from mediation.outcomes.selectors import (
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
        {"name": name, "reference": case.reference, "provider": settings.PROVIDER_NAME},
    )


def _regulation(action: AgreedAction) -> str:
    """The provision the LA is held to for this action."""
    if action.effective_agreed_due is not None:
        return (
            "regulation 42(5) of the Special Educational Needs and Disability Regulations 2014 "
            "(a timescale the parties agreed in writing)"
        )
    if action.kind == ActionKind.NOT_APPEALABLE:
        return (
            "regulation 42(3) of the Special Educational Needs and Disability Regulations 2014 "
            "(within two weeks of the date of the mediation agreement)"
        )
    return (
        "regulation 42(2) of the Special Educational Needs and Disability Regulations 2014 "
        "(the time limits of regulation 44, as if the mediation agreement were an order of the "
        "First-tier Tribunal)"
    )


def overdue_letter_context(action: AgreedAction, *, today: date) -> dict:
    view = action_views(action.statement, [action], today=today)[0]
    case = action.case
    return {
        "case": case,
        "authority": case.local_authority,
        "action": action,
        "view": view,
        "agreement_day": format_day(case.agreement_made_on) if case.agreement_made_on else "",
        "due_day": format_day(view.due) if view.due else "",
        "today": format_day(today),
        "regulation": _regulation(action),
        "provider": settings.PROVIDER_NAME,
    }


def overdue_letter_values(context: dict) -> dict[str, str]:
    """The values of the placeholders in the letter's wording (mediation.documents.wording)."""
    case = context["case"]
    return {
        "local_authority": context["authority"].name,
        "reference": case.reference,
        "child_name": case.child_name,
        "agreement_day": context["agreement_day"] or "the date of the meeting",
        "due_day": context["due_day"],
        "regulation": context["regulation"],
        "provider": context["provider"],
    }


def overdue_letter(action: AgreedAction, *, today: date) -> tuple[str, str, bytes]:
    """The letter to the LA about an overdue action: (title, html, pdf). Its prose is the
    wording in use (LetterTemplate "overdue_action"); the action's facts are the template's."""
    context = overdue_letter_context(action, today=today)
    context.update(letter_wording(LetterCode.OVERDUE_ACTION, overdue_letter_values(context)))
    html, pdf = render_pdf("outcomes/overdue_letter.html", context)
    return context["title"], html, pdf


def overdue_letter_pdf(action: AgreedAction, *, today: date) -> bytes:
    return overdue_letter(action, today=today)[2]


def overdue_letter_email_body(action: AgreedAction) -> str:
    return (
        f"Please find attached a letter about an action agreed at mediation (our reference "
        f"{action.case.reference}) that is past its due date.\n\n"
        f"Please reply to confirm when it will be done, quoting {action.case.reference}.\n\n"
        f"{settings.PROVIDER_NAME}\n"
    )


def escalation_email_body(action: AgreedAction, *, due: date, by: User) -> str:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "outcomes:statement", args=[action.case.reference]
    )
    return (
        f"{by.display_name} has escalated agreed action {action.number} on case "
        f"{action.case.reference}: it was due on {format_day(due)} and is not recorded as "
        f"done.\n\nRead their note and decide what to do next:\n{link}\n"
    )

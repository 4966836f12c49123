"""Plain-English names for deadline codes and states, used on pages, in emails and history."""

from __future__ import annotations

from mediation.domain.deadlines import DeadlineState, DeadlineStatus

LABELS: dict[str, str] = {
    "adviser_contact_window_ends": "Last day for the family to contact the mediation adviser",
    "certificate_due_after_decline": "Certificate due (family declined mediation)",
    "health_bodies_notified_by": "LA to tell the health commissioning body",
    "mediation_by": "Mediation to take place by",
    "certificate_due_deemed": "Certificate due (LA could not arrange mediation)",
    "certificate_due_after_mediation": "Certificate due (after mediation)",
    "outcome_statement_circulated_by": "Outcome statement to be sent out",
    "appeal_deadline": "Family's appeal deadline",
    "meeting_notice_by": "Everyone told of the meeting's date and place",
    "health_body_tells_la_by": "Health body tells the LA about the agreement",
}

# The later steps of an agreed action (reg 44(2)), by the start of their code.
FOLLOW_UP_LABELS: dict[str, str] = {
    "agreed_action_no_plan_notice_by:": "tell the family if no EHC plan is needed",
    "agreed_action_final_plan_by:": "send the final EHC plan",
}


def deadline_label(code: str) -> str:
    if code.startswith("agreed_action_due:"):
        return f"Agreed action {code.split(':', 1)[1]} due (mediation agreement)"
    for prefix, words in FOLLOW_UP_LABELS.items():
        if code.startswith(prefix):
            return f"Agreed action {code.removeprefix(prefix)}: {words} (reg 44)"
    return LABELS.get(code, code.replace("_", " ").capitalize())


def _days(count: int) -> str:
    return f"{count} working day{'s' if count != 1 else ''}"


def status_text(status: DeadlineStatus) -> str:
    """Words that carry the status on their own (the colour only repeats them)."""
    match status.state:
        case DeadlineState.OVERDUE:
            return f"Overdue by {_days(status.working_days_late or 0)}"
        case DeadlineState.MET_LATE:
            return f"Met {_days(status.working_days_late or 0)} late"
        case DeadlineState.MET:
            return "Met on time"
        case DeadlineState.DUE_SOON:
            left = status.working_days_remaining or 0
            return "Due today" if left == 0 else f"Due soon: {_days(left)} left"
        case _:
            return f"Due: {_days(status.working_days_remaining or 0)} left"


# GOV.UK tag colours: red for overdue, yellow for soon, green for met, blue otherwise.
TAG_CLASS: dict[DeadlineState, str] = {
    DeadlineState.OVERDUE: "govuk-tag--red",
    DeadlineState.DUE_SOON: "govuk-tag--yellow",
    DeadlineState.MET: "govuk-tag--green",
    DeadlineState.MET_LATE: "govuk-tag--orange",
    DeadlineState.DUE: "govuk-tag--blue",
}

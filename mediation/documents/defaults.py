"""The wording used until a manager saves their own (seeded by migration 0002; also the
fallback when the table is empty, as after a test database flush)."""

# (code, title, body)
DEFAULTS: list[tuple[str, str, str]] = [
    (
        "certificate_family",
        "Your mediation certificate",
        "Dear {recipient_name},\n\n"
        "We have issued your mediation certificate on {issue_date}. It is enclosed. Its "
        "reference is {certificate_reference}.\n\n"
        "If you decide to appeal to the First-tier Tribunal (Special Educational Needs and "
        "Disability) about {local_authority}'s decision, the Tribunal must receive your appeal "
        "by {appeal_deadline}. Send a copy of the certificate with your appeal form.\n\n"
        "Anyone can check that the certificate is genuine at {verify_url} with its reference "
        "and the code {verification_code}.\n\n"
        "If you have any questions, contact us and quote our reference {reference}.\n\n"
        "{adviser}\nMediation adviser, {provider}",
    ),
    (
        "certificate_la",
        "Mediation certificate issued",
        "Dear colleague,\n\n"
        "We have issued a mediation certificate on {issue_date} about {local_authority}'s "
        "decision: {decision} (notice sent {notice_sent}). It is attached.\n\n"
        "Certificate reference: {certificate_reference}. Our case reference: {reference}.\n\n"
        "The family's appeal deadline is {appeal_deadline}.\n\n"
        "You can check the certificate at {verify_url} with its reference and the code "
        "{verification_code}.\n\n"
        "{adviser}\nMediation adviser, {provider}",
    ),
]

_MEETING_CLOSING = (
    "If you cannot come, or you need anything to take part (an interpreter, a break, a quiet "
    "room or anything else), please phone us as soon as you can.\n\n"
    "Please quote reference {reference} when you contact us.\n\n"
    "Yours sincerely,\n\n"
    "{provider}"
)

# The prose of the meeting letters and of the letter to the LA about an overdue action; the
# facts ({facts}: date, time and how to join; the action) stay in the HTML templates.
DEFAULTS += [
    (
        "meeting_booked",
        "Your mediation meeting is booked",
        "Dear {recipient_name},\n\n{facts}\n\n" + _MEETING_CLOSING,
    ),
    (
        "meeting_rescheduled",
        "Your mediation meeting has moved",
        "Dear {recipient_name},\n\nWhy it has moved: {reason}\n\n{facts}\n\n" + _MEETING_CLOSING,
    ),
    (
        "meeting_cancelled",
        "Your mediation meeting is cancelled",
        "Dear {recipient_name},\n\n"
        "The mediation meeting on {meeting_day} at {start_time} has been cancelled.\n\n"
        "Why: {reason}\n\n"
        "We will contact you about what happens next.\n\n"
        "Please quote reference {reference} when you contact us.\n\n"
        "Yours sincerely,\n\n"
        "{provider}",
    ),
    (
        "overdue_action",
        "An action agreed at mediation is overdue",
        "At mediation, a mediation agreement was made on {agreement_day} about {child_name}. "
        "It includes this action:\n\n"
        "{facts}\n\n"
        "We have no record that it has been done. Under {regulation}, the local authority must "
        "do what it agreed by that date.\n\n"
        "Please do it now, or tell us when it was done, quoting our reference {reference}. If "
        "the parties agree in writing to a different timescale, please send us that agreement."
        "\n\nYours faithfully,\n\n"
        "{provider}",
    ),
]

# Whoever owns an overdue action gets the letter, in words that fit what binds them: the health
# body has its own duty (reg 42(3), or a date agreed in writing, reg 42(5)); a school's action is
# an agreement, not a statutory duty, so the letter asks, and the LA (which must secure the
# provision) gets a copy; the family is reminded, with no law quoted.
DEFAULTS += [
    (
        "overdue_action_health",
        "An action agreed at mediation is overdue",
        "At mediation, a mediation agreement was made on {agreement_day} about {child_name}. "
        "It includes this action for {recipient_name}:\n\n"
        "{facts}\n\n"
        "We have no record that it has been done. Under {regulation}, the health commissioning "
        "body must do what it agreed within that time.\n\n"
        "Please do it now, or tell us when it was done, quoting our reference {reference}. If "
        "the parties agree in writing to a different timescale, please send us that agreement."
        "\n\nYours faithfully,\n\n"
        "{provider}",
    ),
    (
        "overdue_action_school",
        "An action agreed at mediation",
        "At mediation, a mediation agreement was made on {agreement_day} about {child_name}. "
        "It includes this action, which {recipient_name} agreed to do:\n\n"
        "{facts}\n\n"
        "We have no record that it has been done. This is something the school agreed to do at "
        "mediation: it is not a duty the law places on the school. We would be grateful if you "
        "could tell us whether it has been done, or when it will be, quoting our reference "
        "{reference}.\n\n"
        "We have sent a copy of this letter to {local_authority}, which must make sure that the "
        "special educational provision a child needs is made.\n\n"
        "Yours faithfully,\n\n"
        "{provider}",
    ),
    (
        "overdue_action_family",
        "Something you agreed at mediation",
        "Dear {recipient_name},\n\n"
        "At mediation on {agreement_day}, you agreed to do this:\n\n"
        "{facts}\n\n"
        "We have no record that it has been done yet. It helps everyone if you tell us when it "
        "is done, or if something is making it hard to do. You can call or email us, quoting "
        "reference {reference}.\n\n"
        "Yours sincerely,\n\n"
        "{provider}",
    ),
]

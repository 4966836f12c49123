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

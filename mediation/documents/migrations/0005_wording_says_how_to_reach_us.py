"""The default wording now says how to reach the service ({reach_us}: the phone number, opening
hours and email of Manage → Service details). Each letter still using the earlier default gets
the new default as its next version; wording a manager changed is left as it is."""

from django.db import migrations

from mediation.documents.defaults import DEFAULTS

# The default bodies before this change, for the letters whose wording changed.
EARLIER = {
    "certificate_family": "Dear {recipient_name},\n\nWe have issued your mediation certificate on {issue_date}. It is enclosed. Its reference is {certificate_reference}.\n\nIf you decide to appeal to the First-tier Tribunal (Special Educational Needs and Disability) about {local_authority}'s decision, the Tribunal must receive your appeal by {appeal_deadline}. Send a copy of the certificate with your appeal form.\n\nAnyone can check that the certificate is genuine at {verify_url} with its reference and the code {verification_code}.\n\nIf you have any questions, contact us and quote our reference {reference}.\n\n{adviser}\nMediation adviser, {provider}",
    "meeting_booked": "Dear {recipient_name},\n\n{facts}\n\nIf you cannot come, or you need anything to take part (an interpreter, a break, a quiet room or anything else), please phone us as soon as you can.\n\nPlease quote reference {reference} when you contact us.\n\nYours sincerely,\n\n{provider}",
    "meeting_rescheduled": "Dear {recipient_name},\n\nWhy it has moved: {reason}\n\n{facts}\n\nIf you cannot come, or you need anything to take part (an interpreter, a break, a quiet room or anything else), please phone us as soon as you can.\n\nPlease quote reference {reference} when you contact us.\n\nYours sincerely,\n\n{provider}",
    "meeting_cancelled": "Dear {recipient_name},\n\nThe mediation meeting on {meeting_day} at {start_time} has been cancelled.\n\nWhy: {reason}\n\nWe will contact you about what happens next.\n\nPlease quote reference {reference} when you contact us.\n\nYours sincerely,\n\n{provider}",
    "overdue_action": "At mediation, a mediation agreement was made on {agreement_day} about {child_name}. It includes this action:\n\n{facts}\n\nWe have no record that it has been done. Under {regulation}, the local authority must do what it agreed by that date.\n\nPlease do it now, or tell us when it was done, quoting our reference {reference}. If the parties agree in writing to a different timescale, please send us that agreement.\n\nYours faithfully,\n\n{provider}",
}


def bring_defaults_up_to_date(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    for code, _title, body in DEFAULTS:
        if code not in EARLIER:
            continue
        latest = LetterTemplate.objects.filter(code=code).order_by("-version").first()
        if latest is not None and latest.body == EARLIER[code]:
            LetterTemplate.objects.create(
                code=code, version=latest.version + 1, title=latest.title, body=body
            )


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_invoicing_index")]

    operations = [migrations.RunPython(bring_defaults_up_to_date, migrations.RunPython.noop)]

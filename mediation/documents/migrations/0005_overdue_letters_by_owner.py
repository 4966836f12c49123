"""Letters about an overdue agreed action for each kind of owner: the health body, the school
(a copy to the LA) and the family, beside the LA's; their default wording as version 1."""

from django.db import migrations, models

from mediation.documents.defaults import DEFAULTS

NEW_CODES = ("overdue_action_health", "overdue_action_school", "overdue_action_family")


def add_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    for code, title, body in DEFAULTS:
        if code in NEW_CODES and not LetterTemplate.objects.filter(code=code).exists():
            LetterTemplate.objects.create(code=code, version=1, title=title, body=body)


def remove_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    LetterTemplate.objects.filter(code__in=NEW_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_invoicing_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="generateddocument",
            name="kind",
            field=models.CharField(
                choices=[
                    ("certificate", "Mediation certificate"),
                    ("family_letter", "Letter to the family with the certificate"),
                    ("meeting_letter", "Meeting confirmation letter"),
                    ("outcome_statement", "Outcome statement"),
                    ("overdue_action_letter", "Letter about an overdue agreed action"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="lettertemplate",
            name="code",
            field=models.CharField(
                choices=[
                    ("certificate_family", "Covering letter or email to the family"),
                    ("certificate_la", "Email to the local authority"),
                    ("meeting_booked", "Letter confirming a meeting is booked"),
                    ("meeting_rescheduled", "Letter saying a meeting has moved"),
                    ("meeting_cancelled", "Letter saying a meeting is cancelled"),
                    ("overdue_action", "Letter to the LA about an overdue agreed action"),
                    (
                        "overdue_action_health",
                        "Letter to the health body about an overdue agreed action",
                    ),
                    (
                        "overdue_action_school",
                        "Letter to the school about an overdue agreed action (copy to the LA)",
                    ),
                    (
                        "overdue_action_family",
                        "Letter to the family about an action they agreed to",
                    ),
                ],
                max_length=40,
            ),
        ),
        migrations.RunPython(add_defaults, remove_defaults),
    ]

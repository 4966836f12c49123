"""Meeting letters, outcome statements and overdue-action letters are stored as generated
documents too; the default wording of the meeting letters and of the overdue-action letter."""

from django.db import migrations, models

from mediation.documents.defaults import DEFAULTS

NEW_CODES = ("meeting_booked", "meeting_rescheduled", "meeting_cancelled", "overdue_action")


def add_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    for code, title, body in DEFAULTS:
        if code in NEW_CODES and not LetterTemplate.objects.filter(code=code).exists():
            LetterTemplate.objects.create(code=code, version=1, title=title, body=body)


def remove_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    LetterTemplate.objects.filter(code__in=NEW_CODES, version=1, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_default_letter_wording")]

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
                    ("overdue_action_letter", "Letter to the LA about an overdue action"),
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
                ],
                max_length=40,
            ),
        ),
        migrations.RunPython(add_defaults, remove_defaults),
    ]

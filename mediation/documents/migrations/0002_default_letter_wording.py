"""The default wording of the letters sent with a certificate (managers can change it later)."""

from django.db import migrations

from mediation.documents.defaults import DEFAULTS


def add_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    for code, title, body in DEFAULTS:
        if not LetterTemplate.objects.filter(code=code).exists():
            LetterTemplate.objects.create(code=code, version=1, title=title, body=body)


def remove_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    LetterTemplate.objects.filter(version=1, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]

# "Document" now means only what the service makes (mediation.documents); what people send us is
# a file. The stored purposes follow: party_document -> party_file, and so on (one UPDATE each).

from django.db import migrations, models

RENAMED = {
    "party_document": "party_file",
    "la_document": "la_file",
    "staff_document": "staff_file",
}


def forwards(apps, schema_editor):
    upload = apps.get_model("uploads", "Upload")
    for old, new in RENAMED.items():
        upload.objects.filter(purpose=old).update(purpose=new)


def backwards(apps, schema_editor):
    upload = apps.get_model("uploads", "Upload")
    for old, new in RENAMED.items():
        upload.objects.filter(purpose=new).update(purpose=old)


class Migration(migrations.Migration):
    dependencies = [
        ("uploads", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="upload",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("party_file", "File from a parent or young person"),
                    ("la_file", "File from the local authority"),
                    ("information", "Information from a school, health or care professional"),
                    ("child_views_attachment", "Part of the child's or young person's views"),
                    ("staff_file", "File added by the service"),
                ],
                max_length=30,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]

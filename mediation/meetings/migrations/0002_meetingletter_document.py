"""A meeting letter's PDF is kept as a generated document (mediation.documents): existing
letters are copied there as they were (same bytes, their SHA-256, version by case), then the
letter's own copy is dropped."""

import hashlib

import django.db.models.deletion
from django.db import migrations, models


def copy_to_documents(apps, schema_editor):
    MeetingLetter = apps.get_model("meetings", "MeetingLetter")
    GeneratedDocument = apps.get_model("documents", "GeneratedDocument")
    labels = {"booked": "booked", "rescheduled": "moved", "cancelled": "cancelled"}
    for letter in MeetingLetter.objects.select_related("meeting").order_by("created_at", "id"):
        case_id = letter.meeting.case_id
        last = (
            GeneratedDocument.objects.filter(case_id=case_id, kind="meeting_letter")
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        pdf = bytes(letter.pdf)
        document = GeneratedDocument.objects.create(
            case_id=case_id,
            kind="meeting_letter",
            title=f"Meeting {labels.get(letter.kind, letter.kind)}: letter to party "
            f"{letter.party_id} (version {letter.sequence})",
            version=(last or 0) + 1,
            html="",
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            generated_by=None,
            generated_at=letter.created_at,
        )
        letter.document_id = document.pk
        letter.save(update_fields=["document"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("documents", "0003_meeting_and_outcome_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingletter",
            name="document",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="documents.generateddocument",
            ),
        ),
        migrations.RunPython(copy_to_documents, migrations.RunPython.noop),
        migrations.RemoveField(model_name="meetingletter", name="pdf"),
    ]

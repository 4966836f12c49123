"""The outcome statement as sent and the letters about overdue actions are kept as generated
documents (mediation.documents). Those already sent are copied there from the message's PDF
attachment (same bytes, their SHA-256), one document for each distinct PDF."""

import hashlib

import django.db.models.deletion
from django.db import migrations, models


def _store(document_model, *, case_id, kind, title, pdf, by_id, at):
    last = (
        document_model.objects.filter(case_id=case_id, kind=kind)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return document_model.objects.create(
        case_id=case_id,
        kind=kind,
        title=title,
        version=(last or 0) + 1,
        html="",
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        generated_by_id=by_id,
        generated_at=at,
    )


def _pdf_of(attachment_model, message_id):
    attachment = (
        attachment_model.objects.filter(message_id=message_id, content_type="application/pdf")
        .order_by("id")
        .first()
    )
    return bytes(attachment.content) if attachment is not None else None


def copy_to_documents(apps, schema_editor):
    GeneratedDocument = apps.get_model("documents", "GeneratedDocument")
    MessageAttachment = apps.get_model("notifications", "MessageAttachment")
    Delivery = apps.get_model("outcomes", "Delivery")
    ActionChase = apps.get_model("outcomes", "ActionChase")
    seen: dict[tuple[int, str], int] = {}
    for delivery in Delivery.objects.select_related("statement").order_by("at", "id"):
        pdf = _pdf_of(MessageAttachment, delivery.message_id)
        if pdf is None:
            continue
        case_id = delivery.statement.case_id
        key = (case_id, hashlib.sha256(pdf).hexdigest())
        if key not in seen:
            seen[key] = _store(
                GeneratedDocument,
                case_id=case_id,
                kind="outcome_statement",
                title="Outcome statement (as sent)",
                pdf=pdf,
                by_id=delivery.by_id,
                at=delivery.at,
            ).pk
        delivery.document_id = seen[key]
        delivery.save(update_fields=["document"])
    for chase in ActionChase.objects.filter(kind="letter").select_related("action"):
        pdf = next(
            (p for p in (_pdf_of(MessageAttachment, m) for m in chase.message_ids or []) if p),
            None,
        )
        if pdf is None:
            continue
        chase.document_id = _store(
            GeneratedDocument,
            case_id=chase.action.case_id,
            kind="overdue_action_letter",
            title=f"Letter about overdue agreed action {chase.action_id} (as sent)",
            pdf=pdf,
            by_id=chase.by_id,
            at=chase.at,
        ).pk
        chase.save(update_fields=["document"])


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0001_initial"),
        ("documents", "0003_meeting_and_outcome_documents"),
        ("notifications", "0002_message_channel_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="document",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="documents.generateddocument",
            ),
        ),
        migrations.AddField(
            model_name="actionchase",
            name="document",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="documents.generateddocument",
            ),
        ),
        migrations.RunPython(copy_to_documents, migrations.RunPython.noop),
    ]

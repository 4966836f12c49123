"""The keyed, anchored audit chain (ADR 0024).

Every existing event is checked against the old SHA-256 chain and, if it holds, sealed under the
current audit key in id order, so the whole log is verified the same way from now on. If the old
chain is broken the migration stops and names the first bad event: sealing it would bless the
tampering. The append-only triggers are taken off while the events' table is altered (SQLite
rebuilds the table, which would drop them) and put back on it and on the seals.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _triggers_wanted() -> bool:
    return getattr(settings, "AUDIT_APPEND_ONLY_TRIGGERS", True)


def remove_event_triggers(apps, schema_editor):
    from mediation.audit.triggers import EVENTS_ONLY, remove_triggers

    remove_triggers(schema_editor.connection, EVENTS_ONLY)


def restore_event_triggers(apps, schema_editor):
    if _triggers_wanted():
        from mediation.audit.triggers import EVENTS_ONLY, install_triggers

        install_triggers(schema_editor.connection, EVENTS_ONLY)


def install_all_triggers(apps, schema_editor):
    if _triggers_wanted():
        from mediation.audit.triggers import install_triggers

        install_triggers(schema_editor.connection)


def remove_all_triggers(apps, schema_editor):
    from mediation.audit.triggers import remove_triggers

    remove_triggers(schema_editor.connection)


def seal_existing_events(apps, schema_editor):
    from mediation.audit import chain

    event_model = apps.get_model("audit", "AuditEvent")
    seal_model = apps.get_model("audit", "AuditSeal")
    key_id = chain.current_key_id()
    legacy_previous, mac = chain.LEGACY_GENESIS, chain.GENESIS_MAC
    seals = []
    events = event_model.objects.order_by("id").iterator(chunk_size=2000)
    for seq, event in enumerate(events, start=1):
        values = {
            "at": event.at,
            "actor_id": event.actor_id,
            "actor_role": event.actor_role,
            "verb": event.verb,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "case_id": event.case_id,
            "ip_address": event.ip_address,
            "request_id": event.request_id,
            "detail": event.detail,
        }
        legacy = chain.legacy_hash(legacy_previous, chain.legacy_fields(**values))
        if event.previous_hash != legacy_previous or event.hash != legacy:
            raise RuntimeError(
                f"The audit log's old hash chain is broken at event {event.pk}: an event has "
                "been changed or removed. Find out why, and keep a copy of the database, before "
                "upgrading; this migration will not seal a log that has been tampered with."
            )
        legacy_previous = event.hash
        mac = chain.seal_mac(
            key_id=key_id,
            seq=seq,
            previous_mac=mac,
            event_id=event.pk,
            fields=chain.event_fields(**values),
        )
        seals.append(seal_model(seq=seq, event_id=event.pk, key_id=key_id, mac=mac))
        if len(seals) >= 5000:
            seal_model.objects.bulk_create(seals)
            seals = []
    seal_model.objects.bulk_create(seals)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_audit_log_filter_indexes")]

    operations = [
        migrations.RunPython(remove_event_triggers, restore_event_triggers),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("seq", models.BigIntegerField(primary_key=True, serialize=False)),
                ("key_id", models.CharField(max_length=32)),
                ("mac", models.CharField(max_length=64)),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="seal",
                        to="audit.auditevent",
                    ),
                ),
            ],
            options={"ordering": ["seq"]},
        ),
        migrations.CreateModel(
            name="AuditUnsealed",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="audit.auditevent",
                    ),
                ),
            ],
        ),
        migrations.DeleteModel(name="AuditChainHead"),
        migrations.RunPython(seal_existing_events, migrations.RunPython.noop),
        migrations.RunPython(install_all_triggers, remove_all_triggers),
    ]

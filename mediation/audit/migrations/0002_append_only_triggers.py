from django.conf import settings
from django.db import migrations


def install(apps, schema_editor):
    if getattr(settings, "AUDIT_APPEND_ONLY_TRIGGERS", True):
        from mediation.audit.triggers import EVENTS_ONLY, install_triggers

        install_triggers(schema_editor.connection, EVENTS_ONLY)


def remove(apps, schema_editor):
    from mediation.audit.triggers import EVENTS_ONLY, remove_triggers

    remove_triggers(schema_editor.connection, EVENTS_ONLY)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]

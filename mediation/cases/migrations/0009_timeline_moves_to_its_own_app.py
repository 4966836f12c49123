# TimelineEntry now belongs to the timeline app (timeline 0001), with the same table: only
# Django's record of the cases app's models changes, the database does not.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_search_document"),
        ("timeline", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="TimelineEntry")],
        ),
    ]

# The model moved here from the cases app with its table (cases_timelineentry): Django's record
# of the models changes, the database does not (cases 0009 removes it from the cases app's record).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0008_search_document"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="TimelineEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("case_opened", "Case opened"),
                                    ("status", "Status changed"),
                                    ("contact", "Contact"),
                                    ("note", "Note"),
                                    ("assignment", "Assignment"),
                                    ("details", "Details changed"),
                                    ("deadline", "Deadline"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("summary", models.CharField(max_length=300)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="timeline",
                                to="cases.case",
                            ),
                        ),
                        (
                            "contact",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="cases.contact",
                            ),
                        ),
                        (
                            "note",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="cases.casenote",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_timelineentry",
                        "ordering": ["-at", "-id"],
                        "indexes": [models.Index(fields=["case", "-at"], name="timeline_case_idx")],
                    },
                ),
            ],
        ),
    ]

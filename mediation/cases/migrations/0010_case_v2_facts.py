"""Deadline contract version 2 facts on the case (docs/domain/adopting-v2-in-the-app.md).

The data step fills the new flags from what is already recorded: a mediation about health issues
only has the LA not a party (reg 35(3)); a case whose booked meeting recorded the family's
consent to shorter notice keeps it (reg 37(2)). Reversible: going back drops the columns.
"""

from django.db import migrations, models


def flags_from_recorded_facts(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(issue_health=True, issue_education=False, issue_social_care=False).update(
        la_not_a_party=True
    )
    Meeting = apps.get_model("meetings", "Meeting")
    consented = Meeting.objects.filter(status="booked", short_notice_consent=True).values("case_id")
    Case.objects.filter(pk__in=consented).update(short_notice_agreed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_timeline_moves_to_its_own_app"),
        ("meetings", "0004_alter_slotanswer_recorded_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="health_body_told_la_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="la_not_a_party",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="case",
            name="short_notice_agreed",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(flags_from_recorded_facts, migrations.RunPython.noop),
    ]

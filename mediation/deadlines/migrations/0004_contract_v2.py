"""Deadline contract version 2 (docs/domain/adopting-v2-in-the-app.md).

- `set_aside`: why a stored deadline no longer binds anyone (reg 44's later limits of an agreed
  action: the other outcome of an assessment was met, or a reg 44(3) exception was recorded).
- The app's own reg 37(2) deadline, `meeting_confirmation_by`, becomes the engine's
  `meeting_notice_by` (5 working days before the meeting, the meeting day never counted). The
  rows are renamed here; their dates are worked out again by `manage.py recalculate_deadlines`
  (docs/operations.md, "Upgrading"), which records every date that moves in its case's history.
"""

from django.db import migrations, models

OLD, NEW = "meeting_confirmation_by", "meeting_notice_by"


def rename(apps, schema_editor, old=OLD, new=NEW):
    Deadline = apps.get_model("deadlines", "Deadline")
    Case = apps.get_model("cases", "Case")
    Deadline.objects.filter(code=old).update(code=new)
    Case.objects.filter(next_deadline_code=old).update(next_deadline_code=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0003_agreed_action_due_index"),
        ("cases", "0010_case_v2_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="set_aside",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(rename, rename_back),
    ]

"""The service's first list of issues in dispute (themes of the reports). Managers add to it
under Manage; these are the matters commissioners' tenders ask the reports to follow."""

from django.db import migrations

THEMES = [
    ("Needs assessment refused", "The LA refused to carry out an EHC needs assessment."),
    (
        "EHC plan section B: needs",
        "What the plan says about the child's special educational needs.",
    ),
    (
        "EHC plan section F: provision",
        "The special educational provision in the plan: what help, how much, from whom.",
    ),
    (
        "EHC plan section I: school or setting named",
        "The school, college or setting named in the plan, or the kind of setting.",
    ),
    ("Transport", "Getting the child or young person to and from school or college."),
    ("Therapies", "Speech and language therapy, occupational therapy, physiotherapy and others."),
    ("Health provision", "Health care in the plan (sections C and G)."),
    ("Social care provision", "Social care in the plan (sections D and H)."),
    ("Ceasing the plan", "The LA's decision to stop maintaining the EHC plan."),
]


def seed(apps, schema_editor):
    IssueTheme = apps.get_model("cases", "IssueTheme")
    for position, (name, hint) in enumerate(THEMES, start=1):
        IssueTheme.objects.get_or_create(
            name=name, defaults={"hint": hint, "position": position * 10}
        )


def unseed(apps, schema_editor):
    IssueTheme = apps.get_model("cases", "IssueTheme")
    IssueTheme.objects.filter(name__in=[name for name, _ in THEMES], case_issues=None).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_issues_in_dispute")]

    operations = [migrations.RunPython(seed, unseed)]

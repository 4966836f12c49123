"""PostgreSQL: one search document per case (reference, child's, LA's and parties' names)
with a trigram index, kept by triggers, instead of two trigram indexes (ADR 0020). SQLite is
unchanged (ensure_search_index finds its FTS tables and triggers in place)."""

from django.db import migrations


def search_index_create(apps, schema_editor):
    from mediation.search.indexes import ensure_search_index

    ensure_search_index(schema_editor.connection)


def search_index_back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from mediation.search.indexes import drop_search_index

    drop_search_index(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS cases_case_search_doc")


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0001_initial"),
        ("cases", "0007_scale_indexes"),
    ]

    operations = [migrations.RunPython(search_index_create, search_index_back)]

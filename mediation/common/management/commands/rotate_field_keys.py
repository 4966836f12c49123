"""Re-encrypt every encrypted text field with the newest key in FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), deploy,
run this command, then remove the old keys. Safe to run again.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from mediation.common.encryption import EncryptedTextField, rotate_token


class Command(BaseCommand):
    help = "Re-encrypt all encrypted text with the newest FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        quote = connection.ops.quote_name
        for model in apps.get_models():
            columns = [
                f.column
                for f in model._meta.concrete_fields
                if isinstance(f, EncryptedTextField) and f.column is not None
            ]
            if not columns:
                continue
            pk_column = model._meta.pk.column if model._meta.pk is not None else None
            assert pk_column is not None  # a model with columns has a primary key column
            table, pk = quote(model._meta.db_table), quote(pk_column)
            # Raw SQL: the stored tokens as they are, not decrypted by the field.
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {pk}, {', '.join(quote(c) for c in columns)} FROM {table}")  # noqa: S608  # nosec B608
                rows = cursor.fetchall()
            for row_id, *tokens in rows:
                updates = {c: rotate_token(t) for c, t in zip(columns, tokens, strict=True) if t}
                if not updates:
                    continue
                assignments = ", ".join(f"{quote(c)} = %s" for c in updates)
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608  # nosec B608
                        [*updates.values(), row_id],
                    )
                total += 1
        self.stdout.write(f"{total} rows re-encrypted with the newest key")

"""Fast writes of many rows: COPY on PostgreSQL, executemany on SQLite; updates by key.

For the synthetic data generator (manage.py generate_cases), the audit log's bulk path and
recomputing the deadlines of many cases (ADR 0051) only: no model instances, no signals, no
field defaults, no validation. Each row is a tuple in the order of `columns`; Python values are
converted per column the way Django stores them (aware datetimes, dates, JSON, booleans).
Primary keys are either left to the database (leave "id" out of `columns`) or given by the
caller (`next_ids`), so rows can reference each other before they are written;
`reset_sequences` then moves PostgreSQL's id sequences past them so ordinary inserts carry on
after. `update_rows` changes columns of rows found by their key, one statement run for many
rows (psycopg pipelines it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


def _sqlite_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _converters(model: type[models.Model], columns: Sequence[str]) -> list[Callable | None]:
    by_column = {f.column: f for f in model._meta.concrete_fields}
    converters: list[Callable | None] = []
    for column in columns:
        kind = by_column[column].get_internal_type()
        if kind == "JSONField":
            converters.append(_json)
        elif connection.vendor == "sqlite" and kind == "DateTimeField":
            converters.append(_sqlite_datetime)
        elif connection.vendor == "sqlite" and kind == "DateField":
            converters.append(_sqlite_date)
        else:
            converters.append(None)
    return converters


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write `rows` into the model's table (inside the caller's transaction); returns the count."""
    converters = _converters(model, columns)
    pairs = [(i, c) for i, c in enumerate(converters) if c is not None]
    table = model._meta.db_table
    count = 0

    def converted() -> Iterable[Sequence[Any]]:
        nonlocal count
        for row in rows:
            count += 1
            if pairs:
                row = list(row)
                for i, convert in pairs:
                    row[i] = convert(row[i])
            yield row

    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            with cursor.copy(sql) as copy:
                for row in converted():
                    copy.write_row(row)
    else:
        placeholders = ", ".join(["%s"] * len(columns))
        # Table and column names come from the model and are quoted; values are parameters.
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            cursor.executemany(sql, list(converted()))
    return count


def update_rows(
    model: type[models.Model],
    key: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Set `columns` of the rows whose `key` column has the given value (inside the caller's
    transaction): each row is (key value, *column values). Returns the count."""
    converters = _converters(model, [key, *columns])
    values = [
        [
            value if convert is None else convert(value)
            for value, convert in zip(row, converters, strict=True)
        ]
        for row in rows
    ]
    if not values:
        return 0
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    # Table and column names come from the model and are quoted; values are parameters.
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(key)} = %s"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*row[1:], row[0]] for row in values])
    return len(values)


def next_id(model: type[models.Model]) -> int:
    """One more than the largest primary key in the table (1 for an empty table)."""
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_sequences(models_: Sequence[type[models.Model]]) -> None:
    """PostgreSQL: move each table's id sequence past its largest id. SQLite needs nothing
    (AUTOINCREMENT follows the largest id written)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(statement)

"""Query helpers: for reports that aggregate a period's rows (mediation.reports, the agreed
actions report in mediation.outcomes), and for reading many rows by id in batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Model, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL


@contextmanager
def without_jit(model: Any) -> Iterator[None]:
    """On PostgreSQL, run the enclosed queries (reading `model`'s database) with JIT off.

    PostgreSQL JIT-compiles any query whose estimated cost passes `jit_above_cost` (100,000 by
    default). The report aggregates read one period's rows through indexes and run in a few to
    a few tens of milliseconds, but their estimates (thousands of rows, an index probe per row)
    pass that line, and compiling then costs 15-100 ms a query: more than running it. The
    setting is SET LOCAL, so it ends with the transaction this opens; inside an outer
    transaction the previous value is put back on the way out. Nothing changes on SQLite.
    """
    alias = router.db_for_read(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        (previous, _off) = cursor.fetchone()
        yield
        if not outermost:
            cursor.execute("SELECT set_config('jit', %s, true)", [previous])


def value_by_key(model: type[Model], field: str, *, key: str) -> Subquery:
    """`field` of the `model` row whose primary key is in this row's `key` column (for example
    a deadline's case's LA), as a scalar subquery: one primary-key probe a row, which
    PostgreSQL runs only for the rows it keeps. A join to the cases table, or an IN list it
    hashes, is planned as a read of every case ever held: a cost growing with the history
    instead of with the period (ADR 0021)."""
    return Subquery(model._default_manager.filter(pk=OuterRef(key)).order_by().values(field)[:1])


def ids_in(field: str, ids: Sequence[int], *, model: Any) -> Q:
    """`field__in=ids` for many ids (a batch of a thousand): on PostgreSQL as one array
    parameter (`IN (SELECT unnest(%s::bigint[]))`), so the statement and its parsing do not
    grow with the ids; elsewhere the plain list."""
    if connections[router.db_for_read(model)].vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])})
    return Q(**{f"{field}__in": list(ids)})

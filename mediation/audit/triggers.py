"""Database triggers that make the audit tables append-only, for SQLite and PostgreSQL.

Events since migration 0002, their seals in the keyed chain since 0004 (ADR 0024); the queue of
events waiting to be sealed is not append-only, since the sealer empties it. The test settings
turn them off (AUDIT_APPEND_ONLY_TRIGGERS=False) only because the test runner empties every
table between browser tests; the trigger tests install them explicitly and prove that UPDATE and
DELETE are refused on both databases.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
SEAL_TABLE = "audit_auditseal"
# (table, trigger name prefix): events since migration 0002, their seals since 0004.
TABLES = [(TABLE, "audit_event"), (SEAL_TABLE, "audit_seal")]

EVENTS_ONLY = TABLES[:1]  # what migration 0002 installed, before the seals' table existed

_MESSAGE = "'audit events are append-only'"
_POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION {_MESSAGE}; END; $$ LANGUAGE plpgsql"""


def _statements(
    connection: BaseDatabaseWrapper, tables: list[tuple[str, str]], *, install: bool
) -> list[str]:
    statements: list[str] = []
    if connection.vendor == "sqlite":
        for table, name in tables:
            if install:
                statements += [
                    f"""CREATE TRIGGER IF NOT EXISTS {name}_no_update BEFORE UPDATE ON {table}
                        BEGIN SELECT RAISE(ABORT, {_MESSAGE}); END""",
                    f"""CREATE TRIGGER IF NOT EXISTS {name}_no_delete BEFORE DELETE ON {table}
                        BEGIN SELECT RAISE(ABORT, {_MESSAGE}); END""",
                ]
            else:
                statements += [
                    f"DROP TRIGGER IF EXISTS {name}_no_update",
                    f"DROP TRIGGER IF EXISTS {name}_no_delete",
                ]
        return statements
    if connection.vendor == "postgresql":
        if install:
            statements.append(_POSTGRES_FUNCTION)
        for table, name in tables:
            statements.append(f"DROP TRIGGER IF EXISTS {name}_append_only ON {table}")
            if install:
                statements.append(
                    f"""CREATE TRIGGER {name}_append_only
                        BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}
                        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"""
                )
        return statements
    raise NotImplementedError(f"No append-only triggers for {connection.vendor}")


def install_triggers(
    connection: BaseDatabaseWrapper, tables: list[tuple[str, str]] = TABLES
) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, tables, install=True):
            cursor.execute(statement)


def remove_triggers(
    connection: BaseDatabaseWrapper, tables: list[tuple[str, str]] = TABLES
) -> None:
    """Drop the triggers on `tables` (the shared PostgreSQL function stays: harmless)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, tables, install=False):
            cursor.execute(statement)

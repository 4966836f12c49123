"""The search indexes and the triggers that keep them up to date (see the package docstring)."""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

# PostgreSQL: one lower-case search document per case, "reference|first last|LA name|party
# name|party name...", kept in step by triggers on cases, parties and local authorities (in
# the same transaction as the change, so every write path is covered: services, admin, bulk
# updates). A word never contains "|" or a space, so it is in the document exactly when it
# is part of one of those names.
_POSTGRES_DOC = """lower(c.reference || '|' || c.child_first_name || ' ' || c.child_last_name
    || '|' || a.name || coalesce((SELECT string_agg('|' || p.name, '' ORDER BY p.id)
                                  FROM cases_party p WHERE p.case_id = c.id), ''))"""
_POSTGRES_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE IF NOT EXISTS cases_case_search_doc (
        case_id bigint PRIMARY KEY, doc text NOT NULL)""",
    f"""CREATE OR REPLACE FUNCTION cases_search_doc_refresh(ids bigint[]) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM cases_case_search_doc d WHERE d.case_id = ANY(ids)
               AND NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.id = d.case_id);
            INSERT INTO cases_case_search_doc (case_id, doc)
            SELECT c.id, {_POSTGRES_DOC}
              FROM cases_case c JOIN authorities_localauthority a ON a.id = c.local_authority_id
             WHERE c.id = ANY(ids)
            ON CONFLICT (case_id) DO UPDATE SET doc = EXCLUDED.doc;
        END $$""",  # noqa: S608 (constant SQL)  # nosec B608
    """CREATE OR REPLACE FUNCTION cases_search_doc_on_case() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM cases_case_search_doc WHERE case_id = OLD.id;
            ELSE
                PERFORM cases_search_doc_refresh(ARRAY[NEW.id]);
            END IF;
            RETURN NULL;
        END $$""",
    """CREATE OR REPLACE FUNCTION cases_search_doc_on_party() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM cases_search_doc_refresh(ARRAY[NEW.case_id]);
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM cases_search_doc_refresh(ARRAY[OLD.case_id]);
            ELSE
                PERFORM cases_search_doc_refresh(ARRAY[OLD.case_id, NEW.case_id]);
            END IF;
            RETURN NULL;
        END $$""",
    """CREATE OR REPLACE FUNCTION cases_search_doc_on_authority() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM cases_search_doc_refresh(
                ARRAY(SELECT id FROM cases_case WHERE local_authority_id = NEW.id));
            RETURN NULL;
        END $$""",
    """CREATE OR REPLACE FUNCTION cases_search_doc_on_truncate() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE cases_case_search_doc;
            RETURN NULL;
        END $$""",
]
# name -> (table, CREATE TRIGGER statement)
_POSTGRES_TRIGGERS = {
    "cases_search_doc_case_ai": """CREATE TRIGGER cases_search_doc_case_ai
        AFTER INSERT ON cases_case FOR EACH ROW EXECUTE FUNCTION cases_search_doc_on_case()""",
    "cases_search_doc_case_au": """CREATE TRIGGER cases_search_doc_case_au
        AFTER UPDATE OF reference, child_first_name, child_last_name, local_authority_id
        ON cases_case FOR EACH ROW EXECUTE FUNCTION cases_search_doc_on_case()""",
    "cases_search_doc_case_ad": """CREATE TRIGGER cases_search_doc_case_ad
        AFTER DELETE ON cases_case FOR EACH ROW EXECUTE FUNCTION cases_search_doc_on_case()""",
    "cases_search_doc_case_at": """CREATE TRIGGER cases_search_doc_case_at
        AFTER TRUNCATE ON cases_case FOR EACH STATEMENT
        EXECUTE FUNCTION cases_search_doc_on_truncate()""",
    "cases_search_doc_party": """CREATE TRIGGER cases_search_doc_party
        AFTER INSERT OR DELETE OR UPDATE OF name, case_id ON cases_party
        FOR EACH ROW EXECUTE FUNCTION cases_search_doc_on_party()""",
    "cases_search_doc_authority": """CREATE TRIGGER cases_search_doc_authority
        AFTER UPDATE OF name ON authorities_localauthority
        FOR EACH ROW EXECUTE FUNCTION cases_search_doc_on_authority()""",
}
_POSTGRES_TRIGGER_TABLES = {
    "cases_search_doc_case_ai": "cases_case",
    "cases_search_doc_case_au": "cases_case",
    "cases_search_doc_case_ad": "cases_case",
    "cases_search_doc_case_at": "cases_case",
    "cases_search_doc_party": "cases_party",
    "cases_search_doc_authority": "authorities_localauthority",
}
_POSTGRES_REBUILD = [
    "TRUNCATE cases_case_search_doc",
    "DROP INDEX IF EXISTS case_search_doc_trgm",
    f"""INSERT INTO cases_case_search_doc (case_id, doc)
        SELECT c.id, {_POSTGRES_DOC}
          FROM cases_case c JOIN authorities_localauthority a ON a.id = c.local_authority_id""",  # noqa: S608, E501 (constant SQL)  # nosec B608
    # After the rows: one index build is much faster than a million index updates.
    "CREATE INDEX case_search_doc_trgm ON cases_case_search_doc USING gin (doc gin_trgm_ops)",
    "ANALYZE cases_case_search_doc",
]
_POSTGRES_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for name, table in _POSTGRES_TRIGGER_TABLES.items()
    ),
    "DROP INDEX IF EXISTS case_search_doc_trgm",
    "DROP INDEX IF EXISTS case_search_trgm",
    "DROP INDEX IF EXISTS party_name_trgm",
    # case_reference_prefix stays: a B-tree is cheap to keep up to date during bulk inserts,
    # and PostgreSQL refuses index changes on cases_case while a transaction has deferred
    # foreign-key checks pending on it.
]

_SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_case_search USING fts5(text, tokenize='trigram')",
    """CREATE VIRTUAL TABLE IF NOT EXISTS cases_party_search
       USING fts5(name, case_id UNINDEXED, tokenize='trigram')""",
]
_SQLITE_TRIGGERS = {
    "cases_case_search_ai": """CREATE TRIGGER IF NOT EXISTS cases_case_search_ai
        AFTER INSERT ON cases_case BEGIN
        INSERT INTO cases_case_search(rowid, text) VALUES (new.id, new.reference || ' ' || new.child_first_name || ' ' || new.child_last_name);
        END""",
    "cases_case_search_au": """CREATE TRIGGER IF NOT EXISTS cases_case_search_au
        AFTER UPDATE OF reference, child_first_name, child_last_name ON cases_case BEGIN
        DELETE FROM cases_case_search WHERE rowid = old.id;
        INSERT INTO cases_case_search(rowid, text) VALUES (new.id, new.reference || ' ' || new.child_first_name || ' ' || new.child_last_name);
        END""",
    "cases_case_search_ad": """CREATE TRIGGER IF NOT EXISTS cases_case_search_ad
        AFTER DELETE ON cases_case BEGIN
        DELETE FROM cases_case_search WHERE rowid = old.id;
        END""",
    "cases_party_search_ai": """CREATE TRIGGER IF NOT EXISTS cases_party_search_ai
        AFTER INSERT ON cases_party BEGIN
        INSERT INTO cases_party_search(rowid, name, case_id) VALUES (new.id, new.name, new.case_id);
        END""",
    "cases_party_search_au": """CREATE TRIGGER IF NOT EXISTS cases_party_search_au
        AFTER UPDATE OF name, case_id ON cases_party BEGIN
        DELETE FROM cases_party_search WHERE rowid = old.id;
        INSERT INTO cases_party_search(rowid, name, case_id) VALUES (new.id, new.name, new.case_id);
        END""",
    "cases_party_search_ad": """CREATE TRIGGER IF NOT EXISTS cases_party_search_ad
        AFTER DELETE ON cases_party BEGIN
        DELETE FROM cases_party_search WHERE rowid = old.id;
        END""",
}
_SQLITE_REBUILD = [
    "DELETE FROM cases_case_search",
    "INSERT INTO cases_case_search(rowid, text) SELECT c.id, "
    "c.reference || ' ' || c.child_first_name || ' ' || c.child_last_name FROM cases_case c",
    "DELETE FROM cases_party_search",
    "INSERT INTO cases_party_search(rowid, name, case_id) SELECT id, name, case_id FROM cases_party",
]
_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS] + [
    "DROP TABLE IF EXISTS cases_case_search",
    "DROP TABLE IF EXISTS cases_party_search",
]


def ensure_search_index(db: BaseDatabaseWrapper) -> bool:
    """Create the search indexes (and on SQLite the triggers) if any is missing; on SQLite,
    refill the FTS tables when a trigger had gone. Returns True if anything was made."""
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname IN "
                "('case_search_doc_trgm', 'case_reference_prefix', 'case_search_trgm', "
                "'party_name_trgm')"
            )
            indexes = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s)",
                [list(_POSTGRES_TRIGGERS)],
            )
            present = {row[0] for row in cursor.fetchall()}
            if indexes == {"case_search_doc_trgm", "case_reference_prefix"} and present == set(
                _POSTGRES_TRIGGERS
            ):
                return False
            # Index statements on cases_case only when needed: PostgreSQL refuses them while
            # the transaction has deferred foreign-key checks pending on the table.
            if "case_reference_prefix" not in indexes:
                cursor.execute(
                    "CREATE INDEX case_reference_prefix ON cases_case "
                    "(reference varchar_pattern_ops)"
                )
            for replaced in {"case_search_trgm", "party_name_trgm"} & indexes:
                cursor.execute(f"DROP INDEX {replaced}")  # replaced by the search document
            for statement in _POSTGRES_INDEXES:
                cursor.execute(statement)
            for name, statement in _POSTGRES_TRIGGERS.items():
                if name not in present:
                    cursor.execute(statement)
            # A trigger was missing (or the index): some changes may have been missed.
            for statement in _POSTGRES_REBUILD:
                cursor.execute(statement)
            return True
        if db.vendor != "sqlite":
            return False
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in _SQLITE_TRIGGERS if name not in present]
        if not missing:
            return False
        for statement in _SQLITE_TABLES:
            cursor.execute(statement)
        for name in missing:
            cursor.execute(_SQLITE_TRIGGERS[name])
        for statement in _SQLITE_REBUILD:
            cursor.execute(statement)
        return True


def drop_search_index(db: BaseDatabaseWrapper) -> None:
    with db.cursor() as cursor:
        for statement in _POSTGRES_DROP if db.vendor == "postgresql" else _SQLITE_DROP:
            cursor.execute(statement)

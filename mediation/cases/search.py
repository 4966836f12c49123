"""Finding cases by name or reference, fast at a million cases, the same on both databases.

Decision and alternatives: docs/adr/0012-scale-search.md. In short, each word of the query
matches a case when it is

- a reference or the start of one (letters, a hyphen, then digits: MED-2026-0004):
  compared with the start of the case reference, using the reference's B-tree index
  (`varchar_pattern_ops` on PostgreSQL, GLOB on SQLite, so any collation works);
- otherwise (a name, or a piece of a reference such as 2026-00042), a part of the case reference or the child's name, of a party's name (parent,
  young person, LA officer...), or of the local authority's name, ignoring case: trigram
  indexes serve these on both databases, a GIN `gin_trgm_ops` index on PostgreSQL (pg_trgm) and
  an FTS5 table with the trigram tokenizer on SQLite, kept up to date by triggers.

Words of fewer than 3 letters still match the same way but cannot use the trigram indexes.
Only letters, digits, hyphens and apostrophes are kept from a word (so % and _ never act as
wildcards). Case is ignored for A-Z on both databases; for accented capitals PostgreSQL's
lower() folds them and SQLite's FTS5 does not (see the ADR).

The indexes are made by migration cases 0004 and checked again after every `migrate`
(`ensure_search_index`, connected to post_migrate), because SQLite drops a table's triggers
when a later migration rebuilds the table.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

_KEEP = re.compile(r"[^\w'\-]+", re.UNICODE)
# A reference or its start: letters, then a hyphen, then digits and hyphens (MED-2026-0004).
_REFERENCE_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9]*-[0-9-]*[0-9][0-9-]*$")


def search_words(query: str) -> list[str]:
    words = []
    for raw in query.split():
        word = _KEEP.sub("", raw).replace("_", "")
        if word:
            words.append(word)
    return words


def is_reference_like(word: str) -> bool:
    return bool(_REFERENCE_LIKE.match(word))


_POSTGRES_NAMES = """
    SELECT c.id FROM cases_case c
     WHERE lower(c.reference || ' ' || c.child_first_name || ' ' || c.child_last_name) LIKE %s
    UNION SELECT p.case_id FROM cases_party p WHERE lower(p.name) LIKE %s
    UNION SELECT c.id FROM cases_case c
      JOIN authorities_localauthority a ON a.id = c.local_authority_id
     WHERE lower(a.name) LIKE %s
"""
_SQLITE_NAMES = """
    SELECT rowid FROM cases_case_search WHERE text LIKE %s
    UNION SELECT case_id FROM cases_party_search WHERE name LIKE %s
    UNION SELECT c.id FROM cases_case c
      JOIN authorities_localauthority a ON a.id = c.local_authority_id
     WHERE a.name LIKE %s
"""


def search_filter(words: list[str]) -> Q:
    """The cases matching every word of a search (see the module docstring)."""
    condition = Q()
    names = []
    for word in words:
        if not is_reference_like(word):
            names.append(f"%{word.lower()}%")
            continue
        prefix = word.upper()
        if connection.vendor == "sqlite":
            glob = RawSQL("SELECT id FROM cases_case WHERE reference GLOB %s", [f"{prefix}*"])  # noqa: S611
            condition &= Q(pk__in=glob)
        else:
            condition &= Q(reference__startswith=prefix)
    if not names:
        return condition
    # Constant SQL; the words are bound parameters.
    if connection.vendor == "sqlite":
        for pattern in names:
            condition &= Q(pk__in=RawSQL(_SQLITE_NAMES, [pattern] * 3))  # noqa: S611
        return condition
    # PostgreSQL: one subquery for all the words (the cases matching each word, intersected),
    # run once on the trigram indexes, then the matching cases fetched by primary key. With
    # "id IN (subquery)" the planner chose a hash join over every case instead (a full scan).
    matching = " INTERSECT ".join(f"({_POSTGRES_NAMES})" for _ in names)
    params = [pattern for pattern in names for _ in range(3)]
    return condition & Q(
        RawSQL(  # noqa: S611
            f'"cases_case"."id" = ANY(ARRAY({matching}))', params, output_field=BooleanField()
        )
    )


# -- the indexes -------------------------------------------------------------------------------

_POSTGRES_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS case_search_trgm ON cases_case USING gin
       (lower(reference || ' ' || child_first_name || ' ' || child_last_name) gin_trgm_ops)""",
    "CREATE INDEX IF NOT EXISTS party_name_trgm ON cases_party USING gin (lower(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS case_reference_prefix ON cases_case (reference varchar_pattern_ops)",
]
_POSTGRES_DROP = [
    "DROP INDEX IF EXISTS case_search_trgm",
    "DROP INDEX IF EXISTS party_name_trgm",
    "DROP INDEX IF EXISTS case_reference_prefix",
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
                "SELECT count(*) FROM pg_indexes WHERE indexname IN "
                "('case_search_trgm', 'party_name_trgm', 'case_reference_prefix')"
            )
            if cursor.fetchone()[0] == 3:
                return False
            for statement in _POSTGRES_INDEXES:
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

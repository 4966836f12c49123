"""Turning what someone typed into a filter on cases (see the package docstring)."""

from __future__ import annotations

import re

from django.db import connection
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
            condition &= Q(pk__in=RawSQL(_SQLITE_NAMES, [pattern] * 3))  # noqa: S611  # nosec B611
        return condition
    # PostgreSQL: every word against the case's one search document (reference, child's name,
    # LA's name and every party's name), so that the trigram index intersects the words
    # itself: a full name reads only the few cases that have both words, however common the
    # first name. The matching cases are then fetched by primary key: with "id IN (subquery)"
    # or EXISTS the planner walks the cases by latest activity, testing each one, which reads
    # most of the table when the word is rarer among recent cases (ADR 0020).
    # Constant SQL: one "d.doc LIKE %s" per word, the words are bound parameters.
    words_match = " AND ".join(["d.doc LIKE %s"] * len(names))
    matching = f"SELECT d.case_id FROM cases_case_search_doc d WHERE {words_match}"  # noqa: S608  # nosec B608
    return condition & Q(
        RawSQL(  # noqa: S611  # nosec B611
            f'"cases_case"."id" = ANY(ARRAY({matching}))', names, output_field=BooleanField()
        )
    )

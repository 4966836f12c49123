"""Finding cases by name or reference, fast at a million cases, the same on both databases.

Decisions and alternatives: docs/adr/0016-scale-name-search.md and
docs/adr/0020-search-document.md. In short, each word of the query matches a case when it is

- a reference or the start of one (letters, a hyphen, then digits: MED-2026-0004):
  compared with the start of the case reference, using the reference's B-tree index
  (`varchar_pattern_ops` on PostgreSQL, GLOB on SQLite, so any collation works);
- otherwise (a name, or a piece of a reference such as 2026-00042), a part of the case
  reference or the child's name, of a party's name (parent, young person, LA officer...), or
  of the local authority's name, ignoring case: trigram indexes serve these on both
  databases, kept up to date by triggers. On PostgreSQL (pg_trgm) one search document per
  case holds all those names, with a GIN `gin_trgm_ops` index, so the index intersects the
  words; on SQLite two FTS5 tables with the trigram tokenizer (cases, parties).

Words of fewer than 3 letters still match the same way but cannot use the trigram indexes.
Only letters, digits, hyphens and apostrophes are kept from a word (so % and _ never act as
wildcards). Case is ignored for A-Z on both databases; for accented capitals PostgreSQL's
lower() folds them and SQLite's FTS5 does not (see the ADR).

The indexes are made by migrations (cases 0007, 0008) and checked again after every `migrate`
(`ensure_search_index`, connected to post_migrate by the cases app), because SQLite drops a
table's triggers when a later migration rebuilds the table.

`query` turns the words into a filter on cases; `indexes` makes and checks the indexes. This
package imports no app: it knows the cases' tables by name (they are what it indexes), so the
cases app's selectors and migrations can use it.
"""

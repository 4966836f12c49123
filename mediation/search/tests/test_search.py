"""Case search gives the same answers on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm): this
module runs on both (make test runs the suite on each)."""

from __future__ import annotations

import pytest
from django.db import connection

from mediation.cases import selectors
from mediation.cases.models import Case, Party
from mediation.cases.tests.factories import LocalAuthorityFactory
from mediation.domain.case_states import CaseState
from mediation.search.indexes import ensure_search_index
from mediation.search.query import is_reference_like, search_words

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(case_officer_cal):
    kent = LocalAuthorityFactory.create(name="Westhaven Borough Council", code="WHB")
    north = LocalAuthorityFactory.create(name="Northbridge City Council", code="NBC")
    made = {}
    for key, reference, first, last, la, parties in [
        ("amelia", "MED-2026-00042", "Amelia", "Sutton", kent, ["Grace Sutton", "Priya Shah"]),
        ("oliver", "MED-2026-00420", "Oliver", "Button", north, ["Dan Button"]),
        ("zainab", "MED-2025-01042", "Zainab", "O'Neill", north, ["Mo O'Neill"]),
        ("harry", "DR-2026-00007", "Harry", "Li", kent, ["Anna Li", "Tom Sutcliffe"]),
    ]:
        case = Case.objects.create(
            reference=reference,
            route="mediation",
            status=CaseState.ARRANGING,
            local_authority=la,
            owner=case_officer_cal,
            child_first_name=first,
            child_last_name=last,
            child_date_of_birth="2015-01-01",
            decision_type="refuse_assessment",
        )
        for name in parties:
            Party.objects.create(case=case, role="parent_carer", name=name)
        made[key] = case
    return made


def found(user, query: str) -> set[str]:
    cases = selectors.case_search(user=user, filters=selectors.CaseFilters(query=query))
    return {c.child_first_name.lower() for c in cases}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Sutton", {"amelia"}),  # child's surname
        ("sutton", {"amelia"}),  # any case
        ("SUTT", {"amelia"}),  # start of a name
        ("Sut", {"amelia", "harry"}),  # Sutton, and Sutcliffe (a party)
        ("utto", {"amelia", "oliver"}),  # part of a name: Sutton, Button
        ("Priya", {"amelia"}),  # a party's name
        ("amelia sutton", {"amelia"}),  # every word must match
        ("sutton button", set()),
        ("o'neill", {"zainab"}),  # apostrophes kept
        ("Westhaven", {"amelia", "harry"}),  # the LA's name
        ("MED-2026-00042", {"amelia"}),  # a whole reference: only that case
        ("med-2026-00042", {"amelia"}),
        ("MED-2026-0004", {"amelia"}),  # the start of references
        ("MED-2026-004", {"oliver"}),
        ("MED-2026-00", {"amelia", "oliver"}),
        ("MED-2026", {"amelia", "oliver"}),
        ("DR-2026-00007", {"harry"}),
        ("2026-00042", {"amelia"}),  # a piece of a reference, without its prefix
        ("00042", {"amelia"}),
        ("Li", {"harry", "amelia", "oliver"}),  # short words match anywhere too
        ("%", {"amelia", "oliver", "zainab", "harry"}),  # no wildcard: an empty search
        ("Sut_on", set()),  # _ is dropped: "Suton" matches nobody
        ("nobody", set()),
    ],
)
def test_search_finds_the_same_cases_on_both_databases(people, case_officer_cal, query, expected):
    assert found(case_officer_cal, query) == expected


def test_search_follows_changes_to_names(people, case_officer_cal):
    amelia = people["amelia"]
    amelia.child_last_name = "Fairweather"
    amelia.save()
    Party.objects.filter(name="Priya Shah").update(name="Priya Khan")
    assert found(case_officer_cal, "Fairweather") == {"amelia"}
    assert found(case_officer_cal, "Sutton") == {"amelia"}  # Grace Sutton is still a party
    assert found(case_officer_cal, "Shah") == set()
    assert found(case_officer_cal, "Khan") == {"amelia"}
    Party.objects.filter(name="Grace Sutton").delete()
    assert found(case_officer_cal, "Sutton") == set()


def test_search_is_scoped_to_what_the_user_may_see(people, mediator_mia):
    assert found(mediator_mia, "Sutton") == set()


def test_words_and_references():
    assert search_words(" Amelia  50%_off ") == ["Amelia", "50off"]
    assert is_reference_like("MED-2026-00042")
    assert is_reference_like("med-2026")
    assert not is_reference_like("2026-00042")
    assert not is_reference_like("O'Neill")
    assert not is_reference_like("Smith-Jones")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers only")
def test_sqlite_search_index_comes_back_after_a_table_rebuild(people, case_officer_cal):
    # A migration that rebuilds cases_case on SQLite drops its triggers: the post_migrate
    # check puts them back and refills the search table.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER cases_case_search_ai")
        cursor.execute("DELETE FROM cases_case_search")
    assert found(case_officer_cal, "Button") == {"oliver"}  # still a party's name
    assert found(case_officer_cal, "Oliver") == set()
    assert ensure_search_index(connection) is True
    assert found(case_officer_cal, "Oliver") == {"oliver"}
    assert ensure_search_index(connection) is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes only")
def test_postgresql_search_uses_the_search_document_and_prefix_indexes(people, case_officer_cal):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname IN "
            "('case_search_doc_trgm', 'case_search_trgm', 'party_name_trgm', "
            "'case_reference_prefix')"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "case_search_doc_trgm",
            "case_reference_prefix",
        }
    query = selectors.case_search(
        user=case_officer_cal, filters=selectors.CaseFilters(query="Amelia Sutton")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)  # noqa: S608
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    # Both words in one condition on the one index (the index intersects them).
    assert "case_search_doc_trgm" in plan
    assert "(doc ~~ '%amelia%'::text) AND (doc ~~ '%sutton%'::text)" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers only")
def test_postgresql_search_document_comes_back_after_a_lost_trigger(people, case_officer_cal):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER cases_search_doc_party ON cases_party")
    Party.objects.create(case=people["oliver"], role="parent_carer", name="Wren Button")
    assert found(case_officer_cal, "Wren") == set()  # missed while the trigger was gone
    assert ensure_search_index(connection) is True
    assert found(case_officer_cal, "Wren") == {"oliver"}
    assert ensure_search_index(connection) is False


def test_words_may_match_different_names_of_a_case(people, case_officer_cal):
    assert found(case_officer_cal, "Amelia Priya") == {"amelia"}  # child and a parent
    assert found(case_officer_cal, "Priya Westhaven") == {"amelia"}  # a parent and the LA
    assert found(case_officer_cal, "Amelia MED-2026") == {"amelia"}  # a name and a reference
    assert found(case_officer_cal, "Amelia MED-2025") == set()
    assert found(case_officer_cal, "Sutton Sutcliffe") == set()  # two cases, one word each


def test_search_follows_moves_renamed_authorities_and_deletions(people, case_officer_cal):
    from mediation.authorities.models import LocalAuthority

    LocalAuthority.objects.filter(code="WHB").update(name="Eastmoor Council")
    assert found(case_officer_cal, "Eastmoor") == {"amelia", "harry"}
    assert found(case_officer_cal, "Westhaven") == set()
    people["harry"].local_authority = LocalAuthority.objects.get(code="NBC")
    people["harry"].save()
    assert found(case_officer_cal, "Northbridge") == {"oliver", "zainab", "harry"}
    Party.objects.filter(name="Priya Shah").update(case=people["oliver"])
    assert found(case_officer_cal, "Priya") == {"oliver"}
    Party.objects.filter(case=people["zainab"]).delete()
    people["zainab"].delete()
    assert found(case_officer_cal, "Neill") == set()
    assert found(case_officer_cal, "Northbridge") == {"oliver", "harry"}


def test_search_index_rebuilt_after_bulk_generation(case_officer_cal, monkeypatch):
    # Adding many synthetic cases drops the search triggers and index and builds them once at
    # the end: every generated case is then found, and later changes are followed again.
    from datetime import UTC, datetime

    from mediation.demo import synthetic

    monkeypatch.setattr(synthetic, "REBUILD_SEARCH_INDEX_FROM", 1)
    synthetic.generate(cases=6, seed=5, as_of=datetime.now(UTC), batch_size=3, per_year=2000)
    assert ensure_search_index(connection) is False  # all in place again
    for case in Case.objects.all():
        assert case.pk in {
            c.pk
            for c in selectors.case_search(
                user=case_officer_cal, filters=selectors.CaseFilters(query=case.child_name)
            )
        }
    first = Case.objects.first()
    assert first is not None
    Party.objects.create(case=first, role="parent_carer", name="Quillon Vexbridge")
    assert found(case_officer_cal, "Vexbridge") == {first.child_first_name.lower()}

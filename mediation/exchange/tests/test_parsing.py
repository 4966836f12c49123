"""Reading the values people type into spreadsheets (pure: no database)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from mediation.exchange.parsing import (
    Unreadable,
    as_text,
    normalise_heading,
    read_choice,
    read_date,
    read_yes_no,
    split_list,
)

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("3/3/2026", date(2026, 3, 3)),
        ("03/03/26", date(2026, 3, 3)),
        ("3.3.2026", date(2026, 3, 3)),
        ("03-03-2026", date(2026, 3, 3)),
        (" 3 / 3 / 2026 ", date(2026, 3, 3)),
        ("2026-03-03", date(2026, 3, 3)),
        ("3 March 2026", date(2026, 3, 3)),
        ("3rd Mar 2026", date(2026, 3, 3)),
        ("Tuesday 3 March 2026", date(2026, 3, 3)),
        ("Tue, 3 Mar 2026", date(2026, 3, 3)),
        ("March 3, 2026", date(2026, 3, 3)),
        ("3 Sept 2026", date(2026, 9, 3)),
        ("12/05/2026 00:00", date(2026, 5, 12)),
        ("46084", date(2026, 3, 3)),  # an Excel serial number saved as text
        (46084, date(2026, 3, 3)),  # and as a number
        (46084.5, date(2026, 3, 3)),  # with a time of day
        (datetime(2026, 3, 3, 0, 0), date(2026, 3, 3)),
        (date(2026, 3, 3), date(2026, 3, 3)),
        ("1/1/98", date(1998, 1, 1)),  # a child born in '98
        ("1/1/30", date(2030, 1, 1)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_the_forms_people_use(cell, expected):
    assert read_date(cell, today=TODAY) == expected


@pytest.mark.parametrize(
    "cell",
    ["31/02/2026", "13/13/2026", "3 Smarch 2026", "next Tuesday", "12", 12, True, "1/1/1850", 500],
)
def test_what_is_not_a_date_is_said_so(cell):
    with pytest.raises(Unreadable, match="is not a date"):
        read_date(cell, today=TODAY)


def test_text_is_tidied():
    assert as_text("  Jo   Bloggs\u00a0 ") == "Jo Bloggs"
    assert as_text(7700900123.0) == "7700900123"
    assert as_text("'+44 161 496 0000") == "+44 161 496 0000"
    assert as_text("'Tis") == "'Tis"
    assert normalise_heading("  Child's  D.O.B. ") == "childs dob"


def test_yes_no_and_lists():
    assert read_yes_no("Y") is True
    assert read_yes_no(" no ") is False
    assert read_yes_no("") is None
    with pytest.raises(Unreadable, match="is not yes or no"):
        read_yes_no("maybe")
    assert split_list("Education, Health and social care") == [
        "Education",
        "Health",
        "social care",
    ]


def test_words_from_a_list():
    words = {"mediation": ("med",), "certificate_only": ("certificate", "cert only")}
    assert read_choice("  MED ", words, what="a route") == "mediation"
    assert read_choice("Cert only", words, what="a route") == "certificate_only"
    assert read_choice("", words, what="a route") is None
    with pytest.raises(Unreadable, match="is not a route we know"):
        read_choice("arbitration", words, what="a route")

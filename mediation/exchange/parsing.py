"""Reading the values people type into spreadsheets: dates in many formats, yes and no, words for
a route or a decision. Pure Python (no Django), so every rule is tested on its own.

Each reader takes the cell as it came (text from a CSV, or a number, date or text from an Excel
workbook) and returns the value, or raises `Unreadable` with the words that say what was wrong
("is not a date"), which the caller puts after the column's name and the value: "Row 14: the
decision date 31/02/2026 is not a date".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final

__all__ = [
    "Unreadable",
    "as_text",
    "lower_first",
    "normalise_heading",
    "normalise_words",
    "read_choice",
    "read_date",
    "read_yes_no",
    "split_list",
]


class Unreadable(ValueError):
    """A cell that cannot be read as what its column holds; the message completes a sentence
    that starts with the column and the value."""


def as_text(value: Any) -> str:
    """A cell as the text a person sees: spaces at the ends gone, runs of spaces made one, no
    ".0" on a whole number Excel stored as a float (a phone number, a reference)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if not value.time() else value
    if isinstance(value, date):
        return value.isoformat()
    text = " ".join(str(value).replace("\u00a0", " ").split())
    # An apostrophe our export (or a careful person) put before a cell that a spreadsheet
    # would otherwise run as a formula: "'+44 161 496 0000".
    if text[:1] == "'" and text[1:2] in {"=", "+", "-", "@"}:
        text = text[1:]
    return text


def lower_first(text: str) -> str:
    """A heading or a sentence as it reads after "the" or "Row 14:": "Decision date" becomes
    "decision date", but "LA" stays "LA"."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def normalise_words(text: str) -> str:
    """Lower case, letters and digits only, one space between words ("Child's D.O.B." → "childs
    dob"): how headings and words from a list are compared."""
    text = text.lower().replace("&", " and ")
    text = re.sub(r"['\u2019.]", "", text)  # child's → childs, d.o.b. → dob
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def normalise_heading(text: str) -> str:
    return normalise_words(as_text(text))


# Dates --------------------------------------------------------------------------------------

_MONTHS: Final[Mapping[str, int]] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+"
_NUMERIC = re.compile(r"^(\d{1,4})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{1,4})$")
_WORDS = re.compile(rf"^(?:{_WEEKDAY})?(\d{{1,2}})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{{2,4}})$")
_WORDS_MONTH_FIRST = re.compile(
    rf"^(?:{_WEEKDAY})?([a-z]+)\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$"
)
# Excel counts days from 30 December 1899 (its 1900 leap-year bug included). Serial numbers of
# days from 1 January 1950 to 31 December 2099 are taken as dates; other numbers are not.
_EXCEL_EPOCH: Final = date(1899, 12, 30)
_SERIAL_FIRST: Final = (date(1950, 1, 1) - _EXCEL_EPOCH).days
_SERIAL_LAST: Final = (date(2099, 12, 31) - _EXCEL_EPOCH).days


def _full_year(year: int, today: date) -> int:
    """A two-digit year: this century unless that is more than 10 years ahead (a child born in
    '98 was born in 1998)."""
    if year >= 100:
        return year
    return 2000 + year if 2000 + year <= today.year + 10 else 1900 + year


def read_date(value: Any, *, today: date) -> date | None:
    """A date from a cell: a date or datetime (Excel), an Excel serial number (46082, or the
    same as text), or text in the forms people use in England: 3/3/2026, 03-03-26, 3.3.2026,
    2026-03-03, 3 March 2026, 3rd Mar 2026, Tuesday 3 March 2026, March 3, 2026. Day before
    month whenever both are numbers (as in England). None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise Unreadable("is not a date")
    if isinstance(value, int | float):
        return _from_serial(float(value))
    text = as_text(value).lower()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _from_serial(float(text))
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?(\s*[ap]m)?$", "", text)  # a time after the date
    if match := _NUMERIC.match(text):
        first, second, third = match.groups()
        if len(first) == 4:  # 2026-03-03: year, month, day
            year, month, day = int(first), int(second), int(third)
        else:
            day, month, year = int(first), int(second), _full_year(int(third), today)
        return _make(year, month, day)
    for pattern, order in ((_WORDS, "dmy"), (_WORDS_MONTH_FIRST, "mdy")):
        if match := pattern.match(text):
            parts = dict(zip(order, match.groups(), strict=True))
            named = _MONTHS.get(parts["m"].rstrip("."))
            if named is None:
                raise Unreadable("is not a date")
            return _make(_full_year(int(parts["y"]), today), named, int(parts["d"]))
    raise Unreadable("is not a date")


def _from_serial(number: float) -> date:
    if not number.is_integer() and number < 0:
        raise Unreadable("is not a date")
    whole = int(number)  # the fraction is the time of day
    if not _SERIAL_FIRST <= whole <= _SERIAL_LAST:
        raise Unreadable("is not a date")
    return _EXCEL_EPOCH + timedelta(days=whole)


def _make(year: int, month: int, day: int) -> date:
    if not 1900 <= year <= 2099:
        raise Unreadable("is not a date")
    try:
        return date(year, month, day)
    except ValueError:
        raise Unreadable("is not a date") from None


# Yes and no, lists, words from a list ----------------------------------------------------

_YES: Final = frozenset({"yes", "y", "true", "1", "x", "ticked", "\u2713", "\u2714"})
_NO: Final = frozenset({"no", "n", "false", "0", "none", "-"})


def read_yes_no(value: Any) -> bool | None:
    """True for yes (y, true, 1, x, a tick), False for no (n, false, 0), None when empty."""
    if isinstance(value, bool):
        return value
    text = as_text(value).lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise Unreadable("is not yes or no")


def split_list(value: Any) -> list[str]:
    """The items of a cell that lists several ("Education, Health and social care")."""
    text = as_text(value)
    return [item.strip() for item in re.split(r"[,;/+|\n]|\band\b|&", text) if item.strip()]


def read_choice(value: Any, words: Mapping[str, Iterable[str]], *, what: str) -> str | None:
    """The key whose words include the cell's (compared as normalise_words does), or None when
    the cell is empty. `words` maps each key to the ways people write it; the key and its words
    are all accepted. Unknown words raise Unreadable("is not a <what> we know")."""
    text = normalise_words(as_text(value))
    if not text:
        return None
    for key, names in words.items():
        if text == normalise_words(key) or text in {normalise_words(name) for name in names}:
            return key
    raise Unreadable(f"is not {what} we know")

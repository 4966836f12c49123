"""Reading an uploaded caseload: a CSV file or an Excel workbook (.xlsx), as a table of headings
and rows, whatever shape a real spreadsheet comes in.

What real files do, and what is done about it:
- a title or a merged heading above the headings ("Open cases March 2026", "Key dates" over
  three columns): the heading row is the one among the first rows that names most of our
  columns (or has most words); a merged group heading above it is kept beside each heading
  it covers ("Child: First name"), and used to tell "Child: Name" from "Contact: Name";
- blank lines, and the headings repeated part way down: skipped;
- spaces around values and inside them: tidied when each value is read (parsing.as_text);
- a CSV saved by Excel in Windows-1252, with a byte order mark, or with semicolons or tabs;
- Excel dates as dates, as serial numbers or as text (mediation.exchange.parsing.read_date).

Row numbers are the spreadsheet's own (the first line is row 1), so "Row 14" is the row the
person sees in Excel.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from mediation.exchange.columns import automatic_match
from mediation.exchange.parsing import as_text, normalise_heading

logger = logging.getLogger(__name__)

MAX_ROWS: Final = 5000
MAX_COLUMNS: Final = 80
HEADING_SEARCH_ROWS: Final = 15


class FileUnreadable(ValueError):
    """The file is not a caseload we can read; the message says why, for the upload form."""


@dataclass(frozen=True)
class Heading:
    index: int  # the column's position, from 0
    text: str  # as shown: "Child: First name"
    key: str  # normalised, how a saved mapping finds it again
    guess: str | None  # our column this heading names, if it is plain which
    short: str = ""  # without the group heading: how a problem names the column


@dataclass
class Table:
    headings: list[Heading]
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells by column index)
    sheet: str = ""
    notes: list[str] = field(default_factory=list)

    def samples(self, index: int, count: int = 2) -> list[str]:
        """The first few values of a column, to show on the mapping page."""
        found = []
        for _number, cells in self.rows:
            value = as_text(cells[index]) if index < len(cells) else ""
            if value:
                found.append(value[:40])
            if len(found) == count:
                break
        return found


def kind_of(data: bytes) -> str:
    """ "xlsx", "archive" (a hand-over archive: a zip with a manifest) or "csv"."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as bundle:
                names = set(bundle.namelist())
        except zipfile.BadZipFile:
            raise FileUnreadable("The file is damaged: it could not be opened.") from None
        if "manifest.json" in names:
            return "archive"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise FileUnreadable("The file is a zip but not an Excel workbook or a hand-over archive.")
    return "csv"


def read_table(data: bytes, *, kind: str, saved: dict[str, str] | None = None) -> Table:
    """The table in a CSV file or in the first sheet of a workbook with data on it. `saved` is
    the mapping saved last time (normalised heading -> column), which helps find the headings."""
    if not data:
        raise FileUnreadable("The file is empty.")
    grid = _xlsx_grid(data) if kind == "xlsx" else _csv_grid(data)
    return _table(grid, saved or {})


def _csv_grid(data: bytes) -> tuple[str, list[list[Any]], set[tuple[int, int]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover (cp1252 decodes almost anything; kept for the odd byte it cannot)
        raise FileUnreadable("The file is not text: save it as CSV or as an Excel workbook.")
    if "\x00" in text:
        raise FileUnreadable("The file is not text: save it as CSV or as an Excel workbook.")
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    except csv.Error:
        raise FileUnreadable(
            "The file could not be read as CSV: save it again from your spreadsheet as CSV."
        ) from None
    if len(rows) > MAX_ROWS + HEADING_SEARCH_ROWS:
        raise FileUnreadable(f"The file has more than {MAX_ROWS:,} rows: split it into parts.")
    return "", [list(row) for row in rows], set()


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in much of Europe) or tab: the one that splits the first lines
    into the most columns most often (csv.Sniffer guesses wrong on a file with a title line)."""
    sample = "\n".join(text.splitlines()[:30])
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        try:
            widths = Counter(
                len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if any(row)
            )
        except csv.Error:
            continue
        width, often = max(widths.items(), key=lambda item: (item[1], item[0]), default=(0, 0))
        score = (width, often) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _xlsx_grid(data: bytes) -> tuple[str, list[list[Any]], set[tuple[int, int]]]:
    try:
        # Not read-only: merged cells are known only to a full workbook. data_only: the value
        # a formula last showed, not the formula.
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileUnreadable("The workbook could not be opened: save it again in Excel.") from None
    except Exception:  # noqa: BLE001 (a damaged workbook fails in many ways inside openpyxl)
        logger.warning("caseload import: a workbook openpyxl could not read", exc_info=True)
        raise FileUnreadable("The workbook could not be opened: save it again in Excel.") from None
    sheet = next(
        (ws for ws in book.worksheets if ws.sheet_state == "visible" and ws.max_row > 1),
        book.worksheets[0] if book.worksheets else None,
    )
    if sheet is None:  # pragma: no cover (openpyxl makes at least one sheet)
        raise FileUnreadable("The workbook has no sheets.")
    if sheet.max_row > MAX_ROWS + HEADING_SEARCH_ROWS:
        raise FileUnreadable(f"The sheet has more than {MAX_ROWS:,} rows: split it into parts.")
    width = min(sheet.max_column, MAX_COLUMNS)
    grid = [list(row) for row in sheet.iter_rows(max_col=width, values_only=True)]
    merged: set[tuple[int, int]] = set()
    # A merged cell holds its value in its top-left cell only: spread it over the range, so a
    # group heading ("Key dates") reaches each column under it.
    for cell_range in sheet.merged_cells.ranges:
        value = (
            grid[cell_range.min_row - 1][cell_range.min_col - 1]
            if cell_range.min_col <= width
            else None
        )
        for row in range(cell_range.min_row, min(cell_range.max_row, len(grid)) + 1):
            for column in range(cell_range.min_col, min(cell_range.max_col, width) + 1):
                grid[row - 1][column - 1] = value
                if cell_range.max_col > cell_range.min_col:
                    merged.add((row - 1, column - 1))
    return sheet.title, grid, merged


def _is_blank(cells: list[Any]) -> bool:
    return not any(as_text(cell) for cell in cells)


def _heading_score(cells: list[Any], saved: dict[str, str]) -> tuple[int, int]:
    """How much a row looks like the headings: our columns named, then text cells."""
    named = sum(
        1
        for cell in cells
        if as_text(cell) and (automatic_match(as_text(cell)) or normalise_heading(cell) in saved)
    )
    words = sum(1 for cell in cells if isinstance(cell, str) and as_text(cell))
    return named, words


def _table(
    source: tuple[str, list[list[Any]], set[tuple[int, int]]], saved: dict[str, str]
) -> Table:
    sheet, grid, merged = source
    width = max((len(row) for row in grid), default=0)
    grid = [row + [None] * (width - len(row)) for row in grid]
    candidates = [i for i in range(min(HEADING_SEARCH_ROWS, len(grid))) if not _is_blank(grid[i])]
    if not candidates:
        raise FileUnreadable("The file has no headings and no rows.")
    heading_row = max(candidates, key=lambda i: (*_heading_score(grid[i], saved), -i))
    above = grid[heading_row - 1] if heading_row > 0 else [None] * width
    groups = {
        index: as_text(above[index])
        for index in range(width)
        if (heading_row - 1, index) in merged and as_text(above[index])
    }
    filled = {index for index in range(width) if as_text(grid[heading_row][index])}
    if len(set(groups.values())) == 1 and filled <= set(groups):
        groups = {}  # one merged cell over every heading: the sheet's title, not a group
    headings = []
    for index in range(width):
        text = as_text(grid[heading_row][index])
        group = groups.get(index, "")
        if not text and not group:
            continue
        shown = f"{group}: {text}" if group and text and group != text else (text or group)
        key = normalise_heading(shown)
        # A heading matched before keeps the choice made then, "not imported" included.
        short_key = normalise_heading(text) if text else ""
        guess: str | None
        if key in saved:
            guess = saved[key]
        elif short_key in saved:
            guess = saved[short_key]
        else:
            guess = automatic_match(shown) or (automatic_match(text) if text else None)
        headings.append(
            Heading(index=index, text=shown, key=key, guess=guess or None, short=text or group)
        )
    if not headings:
        raise FileUnreadable("The file has no headings.")
    header_cells = [as_text(cell) for cell in grid[heading_row]]
    rows = []
    for number, cells in enumerate(grid[heading_row + 1 :], start=heading_row + 2):
        if _is_blank(cells) or [as_text(cell) for cell in cells] == header_cells:
            continue
        rows.append((number, cells))
    if len(rows) > MAX_ROWS:
        raise FileUnreadable(f"The file has more than {MAX_ROWS:,} rows: split it into parts.")
    # One guess per column of ours: a second heading guessed as the same column is left for
    # the person to choose.
    seen: set[str] = set()
    unique = []
    for heading in headings:
        if heading.guess in seen:
            heading = Heading(heading.index, heading.text, heading.key, None, heading.short)
        elif heading.guess:
            seen.add(heading.guess)
        unique.append(heading)
    return Table(headings=unique, rows=rows, sheet=sheet)

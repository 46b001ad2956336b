"""One worksheet read into a `RawSheet`: sheet matching, row 1's column names, the cells.

`match_sheets` pairs the workbook's sheets with the schema's (case and spaces ignored) and
warns of near misses. `scan_values` is the fast first pass (values only); `scan_cells` the
second pass over a sheet that may hold formulas or Excel errors, where saved values, error
cells and formulas never calculated are told apart. A sheet beyond Excel's size limits is
refused with one problem; every other problem names its sheet, row, column letter and column.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from planner.contract.errors import Problem
from planner.contract.schema import SHEETS, SheetSchema
from planner.read.raw_workbook import (
    ExcelDate,
    RawRow,
    RawSheet,
    as_text,
    canonical,
)
from planner.read.xlsx_container import (
    TOO_LARGE_HINT,
    guarded,
)

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
NO_SAVED_VALUE_MESSAGE = (
    "formula has no saved value: open the file in Excel, let it "
    "calculate and save it, or type the value"
)
CHECK_AGAIN = ("=", "#")  # first characters of a formula or an Excel error in the first pass


@dataclass
class Scan:
    """One sheet as read by one pass: its table (None if refused) and what was found."""

    sheet: RawSheet | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # (row, column) of cells that may be formulas or Excel errors (first pass only)
    check_again: set[tuple[int, int]] = field(default_factory=set)


def with_bad_numbers(
    scan: Scan, schema: SheetSchema, cells: list[tuple[str, int, str]] | None
) -> Scan:
    """The scan with each blanked number cell reported and marked unreadable in its row."""
    if not cells or scan.sheet is None:
        return scan
    columns = {letter: name for name, letter in scan.sheet.letters.items()}
    marked: dict[int, set[str]] = {}
    for letter, row, text in cells:
        column = columns.get(letter)
        if row == 1 or column is not None:
            scan.problems.append(
                Problem(
                    schema.name,
                    row,
                    letter,
                    column,
                    f"holds {text!r}, which is not a number; type a number",
                )
            )
        if column is not None:
            marked.setdefault(row, set()).add(column)
    rows = {r.row: r for r in scan.sheet.rows}
    for row, names in marked.items():
        old = rows.get(row, RawRow(row, {}))
        rows[row] = RawRow(row, old.values, old.unreadable | names)
    scan.sheet = replace(scan.sheet, rows=tuple(rows[r] for r in sorted(rows)))
    return scan


def match_sheets(
    sheets: list[Any], problems: list[Problem], warnings: list[Problem], charted: set[str]
) -> list[tuple[SheetSchema, Any]]:
    by_key: dict[str, list[Any]] = {}
    for sheet in sheets:
        by_key.setdefault(canonical(sheet.title), []).append(sheet)
    found: list[tuple[SheetSchema, Any]] = []
    for schema in SHEETS:
        matches = by_key.pop(canonical(schema.name), [])
        if len(matches) > 1:
            titles = ", ".join(repr(m.title) for m in matches)
            problems.append(
                Problem(
                    schema.name, None, None, None, f"several sheets match {schema.name}: {titles}"
                )
            )
        elif matches:
            found.append((schema, matches[0]))
        elif schema.required and schema.name not in charted:
            problems.append(Problem(schema.name, None, None, None, "required sheet is missing"))
    _warn_near_misses(by_key, {s.name for s, _ in found}, warnings)
    return found


def _warn_near_misses(
    unknown: dict[str, list[Any]], present: set[str], warnings: list[Problem]
) -> None:
    """An extra sheet is ignored; say so only when it looks like a misspelt input sheet."""
    absent = {canonical(s.name): s.name for s in SHEETS if s.name not in present}
    for key, sheets in unknown.items():
        close = difflib.get_close_matches(key, list(absent), n=1, cutoff=0.8)
        if close:
            warnings.append(
                Problem(
                    sheets[0].title,
                    None,
                    None,
                    None,
                    f"sheet is not an input sheet and is ignored; did you mean {absent[close[0]]}?",
                )
            )


def _refused(schema: SheetSchema, message: str) -> Scan:
    """A sheet too large to be a planning table: one problem, and no table."""
    return Scan(problems=[Problem(schema.name, None, None, None, message + TOO_LARGE_HINT)])


def _claimed_size(sheet: Any) -> str | None:
    """The sheet's `<dimension>` (read by openpyxl on opening) beyond Excel's limits."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > EXCEL_MAX_ROWS:
        return f"claims {rows:,} rows, more than Excel's {EXCEL_MAX_ROWS:,}"
    if columns > EXCEL_MAX_COLUMNS:
        return f"claims {columns:,} columns, more than Excel's {EXCEL_MAX_COLUMNS:,}"
    return None


def _header_row(sheet: Any, values_only: bool) -> tuple[Any, ...]:
    """Row 1, every cell up to the last one present (openpyxl bounds columns at ZZZ)."""
    sheet.reset_dimensions()  # read what is there, not what `<dimension>` claims
    rows = sheet.iter_rows(min_row=1, max_row=1, values_only=values_only)
    try:
        return next(guarded(rows, sheet.title), ())
    finally:
        rows.close()


def _beyond_columns(header: tuple[Any, ...], values_only: bool) -> str | None:
    for index in range(EXCEL_MAX_COLUMNS, len(header)):
        value = header[index] if values_only else header[index].value
        if value is not None:
            return (
                f"has a cell in column {get_column_letter(index + 1)}, beyond Excel's "
                f"{EXCEL_MAX_COLUMNS:,} columns"
            )
    return None


def _data_rows(sheet: Any, first: int, last: int, values_only: bool) -> Iterator[Any]:
    """Rows 2 on of columns first..last; openpyxl stops after Excel's last row + 1."""
    rows = sheet.iter_rows(
        min_row=2, max_row=EXCEL_MAX_ROWS + 1, min_col=first, max_col=last, values_only=values_only
    )
    return guarded(rows, sheet.title)


BEYOND_ROWS = f"has rows beyond row {EXCEL_MAX_ROWS:,}, Excel's last row"


def scan_values(sheet: Any, schema: SheetSchema, epoch: Any) -> Scan:
    """First pass (`data_only=False`, values only): the table, and the cells to check again.

    A formula reads here as its text (`=...`) and an Excel error as its code (`#N/A`), as does
    a text cell that starts with those characters: such a cell sends the sheet to the second
    pass. Nothing else needs the cell types, so no cell objects are made.
    """
    claimed = _claimed_size(sheet)
    if claimed:
        return _refused(schema, claimed)
    header = _header_row(sheet, values_only=True)
    beyond = _beyond_columns(header, values_only=True)
    if beyond:
        return _refused(schema, beyond)
    scan = Scan()
    check_again = scan.check_again
    cells: list[tuple[int, Any]] = []
    for index, value in enumerate(header, start=1):
        value = _clean(value, epoch)
        if value is not None:
            cells.append((index, value))
            if _may_be_formula_or_error(value):
                check_again.add((1, index))
    positions = _header(cells, schema, scan.problems, scan.warnings)
    # a column whose name is a formula may turn out to be known: watch it too
    watched = {**{column: "" for _, column in check_again}, **positions}
    first, last = (min(watched), max(watched)) if watched else (1, 1)
    pairs = [(index - first, name) for index, name in sorted(watched.items())]
    data: list[RawRow] = []
    number = 1
    for number, row in enumerate(_data_rows(sheet, first, last, True), start=2):
        values: dict[str, Any] = {}
        for offset, name in pairs:
            value = row[offset]
            if value is None:
                continue
            kind = value.__class__
            if kind is str:
                value = value.strip()
                if not value:
                    continue
                if value[0] in CHECK_AGAIN:
                    check_again.add((number, first + offset))
            elif kind is not float and kind is not int and kind is not bool:
                value = _clean(value, epoch)  # a date read from a number, or a formula object
                if not isinstance(value, float):
                    check_again.add((number, first + offset))
            values[name] = value
        if values:
            data.append(RawRow(number, values))
    return _finish(scan, schema, sheet.title, positions, data, number)


def scan_cells(sheet: Any, schema: SheetSchema, formulas: set[tuple[int, int]], epoch: Any) -> Scan:
    """Second pass (`data_only=True`, cell objects): saved values, errors, no saved value.

    `formulas` holds every cell the first pass saw as possibly a formula; one that is empty
    here was never calculated, unless its type says its saved value is the empty text.
    """
    header = _header_row(sheet, values_only=False)
    beyond = _beyond_columns(header, values_only=False)
    if beyond:
        return _refused(schema, beyond)
    scan = Scan()
    cells = []
    for index, cell in enumerate(header, start=1):
        message = _header_cell_problem(cell, (1, index) in formulas)
        if message:
            scan.problems.append(Problem(schema.name, 1, get_column_letter(index), None, message))
        elif (value := _clean(cell.value, epoch)) is not None:
            cells.append((index, value))
    positions = _header(cells, schema, scan.problems, scan.warnings)
    first, last = (min(positions), max(positions)) if positions else (1, 1)
    pairs = [(index - first, index, name) for index, name in sorted(positions.items())]
    data: list[RawRow] = []
    number = 1
    for number, row in enumerate(_data_rows(sheet, first, last, False), start=2):
        values: dict[str, Any] = {}
        unreadable: set[str] = set()
        for offset, index, name in pairs:
            cell = row[offset]
            value = cell.value
            if cell.data_type == "e":
                message = f"holds the Excel error {value}; correct the formula or type the value"
            elif value is None and (number, index) in formulas and cell.data_type != "str":
                message = NO_SAVED_VALUE_MESSAGE
            else:
                value = _clean(value, epoch)
                if value is not None:
                    values[name] = value
                continue
            unreadable.add(name)
            scan.problems.append(
                Problem(schema.name, number, get_column_letter(index), name, message)
            )
        if unreadable:
            data.append(RawRow(number, values, frozenset(unreadable)))
        elif values:
            data.append(RawRow(number, values))
    return _finish(scan, schema, sheet.title, positions, data, number)


def _header_cell_problem(cell: Any, formula: bool) -> str | None:
    """Why a row-1 cell names no column although it is not empty: its column would be lost."""
    if cell.data_type == "e":
        return (
            f"the column name holds the Excel error {cell.value}; type the column name "
            "(its column is not read)"
        )
    if formula and cell.value is None:
        return "the column name is a " + NO_SAVED_VALUE_MESSAGE + " (its column is not read)"
    return None


def _finish(
    scan: Scan,
    schema: SheetSchema,
    title: str,
    positions: dict[int, str],
    data: list[RawRow],
    last_row: int,
) -> Scan:
    """The scanned sheet, or a refusal when it ran past Excel's last row."""
    if last_row > EXCEL_MAX_ROWS:
        return _refused(schema, BEYOND_ROWS)
    letters = {name: get_column_letter(index) for index, name in positions.items()}
    scan.sheet = RawSheet(schema.name, title, letters, tuple(data))
    return scan


def _clean(value: Any, epoch: Any) -> Any:
    """Text stripped (empty text is an empty cell); a date or time back to Excel's number.

    openpyxl turns a number formatted as a date into a `datetime`; the planner reads numbers,
    so the serial number that Excel stored is given back (a year typed in a date-formatted
    cell still reads as that year).
    """
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (date, time, timedelta)):
        return ExcelDate(float(to_excel(value, epoch)), _shown(value))
    return value


def _shown(value: date | time | timedelta) -> str:
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, datetime):
        return value.isoformat(" ")
    return str(value) if isinstance(value, timedelta) else value.isoformat()


def _may_be_formula_or_error(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith(CHECK_AGAIN)
    return not isinstance(value, (int, float))  # ArrayFormula, DataTableFormula


def _header(
    cells: Iterable[tuple[int, Any]],
    schema: SheetSchema,
    problems: list[Problem],
    warnings: list[Problem],
) -> dict[int, str]:
    """Column index -> schema column name, from the non-empty cells of row 1."""
    known = {canonical(c): c for c in schema.column_names}
    positions: dict[int, str] = {}
    for index, value in cells:
        letter = get_column_letter(index)
        if not isinstance(value, str):
            problems.append(
                Problem(
                    schema.name,
                    1,
                    letter,
                    None,
                    f"a column name must be text, got {as_text(value)} (its column is not read)",
                )
            )
            continue
        title = as_text(value)
        column = known.get(canonical(title))
        if column is None:
            warnings.append(
                Problem(
                    schema.name,
                    1,
                    letter,
                    title,
                    "unknown column, ignored" + _suggest(title, known),
                )
            )
        elif column in positions.values():
            first = next(get_column_letter(i) for i, c in positions.items() if c == column)
            problems.append(
                Problem(schema.name, 1, letter, column, f"column appears twice (also in {first})")
            )
        else:
            positions[index] = column
    for spec in schema.columns:
        if spec.required and spec.name not in positions.values():
            problems.append(
                Problem(schema.name, None, None, spec.name, "required column is missing from row 1")
            )
    return positions


def _suggest(title: str, known: dict[str, str]) -> str:
    close = difflib.get_close_matches(canonical(title), list(known), n=1, cutoff=0.75)
    return f" (did you mean {known[close[0]]}?)" if close else ""

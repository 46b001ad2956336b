"""Read an input workbook into raw tables that remember where every value came from.

docs/contract.md §1 rules: sheet and column names match case-insensitively and ignoring surrounding
spaces; row 1 holds the names; fully empty rows are skipped; extra columns on known sheets
are warned about; a formula is read by its saved value and a formula with no saved value is
an error naming the cell; a cell holding an Excel error (#N/A, #DIV/0!, ...) is an error.
Nothing here knows about types beyond cleaning cells: typing and checks happen in
`planner.read.tables` and `planner.read.validate`.

Parsing is openpyxl's (read-only mode). With defusedxml installed, openpyxl refuses entity
declarations and external references in every XML part, so a hostile workbook cannot expand
entities or reach the network or the disk. Each sheet is read once with `data_only=False`,
values only and only the columns the schema knows. A sheet where that pass meets a possible
formula or Excel error (a text starting with `=` or `#`) is read again, cell by cell, with
`data_only=True`: there the saved values and the cell types (error or not) are known, and the
first pass tells which empty cells are formulas never calculated.

A file that is not a workbook at all raises `InputError` at once; problems inside a
workbook (a missing sheet or column, a formula never calculated) are returned with the
tables, so that one report can list them together with every other problem. The container
checks live in `planner.read.xlsx_container`, the reading of one sheet in `planner.read.xlsx_scan`
and the raw tables in `planner.read.raw_workbook`; this module runs the passes.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import IO, Any

from planner.contract.errors import InputError, Problem
from planner.contract.schema import SHEETS, SHEETS_BY_NAME, SheetSchema
from planner.read.raw_workbook import (
    RawSheet,
    RawWorkbook,
    canonical,
    handle_sha256,
)
from planner.read.xlsx_container import (
    BadNumbers,
    LibraryError,
    Unreadable,
    chart_sheets,
    check_container,
    describe_failure,
    open_book,
    without_bad_numbers,
)
from planner.read.xlsx_scan import (
    Scan,
    match_sheets,
    scan_cells,
    scan_values,
    with_bad_numbers,
)


def read_workbook(path: Path) -> RawWorkbook:
    """Every sheet the schema knows, with the structural problems and warnings found."""
    try:
        check_container(path)
        with path.open("rb") as handle:
            try:
                return _read(path, handle)
            except _BadNumbers:
                cleaned, bad = without_bad_numbers(handle)
                return _read(path, cleaned, bad, handle_sha256(handle))
    except Unreadable as exc:
        raise InputError([_file_problem(f"{path}: {exc}")]) from None
    except OSError as exc:
        raise InputError(
            [_file_problem(f"{path}: cannot be read ({exc.strerror or exc})")]
        ) from None


def _file_problem(message: str) -> Problem:
    return Problem("", None, None, None, message)


def _read(
    path: Path, handle: IO[bytes], bad: BadNumbers | None = None, sha256: str = ""
) -> RawWorkbook:
    """The workbook on `handle`; `bad` lists number cells blanked in it (their text unreadable)."""
    problems: list[Problem] = []
    warned: list[Problem] = []
    scans: dict[str, Scan] = {}
    titles: dict[str, str] = {}
    charts = _chart_problems(chart_sheets(handle))
    try:
        with warnings.catch_warnings():  # unsupported extensions, default styles, ...
            warnings.filterwarnings("ignore", module=r"openpyxl\.")
            try:
                book = open_book(handle, data_only=False)
            except LibraryError:
                if charts:  # openpyxl fails on some chart sheets: say what is wrong
                    raise InputError(charts) from None
                raise
            problems += charts
            charted = {p.sheet for p in charts}
            try:
                for schema, sheet in match_sheets(book.worksheets, problems, warned, charted):
                    titles[schema.name] = sheet.title
                    scan = _scan_guarded(sheet, schema, book.epoch, retry=bad is None)
                    part = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
                    scans[schema.name] = with_bad_numbers(scan, schema, (bad or {}).get(part))
            finally:
                book.close()
            again = {
                name: scan.check_again
                for name, scan in scans.items()
                if scan.check_again and scan.sheet is not None
            }
            if again:
                book = open_book(handle, data_only=True)
                try:
                    for name, cells in again.items():
                        scans[name] = scan_cells(
                            book[titles[name]], SHEETS_BY_NAME[name], cells, book.epoch
                        )
                finally:
                    book.close()
    except LibraryError as failure:
        raise Unreadable(describe_failure(failure, handle)) from None
    sheets: dict[str, RawSheet] = {}
    for name, scan in scans.items():
        problems += scan.problems
        warned += scan.warnings
        if scan.sheet is not None:
            sheets[name] = scan.sheet
    sha256 = sha256 or handle_sha256(handle)
    return RawWorkbook(path, sha256, sheets, tuple(warned), tuple(problems))


def _chart_problems(titles: list[str]) -> list[Problem]:
    return [
        Problem(
            SHEETS_BY_NAME[name].name,
            None,
            None,
            None,
            f"sheet {title!r} is a chart sheet, not a table: put the "
            f"{SHEETS_BY_NAME[name].name} rows on a worksheet of that name",
        )
        for title in titles
        if (name := _schema_name(title)) is not None
    ]


def _schema_name(title: str) -> str | None:
    return next((s.name for s in SHEETS if canonical(s.name) == canonical(title)), None)


class _BadNumbers(Exception):
    """A number cell holds text openpyxl cannot read (`<v>NaN</v>`): read a cleaned copy."""


def _scan_guarded(sheet: Any, schema: SheetSchema, epoch: Any, retry: bool) -> Scan:
    try:
        return scan_values(sheet, schema, epoch)
    except LibraryError as failure:
        if retry and isinstance(failure.error, ValueError):
            raise _BadNumbers() from None
        raise

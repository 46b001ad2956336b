"""Read an input workbook into raw tables that remember where every value came from.

SPEC §1 rules: sheet and column names match case-insensitively and ignoring surrounding
spaces; row 1 holds the names; fully empty rows are skipped; a formula is read by its saved
value and a formula with no saved value is an error naming the cell. Nothing here knows about
types beyond cleaning cells: typing and checks happen in `planner.tables` and `planner.validate`.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from planner.errors import InputError, Problem
from planner.schema import SHEETS

MAX_UNCOMPRESSED_BYTES = 1 << 30  # a real planning case is a few MB; more is a zip bomb
MAX_DATA_ROWS = 1_048_575  # Excel's own limit below the header row
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx or legacy .xls


@dataclass(frozen=True)
class RawRow:
    row: int  # Excel row number
    values: dict[str, Any]  # canonical column name -> cleaned cell value (None = empty)


@dataclass(frozen=True)
class RawSheet:
    name: str  # canonical (schema) name
    title: str  # as spelled in the workbook
    letters: dict[str, str]  # canonical column name -> column letter
    rows: tuple[RawRow, ...]


@dataclass(frozen=True)
class RawWorkbook:
    path: Path
    sha256: str
    sheets: dict[str, RawSheet]
    warnings: tuple[Problem, ...] = field(default=())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_workbook(path: Path) -> RawWorkbook:
    """Read every sheet the schema knows; raise `InputError` with every structural problem."""
    _check_container(path)
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError([_file_problem(f"cannot be read as an Excel workbook ({exc})")]) from None
    problems: list[Problem] = []
    warnings: list[Problem] = []
    sheets: dict[str, RawSheet] = {}
    formula_cells: dict[str, list[tuple[str, int, str]]] = {}
    try:
        titles = _match_sheet_titles(book.sheetnames, problems)
        for name, title in titles.items():
            sheet, formulas = _read_sheet(book[title], name, title, problems, warnings)
            sheets[name] = sheet
            if formulas:
                formula_cells[name] = formulas
    finally:
        book.close()
    if formula_cells:
        sheets = _fill_formula_values(path, sheets, titles, formula_cells, problems)
    if problems:
        raise InputError(problems)
    return RawWorkbook(path, file_sha256(path), sheets, tuple(warnings))


def _file_problem(message: str) -> Problem:
    return Problem("", None, None, None, message)


def _check_container(path: Path) -> None:
    if not path.exists():
        raise InputError([_file_problem(f"{path}: no such file")])
    if path.is_dir():
        raise InputError([_file_problem(f"{path}: is a folder, not a workbook")])
    if path.stat().st_size == 0:
        raise InputError([_file_problem(f"{path}: the file is empty (0 bytes)")])
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_SIGNATURE:
        raise InputError([_file_problem(
            f"{path}: password-protected workbook or legacy .xls; save it as an unprotected "
            ".xlsx")])
    if not zipfile.is_zipfile(path):
        raise InputError([_file_problem(
            f"{path}: not an .xlsx workbook (is it a CSV or another file renamed?)")])
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if archive.testzip() is not None:
                raise zipfile.BadZipFile("a member fails its checksum")
    except zipfile.BadZipFile as exc:
        raise InputError([_file_problem(f"{path}: corrupted workbook ({exc})")]) from None
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError([_file_problem(
            f"{path}: unpacks to {total / 1e9:.1f} GB, more than the "
            f"{MAX_UNCOMPRESSED_BYTES / 1e9:.0f} GB a planning case can hold")])


def canonical(text: object) -> str:
    return str(text).strip().lower()


def _match_sheet_titles(titles: list[str], problems: list[Problem]) -> dict[str, str]:
    by_key: dict[str, list[str]] = {}
    for title in titles:
        by_key.setdefault(canonical(title), []).append(title)
    found: dict[str, str] = {}
    for schema in SHEETS:
        matches = by_key.get(canonical(schema.name), [])
        if len(matches) > 1:
            problems.append(Problem(schema.name, None, None, None,
                                    f"several sheets match {schema.name}: {matches}"))
        elif matches:
            found[schema.name] = matches[0]
        elif schema.required:
            problems.append(Problem(schema.name, None, None, None, "required sheet is missing"))
    return found


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _read_sheet(
    worksheet: Any, name: str, title: str, problems: list[Problem], warnings: list[Problem]
) -> tuple[RawSheet, list[tuple[str, int, str]]]:
    schema = next(s for s in SHEETS if s.name == name)
    known = {canonical(c): c for c in schema.column_names}
    claimed_rows = worksheet.max_row or 0
    if claimed_rows > MAX_DATA_ROWS + 1:
        problems.append(Problem(name, None, None, None,
                                f"claims {claimed_rows:,} rows, more than Excel allows"))
        return RawSheet(name, title, {}, ()), []
    rows_iter = worksheet.iter_rows()
    header = next(rows_iter, ())
    positions: dict[int, str] = {}
    letters: dict[str, str] = {}
    for cell in header:
        if cell.value is None or str(cell.value).strip() == "":
            continue
        index = cell.column
        letter = get_column_letter(index)
        key = canonical(cell.value)
        column = known.get(key)
        if column is None:
            warnings.append(Problem(name, 1, letter, str(cell.value).strip(),
                                    "unknown column, ignored"))
        elif column in letters:
            problems.append(Problem(name, 1, letter, column,
                                    f"column appears twice (also in {letters[column]})"))
        else:
            positions[index] = column
            letters[column] = letter
    for spec in schema.columns:
        if spec.required and spec.name not in letters:
            problems.append(Problem(name, 1, None, spec.name, "required column is missing"))
    rows: list[RawRow] = []
    formulas: list[tuple[str, int, str]] = []
    for excel_row in rows_iter:
        values: dict[str, Any] = {}
        row_number = 0
        for cell in excel_row:
            column = positions.get(getattr(cell, "column", 0) or 0)
            if column is None:
                continue
            row_number = cell.row
            if cell.data_type == "f":
                formulas.append((column, cell.row, letters[column]))
                values[column] = None
                continue
            values[column] = _clean(cell.value)
        if any(v is not None for v in values.values()) or _has_formula(formulas, row_number):
            rows.append(RawRow(row_number, values))
        if len(rows) > MAX_DATA_ROWS:
            problems.append(Problem(name, None, None, None, "more rows than Excel allows"))
            break
    return RawSheet(name, title, letters, tuple(rows)), formulas


def _has_formula(formulas: list[tuple[str, int, str]], row_number: int) -> bool:
    return bool(formulas) and formulas[-1][1] == row_number


def _fill_formula_values(
    path: Path,
    sheets: dict[str, RawSheet],
    titles: dict[str, str],
    formula_cells: dict[str, list[tuple[str, int, str]]],
    problems: list[Problem],
) -> dict[str, RawSheet]:
    """Second pass with saved values, only for sheets that hold formulas."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        filled = dict(sheets)
        for name, cells in formula_cells.items():
            worksheet = book[titles[name]]
            wanted = {(row, letter): column for column, row, letter in cells}
            saved: dict[tuple[int, str], Any] = {}
            max_row = max(row for row, _ in wanted)
            for excel_row in worksheet.iter_rows(min_row=2, max_row=max_row):
                for cell in excel_row:
                    if not hasattr(cell, "column"):
                        continue
                    key = (cell.row, get_column_letter(cell.column))
                    if key in wanted:
                        saved[key] = _clean(cell.value)
            rows = []
            for raw in sheets[name].rows:
                values = dict(raw.values)
                for (row, letter), column in wanted.items():
                    if row != raw.row:
                        continue
                    value = saved.get((row, letter))
                    if value is None:
                        problems.append(Problem(
                            name, row, letter, column,
                            "formula has no saved value: open the file in Excel, let it "
                            "calculate and save it, or type the value"))
                    values[column] = value
                rows.append(RawRow(raw.row, values))
            filled[name] = RawSheet(name, sheets[name].title, sheets[name].letters, tuple(rows))
    finally:
        book.close()
    return filled

"""Read an input workbook into raw tables that remember where every value came from.

SPEC §1 rules: sheet and column names match case-insensitively and ignoring surrounding
spaces; row 1 holds the names; fully empty rows are skipped; extra columns on known sheets
are warned about; a formula is read by its saved value and a formula with no saved value is
an error naming the cell. Nothing here knows about types beyond cleaning cells: typing and
checks happen in `planner.tables` and `planner.validate`.

A file that is not a workbook at all raises `InputError` at once; problems inside a
workbook (a missing sheet or column, a formula never calculated) are returned with the
tables, so that one report can list them together with every other problem.
"""

from __future__ import annotations

import difflib
import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from planner.errors import InputError, Problem
from planner.io.xlsx_reader import (
    NO_SAVED_VALUE,
    VALUE,
    Row,
    SheetRef,
    TooLargeError,
    XlsxBook,
    XlsxError,
    column_letter,
)
from planner.schema import SHEETS, SheetSchema

MAX_UNCOMPRESSED_BYTES = 1 << 30  # a real planning case is a few MB; more is a zip bomb
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx or legacy .xls
ZIP_SIGNATURE = b"PK\x03\x04"
NO_SAVED_VALUE_MESSAGE = ("formula has no saved value: open the file in Excel, let it "
                          "calculate and save it, or type the value")


class RawRow(NamedTuple):  # a tuple: one is made for every row of every sheet
    row: int  # Excel row number
    values: dict[str, Any]  # canonical column name -> cleaned cell value (absent = empty)
    unreadable: frozenset[str] = frozenset()  # columns whose cell was reported as a problem


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
    problems: tuple[Problem, ...] = field(default=())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def canonical(text: object) -> str:
    return as_text(text).lower()


def as_text(value: object) -> str:
    """IDs and names are text: 12 read as a number is `12`, not `12.0`; `007` stays."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def read_workbook(path: Path) -> RawWorkbook:
    """Every sheet the schema knows, with the structural problems and warnings found."""
    try:
        _check_container(path)
        return _read(path)
    except XlsxError as exc:
        raise InputError([_file_problem(f"{path}: {exc}")]) from None
    except OSError as exc:
        raise InputError([_file_problem(f"{path}: cannot be read ({exc.strerror or exc})")]
                         ) from None


def _read(path: Path) -> RawWorkbook:
    problems: list[Problem] = []
    warnings: list[Problem] = []
    sheets: dict[str, RawSheet] = {}
    with XlsxBook(path) as book:
        refs = _match_sheets(book.sheets, problems, warnings)
        for schema, ref in refs:
            try:
                sheets[schema.name] = _read_sheet(book, ref, schema, problems, warnings)
            except TooLargeError as exc:
                problems.append(Problem(schema.name, None, None, None,
                                        f"{exc}; refused (is something filled down to the "
                                        "bottom of the sheet?)"))
    return RawWorkbook(path, file_sha256(path), sheets, tuple(warnings), tuple(problems))


def _file_problem(message: str) -> Problem:
    return Problem("", None, None, None, message)


def _check_container(path: Path) -> None:
    if not path.exists():
        raise XlsxError("no such file")
    if path.is_dir():
        raise XlsxError("is a folder, not a workbook")
    if path.stat().st_size == 0:
        raise XlsxError("the file is empty (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_SIGNATURE:
        raise XlsxError("a password-protected workbook or a legacy .xls file; save it as an "
                        ".xlsx workbook without a password")
    if not zipfile.is_zipfile(path):
        if head.startswith(ZIP_SIGNATURE):
            raise XlsxError("corrupted workbook (the zip container is damaged or truncated)")
        raise XlsxError("not an .xlsx workbook (is it a CSV or another file renamed?)")
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise XlsxError(f"corrupted workbook ({exc})") from None
    if total > MAX_UNCOMPRESSED_BYTES:
        raise XlsxError(f"unpacks to {total / 1e9:.1f} GB, more than the "
                        f"{MAX_UNCOMPRESSED_BYTES / 1e9:.0f} GB a planning case can hold; "
                        "refused")


def _match_sheets(
    refs: list[SheetRef], problems: list[Problem], warnings: list[Problem]
) -> list[tuple[SheetSchema, SheetRef]]:
    by_key: dict[str, list[SheetRef]] = {}
    for ref in refs:
        by_key.setdefault(canonical(ref.title), []).append(ref)
    found: list[tuple[SheetSchema, SheetRef]] = []
    for schema in SHEETS:
        matches = by_key.pop(canonical(schema.name), [])
        if len(matches) > 1:
            titles = ", ".join(repr(m.title) for m in matches)
            problems.append(Problem(schema.name, None, None, None,
                                    f"several sheets match {schema.name}: {titles}"))
        elif matches:
            found.append((schema, matches[0]))
        elif schema.required:
            problems.append(Problem(schema.name, None, None, None, "required sheet is missing"))
    _warn_near_misses(by_key, {s.name for s, _ in found}, warnings)
    return found


def _warn_near_misses(
    unknown: dict[str, list[SheetRef]], present: set[str], warnings: list[Problem]
) -> None:
    """An extra sheet is ignored; say so only when it looks like a misspelt input sheet."""
    absent = {canonical(s.name): s.name for s in SHEETS if s.name not in present}
    for key, refs in unknown.items():
        close = difflib.get_close_matches(key, list(absent), n=1, cutoff=0.8)
        if close:
            warnings.append(Problem(refs[0].title, None, None, None,
                                    f"sheet is not an input sheet and is ignored; did you "
                                    f"mean {absent[close[0]]}?"))


def _read_sheet(
    book: XlsxBook, ref: SheetRef, schema: SheetSchema, problems: list[Problem],
    warnings: list[Problem],
) -> RawSheet:
    rows = book.rows(ref)
    first = next(rows, None)
    header = first[1] if first is not None and first[0] == 1 else []
    positions = _header(header, schema, problems, warnings)
    letters = {name: column_letter(index) for index, name in positions.items()}
    data: list[RawRow] = []
    if first is not None and first[0] != 1:
        _add_row(data, first, positions, schema.name, problems)
    for row in rows:
        _add_row(data, row, positions, schema.name, problems)
    return RawSheet(schema.name, ref.title, letters, tuple(data))


def _header(
    cells: list[Any], schema: SheetSchema, problems: list[Problem], warnings: list[Problem]
) -> dict[int, str]:
    """Column index -> schema column name, from row 1."""
    known = {canonical(c): c for c in schema.column_names}
    positions: dict[int, str] = {}
    for index, value, state in cells:
        if value is None or state != VALUE or not str(value).strip():
            continue
        letter = column_letter(index)
        title = as_text(value)
        column = known.get(canonical(title))
        if column is None:
            warnings.append(Problem(schema.name, 1, letter, title,
                                    "unknown column, ignored" + _suggest(title, known)))
        elif column in positions.values():
            first = next(column_letter(i) for i, c in positions.items() if c == column)
            problems.append(Problem(schema.name, 1, letter, column,
                                    f"column appears twice (also in {first})"))
        else:
            positions[index] = column
    for spec in schema.columns:
        if spec.required and spec.name not in positions.values():
            problems.append(Problem(schema.name, None, None, spec.name,
                                    "required column is missing from row 1"))
    return positions


def _suggest(title: str, known: dict[str, str]) -> str:
    close = difflib.get_close_matches(canonical(title), list(known), n=1, cutoff=0.75)
    return f" (did you mean {known[close[0]]}?)" if close else ""


def _add_row(
    data: list[RawRow], row: Row, positions: dict[int, str], sheet: str,
    problems: list[Problem],
) -> None:
    number, cells = row
    values: dict[str, Any] = {}
    unreadable: set[str] | None = None
    for index, value, state in cells:
        column = positions.get(index)
        if column is None:
            continue
        if state == VALUE:
            if value.__class__ is not str or (value := value.strip()):
                values[column] = value
            continue
        unreadable = (unreadable or set()) | {column}
        message = (NO_SAVED_VALUE_MESSAGE if state == NO_SAVED_VALUE else
                   f"holds the Excel error {value}; correct the formula or type the value")
        problems.append(Problem(sheet, number, column_letter(index), column, message))
    if unreadable:
        data.append(RawRow(number, values, frozenset(unreadable)))
    elif values:
        data.append(RawRow(number, values))

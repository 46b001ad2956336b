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
tables, so that one report can list them together with every other problem.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any, NamedTuple

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from planner.contract.errors import InputError, Problem
from planner.contract.schema import SHEETS, SHEETS_BY_NAME, SheetSchema

MAX_UNCOMPRESSED_BYTES = 1 << 30  # a real planning case is a few MB; more is a zip bomb
MAX_SHARED_STRINGS = 1_000_000  # distinct texts: ids, names, codes; a real case has far fewer
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx or legacy .xls
ZIP_SIGNATURE = b"PK\x03\x04"
NO_SAVED_VALUE_MESSAGE = (
    "formula has no saved value: open the file in Excel, let it "
    "calculate and save it, or type the value"
)
TOO_LARGE_HINT = "; refused (is something filled down to the bottom of the sheet?)"
CHECK_AGAIN = ("=", "#")  # first characters of a formula or an Excel error in the first pass


class ExcelDate(float):
    """A number Excel shows as a date: its serial day number, remembering the date shown."""

    shown: str

    def __new__(cls, serial: float, shown: str) -> ExcelDate:
        self = super().__new__(cls, serial)
        self.shown = shown
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (ExcelDate, (float(self), self.shown))


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
    with path.open("rb") as handle:
        return _sha256(handle)


def _sha256(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
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


class _Unreadable(Exception):
    """The file is not a readable .xlsx workbook; the message says why, for an analyst."""


class _LibraryError(Exception):
    """openpyxl (or the zip or XML layer under it) failed; `where` names the sheet if known."""

    def __init__(self, where: str, error: Exception) -> None:
        super().__init__(where, error)
        self.where = where
        self.error = error


def read_workbook(path: Path) -> RawWorkbook:
    """Every sheet the schema knows, with the structural problems and warnings found."""
    try:
        _check_container(path)
        with path.open("rb") as handle:
            try:
                return _read(path, handle)
            except _BadNumbers:
                cleaned, bad = _without_bad_numbers(handle)
                return _read(path, cleaned, bad, _sha256(handle))
    except _Unreadable as exc:
        raise InputError([_file_problem(f"{path}: {exc}")]) from None
    except OSError as exc:
        raise InputError(
            [_file_problem(f"{path}: cannot be read ({exc.strerror or exc})")]
        ) from None


def _file_problem(message: str) -> Problem:
    return Problem("", None, None, None, message)


def _check_container(path: Path) -> None:
    if not path.exists():
        raise _Unreadable("no such file")
    if path.is_dir():
        raise _Unreadable("is a folder, not a workbook")
    if path.stat().st_size == 0:
        raise _Unreadable("the file is empty (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_SIGNATURE:
        raise _Unreadable(
            "a password-protected workbook or a legacy .xls file; save it as an "
            ".xlsx workbook without a password"
        )
    if not zipfile.is_zipfile(path):
        if head.startswith(ZIP_SIGNATURE):
            raise _Unreadable("corrupted workbook (the zip container is damaged or truncated)")
        raise _Unreadable("not an .xlsx workbook (is it a CSV or another file renamed?)")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _Unreadable(f"corrupted workbook ({exc})") from None
    names = {info.filename.lower() for info in infos}
    if "xl/workbook.bin" in names:
        raise _Unreadable("a binary workbook (.xlsb); save it as .xlsx")
    if "[content_types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
        raise _Unreadable(
            "not an Excel workbook (no workbook part; is it another Office file renamed?)"
        )
    _check_shared_strings(path, infos)
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _Unreadable(
            f"unpacks to {total / 1e9:.1f} GB, more than the "
            f"{MAX_UNCOMPRESSED_BYTES / 1e9:.0f} GB a planning case can hold; "
            "refused"
        )


SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")


def _check_shared_strings(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a shared-strings table no planning case needs, before openpyxl loads it whole.

    openpyxl holds every shared string in memory whatever the sheets use; the entries are
    counted while streaming the part, so a bloated table is refused in about a second.
    """
    part = next((i for i in infos if i.filename.lower().endswith("sharedstrings.xml")), None)
    if part is None:
        return
    count, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as member:
        while chunk := member.read(1 << 20):
            text = tail + chunk
            cut = max(0, len(text) - 16)  # an entry's tag may straddle two chunks
            count += len(SHARED_STRING.findall(text, 0, cut))
            tail = text[cut:]
            if count > MAX_SHARED_STRINGS:
                raise _Unreadable(
                    f"{part.filename} holds more than {MAX_SHARED_STRINGS:,} shared strings, "
                    "far more than a planning case needs" + TOO_LARGE_HINT
                )


def _chart_sheets(handle: IO[bytes]) -> list[str]:
    """Titles of the workbook's chart sheets (which hold a chart, not rows)."""
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            names = {n.lower(): n for n in archive.namelist()}
            book = archive.read(names["xl/workbook.xml"]).decode("utf-8", "replace")
            rels = archive.read(names["xl/_rels/workbook.xml.rels"]).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    charts = {
        m.group(1)
        for m in re.finditer(r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?/chartsheet"', rels)
    }
    charts |= {
        m.group(1)
        for m in re.finditer(r'<Relationship\b[^>]*?/chartsheet"[^>]*?Id="([^"]+)"', rels)
    }
    titles = []
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", book):
        tag = sheet.group(0)
        name, rid = re.search(r'\bname="([^"]*)"', tag), re.search(r'\br:id="([^"]*)"', tag)
        if name and rid and rid.group(1) in charts:
            titles.append(html.unescape(name.group(1)))
    return titles


@dataclass
class _Scan:
    """One sheet as read by one pass: its table (None if refused) and what was found."""

    sheet: RawSheet | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # (row, column) of cells that may be formulas or Excel errors (first pass only)
    check_again: set[tuple[int, int]] = field(default_factory=set)


BadNumbers = dict[str, list[tuple[str, int, str]]]  # sheet part -> (letter, row, stored text)


def _read(
    path: Path, handle: IO[bytes], bad: BadNumbers | None = None, sha256: str = ""
) -> RawWorkbook:
    """The workbook on `handle`; `bad` lists number cells blanked in it (their text unreadable)."""
    problems: list[Problem] = []
    warned: list[Problem] = []
    scans: dict[str, _Scan] = {}
    titles: dict[str, str] = {}
    charts = _chart_problems(_chart_sheets(handle))
    try:
        with warnings.catch_warnings():  # unsupported extensions, default styles, ...
            warnings.filterwarnings("ignore", module=r"openpyxl\.")
            try:
                book = _open(handle, data_only=False)
            except _LibraryError:
                if charts:  # openpyxl fails on some chart sheets: say what is wrong
                    raise InputError(charts) from None
                raise
            problems += charts
            charted = {p.sheet for p in charts}
            try:
                for schema, sheet in _match_sheets(book.worksheets, problems, warned, charted):
                    titles[schema.name] = sheet.title
                    scan = _scan_guarded(sheet, schema, book.epoch, retry=bad is None)
                    part = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
                    scans[schema.name] = _with_bad_numbers(scan, schema, (bad or {}).get(part))
            finally:
                book.close()
            again = {
                name: scan.check_again
                for name, scan in scans.items()
                if scan.check_again and scan.sheet is not None
            }
            if again:
                book = _open(handle, data_only=True)
                try:
                    for name, cells in again.items():
                        scans[name] = _scan_cells(
                            book[titles[name]], SHEETS_BY_NAME[name], cells, book.epoch
                        )
                finally:
                    book.close()
    except _LibraryError as failure:
        raise _Unreadable(_describe(failure, handle)) from None
    sheets: dict[str, RawSheet] = {}
    for name, scan in scans.items():
        problems += scan.problems
        warned += scan.warnings
        if scan.sheet is not None:
            sheets[name] = scan.sheet
    sha256 = sha256 or _sha256(handle)
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


def _scan_guarded(sheet: Any, schema: SheetSchema, epoch: Any, retry: bool) -> _Scan:
    try:
        return _scan_values(sheet, schema, epoch)
    except _LibraryError as failure:
        if retry and isinstance(failure.error, ValueError):
            raise _BadNumbers() from None
        raise


# A number cell (no `t`, or t="n") and its stored text, never reaching into the next cell.
NUMBER_CELL = re.compile(
    rb'<(?:\w+:)?c\b(?=[^>]*\br="([A-Z]+)(\d+)")(?![^>]*\bt="(?!n")[^"]*")[^>]*(?<!/)>'
    rb"(?:(?!</(?:\w+:)?c>|<(?:\w+:)?c\b).)*?(<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>)",
    re.S,
)


def _without_bad_numbers(handle: IO[bytes]) -> tuple[IO[bytes], BadNumbers]:
    """A copy of the workbook with every unreadable number cell emptied, and those cells."""
    handle.seek(0)
    copy = io.BytesIO()
    bad: BadNumbers = {}
    with zipfile.ZipFile(handle) as source, zipfile.ZipFile(copy, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.lower().startswith("xl/worksheets/"):
                data, cells = _blank_bad_numbers(data)
                if cells:
                    bad[info.filename] = cells
            target.writestr(info, data)
    copy.seek(0)
    return copy, bad


def _blank_bad_numbers(xml: bytes) -> tuple[bytes, list[tuple[str, int, str]]]:
    cells: list[tuple[str, int, str]] = []
    pieces: list[bytes] = []
    last = 0
    for match in NUMBER_CELL.finditer(xml):
        text = match.group(4).decode("utf-8", "replace")
        try:
            float(text) if any(c in text for c in ".eE") else int(text)  # openpyxl's reading
        except ValueError:
            cells.append((match.group(1).decode(), int(match.group(2)), text))
            pieces.append(xml[last : match.start(3)])
            last = match.end(3)
    pieces.append(xml[last:])
    return b"".join(pieces), cells


def _with_bad_numbers(
    scan: _Scan, schema: SheetSchema, cells: list[tuple[str, int, str]] | None
) -> _Scan:
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


def _open(handle: IO[bytes], data_only: bool) -> Any:
    """An openpyxl read-only workbook on `handle` (a file object: no check of its suffix)."""
    handle.seek(0)
    try:
        return load_workbook(handle, read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged or hostile file
        raise _LibraryError("", exc) from None


def _guarded(rows: Iterator[Any], title: str) -> Iterator[Any]:
    """`rows` with any failure of the library turned into `_LibraryError` naming the sheet."""
    try:
        yield from rows
    except Exception as exc:
        raise _LibraryError(f"sheet {title!r}", exc) from None


def _describe(failure: _LibraryError, handle: IO[bytes]) -> str:
    error: BaseException = failure.error
    while error.__cause__ is not None:  # openpyxl wraps what went wrong on opening
        error = error.__cause__
    where = failure.where
    detail = f"{type(error).__name__}: {error}"
    if isinstance(error, DefusedXmlException):
        where = where or _member_containing(handle, b"<!DOCTYPE") or "a part"
        return (
            f"{where} contains a DTD with entity declarations or external references, "
            "which a workbook never needs; refused for safety"
        )
    member = _damaged_member(handle)
    if member is not None:
        return f"corrupted workbook in {member} ({error})"
    if isinstance(error, SyntaxError):  # xml.etree ParseError
        return f"corrupted workbook: {where or 'a part'} is not well-formed XML ({error})"
    return f"cannot be read as an Excel workbook{': ' + where if where else ''} ({detail})"


def _member_containing(handle: IO[bytes], text: bytes) -> str | None:
    """The first zip member holding `text` (to name the part in a message)."""
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            for info in archive.infolist():
                with archive.open(info) as member:
                    if text in member.read(1 << 16):
                        return info.filename
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        return None
    return None


def _damaged_member(handle: IO[bytes]) -> str | None:
    """The first zip member that fails to decompress or to match its checksum."""
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            for info in archive.infolist():
                try:
                    with archive.open(info) as member:
                        while member.read(1 << 20):
                            pass
                except (zipfile.BadZipFile, zlib.error, EOFError):
                    return info.filename
    except (zipfile.BadZipFile, OSError):
        return None
    return None


def _match_sheets(
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


def _refused(schema: SheetSchema, message: str) -> _Scan:
    """A sheet too large to be a planning table: one problem, and no table."""
    return _Scan(problems=[Problem(schema.name, None, None, None, message + TOO_LARGE_HINT)])


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
        return next(_guarded(rows, sheet.title), ())
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
    return _guarded(rows, sheet.title)


BEYOND_ROWS = f"has rows beyond row {EXCEL_MAX_ROWS:,}, Excel's last row"


def _scan_values(sheet: Any, schema: SheetSchema, epoch: Any) -> _Scan:
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
    scan = _Scan()
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


def _scan_cells(
    sheet: Any, schema: SheetSchema, formulas: set[tuple[int, int]], epoch: Any
) -> _Scan:
    """Second pass (`data_only=True`, cell objects): saved values, errors, no saved value.

    `formulas` holds every cell the first pass saw as possibly a formula; one that is empty
    here was never calculated, unless its type says its saved value is the empty text.
    """
    header = _header_row(sheet, values_only=False)
    beyond = _beyond_columns(header, values_only=False)
    if beyond:
        return _refused(schema, beyond)
    scan = _Scan()
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
    scan: _Scan,
    schema: SheetSchema,
    title: str,
    positions: dict[int, str],
    data: list[RawRow],
    last_row: int,
) -> _Scan:
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

"""A small streaming reader for .xlsx worksheets: cell values, formulas and saved values.

Why not openpyxl: with defusedxml installed, openpyxl parses through a pure-Python XML parser
(about 15 µs an element) and its read-only mode scans a sheet twice when the sheet has no
`<dimension>`; reading formulas and their saved values takes a second pass over the file. A
100,000-row Freight sheet took about 19 s. Here expat (C) streams each sheet once, with Python
handlers only for what a cell needs, and yields both a formula's presence and its saved value.

Safety (what defusedxml guards against): a part with a DTD is refused, so no entity can be
declared (no entity expansion, no external entities). Rows and columns beyond Excel's limits
are refused as they are met; `planner.io.read_workbook` checks the unpacked size first.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
CHUNK = 1 << 20
DIGITS = "0123456789"

REL_NS = (  # the r:id of a <sheet>, transitional and Strict OOXML
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)

# Cell states carried with each value.
VALUE = 0  # a typed value, or a formula with its saved value
NO_SAVED_VALUE = 1  # a formula that was never calculated (value is None)
EXCEL_ERROR = 2  # the cell holds an Excel error such as #N/A (value is its text)

Cell = tuple[int, Any, int]  # (1-based column, value, state)
Row = tuple[int, list[Cell]]  # (Excel row number, cells in column order)


class XlsxError(Exception):
    """The file is not a readable .xlsx workbook; the message says why, for an analyst."""


class TooLargeError(XlsxError):
    """A sheet claims more rows or columns than Excel allows."""


@dataclass(frozen=True)
class SheetRef:
    title: str
    part: str  # zip member name


def _parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
    namespaces: bool = False,
) -> Any:
    """An expat parser with these handlers that refuses any DTD (so any entity declaration)."""
    parser = expat.ParserCreate(namespace_separator=" " if namespaces else None)
    parser.buffer_text = True

    def refuse_dtd(*_: object) -> None:
        raise XlsxError("contains a DTD (document type declaration), which a workbook never "
                        "needs; refused for safety")

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _elements(data: bytes) -> list[tuple[str, dict[str, str]]]:
    """(local name, attributes) of every element of a small part, in document order.

    Namespaces are resolved (attribute names read `uri name`) so that `r:id` is found
    whatever its prefix.
    """
    found: list[tuple[str, dict[str, str]]] = []
    parser = _parser(lambda name, attrs: found.append((name, attrs)), namespaces=True)
    parser.Parse(data, True)
    return [(name.rpartition(" ")[2], attrs) for name, attrs in found]


@lru_cache(maxsize=4096)
def column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index


def _local_name(name: str) -> str:
    """`x:c` -> `c`: sheets are parsed without namespace processing, for speed."""
    return name.rpartition(":")[2]


def _shared_string_parser(strings: list[str]) -> Any:
    """Collects `<si>` texts; phonetic runs (`<rPh>`, Japanese readings) are not part of it."""
    parts: list[str] = []
    in_text = False
    phonetic = 0

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal in_text, phonetic
        local = _local_name(name)
        if local == "t" and not phonetic:
            in_text = True
        elif local == "rPh":
            phonetic += 1

    def end(name: str) -> None:
        nonlocal in_text, phonetic
        local = _local_name(name)
        if local == "t":
            in_text = False
        elif local == "rPh":
            phonetic -= 1
        elif local == "si":
            strings.append("".join(parts))
            parts.clear()

    def text(data: str) -> None:
        if in_text:
            parts.append(data)

    return _parser(start, end, text)


def _sheet_parser(shared: list[str], rows: list[Row]) -> Any:
    """A parser that appends the rows of one worksheet's `<sheetData>` to `rows`.

    Closures over local state rather than methods, and the cell decoded inline: these run
    once per XML element of every sheet and are most of the reading time of a large workbook.
    """
    row_number = column = phonetic = 0
    cells: list[Cell] = []
    kind: str | None = None
    formula = has_value = capture = False
    text = ""
    columns: dict[str, int] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal column, kind, formula, has_value, capture, phonetic, text
        if name == "c":
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip(DIGITS)
                column = columns.get(letters) or columns.setdefault(letters,
                                                                    column_index(letters))
            else:
                column += 1
            kind = attrs.get("t")
            formula = has_value = False
            text = ""
        elif name == "v":
            capture = has_value = True
        elif name == "t":
            capture = not phonetic
            has_value = True
        elif name == "row":
            start_row(attrs.get("r"))
        elif name == "f":
            formula = True
        elif name == "rPh":
            phonetic += 1
        elif name == "dimension":
            check_dimension(attrs.get("ref", ""))
        elif ":" in name:
            start(_local_name(name), attrs)

    def start_row(ref: str | None) -> None:
        nonlocal row_number, cells, column
        row_number = int(ref) if ref else row_number + 1
        if row_number > EXCEL_MAX_ROWS:
            raise TooLargeError(f"has a row numbered {row_number:,}, beyond Excel's "
                                f"{EXCEL_MAX_ROWS:,} rows")
        cells = []
        column = 0

    def end(name: str) -> None:
        nonlocal capture, phonetic
        if name == "v" or name == "t":
            capture = False
        elif name == "c":
            if column > EXCEL_MAX_COLUMNS:
                raise TooLargeError(f"has a cell in column {column:,}, beyond Excel's "
                                    f"{EXCEL_MAX_COLUMNS:,} columns")
            if not has_value:
                if formula:
                    cells.append((column, None, NO_SAVED_VALUE))
            elif kind is None or kind == "n":
                if text:
                    cells.append((column, float(text), VALUE))
                elif formula:  # `<v/>`: what openpyxl writes for a formula it cannot compute
                    cells.append((column, None, NO_SAVED_VALUE))
            elif kind == "s":
                cells.append((column, shared[int(text)], VALUE))
            elif kind == "e":
                cells.append((column, text, EXCEL_ERROR))
            elif kind == "b":
                cells.append((column, text.strip() in ("1", "true"), VALUE))
            elif text:  # str, inlineStr, d (an ISO date, kept as text)
                cells.append((column, text, VALUE))
        elif name == "row":
            if cells:
                rows.append((row_number, cells))
        elif name == "rPh":
            phonetic -= 1
        elif ":" in name:
            end(_local_name(name))

    def on_text(data: str) -> None:
        nonlocal text
        if capture:
            text += data

    return _parser(start, end, on_text)


def check_dimension(ref: str) -> None:
    """`<dimension ref="A1:C5000000"/>`: refuse a sheet claiming more rows than Excel has."""
    last = ref.rpartition(":")[2].replace("$", "").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if last.isdigit() and int(last) > EXCEL_MAX_ROWS:
        raise TooLargeError(f"claims {int(last):,} rows, more than Excel's {EXCEL_MAX_ROWS:,}")


class XlsxBook:
    """An open .xlsx container: sheet titles, and a row stream per sheet."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise XlsxError(f"corrupted workbook ({exc})") from None
        self._names = {name.lower(): name for name in self._zip.namelist()}
        self.sheets: list[SheetRef] = []
        self._shared: list[str] | None = None
        self._shared_part: str | None = None
        self._guard(self._load_structure)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> XlsxBook:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _guard(self, action: Any, part: str = "") -> Any:
        try:
            return action()
        except XlsxError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, ValueError,
                expat.ExpatError, OSError) as exc:
            where = f" in {part}" if part else ""
            raise XlsxError(f"corrupted workbook{where} ({type(exc).__name__}: {exc})") from None

    def _member(self, name: str) -> str | None:
        return self._names.get(name.lstrip("/").lower())

    def _read(self, name: str) -> bytes:
        member = self._member(name)
        if member is None:
            raise XlsxError(f"not an Excel workbook: the part {name} is missing")
        return self._zip.read(member)

    def _relationships(self, part: str) -> list[dict[str, str]]:
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if self._member(rels) is None:
            return []
        return [attrs for local, attrs in _elements(self._read(rels)) if local == "Relationship"]

    def _load_structure(self) -> None:
        workbook = self._workbook_part()
        targets: dict[str, tuple[str, str]] = {}
        for rel in self._relationships(workbook):
            target = rel.get("Target", "")
            resolved = (target.lstrip("/") if target.startswith("/")
                        else posixpath.normpath(posixpath.join(posixpath.dirname(workbook),
                                                               target)))
            targets[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
            if rel.get("Type", "").endswith("/sharedStrings"):
                self._shared_part = resolved
        for local, attrs in _elements(self._read(workbook)):
            if local != "sheet":
                continue
            rel_id = next((attrs[f"{ns} id"] for ns in REL_NS if f"{ns} id" in attrs), "")
            kind, part = targets.get(rel_id, ("", ""))
            if kind.endswith("/worksheet") and self._member(part):
                self.sheets.append(SheetRef(attrs.get("name", ""), part))

    def _workbook_part(self) -> str:
        for rel in self._relationships("/"):
            if rel.get("Type", "").endswith("/officeDocument"):
                target = rel.get("Target", "").lstrip("/")
                if target.lower().endswith(".bin"):
                    raise XlsxError("a binary workbook (.xlsb); save it as .xlsx")
                return target
        if self._member("xl/workbook.xml"):
            return "xl/workbook.xml"
        raise XlsxError("not an Excel workbook (no workbook part; is it another Office file "
                        "renamed?)")

    def _shared_strings(self) -> list[str]:
        if self._shared is None:
            member = self._member(self._shared_part) if self._shared_part else None
            self._shared = [] if member is None else self._guard(
                lambda: self._parse_shared(member), member)
        return self._shared

    def _parse_shared(self, member: str) -> list[str]:
        strings: list[str] = []
        parser = _shared_string_parser(strings)
        with self._zip.open(member) as stream:
            while not _feed(parser, stream):
                pass
        return strings

    def rows(self, sheet: SheetRef) -> Iterator[Row]:
        """Rows holding at least one cell, in order; streamed, a chunk of the file at a time."""
        rows: list[Row] = []
        parser = _sheet_parser(self._shared_strings(), rows)
        member = self._member(sheet.part) or sheet.part
        stream = self._guard(lambda: self._zip.open(member), sheet.part)
        with stream:
            final = False
            while not final:
                final = self._guard(lambda: _feed(parser, stream), sheet.part)
                yield from rows
                rows.clear()


def _feed(parser: Any, stream: IO[bytes]) -> bool:
    """Parse the next chunk of `stream`; True once the end was parsed."""
    chunk = stream.read(CHUNK)
    parser.Parse(chunk, not chunk)
    return not chunk


@lru_cache(maxsize=4096)
def column_letter(index: int) -> str:
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters

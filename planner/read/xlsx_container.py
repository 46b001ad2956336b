"""The .xlsx file as a zip container: what is checked before openpyxl is trusted with it.

A file that is not a workbook (missing, empty, a folder, a legacy or password-protected file,
a CSV renamed, a damaged zip, a binary .xlsb), or one that would unpack into gigabytes or hold
millions of shared strings, is refused here with a message for an analyst (`Unreadable`). A
failure inside openpyxl becomes `LibraryError` and `describe_failure` names the damaged or
hostile part. Chart sheets are found from the workbook part, and number cells whose stored
text openpyxl cannot read are blanked in a copy (`without_bad_numbers`) so the rest still reads.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from defusedxml import DefusedXmlException
from openpyxl import load_workbook

MAX_UNCOMPRESSED_BYTES = 1 << 30  # a real planning case is a few MB; more is a zip bomb
MAX_SHARED_STRINGS = 1_000_000  # distinct texts: ids, names, codes; a real case has far fewer
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx or legacy .xls
ZIP_SIGNATURE = b"PK\x03\x04"
TOO_LARGE_HINT = "; refused (is something filled down to the bottom of the sheet?)"


class Unreadable(Exception):
    """The file is not a readable .xlsx workbook; the message says why, for an analyst."""


class LibraryError(Exception):
    """openpyxl (or the zip or XML layer under it) failed; `where` names the sheet if known."""

    def __init__(self, where: str, error: Exception) -> None:
        super().__init__(where, error)
        self.where = where
        self.error = error


def check_container(path: Path) -> None:
    if not path.exists():
        raise Unreadable("no such file")
    if path.is_dir():
        raise Unreadable("is a folder, not a workbook")
    if path.stat().st_size == 0:
        raise Unreadable("the file is empty (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_SIGNATURE:
        raise Unreadable(
            "a password-protected workbook or a legacy .xls file; save it as an "
            ".xlsx workbook without a password"
        )
    if not zipfile.is_zipfile(path):
        if head.startswith(ZIP_SIGNATURE):
            raise Unreadable("corrupted workbook (the zip container is damaged or truncated)")
        raise Unreadable("not an .xlsx workbook (is it a CSV or another file renamed?)")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise Unreadable(f"corrupted workbook ({exc})") from None
    names = {info.filename.lower() for info in infos}
    if "xl/workbook.bin" in names:
        raise Unreadable("a binary workbook (.xlsb); save it as .xlsx")
    if "[content_types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
        raise Unreadable(
            "not an Excel workbook (no workbook part; is it another Office file renamed?)"
        )
    _check_shared_strings(path, infos)
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise Unreadable(
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
                raise Unreadable(
                    f"{part.filename} holds more than {MAX_SHARED_STRINGS:,} shared strings, "
                    "far more than a planning case needs" + TOO_LARGE_HINT
                )


def chart_sheets(handle: IO[bytes]) -> list[str]:
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


BadNumbers = dict[str, list[tuple[str, int, str]]]  # sheet part -> (letter, row, stored text)


NUMBER_CELL = re.compile(
    rb'<(?:\w+:)?c\b(?=[^>]*\br="([A-Z]+)(\d+)")(?![^>]*\bt="(?!n")[^"]*")[^>]*(?<!/)>'
    rb"(?:(?!</(?:\w+:)?c>|<(?:\w+:)?c\b).)*?(<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>)",
    re.S,
)


def without_bad_numbers(handle: IO[bytes]) -> tuple[IO[bytes], BadNumbers]:
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


def open_book(handle: IO[bytes], data_only: bool) -> Any:
    """An openpyxl read-only workbook on `handle` (a file object: no check of its suffix)."""
    handle.seek(0)
    try:
        return load_workbook(handle, read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged or hostile file
        raise LibraryError("", exc) from None


def guarded(rows: Iterator[Any], title: str) -> Iterator[Any]:
    """`rows` with any failure of the library turned into `LibraryError` naming the sheet."""
    try:
        yield from rows
    except Exception as exc:
        raise LibraryError(f"sheet {title!r}", exc) from None


def describe_failure(failure: LibraryError, handle: IO[bytes]) -> str:
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

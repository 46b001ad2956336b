"""The raw tables a workbook reads into, before any typing: rows that remember their cells.

`RawWorkbook` holds one `RawSheet` per known sheet, each a tuple of `RawRow`s keyed by the
schema's column names, with the column letters to name cells in messages. `ExcelDate` is a
number Excel showed as a date; `canonical` and `as_text` are how names and ids are compared
and written; the file's SHA-256 identifies the input in every output.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from planner.contract.errors import Problem


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


def handle_sha256(handle: IO[bytes]) -> str:
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

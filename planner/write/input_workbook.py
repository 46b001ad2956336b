"""The one writer of input workbooks (samples, benchmark cases, OR-Library conversions, tests).

A sheet is given either as rows of dicts (column -> value) or as a header with rows of values.
For dicts the header is the sheet's columns in schema order (every column of a sheet the schema
knows), then any other keys in the order they first appear; a `None` row is an empty row.
The bytes are reproducible: the same sheets give the same file (fixed timestamps).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from planner.contract.schema import SHEETS_BY_NAME
from planner.write.reproducible_xlsx import STAMP, reproducible_bytes

Value = Any  # a cell: str | int | float | bool | None (tests also pass dates)
DictRows = Sequence[Mapping[str, Value] | None]
Table = tuple[Sequence[str], Sequence[Sequence[Value]]]
SheetData = DictRows | Table


def header_of(sheet: str, rows: DictRows, extra: Iterable[str] = ()) -> list[str]:
    """The schema's columns of `sheet` (none if unknown), the rows' other keys, `extra`."""
    schema = SHEETS_BY_NAME.get(sheet)
    header = list(schema.column_names) if schema else []
    for row in rows:
        header.extend(k for k in row or () if k not in header)
    return header + [h for h in extra if h not in header]


def table_of(
    sheet: str, rows: DictRows, extra: Iterable[str] = ()
) -> tuple[list[str], list[list[Value]]]:
    """Dict rows as a header and rows of values (a missing key is an empty cell)."""
    header = header_of(sheet, rows, extra)
    return header, [[row.get(h) if row else None for h in header] for row in rows]


def _as_table(sheet: str, data: SheetData) -> Table:
    if isinstance(data, tuple):
        return data
    return table_of(sheet, data)


def input_workbook_bytes(
    sheets: Mapping[str, SheetData],
    *,
    creator: str | None = None,
    title: str | None = None,
    write_only: bool = False,
    styled_header: bool = False,
    formulas: bool = False,
    stamp: dt.datetime = STAMP,
) -> bytes:
    """The workbook's bytes, sheets in the given order.

    `write_only` streams the rows (for big cases; no styling then); `styled_header` makes the
    header bold and frozen; text starting with "=" is refused unless `formulas` (openpyxl would
    store it as a formula).
    """
    if write_only and styled_header:
        raise ValueError("a write-only workbook cannot style its header")
    book = Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    for name, data in sheets.items():
        header, rows = _as_table(name, data)
        sheet = book.create_sheet(name)
        sheet.append(list(header))
        for row in rows:
            if not formulas and any(isinstance(v, str) and v.startswith("=") for v in row):
                raise ValueError(f"text would be written as a formula: {row!r}")
            sheet.append(list(row))
        if styled_header:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
    if creator is not None:
        book.properties.creator = creator
    if title is not None:
        book.properties.title = title
    return reproducible_bytes(book, stamp)


def write_atomic(out_path: Path, data: bytes) -> Path:
    """Write `data` to `out_path` (parents made) through a temp file and a rename."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=".tmp-", suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out_path


def write_input_workbook(out_path: Path, sheets: Mapping[str, SheetData], **options: Any) -> Path:
    """Write `input_workbook_bytes(sheets, **options)` to `out_path` atomically."""
    return write_atomic(out_path, input_workbook_bytes(sheets, **options))

"""XlsxWriter plumbing shared by the result workbooks: formats, typed columns, tables.

Every text cell goes through `write_string` (and the workbook is opened with the string
conversions off), so a plant named `=HYPERLINK(...)`, `+1`, `@x` or `-x` stays text. Numbers
that are not finite become blanks. No formula is ever written.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
}
TABLE_STYLE = "Table Style Light 9"
MAX_TEXT_WIDTH = 48
HEADER_PADDING = 4  # room for the table's filter button
Cell = str | float | int | bool | None
R = TypeVar("R")


class Kind(StrEnum):
    TEXT = "text"
    YEAR = "year"
    COUNT = "count"  # whole numbers: options, rows
    UNITS = "units"  # vehicles
    MONEY = "money"  # whole dollars
    CENTS = "cents"  # dollars and cents (per-unit figures)
    PERCENT = "percent"
    GAP = "gap"  # a MIP gap: small percentages
    FACTOR = "factor"  # discount factors and weights
    MPG = "mpg"
    SECONDS = "seconds"
    FLAG = "flag"  # bool -> yes / no


NUMBER_FORMATS = {
    Kind.YEAR: "0",
    Kind.COUNT: "#,##0",
    Kind.UNITS: "#,##0",
    Kind.MONEY: '"$"#,##0;[Red]-"$"#,##0',
    Kind.CENTS: '"$"#,##0.00;[Red]-"$"#,##0.00',
    Kind.PERCENT: "0.0%",
    Kind.GAP: "0.000%",
    Kind.FACTOR: "0.0000",
    Kind.MPG: "0.00",
    Kind.SECONDS: "0.00",
}


@dataclass(frozen=True)
class Formats:
    """The formats of one workbook (XlsxWriter formats belong to the workbook that made them)."""

    by_kind: dict[Kind, Format]
    by_kind_bold: dict[Kind, Format]
    by_kind_left: dict[Kind, Format]  # metric/value rows: values under each other
    header: Format
    title: Format
    section: Format
    note: Format
    paragraph: Format

    def cell(self, kind: Kind, bold: bool = False) -> Format:
        return (self.by_kind_bold if bold else self.by_kind)[kind]


def open_workbook(path: Path) -> Workbook:
    return xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)


def make_formats(book: Workbook) -> Formats:
    def kinds(bold: bool, left: bool = False) -> dict[Kind, Format]:
        made = {}
        for kind in Kind:
            spec: dict[str, Any] = {"bold": bold, "valign": "top"}
            if left or kind is Kind.YEAR:
                spec["align"] = "left"
            if kind is Kind.YEAR and not left:
                spec["indent"] = 1
            if kind in NUMBER_FORMATS:
                spec["num_format"] = NUMBER_FORMATS[kind]
            made[kind] = book.add_format(spec)
        return made

    return Formats(
        by_kind=kinds(False),
        by_kind_bold=kinds(True),
        by_kind_left=kinds(False, left=True),
        header=book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "valign": "top"}),
        title=book.add_format({"bold": True, "font_size": 14}),
        section=book.add_format({"bold": True, "font_size": 11, "font_color": "#1F4E78"}),
        note=book.add_format({"italic": True, "font_color": "#595959", "valign": "top"}),
        paragraph=book.add_format(
            {"text_wrap": True, "valign": "top", "border": 1, "bg_color": "#F2F2F2"}
        ),
    )


def write_cell(sheet: Worksheet, row: int, col: int, value: Cell, fmt: Format | None) -> None:
    """Write one typed value: text as a string, numbers as numbers, anything else blank."""
    if isinstance(value, bool):
        sheet.write_string(row, col, "yes" if value else "no", fmt)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        sheet.write_number(row, col, float(value) + 0.0, fmt)  # + 0.0: no "-0"
    else:
        sheet.write_blank(row, col, None, fmt)


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a result table: header, how to show it, and how to get it from a row."""

    header: str
    kind: Kind
    value: Callable[[R], Cell]
    width: float | None = None  # None: fitted to the header and the values
    kind_of: Callable[[R], Kind] | None = None  # a per-row format (e.g. a policy's own unit)


@dataclass(frozen=True)
class Placed:
    """Where a written table sits: its header row and its first and last data rows."""

    header_row: int
    first_row: int
    last_row: int  # == header_row when the table is empty
    first_col: int
    last_col: int
    widths: tuple[float, ...] = ()  # the column widths set


def write_table(
    sheet: Worksheet,
    formats: Formats,
    top: int,
    left: int,
    columns: Sequence[Column[R]],
    rows: Iterable[R],
    name: str | None,
    set_widths: bool = True,
) -> Placed:
    """Header and rows at (top, left); an Excel table named `name` when given. Columns
    without a fixed width are fitted to their header and their widest value."""
    text = [len(c.header) + HEADER_PADDING - 2 for c in columns]  # longest text per column
    largest: list[dict[Kind, float]] = [{} for _ in columns]  # largest |number| per kind
    row = top
    for row, item in enumerate(rows, start=top + 1):
        for index, column in enumerate(columns):
            value = column.value(item)
            kind = column.kind_of(item) if column.kind_of else column.kind
            write_cell(sheet, row, left + index, value, formats.cell(kind))
            if isinstance(value, str):
                if len(value) > text[index]:
                    text[index] = len(value)
            elif value is not None and not isinstance(value, bool):
                size = abs(value)
                if size > largest[index].get(kind, -1.0):
                    largest[index][kind] = size
    widths = tuple(
        column.width
        or max(
            [
                min(text[i] + 2, MAX_TEXT_WIDTH),
                *(display_width(k, v) for k, v in largest[i].items()),
            ]
        )
        for i, column in enumerate(columns)
    )
    placed = Placed(top, top + 1, row, left, left + len(columns) - 1, widths)
    _headers(sheet, formats, placed, columns, name)
    if set_widths:
        for index, width in enumerate(widths):
            sheet.set_column(left + index, left + index, width)
    return placed


def display_width(kind: Kind, value: Cell) -> float:
    """About how many characters a value takes in its number format."""
    if isinstance(value, str | bool):
        return min(len(str(value)) + 2, MAX_TEXT_WIDTH)
    assert value is not None
    size = abs(value)
    if not math.isfinite(size):
        return 0
    if kind in (Kind.PERCENT, Kind.GAP, Kind.YEAR, Kind.FACTOR):
        return 8
    if kind in (Kind.MONEY, Kind.CENTS, Kind.UNITS, Kind.COUNT):
        digits = len(f"{size:,.0f}") + (3 if kind is Kind.CENTS else 0)
        return digits + (3 if kind in (Kind.MONEY, Kind.CENTS) else 2)
    return len(f"{size:,.2f}") + 2


def _headers(
    sheet: Worksheet,
    formats: Formats,
    placed: Placed,
    columns: Sequence[Column[R]],
    name: str | None,
) -> None:
    if name is None:
        for index, column in enumerate(columns):
            sheet.write_string(
                placed.header_row, placed.first_col + index, column.header, formats.header
            )
        return
    # An Excel table needs one data row; an empty one gets a blank row.
    last = max(placed.last_row, placed.header_row + 1)
    sheet.add_table(
        placed.header_row,
        placed.first_col,
        last,
        placed.last_col,
        {
            "name": name,
            "style": TABLE_STYLE,
            "columns": [{"header": c.header, "header_format": formats.header} for c in columns],
        },
    )


@dataclass(frozen=True)
class Pair:
    """One metric/value row."""

    label: str
    value: Cell
    kind: Kind = Kind.TEXT
    note: str = ""


def write_pairs(
    sheet: Worksheet,
    formats: Formats,
    top: int,
    left: int,
    pairs: Sequence[Pair],
    headers: tuple[str, str, str] | None = None,
) -> int:
    """Metric/value(/note) rows; returns the next free row."""
    row = top
    if headers is not None:
        for index, header in enumerate(headers):
            sheet.write_string(row, left + index, header, formats.header)
        row += 1
    for pair in pairs:
        sheet.write_string(row, left, pair.label, formats.cell(Kind.TEXT, bold=True))
        write_cell(sheet, row, left + 1, pair.value, formats.by_kind_left[pair.kind])
        if pair.note and pair.value is not None:
            sheet.write_string(row, left + 2, pair.note, formats.note)
        row += 1
    return row


# Characters of column width a landscape Letter page holds at a scale still read without a
# loupe (about 75 %); a wider table is printed over several pages across, not shrunk.
PAGE_WIDTH_CHARS = 170


def setup_print(
    sheet: Worksheet,
    repeat_row: int | None = None,
    landscape: bool = True,
    width_chars: float = 0.0,
) -> None:
    """Letter paper, as many pages wide as the table needs to stay legible (one for most), the
    header row on every page, sheet name in the footer."""
    if landscape:
        sheet.set_landscape()
    sheet.set_paper(1)
    sheet.fit_to_pages(pages_across(width_chars), 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.set_footer("&L&A&RPage &P of &N")
    if repeat_row is not None:
        sheet.repeat_rows(repeat_row)


def pages_across(width_chars: float) -> int:
    return max(1, math.ceil(width_chars / PAGE_WIDTH_CHARS))


def finish_sheet(sheet: Worksheet, placed: Placed) -> None:
    """Freeze the header row and set up printing for a sheet that is one table."""
    sheet.freeze_panes(placed.header_row + 1, 0)
    setup_print(sheet, placed.header_row, width_chars=sum(placed.widths))

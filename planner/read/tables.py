"""Typed tables: raw cells coerced by the schema, with provenance kept for every value.

A `Record` is one data row of a sheet. Scenario changes edit records (and note which change
row touched which column) before the validator and the case builder see them.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from planner.contract.errors import Problem
from planner.contract.schema import (
    SETTINGS_BY_KEY,
    SHEETS_BY_NAME,
    Column,
    Kind,
    SettingSpec,
    fmt_number,
    limit_text,
)
from planner.read.raw_workbook import ExcelDate, RawSheet, RawWorkbook, as_text

THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
# Columns of counts and money: there `12,500` is 12500, never 12.5 written with a decimal comma.
LARGE_UNITS = frozenset({"units", "units/year", "$", "$/unit", "$/year"})


@dataclass(slots=True)
class Record:
    sheet: str
    row: int
    values: dict[str, Any]
    letters: dict[str, str]
    changed_by: dict[str, Record] = field(default_factory=dict)  # column -> change row
    bad: set[str] = field(default_factory=set)  # columns whose cell was reported as a problem

    def get(self, column: str) -> Any:
        return self.values.get(column)

    def problem(self, column: str | None, message: str) -> Problem:
        letter = self.letters.get(column) if column else None
        change = self.changed_by.get(column) if column else None
        if change is not None:
            message = (
                f"{message} (after {change.sheet} row {change.row}, scenario "
                f"{change.values.get('scenario_id')})"
            )
        return Problem(self.sheet, self.row, letter, column, message)

    def copy(self) -> Record:
        return Record(
            self.sheet,
            self.row,
            dict(self.values),
            self.letters,
            dict(self.changed_by),
            set(self.bad),
        )


Tables = dict[str, list[Record]]


class CoercionError(ValueError):
    pass


def coerce(value: Any, kind: Kind, large: bool = False) -> Any:
    """Read one cleaned cell as `kind`; None stays None. Raises CoercionError with the reason.

    `large`: the column holds counts or money, where `12,500` can only mean 12500.
    """
    if value is None:
        return None
    if kind in (Kind.TEXT, Kind.SELECTOR):
        text = as_text(value)
        if kind is Kind.SELECTOR:
            return tuple(token.strip() for token in text.split(";") if token.strip())
        return text
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise CoercionError(f"must be a number, got {value!r}")
    number = _as_number(value, large)
    if kind is Kind.INT:
        if number != int(number):
            raise CoercionError(f"must be a whole number, got {_show(value)}")
        return int(number)
    return number


def _as_number(value: int | float | str, large: bool = False) -> float:
    if isinstance(value, str):
        text = value.strip()
        if THOUSANDS.fullmatch(text):  # 1,000 but never 0,08 (a decimal comma)
            _check_grouping(text, large)
            text = text.replace(",", "")
        try:
            number = float(text) if _looks_numeric(text) else math.nan
        except ValueError:
            number = math.nan
        if math.isnan(number):
            raise CoercionError(f"must be a number, got {value!r}")
    else:
        number = float(value)
    if not math.isfinite(number):
        raise CoercionError(f"must be a finite number, got {_show(value)}")
    return number


def _check_grouping(text: str, large: bool) -> None:
    """Thousands separators are read only where they cannot be a decimal comma.

    `1,150,000` (two groups) and `1,150.5` (a decimal point too) are unambiguous; `1,150`
    alone may be 1.150 written with a decimal comma, and is read as 1150 only in a column of
    counts or money.
    """
    if text.count(",") > 1 or "." in text or large:
        return
    raise CoercionError(
        f"got {text!r}, which is ambiguous: {text.replace(',', '')} with a thousands "
        f"separator or {text.replace(',', '.')} with a decimal comma; type the number "
        "without separators"
    )


def grouping_warning(value: Any) -> str | None:
    """The warning for a number read from text with thousands separators, or None."""
    if isinstance(value, str) and "," in value:
        return f"read the text {value!r} as a number with thousands separators"
    return None


class DateText(str):
    """A date read into a text column (a Settings value, say), remembering the date shown."""

    shown: str

    def __new__(cls, text: str, shown: str) -> DateText:
        self = super().__new__(cls, text)
        self.shown = shown
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (DateText, (str(self), self.shown))


def _text(value: Any) -> str:
    text = as_text(value)
    return DateText(text, value.shown) if isinstance(value, ExcelDate) else text


def _date_note(exc: CoercionError, value: Any) -> CoercionError:
    """The error, saying that the cell holds a date when it does (Excel stores a serial)."""
    if isinstance(value, (ExcelDate, DateText)):
        return CoercionError(
            f"{exc}: the cell holds the date {value.shown}, which Excel stores as the day "
            f"number {fmt_number(float(value))}; type the number (e.g. a year as 2028) in a "
            "cell not formatted as a date"
        )
    return exc


def _looks_numeric(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and text.lower() not in ("nan", "inf", "-inf")


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else fmt_number(value)


def column_check(column: Column) -> Callable[[Any], Any]:
    """Range and allowed-value check of one typed cell: returns the value or raises."""
    allowed, bound = column.allowed, column.bound
    if allowed:

        def check_allowed(typed: Any) -> Any:
            match = _match_allowed(typed, allowed)
            if match is None:
                raise CoercionError(f"must be one of {', '.join(allowed)}, got {typed!r}")
            return match

        return check_allowed
    limit = column.limit
    if bound is not None or limit is not None:

        def check_bound(typed: Any) -> Any:
            if not isinstance(typed, (int, float)):
                return typed
            message = bound.violation(typed) if bound is not None else None
            if message is None and limit is not None and abs(typed) > limit:
                message = (
                    f"must be at most {limit_text(limit)} in size, got {fmt_number(typed)} "
                    "(larger numbers make the solver's arithmetic inexact)"
                )
            if message:
                raise CoercionError(message)
            return typed

        return check_bound
    return lambda typed: typed


def column_reader(column: Column) -> Callable[[Any], Any]:
    """Coerce one non-empty cleaned cell of `column` and check it; raises CoercionError."""
    check = column_check(column)
    kind = column.kind
    large = column.unit in LARGE_UNITS
    if kind is Kind.TEXT and not column.allowed:
        return lambda value: value if type(value) is str else _text(value)

    fast = kind is Kind.FLOAT

    def read(value: Any) -> Any:
        try:
            if fast and type(value) is float and math.isfinite(value):
                return check(value)
            return check(coerce(value, kind, large))
        except CoercionError as exc:
            raise _date_note(exc, value) from None

    return read


def coerce_sheet(
    raw: RawSheet, problems: list[Problem], warnings: list[Problem] | None = None
) -> list[Record]:
    """Typed records; a cell reported as a problem is None and listed in `Record.bad`."""
    schema = SHEETS_BY_NAME[raw.name]
    readers = [
        (c.name, column_reader(c), c.required and c.name in raw.letters, c.default)
        for c in schema.columns
    ]
    records = []
    for raw_row in raw.rows:
        cells = raw_row.values
        record = Record(raw.name, raw_row.row, {}, raw.letters, bad=set(raw_row.unreadable))
        values = record.values
        for name, read, required, default in readers:
            value = cells.get(name)
            if value is None:
                if required and name not in raw_row.unreadable:
                    problems.append(record.problem(name, "required value is empty"))
                values[name] = default
                continue
            try:
                values[name] = read(value)
            except CoercionError as exc:
                problems.append(record.problem(name, str(exc)))
                record.bad.add(name)
                values[name] = None
                continue
            if warnings is not None and value.__class__ is str and "," in value:
                note = grouping_warning(value) if isinstance(values[name], (int, float)) else None
                if note:
                    warnings.append(record.problem(name, note))
        records.append(record)
    return records


def check_column_value(record: Record, column: Column, typed: Any, problems: list[Problem]) -> Any:
    """Range and allowed-value checks of one typed cell; returns the value (None if bad)."""
    if typed is None:
        return None
    try:
        return column_check(column)(typed)
    except CoercionError as exc:
        problems.append(record.problem(column.name, str(exc)))
        record.bad.add(column.name)
        return None


def _match_allowed(value: Any, allowed: tuple[str, ...]) -> str | None:
    text = as_text(value)
    for option in allowed:
        if option.lower() == text.lower():
            return option
    return None


def coerce_settings(records: list[Record], problems: list[Problem]) -> dict[str, Any]:
    """Settings rows (key, value) into a dict of typed values with defaults filled."""
    settings: dict[str, Any] = {}
    for record in records:
        key = record.get("key")
        if key is None:
            continue
        spec = SETTINGS_BY_KEY.get(key.strip().lower())
        if spec is None:
            problems.append(record.problem("key", _unknown_setting(key)))
            continue
        settings[spec.key] = coerce_setting(record, spec, problems)
    for spec in SETTINGS_BY_KEY.values():
        if spec.key not in settings:
            if spec.required:
                problems.append(
                    Problem(
                        "Settings", None, None, "key", f"required setting {spec.key!r} is missing"
                    )
                )
            settings[spec.key] = spec.default
        elif settings[spec.key] is None and not spec.required:
            settings[spec.key] = spec.default
    return settings


def _unknown_setting(key: str) -> str:
    close = difflib.get_close_matches(key.strip().lower(), list(SETTINGS_BY_KEY), n=1)
    hint = f"; did you mean {close[0]}?" if close else f" (known: {', '.join(SETTINGS_BY_KEY)})"
    return f"unknown setting {key!r}{hint}"


def coerce_setting(record: Record, spec: SettingSpec, problems: list[Problem]) -> Any:
    value = record.get("value")
    if value is None:
        if spec.required:
            problems.append(record.problem("value", f"{spec.key} needs a value"))
        return None
    try:
        typed = coerce(value, spec.kind)
    except CoercionError as exc:
        problems.append(record.problem("value", f"{spec.key} {_date_note(exc, value)}"))
        return None
    if spec.allowed:
        match = _match_allowed(typed, spec.allowed)
        if match is None:
            problems.append(
                record.problem(
                    "value", f"{spec.key} must be one of {', '.join(spec.allowed)}, got {typed!r}"
                )
            )
        return match
    if spec.bound is not None and isinstance(typed, (int, float)):
        message = spec.bound.violation(typed)
        if message:
            problems.append(
                record.problem("value", f"{spec.key} {_date_note(CoercionError(message), value)}")
            )
            return None
    return typed


def coerce_workbook(
    workbook: RawWorkbook, problems: list[Problem], warnings: list[Problem] | None = None
) -> Tables:
    return {name: coerce_sheet(raw, problems, warnings) for name, raw in workbook.sheets.items()}

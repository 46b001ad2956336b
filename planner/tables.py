"""Typed tables: raw cells coerced by the schema, with provenance kept for every value.

A `Record` is one data row of a sheet. Scenario changes edit records (and note which change
row touched which column) before the validator and the case builder see them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from planner.errors import Problem
from planner.io.read_workbook import RawSheet, RawWorkbook
from planner.schema import SETTINGS_BY_KEY, SHEETS, Column, Kind, SettingSpec


@dataclass
class Record:
    sheet: str
    row: int
    values: dict[str, Any]
    letters: dict[str, str]
    changed_by: dict[str, str] = field(default_factory=dict)  # column -> change location

    def get(self, column: str) -> Any:
        return self.values.get(column)

    def problem(self, column: str | None, message: str) -> Problem:
        letter = self.letters.get(column) if column else None
        note = self.changed_by.get(column) if column else None
        if note:
            message = f"{message} (after {note})"
        return Problem(self.sheet, self.row, letter, column, message)


Tables = dict[str, list[Record]]


class CoercionError(ValueError):
    pass


def coerce(value: Any, kind: Kind) -> Any:
    """Read one cleaned cell as `kind`; None stays None. Raises CoercionError with the reason."""
    if value is None:
        return None
    if kind in (Kind.TEXT, Kind.SELECTOR):
        text = as_text(value)
        if kind is Kind.SELECTOR:
            return tuple(token.strip() for token in text.split(";") if token.strip())
        return text
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise CoercionError(f"must be a number, got {value!r}")
    number = _as_number(value)
    if kind is Kind.INT:
        if number != int(number):
            raise CoercionError(f"must be a whole number, got {_show(value)}")
        return int(number)
    return float(number)


def _as_number(value: int | float | str) -> float:
    if isinstance(value, str):
        try:
            number = float(value.replace(",", "")) if _looks_numeric(value) else math.nan
        except ValueError:
            number = math.nan
        if math.isnan(number):
            raise CoercionError(f"must be a number, got {value!r}")
    else:
        number = float(value)
    if not math.isfinite(number):
        raise CoercionError(f"must be a finite number, got {_show(value)}")
    return number


def _looks_numeric(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and text.lower() not in ("nan", "inf", "-inf")


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else f"{value:g}"


def as_text(value: Any) -> str:
    """IDs are text: 12 read as a number is `12`, not `12.0`; `007` typed as text stays."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def coerce_sheet(raw: RawSheet, problems: list[Problem]) -> list[Record]:
    schema = next(s for s in SHEETS if s.name == raw.name)
    records = []
    for raw_row in raw.rows:
        record = Record(raw.name, raw_row.row, {}, raw.letters)
        for column in schema.columns:
            record.values[column.name] = _coerce_cell(record, column, raw_row.values,
                                                      problems)
        records.append(record)
    return records


def _coerce_cell(
    record: Record, column: Column, cells: dict[str, Any], problems: list[Problem]
) -> Any:
    value = cells.get(column.name)
    if value is None:
        if column.required:
            problems.append(record.problem(column.name, "required value is empty"))
        return column.default
    try:
        typed = coerce(value, column.kind)
    except CoercionError as exc:
        problems.append(record.problem(column.name, str(exc)))
        return None
    return check_column_value(record, column, typed, problems)


def check_column_value(
    record: Record, column: Column, typed: Any, problems: list[Problem]
) -> Any:
    """Range and allowed-value checks of one typed cell; returns the value (None if bad)."""
    if typed is None:
        return None
    if column.allowed:
        match = _match_allowed(typed, column.allowed)
        if match is None:
            problems.append(record.problem(
                column.name, f"must be one of {', '.join(column.allowed)}, got {typed!r}"))
            return None
        return match
    if column.bound is not None and isinstance(typed, (int, float)):
        message = column.bound.violation(typed)
        if message:
            problems.append(record.problem(column.name, message))
            return None
    return typed


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
            problems.append(record.problem(
                "key", f"unknown setting {key!r} (known: {', '.join(SETTINGS_BY_KEY)})"))
            continue
        settings[spec.key] = coerce_setting(record, spec, problems)
    for spec in SETTINGS_BY_KEY.values():
        if spec.key not in settings:
            if spec.required:
                problems.append(Problem("Settings", None, None, "key",
                                        f"required setting {spec.key!r} is missing"))
            settings[spec.key] = spec.default
        elif settings[spec.key] is None and not spec.required:
            settings[spec.key] = spec.default
    return settings


def coerce_setting(record: Record, spec: SettingSpec, problems: list[Problem]) -> Any:
    value = record.get("value")
    if value is None:
        if spec.required:
            problems.append(record.problem("value", f"{spec.key} needs a value"))
        return None
    try:
        typed = coerce(value, spec.kind)
    except CoercionError as exc:
        problems.append(record.problem("value", f"{spec.key} {exc}"))
        return None
    if spec.allowed:
        match = _match_allowed(typed, spec.allowed)
        if match is None:
            problems.append(record.problem(
                "value", f"{spec.key} must be one of {', '.join(spec.allowed)}, got {typed!r}"))
        return match
    if spec.bound is not None and isinstance(typed, (int, float)):
        message = spec.bound.violation(typed)
        if message:
            problems.append(record.problem("value", f"{spec.key} {message}"))
            return None
    return typed


def coerce_workbook(workbook: RawWorkbook, problems: list[Problem]) -> Tables:
    return {name: coerce_sheet(raw, problems) for name, raw in workbook.sheets.items()}
